"""UVI024 run for real: gunicorn without a worker class starts an ASGI app and every request answers 500 (its
sync worker calls the app as WSGI); the fix's `--worker-class uvicorn_worker.UvicornWorker` serves, and so
do the starts the rule is silent on, where gunicorn.conf.py or GUNICORN_CMD_ARGS names the worker class."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import apply_edits
from uvicorn_lsp.engine.config import Settings

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

CODE = "UVI024"
STARLETTE_APP = """
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def index(request):
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/", index)])
"""


@pytest.fixture(scope="module")
def uvicorn_worker(tmp_path_factory) -> tuple[Path, Settings]:
    """The uvicorn-worker package from PyPI in a folder of its own (for the server's PYTHONPATH), and an analysed
    environment that has it installed (its metadata is what the rule reads)."""
    target = tmp_path_factory.mktemp("uvicorn-worker")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), "uvicorn-worker==0.4.0"],
        check=True,
    )
    venv = tmp_path_factory.mktemp("venv-uvicorn-worker")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    [site_packages] = venv.glob("lib/python*/site-packages")
    [metadata] = target.glob("uvicorn_worker-*.dist-info")
    (site_packages / metadata.name).mkdir()
    (site_packages / metadata.name / "METADATA").write_text((metadata / "METADATA").read_text())
    return target, Settings(python=str(venv / "bin" / "python"))


def _gunicorn(script: Path) -> list[str]:
    """`python -m gunicorn ...` for the gunicorn line of a script."""
    words = shlex.split(script.read_text().splitlines()[1])
    assert words[0] == "gunicorn"
    return ["-m", *words]


def _listens(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _status(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    ("app", "worker"),
    [(APP_HEAD.format(), ""), (STARLETTE_APP, ""), (APP_HEAD.format(), " --threads 4 --worker-class gthread")],
    ids=["FastAPI", "Starlette", "FastAPI-gthread"],
)
def test_every_request_fails_until_a_uvicorn_worker_serves_it(project, uvicorn_worker, app, worker):
    """gunicorn's gthread worker, named, serves WSGI as the default sync one does."""
    target, settings = uvicorn_worker
    port = free_port()
    project.write("main.py", app)
    script = project.write("run.sh", f"#!/bin/sh\ngunicorn main:app -b 127.0.0.1:{port}{worker}\n")
    [finding] = project.check("run.sh", settings, codes=(CODE,))
    assert "(TypeError: missing 'send')" in finding.message
    # It starts and stays up (no exit status), but every request answers 500.
    before = run_server(_gunicorn(script), project.root, port, timeout=6)
    assert not before.served and before.exit_code is None, before.output
    assert "__call__() missing 1 required positional argument: 'send'" in before.output

    script.write_text(apply_edits(script.read_text(), finding.fixes[0].edits))
    assert "--worker-class uvicorn_worker.UvicornWorker" in script.read_text()
    assert project.check("run.sh", settings, codes=(CODE,)) == []
    after = run_server(_gunicorn(script), project.root, port, env={"PYTHONPATH": str(target)})
    assert after.served, after.output


def test_the_client_gets_500_internal_server_error(project):
    """The server answers (a health check that only connects passes), with 500 on every request."""
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    command = [sys.executable, "-m", "gunicorn", "main:app", "-b", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=project.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not _listens(port) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [_status(port) for _ in range(3)] == [500, 500, 500]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("setting", ["gunicorn.conf.py", "GUNICORN_CMD_ARGS"])
def test_silent_where_gunicorn_reads_the_worker_class_elsewhere_and_it_serves(project, uvicorn_worker, setting):
    target, settings = uvicorn_worker
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    environment = {"PYTHONPATH": str(target)}
    if setting == "gunicorn.conf.py":
        project.write("gunicorn.conf.py", 'worker_class = "uvicorn_worker.UvicornWorker"\n')
        project.write("run.sh", f"#!/bin/sh\ngunicorn main:app -b 127.0.0.1:{port}\n")
    else:
        environment["GUNICORN_CMD_ARGS"] = "-k uvicorn_worker.UvicornWorker"
        project.write(
            "run.sh",
            f"#!/bin/sh\nexport GUNICORN_CMD_ARGS='-k uvicorn_worker.UvicornWorker'\ngunicorn main:app -b 127.0.0.1:{port}\n",
        )
    assert project.check("run.sh", settings, codes=(CODE,)) == []
    command = ["-m", "gunicorn", "main:app", "-b", f"127.0.0.1:{port}"]
    served = run_server(command, project.root, port, env=environment)
    assert served.served, served.output


@pytest.mark.parametrize("options", ["--capture-output -b 127.0.0.1:$PORT", "--bind=127.0.0.1:$PORT"])
def test_the_app_after_a_switch_or_an_expanded_bind_answers_500(project, options):
    """`--capture-output` takes no value and `--bind=...$PORT` is still the option once the shell expands it:
    gunicorn serves main:app with its sync worker, and every request answers 500."""
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    script = project.write("run.sh", f"#!/bin/sh\ngunicorn {options} main:app\n")
    [finding] = project.check("run.sh", codes=(CODE,))
    assert "(TypeError: missing 'send')" in finding.message
    command = ["-m", *shlex.split(script.read_text().splitlines()[1].replace("$PORT", str(port)))]
    outcome = run_server(command, project.root, port, timeout=6)
    assert not outcome.served and outcome.exit_code is None, outcome.output
    assert "__call__() missing 1 required positional argument: 'send'" in outcome.output
