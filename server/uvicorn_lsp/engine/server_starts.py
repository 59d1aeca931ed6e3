"""Where a server built by `uvicorn.Server(...)` is started: its `.run()` and `.serve()` calls, read from the syntax.

`uvicorn.Server(config).run()`, or `server = uvicorn.Server(config)` (the name's one binding) then `server.run()`
/ `await server.serve()` where that binding is the one the name reads (its scope and the functions inside it)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Protocol

from . import syntax
from .launch import Entry, Launch
from .parso_types import Node
from .source import SourceFile
from .values import Evaluator


class Parsed(Protocol):
    """What finding a server's starts reads of a module (engine.parsed_source.ParsedSource)."""

    @property
    def source(self) -> SourceFile: ...

    @property
    def evaluator(self) -> Evaluator: ...


class CheckedPython(Parsed, Protocol):
    """What the questions about the checked file's launches read of it (engine.context.RuleContext)."""

    @property
    def imports(self) -> syntax.ImportMap: ...

    def calls_to(self, *qualnames: str) -> list[syntax.CallSite]: ...

    def argument(self, call: syntax.CallSite, keyword: str, position: int | None = None) -> syntax.Argument | None: ...


SERVER_METHODS = ("run", "serve")
_STATEMENT_PLACES = ("simple_stmt", "suite", "file_input")


@dataclass(frozen=True)
class ServerStart:
    """One `<server>.run(...)` or `<server>.serve(...)` call."""

    method: str  # "run" or "serve"
    leaf: Node  # the method's name
    chain: Node  # the expression `<server>.<method>(...)`, with its `await` when awaited
    trailer: Node  # the call's `(...)`

    @property
    def in_coroutine(self) -> bool:
        """Inside an `async def`: an event loop runs there, which uvicorn.run (its own asyncio.run) cannot join."""
        function = syntax.enclosing_scope(self.leaf)
        while function.type in ("classdef", "lambdef"):
            function = syntax.enclosing_scope(function)
        return function.type == "funcdef" and syntax.is_async(function)

    @property
    def never_runs(self) -> bool:
        """A `serve()` whose coroutine nothing awaits: a statement of its own, without `await`."""
        first = self.chain.children[0]
        awaited = first.type == "keyword" and first.value == "await"
        # A statement's expression; the last line of a file without a final newline has no `simple_stmt` around it.
        discarded = self.chain.children[-1] is self.trailer and self.chain.parent.type in _STATEMENT_PLACES
        return self.method == "serve" and discarded and not awaited


def server_starts(parsed: Parsed, server: syntax.CallSite) -> list[ServerStart]:
    """The starts of the server `server` builds, in text order; none when its name is bound more than once."""
    starts = [_method_call_after(holder) for holder in _holders(parsed, server)]
    return [start for start in starts if start is not None]


def runs_elsewhere(parsed: Parsed, server: syntax.CallSite) -> bool:
    """The server's `run` handed on without a call (`threading.Thread(target=server.run)`): whatever calls it runs
    Server.run()."""
    for holder in _holders(parsed, server):
        attribute = holder.get_next_sibling()
        if attribute is None or attribute.type != "trailer" or attribute.children[0].value != ".":
            continue
        call = attribute.get_next_sibling()
        called = call is not None and call.type == "trailer" and call.children[0].value == "("
        if attribute.children[1].value == "run" and not called:
            return True
    return False


def _holders(parsed: Parsed, server: syntax.CallSite) -> list[Node]:
    """The nodes a method of the server follows: the call itself (`uvicorn.Server(config).run()`), or each use of
    the name it is assigned to (`server = uvicorn.Server(config)`, the name's one binding, read where that binding
    is the one it holds)."""
    attribute = server.trailer.get_next_sibling()
    if attribute is not None and attribute.type == "trailer":
        return [server.trailer]
    statement = server.node.parent
    if (
        statement.type != "expr_stmt"
        or statement.children[-1] is not server.node
        or statement.children[0].type != "name"
    ):
        return []
    target = statement.children[0]
    if parsed.evaluator.bindings(target) != [target]:
        return []  # bound again in its scope: which server a use holds is not known
    holders = []
    for leaf in _uses_within(parsed.source.used_names.get(target.value, []), parsed.evaluator.scope_of(target)):
        # A name another binding may hold is no longer this server.
        if leaf is not target and leaf.parent.type in ("atom_expr", "power") and _reads_only(parsed, leaf, target):
            holders.append(leaf)
    return holders


# uvicorn's supervisors start a config's servers with Server.run() in their processes, which sets the loop up.
_SUPERVISORS = (
    "uvicorn.supervisors.ChangeReload",
    "uvicorn.supervisors.Multiprocess",
    "uvicorn.supervisors.multiprocess.Multiprocess",
    "uvicorn.supervisors.statreload.StatReload",
    "uvicorn.supervisors.watchfilesreload.WatchFilesReload",
    "uvicorn.supervisors.watchgodreload.WatchGodReload",
)


def uvicorn_makes_the_loop(ctx: CheckedPython, launch: Launch) -> bool:
    """Whether uvicorn itself makes the event loop `loop=` names (importing uvloop, or the setup an import string
    names): uvicorn.run, the command and Server.run() do. A Config whose servers this file only awaits
    (`await server.serve()`) runs on the loop already running: uvicorn never reads `loop` (real runs, 0.20 to
    0.54: served without uvloop, and with a `loop` no uvicorn knows). So does a server's `run` handed on
    (`threading.Thread(target=server.run)`); a Config whose start is not seen (another module) is not known to."""
    if launch.entry is not Entry.CONFIG or launch.call is None:
        return True
    text = ctx.source.text
    if "setup_event_loop" in text or "get_loop_factory" in text or ctx.calls_to(*_SUPERVISORS):
        return True  # the code makes uvicorn's loop itself (a Server subclass's run(), a supervisor)
    servers = config_servers(ctx, launch.call)
    return any(
        runs_elsewhere(ctx, server) or any(start.method == "run" for start in server_starts(ctx, server))
        for server in servers
    )


def runs_in_a_thread(ctx: CheckedPython, launch: Launch) -> bool:
    """Whether the launch starts in a thread of its own: a Config whose server's `run` is handed on
    (`Thread(target=server.run)`), or `uvicorn.run` in a function a `threading.Thread` targets. A failure there
    ends the thread (real run: ModuleNotFoundError in the thread, nothing served, the process going on)."""
    call = launch.call
    if call is None or not ctx.source.mentions("Thread"):
        return False
    if launch.entry is Entry.CONFIG:
        return any(runs_elsewhere(ctx, server) for server in config_servers(ctx, call))
    function = call.node.search_ancestor("funcdef")
    if function is None:
        return False
    for thread in syntax.calls_named(ctx.source.used_names, {"Thread"}):
        if ctx.imports.qualify(thread.callee_dotted) != "threading.Thread":
            continue
        target = thread.argument("target", 1)  # Thread(group, target, ...)
        if target is not None and target.value.type == "name" and target.value.value == function.name.value:
            return True
    return False


def config_servers(ctx: CheckedPython, config: syntax.CallSite) -> list[syntax.CallSite]:
    """The `uvicorn.Server`s of this file built from the `uvicorn.Config` call `config`: given inline
    (`uvicorn.Server(uvicorn.Config(...))`) or through a name assigned once (`cfg = uvicorn.Config(...)`)."""
    servers = []
    for server in ctx.calls_to("uvicorn.Server"):
        argument = ctx.argument(server, "config", 0)
        if argument is None:
            continue
        given = argument.value
        if given.type == "name":
            assigned = ctx.evaluator.assignments(given)
            given = assigned[0] if assigned and len(assigned) == 1 else given
        if given is config.node:
            servers.append(server)
    return servers


def _uses_within(uses: list[Node], scope: Node) -> list[Node]:
    """The uses (in text order) inside `scope`'s text: found by bisection, so that each of a module's many servers
    looks at its own function's uses only, not at every use of the name in the module."""
    if scope.type == "file_input":
        return uses
    first = bisect.bisect_left(uses, scope.start_pos, key=lambda leaf: leaf.start_pos)
    last = bisect.bisect_left(uses, scope.end_pos, key=lambda leaf: leaf.start_pos)
    return uses[first:last]


def _reads_only(parsed: Parsed, leaf: Node, binding: Node) -> bool:
    bindings = parsed.evaluator.bindings(leaf)
    return len(bindings) == 1 and bindings[0] is binding


def _method_call_after(node: Node) -> ServerStart | None:
    """For `<node>.run(...)` / `<node>.serve(...)`, the call."""
    attribute = node.get_next_sibling()
    call = attribute.get_next_sibling() if attribute is not None else None
    if attribute is None or call is None or attribute.type != "trailer" or call.type != "trailer":
        return None
    name = attribute.children[1] if attribute.children[0].value == "." else None
    if name is not None and name.value in SERVER_METHODS and call.children[0].value == "(":
        return ServerStart(name.value, name, node.parent, call)
    return None
