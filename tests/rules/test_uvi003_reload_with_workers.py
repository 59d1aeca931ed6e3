from __future__ import annotations

import pytest

from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.model import Applicability, Severity

from .helpers import apply_fix, rule_findings

CODE = "UVI003"


findings = rule_findings(CODE)


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app", reload=True, workers=4)\n',
        'import uvicorn as uv\nuv.run("main:app", reload=1, workers=2)\n',
        'from uvicorn import run\nrun("main:app", reload=True, workers=3)\n',
        'from uvicorn import run as serve\nserve("main:app", **{"reload": True, "workers": 4})\n',
        'import uvicorn\nWORKERS = 4\nuvicorn.run("main:app", reload=True, workers=WORKERS)\n',
        'import uvicorn\nopts = {"reload": True, "workers": 8}\nuvicorn.run("main:app", **opts)\n',
    ],
)
def test_reload_and_several_workers_are_reported(project, code):
    [finding] = findings(project, code)
    assert finding.severity is Severity.WARNING
    assert "ignored" in finding.message and "workers=" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app", reload=True)\n',
        'import uvicorn\nuvicorn.run("main:app", workers=4)\n',
        'import uvicorn\nuvicorn.run("main:app", reload=False, workers=4)\n',
        'import uvicorn\nuvicorn.run("main:app", reload=True, workers=1)\n',
        'import uvicorn\nuvicorn.run("main:app", reload=True, workers=None)\n',
        # Known only at run time: the usual development/production switch.
        'import os, uvicorn\nuvicorn.run("main:app", reload=os.getenv("DEV") == "1", workers=4)\n',
        'import uvicorn\ndef main(settings):\n    uvicorn.run("main:app", reload=settings.debug, workers=settings.workers)\n',
        # Not uvicorn's run.
        'from subprocess import run\nrun(["ls"], reload=True, workers=4)\n',
        "class Runner:\n    def run(self, **kw): ...\nRunner().run(reload=True, workers=4)\n",
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []


def test_fixes_remove_either_argument(project):
    code = 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", reload=True, workers=4)\n'
    [finding] = findings(project, code)
    remove_workers, remove_reload = finding.fixes
    assert remove_workers.preferred and remove_workers.applicability is Applicability.SAFE
    assert remove_reload.applicability is Applicability.UNSAFE
    fixed = apply_fix(project, "main.py", remove_workers, CODE)
    assert 'uvicorn.run("main:app", reload=True)\n' in fixed
    project.write("main.py", code)
    fixed = apply_fix(project, "main.py", remove_reload, CODE)
    assert 'uvicorn.run("main:app", workers=4)\n' in fixed


@pytest.mark.parametrize(
    ("code", "removed_workers"),
    [
        (
            'import uvicorn\nuvicorn.run(\n    "main:app",\n    reload=True,\n    workers=4,\n)\n',
            'import uvicorn\nuvicorn.run(\n    "main:app",\n    reload=True,\n)\n',
        ),
        (
            'import uvicorn\nuvicorn.run("main:app", workers=4, reload=True)\n',
            'import uvicorn\nuvicorn.run("main:app", reload=True)\n',
        ),
        (
            'import uvicorn\nuvicorn.run(workers=4, app="main:app", reload=True)\n',
            'import uvicorn\nuvicorn.run(app="main:app", reload=True)\n',
        ),
    ],
)
def test_removal_keeps_the_call_well_formed(project, code, removed_workers):
    [finding] = findings(project, code)
    assert apply_fix(project, "main.py", finding.fixes[0], CODE) == removed_workers


def test_arguments_from_a_dict_get_no_fix(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", **{"reload": True, "workers": 4})\n')
    assert finding.fixes == []


def test_only_the_explicit_argument_gets_a_fix(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", workers=4, **{"reload": True})\n')
    [fix] = finding.fixes
    assert "workers" in fix.title
    apply_fix(project, "main.py", fix, CODE)


@pytest.mark.parametrize(
    ("settings", "suffix", "expected"),
    [
        (None, "", [Severity.WARNING]),
        (Settings(ignore=("UVI003",)), "", []),
        (Settings(ignore=("UVI00",)), "", []),
        (Settings(per_file_ignores={"main.py": ("UVI003",)}), "", []),
        (Settings(severity={"UVI003": Severity.ERROR}), "", [Severity.ERROR]),
        (None, "  # noqa: UVI003", []),
        (None, "  # noqa: UVI001", [Severity.WARNING]),
    ],
)
def test_configuration_applies(project, settings, suffix, expected):
    project.write("main.py", f'import uvicorn\nuvicorn.run("main:app", reload=True, workers=4){suffix}\n')
    assert [f.severity for f in project.check("main.py", settings, codes=(CODE,))] == expected


@pytest.mark.parametrize(("pinned", "reported"), [("0.17.6", True), ("0.30.0", False)])
def test_debug_reloads_before_0_19(project, pinned, reported):
    """uvicorn before 0.19 reloads on `debug=True` (`should_reload` is `debug or reload`): the workers are ignored
    (real run, 0.18.3: one reloader, no worker processes; audit). Later versions have no `debug` (UVI004)."""
    project.write("requirements.txt", f"uvicorn=={pinned}\n")
    found = findings(project, 'import uvicorn\nuvicorn.run("main:app", debug=True, workers=2)\n')
    assert bool(found) is reported
    if reported:
        assert found[0].message.startswith("workers=2 is ignored because debug=True is set")


def test_no_stop_reloading_fix_that_leaves_debug_reloading(project):
    """uvicorn 0.11.6 with `reload=True, debug=True, workers=2` (Stok-Yonetimi): removing `reload` alone still
    starts the reloader, on `debug` (real run: "Started reloader process", one server process)."""
    project.write("requirements.txt", "uvicorn==0.11.6\n")
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("app:app", reload=True, debug=True, workers=2)\n')
    assert [fix.title for fix in finding.fixes] == ["Remove `workers` (uvicorn already runs one process)"]
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("app:app", reload=True, debug=False, workers=2)\n')
    assert len(finding.fixes) == 2
