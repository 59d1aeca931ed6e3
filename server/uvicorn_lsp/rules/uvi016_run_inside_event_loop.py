"""UVI016: uvicorn.run (or a Server's run()) called where an event loop already runs (a coroutine, a notebook cell)."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine import edits, project, syntax
from ..engine.context import RuleContext
from ..engine.event_loops import RunningLoop, running_loop
from ..engine.launch import Entry, Launch, Setting
from ..engine.model import Applicability, Finding, Fix, Severity
from ..engine.parso_types import Node
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message
from ..engine.server_starts import ServerStart, server_starts
from ..engine.source import node_code, node_range
from ..engine.uvicorn_facts import reloads, runs_workers

# Loops that are not asyncio's: uvicorn.run's asyncio.run works inside them (it blocks them).
_OTHER_LOOPS = ("trio", "curio")


def check(ctx: RuleContext) -> Iterator[Finding]:
    imported = {target.split(".")[0] for target in ctx.imports.names.values()}
    if imported & set(_OTHER_LOOPS):
        return
    nested = "nest_asyncio" in imported and ctx.source.mentions("apply(")
    notebook = any(launch.setting is Setting.NOTEBOOK for launch in ctx.launches)
    for launch in ctx.launches:
        if launch.entry is not Entry.RUN or launch.call is None:
            continue
        # With reload or workers the calling process only supervises (the servers run in new processes, on
        # loops of their own): it works inside a loop. Not known: nothing is said.
        if not launch.complete or reloads(launch) is not False or runs_workers(launch) is not False:
            continue
        version = ctx.uvicorn_version_in(launch)
        if nested and not _refuses_nested_loops(version):
            continue
        # The file applies nest_asyncio to make this very call work (it did before uvicorn 0.36): say why it fails.
        past_nest = f" (nest_asyncio cannot patch uvicorn {version})" if nested else ""
        loop = running_loop(ctx, launch.call.node, notebook)
        if loop is None:
            continue
        fix = _serve_fix(ctx, launch) if loop.await_allowed else None
        # Short: what fails and what to do; the rule page explains the loops, the error and the supervisors.
        if loop.helpers:
            message = _through_helpers("uvicorn.run()", loop, "Server(...).serve()", past_nest)
        else:
            # The shorter wording makes room for past_nest: cutting `where` would garble "the coroutine".
            message = fit_message(
                "uvicorn.run() in {where} fails: an event loop already runs there{past_nest}; "
                "await Server(Config(...)).serve() instead{limits}",
                "uvicorn.run() in {where} fails: an event loop already runs there{past_nest}; "
                "await Server(...).serve() instead{limits}",
                where=Quoted(loop.where),
                past_nest=past_nest,
                limits=", without app_dir" if "app_dir" in launch.options else "",
            )
        yield ctx.finding(RULE, message, launch.range, fixes=[fix] if fix else [])
    for server in ctx.calls_to("uvicorn.Server"):
        for start in server_starts(ctx, server):
            finding = _server_run(ctx, start, notebook, nested)
            if finding is not None:
                yield finding


def _server_run(ctx: RuleContext, start: ServerStart, notebook: bool, nested: bool) -> Finding | None:
    """`server.run()` is `asyncio.run(server.serve())`: inside a running loop it fails the same way (real run:
    RuntimeError, nothing served). Where `await` may stand, the fix awaits `serve()` on that loop."""
    if start.method != "run":
        return _serve_in_asyncio_run(ctx, start, notebook, nested)
    version = ctx.running_uvicorn_version
    if nested and not _refuses_nested_loops(version):
        return None
    loop = running_loop(ctx, start.chain, notebook)
    if loop is None:
        return None
    if loop.helpers:
        return ctx.finding(RULE, _through_helpers("Server.run()", loop, "server.serve()"), node_range(start.chain))
    fixes = (
        [
            Fix(
                "Await server.serve() instead",
                (edits.replace(start.chain, _awaiting_serve(start)),),
                Applicability.UNSAFE,
            )
        ]
        if loop.await_allowed
        else []
    )
    message = fit_message(
        "Server.run() in {where} fails: an event loop already runs there; await server.serve() instead",
        where=Quoted(loop.where),
    )
    return ctx.finding(RULE, message, node_range(start.chain), fixes=fixes)


def _serve_in_asyncio_run(ctx: RuleContext, start: ServerStart, notebook: bool, nested: bool) -> Finding | None:
    """`asyncio.run(server.serve())` inside a running loop: asyncio.run refuses to start another (real run:
    "RuntimeError: asyncio.run() cannot be called from a running event loop", nothing served). nest_asyncio
    patches asyncio.run itself, so a file that applies it is left alone whatever the uvicorn."""
    call = _asyncio_run_of(ctx, start)
    if call is None or nested:
        return None
    loop = running_loop(ctx, call, notebook)
    if loop is None:
        return None
    started = "asyncio.run(server.serve())"
    if loop.helpers:
        return ctx.finding(RULE, _through_helpers(started, loop, "server.serve()"), node_range(call))
    fixes = (
        [
            Fix(
                "Await server.serve() instead",
                (edits.replace(call, f"await {node_code(start.chain)}"),),
                Applicability.UNSAFE,
            )
        ]
        if loop.await_allowed
        else []
    )
    message = fit_message(
        "{started} in {where} fails: an event loop already runs there; await server.serve() instead",
        started=started,
        where=Quoted(loop.where),
    )
    return ctx.finding(RULE, message, node_range(call), fixes=fixes)


def _asyncio_run_of(ctx: RuleContext, start: ServerStart) -> Node | None:
    """The `asyncio.run(<server>.serve())` call whose one argument is this start, if it is one."""
    parentheses = start.chain.parent
    if parentheses.type != "trailer" or parentheses.children[0].value != "(":
        return None
    call = parentheses.parent
    callee = syntax.callee_of(call)
    if callee is None or call.children[-1] is not parentheses:
        return None
    return call if ctx.imports.qualify(callee.dotted) == "asyncio.run" else None


def _through_helpers(started: str, loop: RunningLoop, awaited: str, past_nest: str = "") -> str:
    """The start fails in a sync helper a coroutine calls: the helper is what has to await."""
    return fit_message(
        "{started} fails in {where} (via {chain}): an event loop already runs there{past_nest}; "
        "make `{helper}` await {awaited}",
        "{started} fails in {where}: a loop already runs there{past_nest}; make `{helper}` await {awaited}",
        started=started,
        where=Quoted(loop.where),
        past_nest=past_nest,
        chain=Quoted(" → ".join(f"`{name}()`" for name in loop.helpers)),
        helper=Quoted(loop.helpers[-1]),
        awaited=awaited,
    )


def _awaiting_serve(start: ServerStart) -> str:
    """`await <server>.serve(...)` written from the start's own `<server>.run(...)`, its line breaks kept."""
    parts: list[str] = []
    leaf, last = start.chain.get_first_leaf(), start.chain.get_last_leaf()
    while True:
        parts.append(("" if not parts else leaf.prefix) + ("serve" if leaf is start.leaf else leaf.value))
        if leaf is last:
            return "await " + "".join(parts)
        leaf = leaf.get_next_leaf()


def _refuses_nested_loops(version: str | None) -> bool:
    """Whether the uvicorn that runs (None: not known) starts its loop so that `nest_asyncio.apply()` does not let
    it run inside another: 0.36 and newer use an `asyncio.Runner`, which nest_asyncio leaves as it is; older
    versions call `asyncio.run` or the loop's `run_until_complete`, which it patches (real runs: 0.29 serves in
    a notebook that applied it, 0.54 fails)."""
    release = project.release(version)
    return release is not None and release >= (0, 36)


def _serve_fix(ctx: RuleContext, launch: Launch) -> Fix | None:
    """`await uvicorn.Server(uvicorn.Config(<the same arguments>)).serve()`, when Config takes them all."""
    call = launch.call
    assert call is not None
    node = call.node
    module, _, attribute = call.callee_dotted.rpartition(".")
    if attribute != "run" or "." in module or ctx.imports.qualify(module) != "uvicorn":
        return None  # `from uvicorn import run`: no `uvicorn.` name to reach Server and Config by
    if "app_dir" in launch.options or node.children[-1] is not call.trailer:
        return None  # uvicorn.Config has no app_dir
    arguments = call.trailer.get_code(include_prefix=False)[1:-1]
    replacement = f"await {module}.Server({module}.Config({arguments})).serve()"
    return Fix(
        "Await uvicorn.Server(uvicorn.Config(...)).serve() instead",
        (edits.replace(node, replacement),),
        Applicability.UNSAFE,
    )


RULE = Rule(
    code="UVI016",
    name="run-inside-event-loop",
    summary="`uvicorn.run` (or a `uvicorn.Server`'s `run()`) is called where an event loop already runs (a coroutine, a notebook cell); it fails with RuntimeError.",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.UNSAFE,),
    check=check,
    doc=RuleDoc(
        what="""
            Finds `uvicorn.run(...)` calls that run while an asyncio event loop is already running:

            - inside an `async def`;
            - inside a plain function that an `async def` of the same file calls (by its plain name,
              through any number of such functions);
            - at the top level of a Jupyter notebook cell (or in a function such a cell calls): the
              ipykernel runs every cell inside its own event loop.

            Files that import `trio` (or `curio`) are left alone: their loops are not asyncio's. A call
            with `reload` or `workers` above 1 is left alone too: the calling process only supervises, and
            the servers run in new processes on loops of their own (real runs, uvicorn 0.12 to 0.54). So is
            one in a file that applies `nest_asyncio`, unless the uvicorn that runs is 0.36 or newer (whose
            loop runner nest_asyncio does not patch).

            The same for `server.run()` of a `uvicorn.Server` (which is `asyncio.run(server.serve())`), where
            reload and workers never apply (UVI006), and for `asyncio.run(server.serve())` written out, which
            asyncio refuses in a running loop ("asyncio.run() cannot be called from a running event loop")
            unless the file applies `nest_asyncio`, which patches `asyncio.run` itself.
        """,
        why="""
            `uvicorn.run()` starts the server with `asyncio.run()`, which refuses to start a loop in a
            thread where one already runs. The call fails at once with
            `RuntimeError: Cannot run the event loop while another loop is running` (a script exits with
            status 1; a notebook cell shows the traceback) and nothing is ever served.
        """,
        example="""
            import asyncio

            import uvicorn


            async def main():
                uvicorn.run("main:app", port=8000)


            if __name__ == "__main__":
                asyncio.run(main())
        """,
        use_instead="""
            import asyncio

            import uvicorn


            async def main():
                await uvicorn.Server(uvicorn.Config("main:app", port=8000)).serve()


            if __name__ == "__main__":
                asyncio.run(main())
        """,
        fix="""
            Where the call stands directly in the coroutine (or at a notebook cell's top level, where
            ipykernel accepts `await`), and uvicorn is imported as a module (`import uvicorn`): replaces
            the call with `await uvicorn.Server(uvicorn.Config(<the same arguments>)).serve()`, which runs
            the server on the loop that is already running.

            For `server.run()` the fix writes `await server.serve()`. No fix when the call has `app_dir`,
            which `uvicorn.Config` does not take. Calls reached through a
            sync helper get no fix either: the helper would have to become a coroutine, and so would its
            callers.
        """,
        fix_safety="""
            Unsafe: the server now shares the loop with the code around it, so that code keeps running
            beside the server, and the coroutine returns only when the server stops.
        """,
        notebooks="""
            This is the notebook failure users meet most. In a `.ipynb` file (checked by the
            command line, or sent by an editor) every top-level `uvicorn.run()` is reported, guarded by
            `if __name__ == "__main__":` or not, since a notebook's `__name__` is `"__main__"`.
        """,
        python_only="a command line starts a process of its own, outside any event loop.",
    ),
)
