from __future__ import annotations

import pytest

from uvicorn_lsp.engine.model import Severity

from .helpers import rule_findings

CODE = "UVI006"


findings = rule_findings(CODE)


@pytest.mark.parametrize(
    ("code", "ignored"),
    [
        (
            'import uvicorn\nconfig = uvicorn.Config("main:app", reload=True, workers=4)\nserver = uvicorn.Server(config)\nserver.run()\n',
            ["reload=True", "workers=4"],
        ),
        ('import uvicorn\nuvicorn.Server(uvicorn.Config("main:app", reload=True)).run()\n', ["reload=True"]),
        (
            (
                "from uvicorn import Config, Server\n"
                "async def main():\n"
                '    config = Config("main:app", workers=2)\n'
                "    server = Server(config=config)\n"
                "    await server.serve()\n"
            ),
            ["workers=2"],
        ),
        (
            'import uvicorn as uv\nRELOAD = True\ncfg = uv.Config("main:app", reload=RELOAD)\nuv.Server(cfg).run()\n',
            ["reload=RELOAD"],
        ),
        (
            'import uvicorn\nopts = {"reload": True}\nuvicorn.Server(uvicorn.Config("main:app", **opts)).run()\n',
            ["reload=True"],
        ),
    ],
)
def test_ignored_options_are_reported(project, code, ignored):
    found = findings(project, code)
    assert [f.message.split(" is ignored")[0] for f in found] == ignored
    for finding in found:
        assert finding.severity is Severity.WARNING and finding.fixes == []
        # Inside a coroutine uvicorn.run is no way out: it starts an event loop of its own.
        assert ("uvicorn.run(" in finding.message) is ("async def" not in code)


def test_message_shows_the_run_form(project):
    code = (
        'import asyncio\nimport uvicorn\nasyncio.run(uvicorn.Server(uvicorn.Config("main:app", reload=True)).serve())\n'
    )
    [finding] = findings(project, code)
    assert ".serve() never reloads" in finding.message
    assert 'use uvicorn.run("main:app", reload=True)' in finding.message


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.Server(uvicorn.Config("main:app", reload=False, workers=1)).run()\n',
        'import uvicorn\nuvicorn.Server(uvicorn.Config("main:app", port=8000)).run()\n',
        # The config never reaches a started server.
        'import uvicorn\nconfig = uvicorn.Config("main:app", reload=True)\n',
        'import uvicorn\nserver = uvicorn.Server(uvicorn.Config("main:app", reload=True))\n',
        # A `serve()` nobody awaits never starts the server (UVI025 says so).
        'import uvicorn\nuvicorn.Server(uvicorn.Config("main:app", reload=True)).serve()\n',
        # Handed to uvicorn's own supervisor, which does reload.
        (
            "import uvicorn\nfrom uvicorn.supervisors import ChangeReload\n"
            'config = uvicorn.Config("main:app", reload=True)\nserver = uvicorn.Server(config)\n'
            "sock = config.bind_socket()\nChangeReload(config, target=server.run, sockets=[sock]).run()\n"
        ),
        # uvicorn.run does supervise.
        'import uvicorn\nuvicorn.run("main:app", reload=True, workers=4)\n',
        # Not uvicorn's Config or Server.
        (
            "class Config:\n    def __init__(self, **kw): ...\nclass Server:\n    def __init__(self, c): ...\n    def run(self): ...\n"
            "Server(Config(reload=True)).run()\n"
        ),
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []


def test_found_without_uvicorn_installed(project, without_uvicorn):
    code = 'from uvicorn import Config, Server\nconfig = Config("main:app", reload=True)\nServer(config).run()\n'
    [finding] = findings(project, code, settings=without_uvicorn)
    assert finding.message.startswith("reload=True is ignored")


def test_suggested_call_names_an_object_app_by_its_import_string(project):
    """uvicorn.run(app, workers=4) with the object would exit 3: the suggestion uses "main:app"."""
    project.write(
        "main.py",
        "import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nconfig = uvicorn.Config(app, workers=4)\nuvicorn.Server(config).run()\n",
    )
    [finding] = [f for f in project.check("main.py") if f.code == "UVI006"]
    assert 'use uvicorn.run("main:app", workers=4)' in finding.message


# uvicorn.run's own body (uvicorn 0.54, uvicorn/main.py): a reloader when config.should_reload,
# Multiprocess when config.workers > 1, else the server alone. Projects copy it to keep a Server handle.
SUPERVISED_LIKE_UVICORN_RUN = """
import uvicorn
from uvicorn.supervisors import ChangeReload, Multiprocess

config = uvicorn.Config("main:app", reload=True, workers=4)
server = uvicorn.Server(config=config)
if config.should_reload:
    sock = config.bind_socket()
    ChangeReload(config, target=server.run, sockets=[sock]).run()
elif config.workers > 1:
    sock = config.bind_socket()
    Multiprocess(config, sockets=[sock]).run()
else:
    server.run()
"""


def test_supervisor_pattern_of_uvicorn_run_is_silent(project):
    assert findings(project, SUPERVISED_LIKE_UVICORN_RUN) == []


def test_supervisor_pattern_inside_a_function_with_other_reloader_imports(project):
    code = (
        "import uvicorn\n"
        "from uvicorn.supervisors.statreload import StatReload\n"
        "from uvicorn.supervisors.multiprocess import Multiprocess\n"
        "def main():\n"
        '    config = uvicorn.Config("main:app", reload=True, workers=2)\n'
        "    server = uvicorn.Server(config)\n"
        "    if config.should_reload:\n"
        "        StatReload(config, target=server.run, sockets=[config.bind_socket()]).run()\n"
        "    elif config.workers > 1:\n"
        "        Multiprocess(config, [config.bind_socket()]).run()\n"
        "    else:\n"
        "        server.run()\n"
    )
    assert findings(project, code) == []


def test_a_reloader_alone_still_ignores_workers(project):
    """Only Multiprocess starts workers: with the reloader alone, workers=4 runs one process."""
    code = SUPERVISED_LIKE_UVICORN_RUN.replace(
        "elif config.workers > 1:\n    sock = config.bind_socket()\n    Multiprocess(config, sockets=[sock]).run()\n",
        "",
    )
    assert "Multiprocess(" not in code.split("import", 2)[2]
    [finding] = findings(project, code)
    assert finding.message.startswith("workers=4 is ignored")


@pytest.mark.parametrize(
    "code",
    [
        # A parameter: the caller decides, and may never pass a true value.
        (
            "import uvicorn\n"
            "def serve(reload: bool = False, workers: int = 1):\n"
            '    config = uvicorn.Config("main:app", reload=reload, workers=workers)\n'
            "    uvicorn.Server(config).run()\n"
        ),
        # Known only at run time.
        'import uvicorn as uv\nimport os\ncfg = uv.Config("main:app", reload=os.getenv("DEV") == "1")\nuv.Server(cfg).run()\n',
        # Sometimes true, sometimes false.
        (
            "import sys\nimport uvicorn\nRELOAD = False\nif sys.argv[1:]:\n    RELOAD = True\n"
            'uvicorn.Server(uvicorn.Config("main:app", reload=RELOAD)).run()\n'
        ),
    ],
)
def test_values_not_known_to_be_on_are_left_alone(project, code):
    assert findings(project, code) == []


GATHERED = """
import asyncio
import uvicorn

async def poll():
    while True:
        await asyncio.sleep(1)

async def main():
    config = uvicorn.Config("main:app", {options})
    server = uvicorn.Server(config)
    await asyncio.gather(server.serve(), poll())

asyncio.run(main())
"""


@pytest.mark.parametrize(("options", "what"), [("workers=2", "starts workers"), ("reload=True", "reloads")])
def test_inside_a_coroutine_the_advice_is_not_uvicorn_run(project, options, what):
    """uvicorn.run inside a running event loop fails (its own asyncio.run), and would stop the other tasks."""
    [finding] = findings(project, GATHERED.format(options=options))
    assert "uvicorn.run" not in finding.message, finding.message
    assert finding.message.startswith(f"{options} is ignored")
    assert f"never {what}" in finding.message
    assert "outside the event loop" in finding.message and "drop" in finding.message
    assert len(finding.message) <= 160, len(finding.message)


def test_serve_run_by_asyncio_run_at_top_level_gets_the_run_advice(project):
    """`asyncio.run(server.serve())` outside any coroutine: uvicorn.run is the drop-in replacement."""
    code = 'import asyncio\nimport uvicorn\nserver = uvicorn.Server(uvicorn.Config("main:app", workers=2))\nasyncio.run(server.serve())\n'
    [finding] = findings(project, code)
    assert 'use uvicorn.run("main:app", workers=2)' in finding.message
