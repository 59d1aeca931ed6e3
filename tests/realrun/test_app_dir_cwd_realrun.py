"""uvicorn.run(app_dir="app") is relative to the folder the script starts in: backend/run.py serves from backend/
and fails from the workspace root, so UVI002 says so as a warning naming both, not as an error."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine.model import Severity

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


def test_a_relative_app_dir_follows_the_current_folder(project):
    port = free_port()
    project.write("backend/app/main.py", APP_HEAD.format())
    project.write(
        "backend/run.py",
        f'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", app_dir="app", port={port}, reload=True)\n',
    )
    in_folder = run_server(["run.py"], project.root / "backend", port)
    from_root = run_server(["backend/run.py"], project.root, port, timeout=10)
    assert in_folder.served, in_folder.output
    assert not from_root.served and 'Could not import module "main"' in from_root.output
    [finding] = project.check("backend/run.py", codes=("UVI002",))
    assert finding.severity is Severity.WARNING
    assert "loads with `cd backend && python run.py`, not with `python backend/run.py`" in finding.message
