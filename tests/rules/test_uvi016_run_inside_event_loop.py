from __future__ import annotations

import textwrap

import pytest

from uvicorn_lsp.engine.model import Applicability, Severity
from uvicorn_lsp.rules.uvi016_run_inside_event_loop import RULE

from .helpers import apply_fix, rule_findings

CODE = "UVI016"


findings = rule_findings(CODE)


def test_documented_example_is_reported_and_fixed(project):
    [finding] = findings(project, textwrap.dedent(RULE.doc.example))
    assert finding.severity is Severity.ERROR
    assert "the coroutine `main`" in finding.message
    assert "an event loop already runs there" in finding.message
    [fix] = finding.fixes
    assert fix.applicability is Applicability.UNSAFE
    fixed = apply_fix(project, "main.py", fix, CODE)
    assert fixed == textwrap.dedent(RULE.doc.use_instead).lstrip("\n")


@pytest.mark.parametrize(
    "code",
    [
        # An `async def` nested in a class.
        'import uvicorn\nclass S:\n    async def start(self):\n        uvicorn.run("main:app")\n',
        # Through aliases of the module.
        'import uvicorn as uv\nasync def main():\n    uv.run("main:app", port=1)\n',
        # A sync helper called from a coroutine, two levels deep.
        'import uvicorn\ndef serve():\n    uvicorn.run("main:app")\ndef start():\n    serve()\n'
        "async def main():\n    start()\n",
    ],
)
def test_calls_inside_a_running_loop_are_reported(project, code):
    [finding] = findings(project, code)
    assert finding.severity is Severity.ERROR


def test_a_helper_chain_is_named_and_gets_no_fix(project):
    code = 'import uvicorn\ndef serve():\n    uvicorn.run("main:app")\ndef start():\n    serve()\nasync def main():\n    start()\n'
    [finding] = findings(project, code)
    assert "fails in the coroutine `main` (via `start()` → `serve()`)" in finding.message
    assert "make `serve` await Server(...).serve()" in finding.message
    assert finding.fixes == []


def test_no_fix_where_server_serve_cannot_do_the_same(project):
    code = 'import uvicorn\nasync def main():\n    uvicorn.run("main:app", app_dir="src")\n'
    [finding] = findings(project, code)
    assert finding.fixes == []
    assert "without app_dir" in finding.message


@pytest.mark.parametrize("options", ["reload=True", "workers=4", "workers=int(n)", "reload=flag", "**options"])
def test_a_call_that_may_only_supervise_is_not_reported(project, options):
    """With reload or workers the calling process runs no loop (real runs, uvicorn 0.12 to 0.54: it serves);
    options not known may hold them."""
    code = f'import uvicorn\nasync def main(options, n, flag):\n    uvicorn.run("main:app", {options})\n'
    assert findings(project, code) == []


def test_one_worker_still_runs_in_the_loop(project):
    code = 'import uvicorn\nasync def main():\n    uvicorn.run("main:app", workers=1, reload=False)\n'
    assert [finding.code for finding in findings(project, code)] == [CODE]


@pytest.mark.parametrize(("pinned", "reported"), [("0.29.0", False), ("0.35.0", False), ("0.36.0", True), ("", True)])
def test_nest_asyncio_lets_older_uvicorn_run_inside_the_loop(project, pinned, reported):
    """nest_asyncio patches asyncio.run and run_until_complete, not the asyncio.Runner of uvicorn 0.36 and newer
    (real notebook runs: 0.29 serves, 0.54 fails). An unpinned project runs the analysed one (0.54 here)."""
    project.write("requirements.txt", f"uvicorn=={pinned}\n" if pinned else "uvicorn\nfastapi\n")
    code = 'import nest_asyncio, uvicorn\nnest_asyncio.apply()\nasync def main():\n    uvicorn.run("main:app")\n'
    assert bool(findings(project, code)) is reported


def test_where_nest_asyncio_is_applied_the_message_says_it_does_not_help(project):
    """A notebook that applies nest_asyncio for this very call served with uvicorn before 0.36; its author is told
    why the call fails now (audit: dahwin/api's notebooks show the server running in their saved outputs)."""
    project.write("requirements.txt", "uvicorn==0.54.0\n")
    code = 'import nest_asyncio, uvicorn\nnest_asyncio.apply()\nasync def main():\n    uvicorn.run("main:app")\n'
    [finding] = findings(project, code)
    assert "(nest_asyncio cannot patch uvicorn 0.54.0);" in finding.message
    [plain] = findings(project, 'import uvicorn\nasync def main():\n    uvicorn.run("main:app")\n')
    assert "nest_asyncio" not in plain.message


@pytest.mark.parametrize(
    "body",
    [
        "async def main():\n    uvicorn.run(app)\n",
        "def start_api():\n    uvicorn.run(app)\nasync def main():\n    start_api()\n",
    ],
)
def test_the_nest_asyncio_note_does_not_cut_the_coroutine_s_name(project, body):
    """With the note the whole wording was over the limit: "the coroutine `main`" came out as "the c…ine `main`",
    and the helper's message ran to 180 characters (audit60d)."""
    project.write("requirements.txt", "uvicorn==0.54.0\n")
    code = "import nest_asyncio, uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nnest_asyncio.apply()\n" + body
    [finding] = findings(project, code)
    assert "the coroutine `main`" in finding.message
    assert "(nest_asyncio cannot patch uvicorn 0.54.0)" in finding.message
    assert "…" not in finding.message
    assert len(finding.message) <= 160


def test_asyncio_run_of_serve_where_a_loop_runs(project):
    """Audit60d: asyncio.run refuses to start a loop inside a running one, as Server.run() does."""
    head = "import asyncio, uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\n"
    head += "server = uvicorn.Server(uvicorn.Config(app))\n"
    [direct] = findings(project, head + "async def main():\n    asyncio.run(server.serve())\n")
    assert direct.message.startswith("asyncio.run(server.serve()) in the coroutine `main` fails")
    assert "await server.serve()" in apply_fix(project, "main.py", direct.fixes[0], CODE)
    helper = "def start():\n    asyncio.run(server.serve())\nasync def main():\n    start()\n"
    [through] = findings(project, head + helper)
    assert "(via `start()`)" in through.message and through.fixes == []
    # Where no loop runs, and where nest_asyncio patches asyncio.run itself: it serves.
    assert findings(project, head + 'if __name__ == "__main__":\n    asyncio.run(server.serve())\n') == []
    nested = (
        "import nest_asyncio\nnest_asyncio.apply()\n" + head + "async def main():\n    asyncio.run(server.serve())\n"
    )
    assert findings(project, nested) == []


def test_no_fix_without_the_uvicorn_module_name(project):
    [finding] = findings(project, 'from uvicorn import run\nasync def main():\n    run("main:app")\n')
    assert finding.fixes == []


def test_fix_keeps_a_multi_line_call(project):
    code = 'import uvicorn\n\n\nasync def main():\n    uvicorn.run(\n        "main:app",\n        port=8000,\n    )\n'
    [finding] = findings(project, code)
    fixed = apply_fix(project, "main.py", finding.fixes[0], CODE)
    assert 'await uvicorn.Server(uvicorn.Config(\n        "main:app",\n        port=8000,\n    )).serve()' in fixed


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app")\n',
        'import uvicorn\ndef main():\n    uvicorn.run("main:app")\nif __name__ == "__main__":\n    main()\n',
        # Handed to a thread or an executor, not called in the loop.
        "import asyncio, uvicorn\nasync def main():\n"
        '    await asyncio.get_running_loop().run_in_executor(None, lambda: uvicorn.run("main:app"))\n',
        'import asyncio, uvicorn\ndef serve():\n    uvicorn.run("main:app")\nasync def main():\n    await asyncio.to_thread(serve)\n',
        # trio's loop is not asyncio's: asyncio.run works inside it.
        'import trio, uvicorn\nasync def main():\n    uvicorn.run("main:app")\ntrio.run(main)\n',
        # A Config is not a launch that runs a loop.
        'import uvicorn\nasync def main():\n    config = uvicorn.Config("main:app")\n',
        # A method: its callers are not named plainly.
        'import uvicorn\nclass S:\n    def serve(self):\n        uvicorn.run("main:app")\nasync def main():\n    S().serve()\n',
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []


SERVER_RUN = "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n{code}"


@pytest.mark.parametrize(
    ("code", "fixed"),
    [
        (
            "async def main():\n    uvicorn.Server(uvicorn.Config(app)).run()\n",
            "async def main():\n    await uvicorn.Server(uvicorn.Config(app)).serve()\n",
        ),
        (
            "async def main():\n    server = uvicorn.Server(uvicorn.Config(app))\n    server.run()\n",
            "async def main():\n    server = uvicorn.Server(uvicorn.Config(app))\n    await server.serve()\n",
        ),
    ],
)
def test_server_run_in_a_coroutine(project, code, fixed):
    """`Server.run()` is `asyncio.run(server.serve())`: RuntimeError in a running loop (a real run); the fix awaits
    `serve()` on the loop that runs."""
    [finding] = findings(project, SERVER_RUN.format(code=code))
    assert finding.severity is Severity.ERROR and finding.message.startswith("Server.run() in the coroutine `main`")
    assert apply_fix(project, "main.py", finding.best_fix, CODE).endswith(fixed)


def test_server_run_through_a_helper_names_it_and_has_no_fix(project):
    code = "def helper():\n    uvicorn.Server(uvicorn.Config(app)).run()\n\n\nasync def main():\n    helper()\n"
    [finding] = findings(project, SERVER_RUN.format(code=code))
    assert "(via `helper()`)" in finding.message and not finding.fixes


@pytest.mark.parametrize(
    "code",
    [
        # Outside any loop: what Server.run() is for.
        'if __name__ == "__main__":\n    uvicorn.Server(uvicorn.Config(app)).run()\n',
        # serve() awaited in the coroutine: right.
        "async def main():\n    await uvicorn.Server(uvicorn.Config(app)).serve()\n",
        # trio's loop is not asyncio's.
        "import trio\n\n\nasync def main():\n    uvicorn.Server(uvicorn.Config(app)).run()\n",
    ],
)
def test_server_run_outside_a_running_loop_is_not_reported(project, code):
    assert findings(project, SERVER_RUN.format(code=code)) == []
