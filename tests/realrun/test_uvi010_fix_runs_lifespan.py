"""The UVI010 fix, run for real: after it, uvicorn runs the startup handlers
before serving and the shutdown handlers when stopped (each writes a file)."""

from __future__ import annotations

import pytest

from tests.conftest import apply_edits

from .conftest import free_port, run_server

pytestmark = pytest.mark.slow

FASTAPI_APP = """
from pathlib import Path

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.on_event("startup")
async def open_pool():
    Path("started").write_text("async startup ran")


@app.on_event("startup")
def load_settings():
    Path("started").write_text(Path("started").read_text() + ", then sync startup")


@app.on_event("shutdown")
def close_pool():
    Path("stopped").write_text("shutdown ran")


@app.get("/")
def index():
    return {{"ok": True}}


if __name__ == "__main__":
    uvicorn.run("main:app", port={port})
"""

STARLETTE_APP = """
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def index(request):
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/", index)])


@app.on_event("startup")
def mark_started():
    Path("started").write_text("startup ran")


@app.on_event("shutdown")
async def mark_stopped():
    Path("stopped").write_text("shutdown ran")


if __name__ == "__main__":
    uvicorn.run("main:app", port={port})
"""


def apply_uvi010_fix(project, source: str) -> None:
    path = project.write("main.py", source)
    findings = project.check("main.py", codes=("UVI010",))
    assert findings and findings[0].fixes
    fixed = apply_edits(path.read_text(), findings[0].fixes[0].edits)
    compile(fixed, "main.py", "exec")
    path.write_text(fixed)
    assert project.check("main.py", codes=("UVI010",)) == []
    assert "on_event" not in fixed and "lifespan=lifespan" in fixed


def test_fastapi_lifespan_runs_the_handlers_in_order(project):
    port = free_port()
    apply_uvi010_fix(project, FASTAPI_APP.format(port=port))
    outcome = run_server(["main.py"], project.root, port)
    assert outcome.served, outcome.output
    assert (project.root / "started").read_text() == "async startup ran, then sync startup"
    assert (project.root / "stopped").read_text() == "shutdown ran"


def test_starlette_app_starts_only_after_the_fix(project):
    port = free_port()
    project.write("main.py", STARLETTE_APP.format(port=port))
    before = run_server(["main.py"], project.root, port, timeout=10)
    assert not before.served and "AttributeError" in before.output  # Starlette 1.x has no on_event

    apply_uvi010_fix(project, STARLETTE_APP.format(port=port))
    after = run_server(["main.py"], project.root, port)
    assert after.served, after.output
    assert (project.root / "started").read_text() == "startup ran"
    assert (project.root / "stopped").read_text() == "shutdown ran"
