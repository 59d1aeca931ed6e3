"""UVI017 run for real: a Flask app under uvicorn starts but every request fails; the fix
(`WsgiToAsgi(app)`, asgiref being installed) serves."""

from __future__ import annotations

import pytest

from tests.conftest import apply_edits

from .conftest import free_port, run_server

pytestmark = pytest.mark.slow

FLASK_APP = """
import uvicorn
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "ok"


if __name__ == "__main__":
    uvicorn.run(app, port={port})
"""


def test_flask_fails_every_request_and_the_wrapped_app_serves(project):
    port = free_port()
    path = project.write("main.py", FLASK_APP.format(port=port))
    [finding] = project.check("main.py", codes=("UVI017",))
    assert "start_response" in finding.message
    # It starts and stays up (no exit status), but the requests run_server makes all fail.
    before = run_server(["main.py"], project.root, port, timeout=6)
    assert not before.served and before.exit_code is None, before.output
    assert "Flask.__call__() missing 1 required positional argument: 'start_response'" in before.output

    path.write_text(apply_edits(path.read_text(), finding.fixes[0].edits))
    assert project.check("main.py", codes=("UVI017",)) == []
    after = run_server(["main.py"], project.root, port)
    assert after.served, after.output


FLASK_FACTORY = """
from flask import Flask


def create_app():
    app = Flask(__name__)

    @app.get("/")
    def index():
        return "ok"

    return app
"""


@pytest.mark.parametrize("flag", [["--factory"], []])  # without the flag uvicorn calls the factory too, and warns
def test_a_factory_that_returns_flask_fails_every_request_until_wrapped(project, flag):
    port = free_port()
    path = project.write("web.py", FLASK_FACTORY)
    project.write("run.sh", f"#!/bin/sh\nuvicorn web:create_app {' '.join(flag)} --port {port}\n")
    [finding] = project.check("run.sh", codes=("UVI017",))
    assert finding.message.startswith('"web:create_app" returns a Flask app')
    command = ["-m", "uvicorn", "web:create_app", *flag, "--port", str(port)]
    before = run_server(command, project.root, port, timeout=6)
    assert not before.served and before.exit_code is None, before.output
    assert "Flask.__call__() missing 1 required positional argument: 'start_response'" in before.output

    # What the message says: wrap what it returns.
    path.write_text(
        "from asgiref.wsgi import WsgiToAsgi\n" + FLASK_FACTORY.replace("    return app", "    return WsgiToAsgi(app)")
    )
    assert project.check("run.sh", codes=("UVI017",)) == []
    after = run_server(command, project.root, port)
    assert after.served, after.output


FLASK_WEB = """
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "ok"
"""


def test_gunicorn_serves_flask_with_its_own_worker_and_fails_with_uvicorns(project):
    """No UVI017 for `gunicorn web:app` (its default worker serves WSGI); one with uvicorn's worker class."""
    port = free_port()
    project.write("web.py", FLASK_WEB)
    own = ["-b", f"127.0.0.1:{port}", "web:app"]
    uvicorns = ["-k", "uvicorn.workers.UvicornWorker", *own]
    project.write("run.sh", f"#!/bin/sh\ngunicorn {' '.join(own)}\n")
    assert project.check("run.sh", codes=("UVI017",)) == []
    served = run_server(["-m", "gunicorn", *own], project.root, port)
    assert served.served, served.output

    project.write("run.sh", f"#!/bin/sh\ngunicorn {' '.join(uvicorns)}\n")
    [finding] = project.check("run.sh", codes=("UVI017",))
    assert "start_response" in finding.message
    failing = run_server(["-m", "gunicorn", *uvicorns], project.root, port, timeout=8)
    assert not failing.served, failing.output
    assert "missing 1 required positional argument: 'start_response'" in failing.output
