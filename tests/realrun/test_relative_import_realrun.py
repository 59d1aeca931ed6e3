"""A module with a top-level relative import runs only with `-m`: as a script it stops at that import.
So "main:app" in it, which only the script launch would load, is an error (a real `python -m` launch
fails), and its fix serves."""

from __future__ import annotations

import pytest

from tests.conftest import apply_edits
from uvicorn_lsp.engine.model import Severity

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


def test_main_string_in_a_module_with_relative_imports(project):
    port = free_port()
    project.write("pkg/__init__.py")
    project.write("pkg/helpers.py", "GREETING = 'hi'\n")
    main = project.write(
        "pkg/main.py",
        APP_HEAD.format()
        + f'\nfrom .helpers import GREETING\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port})\n',
    )
    as_script = run_server(["pkg/main.py"], project.root, port, timeout=10)
    assert not as_script.served and "no known parent package" in as_script.output
    as_module = run_server(["-m", "pkg.main"], project.root, port, timeout=10)
    assert not as_module.served and 'Could not import module "main"' in as_module.output
    [finding] = project.check("pkg/main.py", codes=("UVI002",))
    assert finding.severity is Severity.ERROR and '"main:app" will not load: module not found' in finding.message
    main.write_text(apply_edits(main.read_text(), finding.best_fix.edits))
    assert project.check("pkg/main.py", codes=("UVI002",)) == []
    assert run_server(["-m", "pkg.main"], project.root, port).served


def test_a_namespace_folder_with_relative_imports_runs_from_the_folder_above_it(project):
    """backend/app/main.py, no `__init__.py`, `from .api import app`: `python -m app.main` in backend/ serves
    "app.api:app", `python -m backend.app.main` at the top stops at it; a warning naming both, not an error."""
    port = free_port()
    project.write("backend/app/api.py", APP_HEAD.format())
    project.write(
        "backend/app/main.py",
        f'import uvicorn\nfrom .api import app\n\nif __name__ == "__main__":\n    uvicorn.run("app.api:app", port={port})\n',
    )
    assert run_server(["-m", "app.main"], project.root / "backend", port).served
    from_the_top = run_server(["-m", "backend.app.main"], project.root, port, timeout=10)
    assert not from_the_top.served and "No module named 'app'" in from_the_top.output
    [finding] = project.check("backend/app/main.py", codes=("UVI002",))
    assert finding.severity is Severity.WARNING
    assert "loads with `python -m app.main`, not with `python -m backend.app.main`" in finding.message


def test_a_sibling_import_only_the_module_folder_finds(project):
    """backend/main.py imports `domain` (backend/domain/): `uvicorn backend.main:app` from the top stops with
    ModuleNotFoundError, exit status 1 (UVI002's error); `cd backend && uvicorn main:app` serves (silent)."""
    port = free_port()
    project.write("backend/__init__.py")
    project.write("backend/domain/__init__.py")
    project.write("backend/domain/models.py", "GREETING = 'hi'\n")
    project.write("backend/main.py", APP_HEAD.format() + "\nfrom domain.models import GREETING\n")
    project.write(
        "Makefile",
        f"run:\n\tuvicorn backend.main:app --port {port}\nhere:\n\tcd backend && uvicorn main:app --port {port}\n",
    )
    from_the_top = run_server(
        ["-m", "uvicorn", "backend.main:app", "--port", str(port)], project.root, port, timeout=10
    )
    assert from_the_top.exit_code == 1 and "No module named 'domain'" in from_the_top.output
    assert run_server(["-m", "uvicorn", "main:app", "--port", str(port)], project.root / "backend", port).served
    [finding] = project.check("Makefile", codes=("UVI002",))
    assert finding.severity is Severity.ERROR and finding.range.start.line == 1
    assert "No module named 'domain'" in finding.message and "exit status 1" in finding.message


def test_a_module_importing_its_own_package_by_the_short_name(project):
    """backend/app/main.py does `from app.core.config import NAME`: `python run.py` at the top, whose
    uvicorn.run("backend.app.main:app", reload=True) loads it as backend.app.main, fails in the reloader's child
    with ModuleNotFoundError: No module named 'app' (nothing served); `cd backend && uvicorn app.main:app` serves."""
    port = free_port()
    project.write("backend/app/__init__.py")
    project.write("backend/app/core/__init__.py")
    project.write("backend/app/core/config.py", "GREETING = 'hi'\n")
    project.write("backend/app/main.py", APP_HEAD.format() + "\nfrom app.core.config import GREETING\n")
    project.write(
        "run.py",
        "import uvicorn\n\nif __name__ == '__main__':\n"
        f"    uvicorn.run('backend.app.main:app', port={port}, reload=True)\n",
    )
    from_the_top = run_server(["run.py"], project.root, port, timeout=10)
    assert not from_the_top.served and "No module named 'app'" in from_the_top.output, from_the_top.output
    in_backend = run_server(["-m", "uvicorn", "app.main:app", "--port", str(port)], project.root / "backend", port)
    assert in_backend.served, in_backend.output
    [finding] = project.check("run.py", codes=("UVI002",))
    assert finding.severity is Severity.ERROR and "only in backend/: No module named 'app'" in finding.message


def test_a_module_importing_its_own_package_by_the_full_name_from_inside_it(project):
    """backend/main.py does `from backend.config import GREETING`: `cd backend && uvicorn main:app` stops with
    ModuleNotFoundError: No module named 'backend', exit status 1 (UVI002's error); from the top
    `uvicorn backend.main:app` serves (silent)."""
    port = free_port()
    project.write("backend/__init__.py")
    project.write("backend/config.py", "GREETING = 'hi'\n")
    project.write("backend/main.py", APP_HEAD.format() + "\nfrom backend.config import GREETING\n")
    project.write("Makefile", f"run:\n\tcd backend && uvicorn main:app --port {port}\n")
    inside = run_server(["-m", "uvicorn", "main:app", "--port", str(port)], project.root / "backend", port, timeout=10)
    assert inside.exit_code == 1 and "No module named 'backend'" in inside.output, inside.output
    assert run_server(["-m", "uvicorn", "backend.main:app", "--port", str(port)], project.root, port).served
    [finding] = project.check("Makefile", codes=("UVI002",))
    assert finding.severity is Severity.ERROR and "No module named 'backend'" in finding.message
    project.write("Makefile", f"run:\n\tuvicorn backend.main:app --port {port}\n")
    assert project.check("Makefile", codes=("UVI002",)) == []
