"""UVI009 in a project with its own `uvicorn_worker.py` (a worker subclass named after the package, run as
`gunicorn -k uvicorn_worker.UvicornWorker`): importing the base class `from uvicorn_worker` there imports the
file from itself, and gunicorn stops. So the finding says to rename the module and offers no fix."""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

WORKER = """\
from {module} import UvicornWorker as BaseUvicornWorker


class UvicornWorker(BaseUvicornWorker):
    CONFIG_KWARGS = {{"lifespan": "off"}}
"""


def test_the_import_from_the_package_name_fails_in_the_project_s_own_module(project):
    project.write("main.py", APP_HEAD.format())
    project.write("uvicorn_worker.py", WORKER.format(module="uvicorn.workers"))
    [finding] = project.check("uvicorn_worker.py", codes=("UVI009",))
    assert finding.fixes == [] and "rename the project's own `uvicorn_worker` module" in finding.message

    port = free_port()
    arguments = ["-m", "gunicorn", "main:app", "-k", "uvicorn_worker.UvicornWorker", "-b", f"127.0.0.1:{port}"]
    assert run_server(arguments, project.root, port).served

    project.write("uvicorn_worker.py", WORKER.format(module="uvicorn_worker"))
    port = free_port()
    arguments[-1] = f"127.0.0.1:{port}"
    outcome = run_server(arguments, project.root, port)
    assert not outcome.served and outcome.exit_code not in (None, 0), outcome.output
    assert "partially initialized module 'uvicorn_worker'" in outcome.output
