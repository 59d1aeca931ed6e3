"""The UVI005 fix, run for real: the module-level call fails under uvicorn's
supervisors, the guarded one serves."""

from __future__ import annotations

import pytest

from tests.conftest import apply_edits

from .conftest import free_port, run_server

pytestmark = pytest.mark.slow

APP = """
import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def index():
    return {{"ok": True}}


uvicorn.run(
    "main:app",
    port={port},
    {supervision},
)
"""


def fixed_source(project, port: int, supervision: str) -> str:
    path = project.write("main.py", APP.format(port=port, supervision=supervision))
    [finding] = project.check("main.py", codes=("UVI005",))
    fixed = apply_edits(path.read_text(), finding.fixes[0].edits)
    compile(fixed, "main.py", "exec")
    return fixed


@pytest.mark.parametrize("supervision", ["reload=True", "workers=2"])
def test_guarded_call_serves(project, supervision):
    port = free_port()
    project.write("main.py", fixed_source(project, port, supervision))
    assert project.check("main.py", codes=("UVI005",)) == []
    outcome = run_server(["main.py"], project.root, port)
    assert outcome.served, outcome.output


def test_unguarded_call_with_reload_serves_nothing(project):
    """The failure the rule reports, observed: the reloader's child dies, nothing answers."""
    port = free_port()
    project.write("main.py", APP.format(port=port, supervision="reload=True"))
    outcome = run_server(["main.py"], project.root, port, timeout=10)
    assert not outcome.served
    assert "bootstrapping phase" in outcome.output, outcome.output
