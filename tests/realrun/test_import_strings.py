"""UVI002 and UVI013 against real uvicorn: for each launch, the engine's verdict on an
import string is what uvicorn does with it (serves, or exits with the status the message names)."""

from __future__ import annotations

import pytest

from tests.conftest import apply_edits
from uvicorn_lsp.engine import import_resolution
from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.context import RuleContext
from uvicorn_lsp.engine.model import Severity
from uvicorn_lsp.engine.source import SourceFile
from uvicorn_lsp.engine.workspace import Workspace

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

MAIN = (
    APP_HEAD
    + """

class Box:
    app = app


def create_app():
    return app


if __name__ == "__main__":
    uvicorn.run({target!r}, port={port}{options})
"""
)
SCRIPT, MODULE = "python pkg/main.py", "python -m pkg.main"


def write_main(project, target: str, port: int, options: str = "") -> None:
    project.write("pkg/__init__.py")
    project.write("pkg/main.py", MAIN.format(target=target, port=port, options=options))


def verdicts(project) -> dict[str, bool]:
    """Launch command → whether the engine says the string may load with it."""
    path = project.root / "pkg/main.py"
    ctx = RuleContext(SourceFile(path.read_text(), path), Workspace(project.root), Settings())
    [started] = ctx.launches
    [string] = import_resolution.app_strings(ctx, started)
    if string.module is None:  # a format error fails with every launch
        return {SCRIPT: False, MODULE: False}
    return {resolution.search_path.launch.command: resolution.may_load for resolution in string.resolutions}


def launch(project, command: str, port: int, timeout: float = 20.0):
    return run_server(command.split()[1:], project.root, port, timeout=timeout)


@pytest.mark.parametrize(
    "target, expected",
    [
        ("main:app", {SCRIPT: True, MODULE: False}),
        ("pkg.main:app", {SCRIPT: False, MODULE: True}),
        ("pkg.main:Box.app", {SCRIPT: False, MODULE: True}),
        ("main:Box.apx", {SCRIPT: False, MODULE: False}),
        ("pkg.mian:app", {SCRIPT: False, MODULE: False}),
        ("main.app", {SCRIPT: False, MODULE: False}),
        ("pkg/main.py:app", {SCRIPT: False, MODULE: False}),  # a path: no folder listing holds `pkg/main`
    ],
)
def test_the_verdict_per_launch_is_what_uvicorn_does(project, target, expected):
    port = free_port()
    write_main(project, target, port)
    assert verdicts(project) == expected
    [*findings] = project.check("pkg/main.py", codes=("UVI002",))
    for command, loads in expected.items():
        outcome = launch(project, command, port)
        assert outcome.served is loads, (command, outcome.output)
        if not loads:
            # The finding names the exit status uvicorn really ends with.
            [finding] = findings
            assert outcome.exit_code not in (None, 0), outcome.output
            if all(not ok for ok in expected.values()):
                assert f"exit status {outcome.exit_code}" in finding.message, (finding.message, outcome.output)


def test_uvicorns_messages_are_the_ones_reported(project):
    port = free_port()
    write_main(project, "pkg.main:Box.apx", port)
    [finding] = project.check("pkg/main.py", codes=("UVI002",))
    outcome = launch(project, MODULE, port)
    assert 'Attribute "Box.apx" not found in module "pkg.main"' in finding.message
    assert 'Attribute "Box.apx" not found in module "pkg.main"' in outcome.output


def test_a_rejected_string_under_reload_never_serves(project):
    port = free_port()
    write_main(project, "pkg.main:ap", port, ", reload=True")
    [finding] = project.check("pkg/main.py", codes=("UVI002",))
    assert "the reloader keeps running and nothing is served" in finding.message
    outcome = launch(project, MODULE, port, timeout=8)
    assert not outcome.served and outcome.exit_code is None, outcome.output
    assert 'Attribute "ap" not found' in outcome.output


def test_a_rejected_string_with_workers_stops_with_status_0(project):
    """With `-m` each worker exits 3 (no attribute) and the parent stops, status 0; run as a script, each worker
    dies of ModuleNotFoundError (status 1) and the parent starts another, without end. The message says both."""
    port = free_port()
    write_main(project, "pkg.main:ap", port, ", workers=2")
    [finding] = project.check("pkg/main.py", codes=("UVI002",))
    assert "(stops, exit status 0; `python pkg/main.py`: workers restarted without end)" in finding.message
    outcome = launch(project, MODULE, port)
    assert (outcome.served, outcome.exit_code) == (False, 0), outcome.output
    assert "failed to start" in outcome.output
    as_script = launch(project, SCRIPT, port, timeout=6)
    assert not as_script.served and as_script.exit_code is None, as_script.output
    assert as_script.output.count("died") >= 2, as_script.output


def test_the_did_you_mean_fix_serves(project):
    port = free_port()
    write_main(project, "pkg.main:ap", port)
    [finding] = project.check("pkg/main.py", codes=("UVI002",))
    path = project.root / "pkg/main.py"
    path.write_text(apply_edits(path.read_text(), finding.best_fix.edits))
    # What remains is the warning that `python pkg/main.py` cannot load "pkg.main:app".
    [remaining] = project.check("pkg/main.py", codes=("UVI002",))
    assert remaining.severity is Severity.WARNING and "loads with `python -m pkg.main`" in remaining.message
    assert launch(project, MODULE, port).served


# -- UVI013 ---------------------------------------------------------------------------
def test_factory_true_on_an_instance_exits_3_and_the_fix_serves(project):
    port = free_port()
    write_main(project, "pkg.main:app", port, ", factory=True")
    [finding] = project.check("pkg/main.py", codes=("UVI013",))
    failed = launch(project, MODULE, port)
    assert (failed.served, failed.exit_code) == (False, 3), failed.output
    assert "Error loading ASGI app factory" in failed.output
    path = project.root / "pkg/main.py"
    path.write_text(apply_edits(path.read_text(), finding.best_fix.edits))
    assert project.check("pkg/main.py", codes=("UVI013",)) == []
    assert launch(project, MODULE, port).served


def test_a_factory_without_factory_true_is_guessed_and_the_fix_silences_the_guess(project):
    port = free_port()
    write_main(project, "pkg.main:create_app", port)
    [finding] = project.check("pkg/main.py", codes=("UVI013",))
    guessed = launch(project, MODULE, port)
    assert guessed.served and "ASGI app factory detected" in guessed.output
    path = project.root / "pkg/main.py"
    path.write_text(apply_edits(path.read_text(), finding.best_fix.edits))
    assert project.check("pkg/main.py", codes=("UVI013",)) == []
    declared = launch(project, MODULE, port)
    assert declared.served and "ASGI app factory detected" not in declared.output
