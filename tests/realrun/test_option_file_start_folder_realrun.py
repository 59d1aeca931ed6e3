"""A file option of `uvicorn.run` in a package's module is opened from the folder `python -m` runs in: the one
above the package, the only start where the module's own import string loads. UVI020 looks for it there too."""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


def test_log_config_beside_the_package_serves(project):
    port = free_port()
    project.write("backend/app/__init__.py", "")
    project.write("backend/logging.json", '{"version": 1}')
    project.write(
        "backend/app/main.py",
        APP_HEAD.format()
        + f'\n\nif __name__ == "__main__":\n    uvicorn.run("app.main:app", port={port}, log_config="logging.json")\n',
    )
    as_module = run_server(["-m", "app.main"], project.root / "backend", port)
    assert as_module.served, as_module.output
    assert project.check("backend/app/main.py", codes=("UVI020",)) == []
