"""A script that imports its own package by name, run in the folder above that package with it on PYTHONPATH
(a container's WORKDIR with `PYTHONPATH=.`): `uvicorn.run("main:app", reload=True)` loads, since the reloader's
child gets the script's sys.path; `python -m app.main` run there does not. UVI002 warns, naming both."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine.model import Severity

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

MAIN = (
    APP_HEAD.replace("from fastapi import FastAPI\n", "from fastapi import FastAPI\n\nfrom app.router import auth\n")
    + '\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port}, reload=True)\n'
)


def test_the_script_launch_with_its_package_folder_on_pythonpath_serves(project):
    port = free_port()
    (project.root / ".git").mkdir()
    project.write("backend/app/__init__.py")
    project.write("backend/app/router/__init__.py")
    project.write("backend/app/router/auth.py", "from fastapi import APIRouter\n\nrouter = APIRouter()\n")
    project.write("backend/app/main.py", MAIN.format(port=port))
    [finding] = project.check("backend/app/main.py", codes=("UVI002",))
    assert finding.severity is Severity.WARNING
    assert "loads with `PYTHONPATH=. python app/main.py`, not with `python -m app.main`" in finding.message

    backend = project.root / "backend"
    assert run_server(["app/main.py"], backend, port, env={"PYTHONPATH": "."}).served
    # The reloader keeps running while its child fails to import "main": nothing is served.
    module = run_server(["-m", "app.main"], backend, port, timeout=10)
    assert not module.served and 'Could not import module "main"' in module.output, module.output
