from __future__ import annotations

import textwrap

import pytest

from tests.notebooks.notebook_files import code as cell
from tests.notebooks.notebook_files import notebook_text
from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.model import Applicability, Severity
from uvicorn_lsp.engine.notebooks import Notebook
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES
from uvicorn_lsp.rules.uvi025_serve_not_awaited import RULE

from .helpers import apply_fix, rule_findings

CODE = "UVI025"


findings = rule_findings(CODE)


def test_documented_example_is_reported_and_fixed(project):
    [finding] = findings(project, textwrap.dedent(RULE.doc.example))
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith("Server.serve() is never awaited: its coroutine never runs")
    assert finding.message.endswith("; call .run() instead")
    [fix] = finding.fixes
    assert fix.applicability is Applicability.SAFE
    assert apply_fix(project, "main.py", fix, CODE) == textwrap.dedent(RULE.doc.use_instead).lstrip("\n")


@pytest.mark.parametrize(
    ("code", "applicability"),
    [
        # Under the main guard, chained.
        (
            'import uvicorn\nif __name__ == "__main__":\n    uvicorn.Server(uvicorn.Config("main:app")).serve()\n',
            Applicability.SAFE,
        ),
        # A plain function at module level, the server named in it; `from uvicorn import Server` too.
        (
            'from uvicorn import Config, Server\ndef main():\n    server = Server(Config("main:app"))\n'
            "    server.serve(sockets=None)\n",
            Applicability.SAFE,
        ),
        # The server built at module level, served in a function that reads that name.
        (
            'import uvicorn\nserver = uvicorn.Server(uvicorn.Config("main:app"))\ndef main():\n    server.serve()\n',
            Applicability.SAFE,
        ),
        # At module level, unguarded: a module that is imported would start the server at import.
        ('import uvicorn as uv\nuv.Server(uv.Config("main:app")).serve()\n', Applicability.UNSAFE),
    ],
)
def test_serve_outside_a_coroutine_is_fixed_by_run(project, code, applicability):
    [finding] = findings(project, code)
    [fix] = finding.fixes
    assert fix.applicability is applicability and fix.title == "Call server.run()"
    fixed = apply_fix(project, "main.py", fix, CODE)
    assert ".run(" in fixed and ".serve(" not in fixed


def test_serve_in_a_coroutine_is_fixed_by_await(project):
    code = (
        'import asyncio\nimport uvicorn\nasync def main():\n    config = uvicorn.Config("main:app")\n'
        "    uvicorn.Server(config).serve()\nasyncio.run(main())\n"
    )
    [finding] = findings(project, code)
    assert finding.message.endswith("; await it")
    [fix] = finding.fixes
    assert fix.applicability is Applicability.UNSAFE
    fixed = apply_fix(project, "main.py", fix, CODE)
    assert "    await uvicorn.Server(config).serve()\n" in fixed


def test_a_function_a_coroutine_calls_gets_no_run_fix(project):
    """server.run() there would start an event loop inside the running one: RuntimeError."""
    code = (
        "import uvicorn\ndef start():\n    server = uvicorn.Server(uvicorn.Config('main:app'))\n    server.serve()\n"
        "async def main():\n    start()\n"
    )
    [finding] = findings(project, code)
    assert finding.message.endswith("; make `start` a coroutine that awaits it")
    assert finding.fixes == []


@pytest.mark.parametrize(
    "code",
    [
        # A method and a nested function: their callers are not known.
        'import uvicorn\nclass App:\n    def start(self):\n        uvicorn.Server(uvicorn.Config("main:app")).serve()\n',
        'import uvicorn\ndef outer():\n    def inner():\n        uvicorn.Server(uvicorn.Config("main:app")).serve()\n',
        # A class body inside a coroutine, where `await` is a syntax error.
        'import uvicorn\nasync def main():\n    class X:\n        uvicorn.Server(uvicorn.Config("main:app")).serve()\n',
    ],
)
def test_reported_without_a_fix_where_callers_are_unknown(project, code):
    [finding] = findings(project, code)
    assert finding.fixes == []


@pytest.mark.parametrize(
    "code",
    [
        "await server.serve()",
        "asyncio.run(server.serve())",
        "asyncio.get_event_loop().run_until_complete(server.serve())",
        "task = asyncio.create_task(server.serve())",
        "await asyncio.gather(server.serve(), asyncio.sleep(1))",
        "coroutines = [server.serve()]",
        "return server.serve()",
        "coroutine = server.serve()",
        "server.run()",
        "await server.serve(sockets=None)",
        "(lambda: server.serve())",
        "server.serve().send(None)",  # drives the coroutine itself
    ],
)
def test_uses_that_run_the_coroutine_are_left_alone(project, code):
    text = (
        'import asyncio\nimport uvicorn\nasync def main():\n    server = uvicorn.Server(uvicorn.Config("main:app"))\n'
        f"    {code}\n"
    )
    assert findings(project, text) == []


@pytest.mark.parametrize(
    "code",
    [
        # Not uvicorn's Server: a class of the project, whose serve() may be synchronous.
        "class Server:\n    def __init__(self, config): ...\n    def serve(self): ...\nServer(None).serve()\n",
        # A subclass may make serve() synchronous.
        "import uvicorn\nclass Server(uvicorn.Server):\n    def serve(self): ...\nServer(None).serve()\n",
        # The name is bound twice: which object serve() is called on is not known.
        'import uvicorn\nserver = uvicorn.Server(uvicorn.Config("main:app"))\nserver = make_server()\nserver.serve()\n',
        # A parameter: whatever the caller passes.
        "import uvicorn\ndef start(server: uvicorn.Server):\n    server.serve()\n",
    ],
)
def test_not_a_known_uvicorn_server_is_left_alone(project, code):
    assert findings(project, code) == []


def test_last_line_without_a_final_newline_is_reported(project):
    [finding] = findings(project, 'import uvicorn\nif True:\n    uvicorn.Server(uvicorn.Config("main:app")).serve()')
    assert finding.code == CODE


def test_test_modules_are_not_checked(project):
    """Tests patch uvicorn.Server: serve() may return a mock there."""
    code = 'import uvicorn\ndef test_start():\n    uvicorn.Server(uvicorn.Config("main:app")).serve()\n'
    assert findings(project, code, name="tests/test_server.py") == []


def test_found_without_uvicorn_installed(project, without_uvicorn):
    code = 'from uvicorn import Config, Server\nServer(Config("main:app")).serve()\n'
    [finding] = findings(project, code, settings=without_uvicorn)
    assert finding.code == CODE


def _notebook_findings(project, *cells: dict) -> list:
    path = project.write("serve.ipynb", notebook_text(*cells))
    notebook = Notebook(path.read_text())
    result = checker.check_text(notebook.document, path, Workspace(project.root), ALL_RULES)
    return [finding for finding in result.findings if finding.code == CODE]


def test_notebook_cell_top_level_is_left_alone(project):
    """The cell's last expression is kept as its output, which a later cell may await."""
    assert (
        _notebook_findings(project, cell("import uvicorn\n", 'uvicorn.Server(uvicorn.Config("main:app")).serve()\n'))
        == []
    )


def test_notebook_function_is_reported_without_the_run_fix(project):
    """Every cell runs inside ipykernel's loop, where server.run() fails."""
    [finding] = _notebook_findings(
        project, cell("import uvicorn\n", "def start():\n", '    uvicorn.Server(uvicorn.Config("main:app")).serve()\n')
    )
    assert finding.fixes == []
