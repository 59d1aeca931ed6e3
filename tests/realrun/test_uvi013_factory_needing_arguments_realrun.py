"""UVI013 on a factory that needs arguments, given without factory=True: uvicorn's call without arguments fails,
so it serves the function itself as an ASGI 2 app. It starts, and every request fails with HTTP 500 (the function
is called with the scope, then the FastAPI app it returns with (receive, send)). Given a default, it is served."""

from __future__ import annotations

import pytest

from .conftest import free_port, run_server

pytestmark = pytest.mark.slow

MAIN = """
import uvicorn
from fastapi import FastAPI


def create_app(title: str{default}) -> FastAPI:
    app = FastAPI(title=title)

    @app.get("/")
    def index():
        return {{"ok": True}}

    return app


if __name__ == "__main__":
    uvicorn.run("main:create_app", host="127.0.0.1", port={port})
"""


def test_every_request_fails_until_the_parameter_has_a_default(project):
    port = free_port()
    project.write("main.py", MAIN.format(default="", port=port))
    [finding] = project.check("main.py", codes=("UVI013",))
    assert "needs 1 argument" in finding.message and "every request fails" in finding.message

    needing = run_server(["main.py"], project.root, port, timeout=6)
    assert not needing.served and needing.exit_code is None, needing.output  # up, answering errors
    assert "500 Internal Server Error" in needing.output, needing.output
    assert "missing 1 required positional argument" in needing.output, needing.output

    port = free_port()
    project.write("main.py", MAIN.format(default=' = "shop"', port=port))
    defaulted = run_server(["main.py"], project.root, port)
    assert defaulted.served, defaulted.output
    assert "needs 1 argument" not in " ".join(f.message for f in project.check("main.py", codes=("UVI013",)))
