"""Precision verdicts checked with real uvicorn launches: where the engine stays silent, the launch
really serves; where it reports, the launch really fails."""

from __future__ import annotations

import pytest

from tests.conftest import apply_edits

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

OWN_IMPORT_MAIN = (
    APP_HEAD
    + """
from pkg.helpers import GREETING

if __name__ == "__main__":
    uvicorn.run({app}, host="127.0.0.1", port={port}, reload=True)
"""
)


def test_launch_that_fails_at_its_own_import_never_reaches_uvicorn(project):
    """The script launch dies at `from pkg.helpers import ...` (so UVI002 does not judge it), and the
    one fix UVI001 offers serves with `python -m pkg.main`, after which UVI001/UVI002 say nothing."""
    project.write("pkg/__init__.py")
    project.write("pkg/helpers.py", 'GREETING = "hi"\n')
    port = free_port()
    project.write("pkg/main.py", OWN_IMPORT_MAIN.format(app="app", port=port))
    script = run_server(["pkg/main.py"], project.root, port, timeout=10)
    assert not script.served and script.exit_code == 1 and "No module named 'pkg'" in script.output
    [finding] = project.check("pkg/main.py", codes=("UVI001",))
    [fix] = finding.fixes
    path = project.root / "pkg/main.py"
    path.write_text(apply_edits(path.read_text(), fix.edits))
    assert '"pkg.main:app"' in path.read_text()
    assert project.check("pkg/main.py", codes=("UVI001", "UVI002")) == []
    assert run_server(["-m", "pkg.main"], project.root, port).served


@pytest.mark.parametrize("options", ["reload=True", "workers=2"])
def test_main_module_string_serves_from_the_script(project, options):
    """uvicorn.run("__main__:app", reload/workers) from `python main.py`: the spawned child resolves
    __main__ to the re-imported script and serves; UVI002 says nothing."""
    port = free_port()
    project.write(
        "main.py",
        APP_HEAD.format() + f'\nif __name__ == "__main__":\n    uvicorn.run("__main__:app", port={port}, {options})\n',
    )
    assert project.check("main.py", codes=("UVI002",)) == []
    assert run_server(["main.py"], project.root, port).served


def test_main_module_string_bound_under_the_guard_fails_in_the_child(project):
    port = free_port()
    code = (
        "import uvicorn\nfrom fastapi import FastAPI\n\nif __name__ == '__main__':\n    app = FastAPI()\n"
        f'    uvicorn.run("__main__:app", port={port}, reload=True)\n'
    )
    project.write("main.py", code)
    [finding] = project.check("main.py", codes=("UVI002",))
    assert 'Attribute "app" not found in module "__main__"' in finding.message
    outcome = run_server(["main.py"], project.root, port, timeout=8)
    assert not outcome.served and 'Attribute "app" not found in module "__main__"' in outcome.output


INDIRECT = {
    "converted": 'WORKERS = "2"\n\nif __name__ == "__main__":\n    uvicorn.run(app, port={port}, workers=int(WORKERS))\n',
    "namespace": (
        "from types import SimpleNamespace\n\ncontainer = SimpleNamespace(app=app)\n\n"
        'if __name__ == "__main__":\n    uvicorn.run(container.app, port={port}, workers=2)\n'
    ),
}


@pytest.mark.parametrize("case", sorted(INDIRECT))
def test_app_objects_the_file_shows_indirectly_exit_3_and_the_fix_serves(project, case):
    port = free_port()
    project.write("main.py", APP_HEAD.format() + INDIRECT[case].format(port=port))
    [finding] = project.check("main.py", codes=("UVI001",))
    failed = run_server(["main.py"], project.root, port, timeout=10)
    assert (failed.served, failed.exit_code) == (False, 3), failed.output
    path = project.root / "main.py"
    path.write_text(apply_edits(path.read_text(), finding.best_fix.edits))
    assert project.check("main.py", codes=("UVI001", "UVI002")) == []
    assert run_server(["main.py"], project.root, port).served
