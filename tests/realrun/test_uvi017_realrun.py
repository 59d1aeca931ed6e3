"""UVI017 run for real: a Flask app under uvicorn answers 500; wrapped as the message advises, it answers 200."""

from __future__ import annotations

import pytest

from .conftest import free_port, run_server

pytestmark = pytest.mark.slow

FLASK_APP = """
import uvicorn
from flask import Flask
{imports}
app = Flask(__name__)


@app.get("/")
def index():
    return "ok"

{wrap}
if __name__ == "__main__":
    uvicorn.run({served}, port={port})
"""


def test_flask_answers_500_and_the_asgi_wrapper_serves(project):
    port = free_port()
    project.write("main.py", FLASK_APP.format(imports="", wrap="", served="app", port=port))
    [finding] = project.check("main.py", codes=("UVI017",))
    assert "start_response" in finding.message and "WsgiToAsgi" in finding.message
    # It starts and stays up (no exit status), but the requests run_server makes all fail.
    before = run_server(["main.py"], project.root, port, timeout=6)
    assert not before.served and before.exit_code is None, before.output
    assert "Flask.__call__() missing 1 required positional argument: 'start_response'" in before.output

    wrapped = FLASK_APP.format(
        imports="from asgiref.wsgi import WsgiToAsgi", wrap="asgi_app = WsgiToAsgi(app)\n", served="asgi_app", port=port
    )
    project.write("main.py", wrapped)
    assert project.check("main.py", codes=("UVI017",)) == []
    assert run_server(["main.py"], project.root, port).served
