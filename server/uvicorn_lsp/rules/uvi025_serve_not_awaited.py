"""UVI025: `server.serve()` as a statement of its own, never awaited: the coroutine never runs, nothing is served."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine import edits, syntax
from ..engine.context import RuleContext
from ..engine.discovery import NOTEBOOK_SUFFIX
from ..engine.event_loops import running_loop
from ..engine.model import Applicability, Finding, Fix, Severity, TextEdit
from ..engine.parso_types import Node
from ..engine.python_launches import is_test_module
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message
from ..engine.server_starts import ServerStart, server_starts
from ..engine.source import node_range

_NOT_RUN = "Server.serve() is never awaited: its coroutine never runs and serves nothing (Python only warns)"


def check(ctx: RuleContext) -> Iterator[Finding]:
    # Tests patch uvicorn.Server: their `serve()` may return a mock, not a coroutine.
    if is_test_module(ctx.source.path, ctx.workspace.root):
        return
    notebook = ctx.source.path is not None and ctx.source.path.suffix == NOTEBOOK_SUFFIX
    for server in ctx.calls_to("uvicorn.Server"):
        for start in server_starts(ctx, server):
            if not start.never_runs:
                continue
            scope = syntax.enclosing_scope(start.chain)
            if notebook and scope.type == "file_input":
                continue  # a cell's last expression is kept as its output (`_`), which a later cell may await
            yield _finding(ctx, start, scope, notebook)


def _finding(ctx: RuleContext, start: ServerStart, scope: Node, notebook: bool) -> Finding:
    if start.in_coroutine:
        # Not in a class body inside the coroutine, where `await` is a syntax error.
        fixes = (
            [Fix("Await server.serve()", (_awaited(start),), Applicability.UNSAFE)]
            if scope.type == "funcdef" and syntax.is_async(scope)
            else []
        )
        return ctx.finding(RULE, f"{_NOT_RUN}; await it", node_range(start.chain), fixes=fixes)
    loop = running_loop(ctx, start.chain, notebook)
    if loop is not None:
        # server.run() would start a second event loop inside the running one: RuntimeError (UVI016).
        message = fit_message(
            f"{_NOT_RUN}; make `{{helper}}` a coroutine that awaits it", helper=Quoted(loop.helpers[-1])
        )
        return ctx.finding(RULE, message, node_range(start.chain))
    applicability = _run_fix_applicability(start, scope, notebook)
    fixes = (
        [] if applicability is None else [Fix("Call server.run()", (edits.replace(start.leaf, "run"),), applicability)]
    )
    return ctx.finding(RULE, f"{_NOT_RUN}; call .run() instead", node_range(start.chain), fixes=fixes)


def _run_fix_applicability(start: ServerStart, scope: Node, notebook: bool) -> Applicability | None:
    """How sure `server.run()` (which is `asyncio.run(server.serve())`) is what the statement meant."""
    if notebook:
        return None  # every cell runs inside ipykernel's loop, where server.run() fails
    if syntax.is_under_main_guard(start.chain):
        return Applicability.SAFE
    if scope.type == "funcdef" and syntax.enclosing_scope(scope).type == "file_input":
        return Applicability.SAFE  # a plain function no coroutine of the file calls
    if scope.type == "file_input":
        return Applicability.UNSAFE  # a module that is imported would start the server at import
    return None  # a method or nested function: its callers, maybe coroutines, are not known


def _awaited(start: ServerStart) -> TextEdit:
    return edits.replace(start.chain, f"await {start.chain.get_code(include_prefix=False)}")


RULE = Rule(
    code="UVI025",
    name="serve-not-awaited",
    summary="`server.serve()` called as a statement without `await`: the coroutine never runs, nothing is served "
    "and the program goes on (or exits 0).",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.SAFE, Applicability.UNSAFE),
    check=check,
    doc=RuleDoc(
        what="""
            Finds `serve()` called on a `uvicorn.Server` as a statement of its own, without `await`:
            `uvicorn.Server(config).serve()`, or `server = uvicorn.Server(config)` (the name's only binding)
            followed by `server.serve()`, at module level, in a plain function or in an `async def`.

            The uses that do run the coroutine are left alone: `await server.serve()`,
            `asyncio.run(server.serve())`, `loop.run_until_complete(server.serve())`,
            `asyncio.create_task(server.serve())`, `asyncio.gather(server.serve(), ...)`, a coroutine put in a
            list, returned or assigned (a variable may be awaited later), and `server.run()`, the synchronous
            start. Test modules are not checked (they patch `uvicorn.Server`), nor the top level of a notebook
            cell.
        """,
        why="""
            `Server.serve` is an `async def` in every uvicorn release: calling it only creates a coroutine
            object. Without `await` (or an event loop that is handed the coroutine) the coroutine never runs,
            so the server never starts. Python prints
            `RuntimeWarning: coroutine 'Server.serve' was never awaited` when the object is discarded and goes
            on: a script that only meant to serve exits at once with status 0, and nothing answers on the
            port.
        """,
        example="""
            import uvicorn

            if __name__ == "__main__":
                config = uvicorn.Config("main:app", port=8000)
                server = uvicorn.Server(config)
                server.serve()
        """,
        use_instead="""
            import uvicorn

            if __name__ == "__main__":
                config = uvicorn.Config("main:app", port=8000)
                server = uvicorn.Server(config)
                server.run()
        """,
        fix="""
            Outside a coroutine: replaces `serve` by `run`. `Server.run(sockets)` is
            `asyncio.run(self.serve(sockets))`, so the same arguments start the same server, in the event
            loop `run` starts. No such fix in a notebook (ipykernel's loop already runs there), in a method or
            a nested function (their callers are not known), or in a function that a coroutine of the file
            calls, where `run` would fail with RuntimeError; the message says to make that function a
            coroutine that awaits `serve()`.

            Inside an `async def`: adds `await` before the call.
        """,
        fix_safety="""
            `run` is safe under `if __name__ == "__main__":` and in a plain function defined at module level
            that no coroutine of the file calls: nothing else in the statement uses the result, and the
            statement now does what it was written for. At module level outside that guard it is unsafe: a
            module that is imported (by uvicorn itself, for an import string naming it) would start a server
            at import.

            `await` is unsafe: the coroutine now waits until the server stops, so what follows it (and its
            callers) waits too; code that meant to serve in the background wants
            `asyncio.create_task(server.serve())` instead.
        """,
        notebooks="""
            Calls in functions are checked as in any Python file, without the `run` fix (every cell runs inside
            ipykernel's event loop). A call at a cell's top level is not reported: the cell's last expression is
            kept as its output, and a later cell may await it.
        """,
        python_only="`uvicorn.Server` exists only in Python code; a command line starts the server itself.",
    ),
)
