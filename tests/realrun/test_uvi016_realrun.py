"""UVI016 run for real: uvicorn.run inside a coroutine fails; the fix's `await Server(...).serve()` serves."""

from __future__ import annotations

import pytest

from tests.conftest import apply_edits

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

MAIN = (
    APP_HEAD
    + """

import asyncio


async def main():
    uvicorn.run("main:app", port={port})


if __name__ == "__main__":
    asyncio.run(main())
"""
)


@pytest.mark.parametrize(
    "start",
    [
        'uvicorn.run("main:app", port={port})',
        # `Server.run()` is `asyncio.run(server.serve())`: inside the coroutine's loop it fails the same way.
        "uvicorn.Server(uvicorn.Config(app, port={port})).run()",
        "server = uvicorn.Server(uvicorn.Config(app, port={port}))\n    server.run()",
    ],
)
def test_run_in_a_coroutine_fails_and_the_fix_serves(project, start):
    port = free_port()
    path = project.write("main.py", MAIN.replace('uvicorn.run("main:app", port={port})', start).format(port=port))
    [finding] = project.check("main.py", codes=("UVI016",))
    before = run_server(["main.py"], project.root, port, timeout=15)
    assert not before.served and before.exit_code == 1, before.output
    assert "RuntimeError: Cannot run the event loop while another loop is running" in before.output

    path.write_text(apply_edits(path.read_text(), finding.fixes[0].edits))
    assert project.check("main.py", codes=("UVI016",)) == []
    after = run_server(["main.py"], project.root, port)
    assert after.served, after.output


def test_asyncio_run_of_serve_in_a_coroutine_fails_and_the_fix_serves(project):
    """Audit60d: `asyncio.run(server.serve())` inside a coroutine was not reported; asyncio.run refuses there."""
    port = free_port()
    start = "server = uvicorn.Server(uvicorn.Config(app, port={port}))\n    asyncio.run(server.serve())"
    path = project.write("main.py", MAIN.replace('uvicorn.run("main:app", port={port})', start).format(port=port))
    [finding] = project.check("main.py", codes=("UVI016",))
    before = run_server(["main.py"], project.root, port, timeout=15)
    assert not before.served and before.exit_code == 1, before.output
    assert "asyncio.run() cannot be called from a running event loop" in before.output

    path.write_text(apply_edits(path.read_text(), finding.fixes[0].edits))
    assert "    await server.serve()\n" in path.read_text()
    assert project.check("main.py", codes=("UVI016",)) == []
    assert run_server(["main.py"], project.root, port).served


@pytest.mark.parametrize("option", ["reload=True", "workers=2"])
def test_run_with_reload_or_workers_in_a_coroutine_serves_and_is_not_reported(project, option):
    """The calling process only supervises: the servers start in new processes, outside the coroutine's loop
    (audit: a project's launcher reported as failing served)."""
    port = free_port()
    project.write("main.py", MAIN.format(port=port).replace(f"port={port})", f"port={port}, {option})"))
    assert project.check("main.py", codes=("UVI016",)) == []
    assert run_server(["main.py"], project.root, port).served
