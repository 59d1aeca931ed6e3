"""A module with a top-level relative import, named to uvicorn as a top-level module (`cd app && uvicorn
main:app`): the import raises ImportError before the app exists, and UVI002 says so; from the folder above,
"app.main:app" serves and nothing is said."""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


def test_relative_import_in_a_module_loaded_without_its_package(project):
    port = free_port()
    project.write("app/__init__.py")
    project.write("app/routes.py", "GREETING = 'hi'\n")
    project.write("app/main.py", "from .routes import GREETING\n" + APP_HEAD.format())
    project.write("Makefile", f"run:\n\tcd app && uvicorn main:app --port {port}\n")
    inside = run_server(["-m", "uvicorn", "main:app", "--port", str(port)], project.root / "app", port, timeout=10)
    assert not inside.served and "attempted relative import with no known parent package" in inside.output
    [finding] = project.check("Makefile", codes=("UVI002",))
    assert "`main` is imported without a package" in finding.message and "exit status 1" in finding.message
    assert inside.exit_code == 1
    project.write("Makefile", f"run:\n\tuvicorn app.main:app --port {port}\n")
    assert project.check("Makefile", codes=("UVI002",)) == []
    assert run_server(["-m", "uvicorn", "app.main:app", "--port", str(port)], project.root, port).served
