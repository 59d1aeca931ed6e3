"""Where an asyncio event loop already runs when a statement runs: a coroutine, a notebook cell, or a plain
function such code calls (read from the syntax of one file)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import syntax
from .parso_types import Node

if TYPE_CHECKING:
    from .context import RuleContext

# ipykernel runs cells inside its event loop.
NOTEBOOK_CELL = "a notebook cell"


@dataclass(frozen=True)
class RunningLoop:
    """Why the code runs inside a loop: the coroutine (or notebook cell) and the helper calls on the way."""

    where: str  # "the coroutine `main`", "a notebook cell"
    helpers: tuple[str, ...] = ()  # sync functions between the coroutine and the code, outermost first
    await_allowed: bool = False  # `await` may stand where the code stands


def running_loop(ctx: RuleContext, node: Node, notebook: bool) -> RunningLoop | None:
    """The loop `node` runs inside: its own coroutine, a coroutine calling the sync functions
    around it (in this file, by plain name), or a notebook cell's top level."""
    scope = syntax.enclosing_scope(node)
    if scope.type == "funcdef" and syntax.is_async(scope):
        return RunningLoop(f"the coroutine `{scope.name.value}`", await_allowed=True)
    if scope.type == "file_input":
        return RunningLoop(NOTEBOOK_CELL, await_allowed=True) if notebook else None
    seen: set[int] = set()
    pending: list[tuple[Node, tuple[str, ...]]] = [(scope, ())]
    while pending:
        function, helpers = pending.pop(0)
        if function.type != "funcdef" or id(function) in seen or syntax.enclosing_scope(function).type == "classdef":
            continue  # lambdas and methods: their callers are not named plainly
        seen.add(id(function))
        ctx.check_cancelled()
        name = function.name.value
        helpers = (name, *helpers)
        for call in syntax.calls_named(ctx.source.used_names, {name}):
            if call.callee_dotted != name:
                continue
            caller = syntax.enclosing_scope(call.node)
            if caller.type == "funcdef" and syntax.is_async(caller):
                return RunningLoop(f"the coroutine `{caller.name.value}`", helpers)
            if caller.type == "file_input" and notebook:
                return RunningLoop(NOTEBOOK_CELL, helpers)
            pending.append((caller, helpers))
    return None
