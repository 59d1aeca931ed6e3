"""A `pkg/__main__.py` runs with `python -m pkg` (weight-exhibit's backend/app/__main__.py, its README: `python -m app`):
there "pkg.main:app" serves under reload and UVI002 says nothing; only `python pkg/__main__.py` would fail it."""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


def test_python_m_of_the_package_serves_the_package_string(project):
    port = free_port()
    project.write("backend/pkg/__init__.py")
    project.write("backend/pkg/main.py", APP_HEAD.format())
    project.write(
        "backend/pkg/__main__.py",
        f'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("pkg.main:app", port={port}, reload=True)\n',
    )
    served = run_server(["-m", "pkg"], project.root / "backend", port)
    as_script = run_server(["pkg/__main__.py"], project.root / "backend", port, timeout=10)
    assert served.served, served.output
    assert not as_script.served and "No module named 'pkg'" in as_script.output
    assert project.check("backend/pkg/__main__.py", codes=("UVI002",)) == []


def test_the_main_module_string_of_a_package_main_fails_in_spawned_processes(project):
    """ "__main__:app" in pkg/__main__.py under reload: `python -m pkg` spawns the server process, whose `__main__`
    multiprocessing does not import again for a package's __main__ module: 'Attribute "app" not found in module
    "__main__"', nothing served; `python pkg/__main__.py` serves. UVI002 warns, naming both."""
    port = free_port()
    project.write("pkg/__init__.py")
    project.write(
        "pkg/__main__.py",
        APP_HEAD.format()
        + f'\nif __name__ == "__main__":\n    uvicorn.run("__main__:app", port={port}, reload=True)\n',
    )
    as_module = run_server(["-m", "pkg"], project.root, port, timeout=10)
    assert not as_module.served and 'Attribute "app" not found in module "__main__"' in as_module.output
    assert run_server(["pkg/__main__.py"], project.root, port).served
    [finding] = project.check("pkg/__main__.py", codes=("UVI002",))
    assert "not with `python -m pkg`" in finding.message
