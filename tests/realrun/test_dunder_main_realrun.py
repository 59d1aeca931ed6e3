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
