"""UVI025 run for real: a `server.serve()` nobody awaits serves nothing, Python only warns and the script exits 0;
the fixes (`server.run()` outside a coroutine, `await` inside one) serve. In a plain function that a coroutine
calls, `server.run()` would fail with RuntimeError: there the rule offers no fix."""

from __future__ import annotations

import pytest

from tests.conftest import apply_edits

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

NEVER_AWAITED = "RuntimeWarning: coroutine 'Server.serve' was never awaited"

IN_MAIN_GUARD = (
    APP_HEAD
    + """

if __name__ == "__main__":
    server = uvicorn.Server(uvicorn.Config(app, port={port}))
    server.serve()
"""
)

IN_COROUTINE = (
    APP_HEAD
    + """

import asyncio


async def main():
    uvicorn.Server(uvicorn.Config(app, port={port})).serve()


if __name__ == "__main__":
    asyncio.run(main())
"""
)

CALLED_BY_A_COROUTINE = (
    APP_HEAD
    + """

import asyncio


def start():
    uvicorn.Server(uvicorn.Config(app, port={port})).serve()


async def main():
    start()


if __name__ == "__main__":
    asyncio.run(main())
"""
)


@pytest.mark.parametrize(("template", "fix_title"), [(IN_MAIN_GUARD, "Call server.run()"), (IN_COROUTINE, "Await")])
def test_serve_never_awaited_serves_nothing_and_the_fix_serves(project, template, fix_title):
    port = free_port()
    path = project.write("main.py", template.format(port=port))
    [finding] = project.check("main.py", codes=("UVI025",))
    before = run_server(["main.py"], project.root, port, timeout=15)
    assert not before.served and before.exit_code == 0, before.output
    assert NEVER_AWAITED in before.output

    [fix] = finding.fixes
    assert fix.title.startswith(fix_title)
    path.write_text(apply_edits(path.read_text(), fix.edits))
    assert project.check("main.py", codes=("UVI025",)) == []
    after = run_server(["main.py"], project.root, port)
    assert after.served, after.output
    assert NEVER_AWAITED not in after.output


def test_run_in_a_function_a_coroutine_calls_would_fail_so_no_fix(project):
    port = free_port()
    path = project.write("main.py", CALLED_BY_A_COROUTINE.format(port=port))
    [finding] = project.check("main.py", codes=("UVI025",))
    assert finding.fixes == []
    before = run_server(["main.py"], project.root, port, timeout=15)
    assert not before.served and before.exit_code == 0 and NEVER_AWAITED in before.output, before.output

    path.write_text(path.read_text().replace(").serve()", ").run()"))
    with_run = run_server(["main.py"], project.root, port, timeout=15)
    assert not with_run.served and with_run.exit_code == 1, with_run.output
    assert "RuntimeError" in with_run.output
