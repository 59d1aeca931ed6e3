"""UVI009 in a project with its own `uvicorn_worker.py` (a worker subclass named after the package, run as
`gunicorn -k uvicorn_worker.UvicornWorker`): importing the base class `from uvicorn_worker` there imports the
file from itself, and gunicorn stops. So the finding says to rename the module and offers no fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import apply_edits

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


@pytest.fixture(scope="module")
def uvicorn_worker_package(tmp_path_factory) -> Path:
    """The uvicorn-worker package from PyPI in a folder of its own, for the server's PYTHONPATH."""
    target = tmp_path_factory.mktemp("uvicorn-worker")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), "uvicorn-worker==0.4.0"],
        check=True,
    )
    return target


def test_the_fixed_import_serves_from_a_module_inside_a_package(project, uvicorn_worker_package):
    """`app/uvicorn_worker.py`, loaded as `app.uvicorn_worker`, hides nothing: the fix's absolute import finds
    the package and gunicorn serves."""
    project.write("main.py", APP_HEAD.format())
    project.write("app/__init__.py", "")
    worker = project.write("app/uvicorn_worker.py", WORKER.format(module="uvicorn.workers"))
    [finding] = project.check("app/uvicorn_worker.py", codes=("UVI009",))
    worker.write_text(apply_edits(worker.read_text(), finding.fixes[0].edits))
    assert worker.read_text().startswith("from uvicorn_worker import UvicornWorker as BaseUvicornWorker")

    port = free_port()
    arguments = ["-m", "gunicorn", "main:app", "-k", "app.uvicorn_worker.UvicornWorker", "-b", f"127.0.0.1:{port}"]
    outcome = run_server(arguments, project.root, port, env={"PYTHONPATH": str(uvicorn_worker_package)})
    assert outcome.served, outcome.output
