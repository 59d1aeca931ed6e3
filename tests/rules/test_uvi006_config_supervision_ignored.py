from __future__ import annotations

import pytest

from uvicorn_lsp.engine.model import Severity

CODE = "UVI006"


def findings(project, code: str, settings=None):
    project.write("main.py", code)
    return project.check("main.py", settings, codes=(CODE,))


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
            'import uvicorn as uv\nimport os\ncfg = uv.Config("main:app", reload=os.getenv("DEV") == "1")\nuv.Server(cfg).run()\n',
            ['reload=os.getenv("DEV") == "1"'],
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
        assert "uvicorn.run(" in finding.message


def test_message_shows_the_run_form(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.Server(uvicorn.Config("main:app", reload=True)).serve()\n')
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
    [finding] = findings(project, code, without_uvicorn)
    assert finding.message.startswith("reload=True is ignored")


def test_suggested_call_names_an_object_app_by_its_import_string(project):
    """uvicorn.run(app, workers=4) with the object would exit 3: the suggestion uses "main:app"."""
    project.write(
        "main.py",
        "import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nconfig = uvicorn.Config(app, workers=4)\nuvicorn.Server(config).run()\n",
    )
    [finding] = [f for f in project.check("main.py") if f.code == "UVI006"]
    assert 'use uvicorn.run("main:app", workers=4)' in finding.message
