"""A module-level `uvicorn.Config(...)` whose server another module serves (`from bot.core.loader import server`,
then `await server.serve()` in bot/__main__.py, started with `python -m bot`): the config's string is imported with
the package root on sys.path. Running bot/core/loader.py itself builds the config and exits without an error, so
UVI002 judges the string by the import alone (it used to say it fails with `python bot/core/loader.py`)."""

from __future__ import annotations

import pytest

from .conftest import free_port, run_server

pytestmark = pytest.mark.slow

WEBHOOK = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def index():
    return {"ok": True}
"""
LOADER = "from uvicorn import Config, Server\n\nconfig = Config({string!r}, port={port})\nserver = Server(config)\n"
BOT_MAIN = "import asyncio\n\nfrom bot.core.loader import server\n\nasyncio.run(server.serve())\n"


@pytest.mark.parametrize(("string", "serves"), [("bot.core.webhook:app", True), ("webhook:app", False)])
def test_the_importer_serves_the_config(project, string, serves):
    port = free_port()
    project.write("bot/__init__.py")
    project.write("bot/core/__init__.py")
    project.write("bot/core/webhook.py", WEBHOOK)
    project.write("bot/__main__.py", BOT_MAIN)
    project.write("bot/core/loader.py", LOADER.format(string=string, port=port))
    outcome = run_server(["-m", "bot"], project.root, port)
    assert outcome.served is serves, outcome.output
    if serves:
        # The file run on its own starts nothing, and fails at nothing.
        alone = run_server(["bot/core/loader.py"], project.root, port, timeout=10)
        assert alone.exit_code == 0 and not alone.served, alone.output
    else:
        assert 'Could not import module "webhook"' in outcome.output
    found = project.check("bot/core/loader.py", codes=("UVI002",))
    assert [finding.severity.name for finding in found] == ([] if serves else ["ERROR"])
