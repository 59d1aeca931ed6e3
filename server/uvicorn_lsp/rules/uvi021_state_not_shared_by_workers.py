"""UVI021: module-level state that route handlers change, in an app run with several workers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..engine import import_resolution, syntax
from ..engine.context import RuleContext
from ..engine.import_resolution import Outcome
from ..engine.launch import Launch
from ..engine.model import Finding, Severity
from ..engine.module_index import ParsedModule
from ..engine.rule import Quoted, Rule, RuleDoc, fit_message
from ..engine.uvicorn_facts import runs_workers

# Calls that build a mutable container; plain literals (`[]`, `{}`, `0`) are read from the syntax.
_CONTAINER_CALLS = {"list", "dict", "set", "collections.Counter", "collections.defaultdict", "collections.deque"}
_MUTATING_METHODS = {
    "append", "extend", "insert", "remove", "pop", "popitem", "clear", "update", "add", "discard",
    "setdefault", "appendleft", "popleft",
}  # fmt: skip
# Decorators that make a function a route handler: `@app.get("/")`, `@router.post(...)`, `@app.route(...)`.
_ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route", "websocket"}


@dataclass(frozen=True)
class SharedState:
    name: str
    line: int  # 1-based, where the module binds it
    handler: str  # the route handler that changes it
    how: str  # what the handler does, before the name: "calls `.append()` on", "rebinds the global"


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        workers = launch.option("workers")
        if workers is None or not runs_workers(launch) or not launch.spawns_processes():
            continue
        module = _app_module(ctx, launch)
        if module is None:
            continue
        where = "this file" if module.source is ctx.source else str(module.found.name)
        for state in _changed_state(module):
            # Where to keep such state instead (a database, a cache server) is on the rule page.
            message = fit_message(
                "route handler `{handler}` {how} `{name}` ({where}, line {line}): "
                "with {workers} each worker has its own copy, so requests see different values",
                handler=Quoted(state.handler),
                how=state.how,
                name=Quoted(state.name),
                where=Quoted(where),
                line=str(state.line),
                workers=Quoted(workers.written),
            )
            yield ctx.finding(RULE, message, workers.range)


def _app_module(ctx: RuleContext, launch: Launch) -> ParsedModule | None:
    """The module the launch's import string loads its app from (the first usual launch that loads it)."""
    strings = import_resolution.app_strings(ctx, launch)
    if len(strings) != 1:
        return None
    for resolution in strings[0].resolutions:
        if resolution.search_path.usual and resolution.outcome is Outcome.LOADS and resolution.binding is not None:
            return resolution.binding.module
    return None


def _changed_state(module: ParsedModule) -> Iterator[SharedState]:
    tree = module.source.tree
    candidates = {name: line for name, line in _module_state(module)}
    if not candidates:
        return
    module.source.note_whole_tree_read()  # every route handler's body, found without asking for names
    for function in tree.iter_funcdefs():
        if not _is_route_handler(function):
            continue
        seen: set[str] = set()
        for name, how in _changes_in(function, candidates):
            if name not in seen:
                seen.add(name)
                yield SharedState(name, candidates[name], function.name.value, how)


def _module_state(module: ParsedModule) -> Iterator[tuple[str, int]]:
    """Module-level names bound once, to a mutable container or a number."""
    counts: dict[str, int] = {}
    found: dict[str, int] = {}
    for statement in module.source.tree.children:
        node = statement.children[0] if statement.type == "simple_stmt" else statement
        if node.type != "expr_stmt" or len(node.children) != 3 or node.children[1].type != "operator":
            continue
        target, operator, value = node.children
        if target.type != "name" or operator.value != "=":
            continue
        counts[target.value] = counts.get(target.value, 0) + 1
        if _is_state_value(module, value):
            found[target.value] = target.start_pos[0]
    yield from ((name, line) for name, line in found.items() if counts[name] == 1)


def _is_state_value(module: ParsedModule, value) -> bool:
    if value.type == "atom" and value.children[0].value in ("[", "{") and value.children[-1].value in ("]", "}"):
        return True  # a list, dict or set display (comprehensions included)
    if value.type == "number":
        return True  # a counter, changed through `global`
    callee = syntax.callee_of(value)
    return callee is not None and (module.imports.qualify(callee.dotted) or callee.dotted) in _CONTAINER_CALLS


def _is_route_handler(function) -> bool:
    decorated = function.parent
    if decorated.type in ("async_stmt", "async_funcdef"):
        decorated = decorated.parent
    if decorated.type != "decorated":
        return False
    decorators = decorated.children[0]
    for decorator in decorators.children if decorators.type == "decorators" else [decorators]:
        code = decorator.get_code().strip()
        method = code.split("(")[0].rsplit(".", 1)[-1]
        if "." in code.split("(")[0] and method in _ROUTE_DECORATORS:
            return True
    return False


def _changes_in(function, candidates: dict[str, int]) -> Iterator[tuple[str, str]]:
    declared_global = {
        name.value
        for statement in _walk(function)
        if statement.type == "global_stmt"
        for name in statement.children[1::2]
    }
    # Names the handler binds itself (parameters, assignments without `global`) are its own locals.
    local = {param.name.value for param in function.get_params()} | {
        node.children[0].value
        for node in _walk(function)
        if node.type == "expr_stmt" and node.children[0].type == "name" and node.children[1].type == "operator"
    }
    candidates = {name: line for name, line in candidates.items() if name in declared_global or name not in local}
    for node in _walk(function):
        if node.type == "expr_stmt":
            target, operator = node.children[0], node.children[1]
            if target.type == "name" and target.value in candidates and target.value in declared_global:
                yield target.value, "rebinds the global"
            elif operator.type == "operator" and operator.value.endswith("=") and (item := _subscript_of(target)):
                if item in candidates:
                    yield item, "changes an item of"
        elif node.type in ("atom_expr", "power"):
            first, *trailers = node.children
            if (
                first.type == "name"
                and first.value in candidates
                and len(trailers) >= 2
                and trailers[0].children[0].value == "."
                and trailers[0].children[1].value in _MUTATING_METHODS
                and trailers[1].children[0].value == "("
            ):
                yield first.value, f"calls `.{trailers[0].children[1].value}()` on"
        elif node.type == "del_stmt" and (item := _subscript_of(node.children[1])) in candidates and item:
            yield item, "deletes an item of"


def _subscript_of(node) -> str | None:
    """`name` for `name[...]`."""
    if node.type in ("atom_expr", "power") and len(node.children) == 2 and node.children[0].type == "name":
        trailer = node.children[1]
        if trailer.type == "trailer" and trailer.children[0].value == "[":
            return node.children[0].value
    return None


def _walk(node) -> Iterator:
    for child in getattr(node, "children", ()):
        yield child
        if child.type not in ("funcdef", "classdef", "lambdef"):  # their own scopes
            yield from _walk(child)


RULE = Rule(
    code="UVI021",
    name="state-not-shared-by-workers",
    summary="Module-level state changed by route handlers, in an app run with `workers` > 1: each worker has its own copy.",
    severity=Severity.INFORMATION,
    on_by_default=False,
    check=check,
    doc=RuleDoc(
        what="""
            For a launch with `workers` above 1 whose import string loads, looks at the module that
            defines the app: a module-level name bound once to a list, dict or set (a display, `list()`,
            `dict()`, `set()`, `collections.Counter()`/`defaultdict()`/`deque()`) or a number, that a route
            handler (a function decorated with `@<app or router>.get/post/.../route/websocket(...)`) changes:
            rebinds it after `global name`, changes an item (`name[key] = ...`, `name[key] += 1`,
            `del name[key]`), or calls a mutating method (`append`, `update`, `add`, `pop`, ...).

            Off by default (an information): a cache that may differ between workers is sometimes fine.
            Reported at the `workers` option, once per name.
        """,
        why="""
            uvicorn's workers are separate processes, each importing the app module afresh: each has its
            own copy of every module-level object. A counter counts the requests of one worker, a cache
            or a list of sessions holds what that worker saw, and consecutive requests, served by whichever
            worker accepts them, disagree.
        """,
        example="""
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()
            visits = {}


            @app.get("/visit/{name}")
            def visit(name: str):
                visits[name] = visits.get(name, 0) + 1
                return {"visits": visits[name]}


            if __name__ == "__main__":
                uvicorn.run("main:app", workers=4)
        """,
        use_instead="""
            import redis
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()
            store = redis.Redis()


            @app.get("/visit/{name}")
            def visit(name: str):
                return {"visits": store.incr(f"visits:{name}")}


            if __name__ == "__main__":
                uvicorn.run("main:app", workers=4)
        """,
        fix="None: where shared state should live (a database, a cache server) is a design choice.",
        fix_safety="No fix is offered.",
        notes="""
            Only the app's own module is read, and only names bound once at module level; state kept on
            `app.state` or in another module is not followed. `reload` runs one process, so it is never
            reported with reload alone.
        """,
        python_only="command lines with `--workers` are not checked for shared state yet.",
    ),
)
