"""UVI010: @app.on_event("startup"/"shutdown") instead of a lifespan context manager."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..engine import edits, project, syntax
from ..engine.context import RuleContext
from ..engine.model import Applicability, Finding, Fix, Severity, Tag, TextEdit
from ..engine.parso_types import Node
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message
from ..engine.source import enclosing_statement, node_code, node_range

# Classes with `on_event`, by the names imports or jedi give them.
_FASTAPI_OWNERS = {"fastapi.FastAPI", "fastapi.applications.FastAPI", "fastapi.APIRouter", "fastapi.routing.APIRouter"}
_STARLETTE_OWNERS = {"starlette.applications.Starlette", "starlette.routing.Router"}
# Application classes that take `lifespan=`: the fix applies to these only.
_APPS = {"fastapi.FastAPI", "fastapi.applications.FastAPI", "starlette.applications.Starlette"}
_EVENTS = ("startup", "shutdown")
# The handler lists other code can fill (constructor keywords, `router.on_startup.append(...)`):
# a lifespan= makes the app skip them all.
_HANDLER_LISTS = ("on_startup", "on_shutdown")
_LIST_METHODS = ("append", "extend", "insert")


@dataclass
class EventUse:
    node: Node  # the `app.on_event(...)` atom_expr
    owner: Node  # name leaf of `app`
    event: str | None  # "startup"/"shutdown" when a literal
    handler: Node | None  # the decorated funcdef, when used as a decorator


def check(ctx: RuleContext) -> Iterator[Finding]:
    uses_by_owner: dict[int, tuple[Node, str, list[EventUse]]] = {}
    for use in _event_uses(ctx):
        binding = _binding(ctx, use.owner)
        kind = _constructor_kind(ctx, use.owner, binding)
        if kind is None:
            continue
        key = id(binding) if binding is not None else id(use)
        uses_by_owner.setdefault(key, (binding, kind, []))[2].append(use)
    # Handlers of a router included into the app run at their place in the app's list:
    # moving only the app's handlers into a lifespan would change their order.
    routers_with_handlers = any(kind not in _APPS for _, kind, _ in uses_by_owner.values())
    other_registration = _other_registration(ctx)
    for binding, kind, uses in uses_by_owner.values():
        withheld = _withheld(ctx, binding, kind, uses, other_registration) or (
            "an included router's handlers would change order"
            if routers_with_handlers and "include_router" in ctx.source.used_names
            else None
        )
        fix = _lifespan_fix(ctx, binding, uses) if withheld is None else None
        if withheld is None and fix is None:
            withheld = "the names lifespan, app_lifespan, lifespan_handlers are taken"
        has_lifespan = binding is not None and kind in _APPS and _passes_lifespan(binding)
        for use in uses:
            if not _true_for_the_running_version(ctx, use, kind, has_lifespan):
                continue
            severity = _severity(use, kind, has_lifespan)
            # An error's message says what to do; a warning's says why its fix is withheld.
            suffix = f"; no fix: {withheld}" if withheld is not None and severity is RULE.severity else ""
            message = fit_message(
                _message(use, kind, has_lifespan) + "{suffix}", shown=Quoted(node_code(use.node)), suffix=suffix
            )
            yield ctx.finding(RULE, message, node_range(use.node), severity=severity, fixes=[fix] if fix else [])


def _event_uses(ctx: RuleContext) -> Iterator[EventUse]:
    for leaf in ctx.source.used_names.get("on_event", ()):
        trailer = leaf.parent
        chain = trailer.parent
        if trailer.type != "trailer" or chain.type not in ("atom_expr", "power") or chain.children[0].type != "name":
            continue
        if chain.children[1] is not trailer or len(chain.children) < 3 or chain.children[2].children[0].value != "(":
            continue  # only `name.on_event(...)`
        decorator = chain.parent if chain.parent.type == "decorator" and len(chain.children) == 3 else None
        # One decorator sits in `decorated`; among others, in `decorators` inside it.
        decorated = decorator.parent if decorator is not None else None
        if decorated is not None and decorated.type == "decorators":
            decorated = decorated.parent
        handler = decorated.children[-1] if decorated is not None and decorated.type == "decorated" else None
        yield EventUse(chain, chain.children[0], _event_name(chain.children[2]), handler)


def _event_name(trailer) -> str | None:
    """The event of `on_event("startup")` (a trailing comma allowed) when written as a literal."""
    if len(trailer.children) != 3:
        return None
    inner = trailer.children[1]
    arguments = [child for child in inner.children if child.type != "operator"] if inner.type == "arglist" else [inner]
    value = syntax.literal_value(arguments[0]) if len(arguments) == 1 else None
    return value if value in _EVENTS else None


def _binding(ctx: RuleContext, owner):
    """The right-hand side of the only assignment of `owner` at module level, else None."""
    bindings = ctx.evaluator.bindings(owner)
    if len(bindings) != 1 or syntax.enclosing_scope(bindings[0]).type != "file_input":
        return None
    assigned = ctx.evaluator.assignments(owner)
    return assigned[0] if assigned and len(assigned) == 1 else None


def _constructor_kind(ctx: RuleContext, owner, binding) -> str | None:
    """The class name of the app or router `owner` is, when it is one of the known ones."""
    known = _FASTAPI_OWNERS | _STARLETTE_OWNERS
    constructed = _constructed_class(ctx, binding)
    if constructed in known:
        return constructed
    for inferred in ctx.resolver.infer(owner) or ():
        if inferred.type == "instance" and inferred.full_name in known:
            return inferred.full_name
    return None


def _constructed_class(ctx: RuleContext, binding) -> str | None:
    """`fastapi.FastAPI` for `FastAPI(...)` (through the file's imports), else None."""
    callee = syntax.callee_of(binding) if binding is not None else None
    return ctx.imports.qualify(callee.dotted) if callee is not None else None


def _unknown_event(use: EventUse) -> bool:
    """`on_event("startpu")`: an event written as a literal that FastAPI does not know."""
    arguments = use.node.children[-1].children
    written = syntax.literal_value(arguments[1]) if len(arguments) == 3 else None
    return isinstance(written, str) and written not in _EVENTS


# The newest releases checked (uvicorn-facts.md): the versions assumed where none is installed or declared.
_NEWEST_CHECKED = {"fastapi": "0.165.0", "starlette": "1.10.0"}
# The first FastAPI whose Starlette requirement admits 1.0 (0.130-0.132: starlette>=0.40.0,<1.0.0; 0.133.0:
# starlette>=0.40.0, from PyPI's metadata).
_FASTAPI_ADMITS_STARLETTE_1 = (0, 133)


def _running_release(ctx: RuleContext, distribution: str) -> tuple[int, ...] | None:
    """(major, minor) of the version the project runs (the analysed environment's, else the newest checked,
    if its declaration admits it, else its pin); None when unknown."""

    def compute() -> tuple[int, ...] | None:
        available = ctx.workspace.distribution_version(distribution) or _NEWEST_CHECKED[distribution]
        return project.release(ctx.running_version(distribution, available))

    return ctx.once(("running release", distribution), compute)


def _true_for_the_running_version(ctx: RuleContext, use: EventUse, kind: str, has_lifespan: bool) -> bool:
    """Starlette removed on_event in 1.0; FastAPI deprecated it in 0.104 and takes lifespan= since 0.93 (before,
    its **extra swallowed the keyword and on_event handlers still ran): said only where that version runs."""
    if kind in _STARLETTE_OWNERS:
        release = _running_release(ctx, "starlette")
        if release is None or release < (1, 0):
            return False
        # Starlette is mostly installed as FastAPI's dependency: a FastAPI before 0.133 requires starlette<1.0,
        # whatever the analysed environment has (fastapi==0.100.0 brings Starlette 0.27, where on_event runs).
        fastapi = _running_release(ctx, "fastapi")
        return fastapi is not None and fastapi >= _FASTAPI_ADMITS_STARLETTE_1
    if _unknown_event(use):
        return True
    release = _running_release(ctx, "fastapi")
    return release is not None and release >= ((0, 93) if has_lifespan and kind in _APPS else (0, 104))


def _severity(use: EventUse, kind: str, has_lifespan: bool) -> Severity:
    if kind not in _STARLETTE_OWNERS and (_unknown_event(use) or (has_lifespan and kind in _APPS)):
        return Severity.ERROR
    return RULE.severity


def _message(use: EventUse, kind: str, has_lifespan: bool) -> str:
    """The message's template: `{shown}` stands for the on_event call."""
    if kind in _STARLETTE_OWNERS:
        return "`{shown}`: Starlette removed on_event in 1.0 (AttributeError at import); use a lifespan context manager"
    if _unknown_event(use):
        return '`{shown}`: FastAPI knows only the events "startup" and "shutdown" and fails at import (AssertionError)'
    if has_lifespan and kind in _APPS:
        return "`{shown}` never runs: with lifespan= FastAPI skips on_event handlers; move this code into the lifespan"
    return "`{shown}` is deprecated since FastAPI 0.104; use a lifespan= context manager"


# ---------------------------------------------------------------------------
# The fix: one lifespan for every handler of a module-level app


def _lifespan_fix(ctx: RuleContext, constructor, uses: list[EventUse]) -> Fix | None:
    """The fix for an app `_withheld` found nothing against; None when no name is free for the lifespan."""
    unit = syntax.indent_unit(ctx.source.tree)
    decorator_name, import_edit = _asynccontextmanager(ctx)
    name = edits.free_name(ctx.source, "lifespan", "app_lifespan", "lifespan_handlers")
    if name is None:
        return None
    body = []
    for event in _EVENTS:
        if event == "shutdown":
            body.append("yield")
        for use in uses:
            if use.event == event:
                handler = use.handler
                assert handler is not None  # `_unmovable` withholds the fix for a use without a decorated handler
                function = handler if handler.type == "funcdef" else handler.children[-1]
                awaited = "await " if handler.type == "async_funcdef" else ""
                body.append(f"{awaited}{function.name.value}()")
    statement = enclosing_statement(constructor)
    if statement is None:  # no line of its own (parso's recovery at an odd line break): no place to insert
        return None
    before = statement.start_pos[0] - 1
    changes = [
        edits.insert_top_level_block(
            ctx.source, before, [f"@{decorator_name}", f"async def {name}(app):", *(unit + line for line in body)]
        )
    ]
    if import_edit is not None:
        changes.append(import_edit)
    changes.append(edits.add_keyword(ctx.source, constructor, f"lifespan={name}"))
    for use in uses:
        decorator = use.node.parent  # with its line break
        changes.append(edits.delete_lines(decorator.start_pos[0] - 1, node_range(decorator).end))
    return Fix(
        f"Move the startup and shutdown handlers into a `{name}` context manager",
        tuple(changes),
        Applicability.UNSAFE,
        preferred=True,
    )


def _withheld(ctx: RuleContext, constructor, kind: str, uses: list[EventUse], other_registration) -> str | None:
    """Why these handlers cannot move into a lifespan (a short clause), or None when they can."""
    if kind not in _APPS:
        return "a router's handlers belong in its app's lifespan"
    if constructor is None:
        return "the app is not assigned once at module level"
    if _constructed_class(ctx, constructor) not in _APPS:
        return "the app is not built here by its class"
    if _passes_lifespan(constructor):
        return "the app already has lifespan="
    if _has_star_arguments(constructor.children[-1]):
        return "the app's ** arguments may pass lifespan"
    if other_registration is not None:
        return f"{other_registration} also registers handlers"  # a lifespan= would make the app skip them
    for use in uses:
        reason = _unmovable(use)
        if reason is not None:
            return reason
    return None


def _other_registration(ctx: RuleContext) -> str | None:
    """How the file registers handlers other than by on_event, as a message names it:
    `on_startup=` to an app or router class, `.add_event_handler(...)`, `.on_startup.append(...)`."""
    for leaf in ctx.source.used_names.get("add_event_handler", ()):
        if _is_method_call(leaf):
            return "add_event_handler()"
    for name in _HANDLER_LISTS:
        for leaf in ctx.source.used_names.get(name, ()):
            parent = leaf.parent
            if parent.type == "argument" and parent.children[0] is leaf:
                call = parent.parent.parent if parent.parent.type == "arglist" else parent.parent
                if (
                    call.type == "trailer"
                    and _constructed_class(ctx, call.parent) in _FASTAPI_OWNERS | _STARLETTE_OWNERS
                ):
                    return f"{name}="
            elif _is_attribute(leaf):
                method = leaf.parent.get_next_sibling()
                if method is not None and _is_method_call(method.children[-1], _LIST_METHODS):
                    return f"{name}.{method.children[-1].value}()"
                operator = _assignment_to(leaf.parent)
                if operator is not None:
                    return f"{name} {operator}"
    return None


def _is_attribute(leaf) -> bool:
    """`<something>.leaf`."""
    return leaf.parent.type == "trailer" and leaf.parent.children[0].value == "." and leaf.parent.children[1] is leaf


def _is_method_call(leaf, names: tuple[str, ...] | None = None) -> bool:
    """`<something>.leaf(...)`, with leaf's name among `names` when given."""
    if not _is_attribute(leaf) or (names is not None and leaf.value not in names):
        return False
    call = leaf.parent.get_next_sibling()
    return call is not None and call.type == "trailer" and call.children[0].value == "("


def _assignment_to(trailer) -> str | None:
    """`=` or `+=` when the attribute chain ending in `trailer` is their target (`app.router.on_startup += [f]`)."""
    chain = trailer.parent
    statement = chain.parent
    if chain.children[-1] is not trailer or statement.type != "expr_stmt" or statement.children[0] is not chain:
        return None
    operator = statement.children[1]
    return operator.value if operator.type == "operator" and operator.value in ("=", "+=") else None


def _arguments(trailer) -> list:
    inner = trailer.children[1] if len(trailer.children) == 3 else None
    return [] if inner is None else inner.children if inner.type == "arglist" else [inner]


def _keyword_name(argument) -> str | None:
    first = argument.children[0] if argument.type == "argument" else None
    return first.value if first is not None and first.type == "name" else None


def _passes_lifespan(constructor) -> bool:
    return any(_keyword_name(argument) == "lifespan" for argument in _arguments(constructor.children[-1]))


def _has_star_arguments(trailer) -> bool:
    """`*args` or `**options`, which might hold a lifespan."""
    return any(
        argument.type == "argument"
        and argument.children[0].type == "operator"
        and argument.children[0].value in ("*", "**")
        for argument in _arguments(trailer)
    )


def _unmovable(use: EventUse) -> str | None:
    """Why this handler cannot move into a lifespan: it must be a module-level `def` with no
    parameters, decorated only by on_event with a literal event."""
    handler = use.handler
    if _unknown_event(use):
        return "a handler's event is neither startup nor shutdown"  # a literal, but no event FastAPI runs
    if use.event is None:
        return "an event not written as a literal"
    if handler is None or handler.type not in ("funcdef", "async_funcdef"):
        return "on_event not used as a decorator"
    function = handler if handler.type == "funcdef" else handler.children[-1]
    decorated = handler.parent
    if len(decorated.children) != 2 or decorated.children[0].type != "decorator":
        return f"handler `{function.name.value}` has other decorators"
    if decorated.parent.type != "file_input":
        return f"handler `{function.name.value}` is not at module level"
    if function.get_params():
        return f"handler `{function.name.value}` takes parameters"
    return None


def _asynccontextmanager(ctx: RuleContext) -> tuple[str, TextEdit | None]:
    """How the file can name contextlib.asynccontextmanager, and the import to add if it cannot."""
    for local, target in ctx.imports.names.items():
        if target == "contextlib.asynccontextmanager" and local not in ctx.imports.ambiguous:
            return local, None
    for local, target in ctx.imports.names.items():
        if target == "contextlib" and local not in ctx.imports.ambiguous:
            return f"{local}.asynccontextmanager", None
    return "asynccontextmanager", edits.insert_import(ctx.source, "from contextlib import asynccontextmanager")


RULE = Rule(
    code="UVI010",
    name="on-event-handlers",
    summary='`@app.on_event("startup"/"shutdown")` is deprecated; use a lifespan context manager.',
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.UNSAFE,),
    check=check,
    triggers=("on_event",),
    tags=(Tag.DEPRECATED,),
    doc=RuleDoc(
        what="""
            Finds `on_event(...)` on FastAPI applications, `APIRouter`s and Starlette applications and
            routers, as a decorator (`@app.on_event("startup")`) or called. The object is recognised
            from its assignment (`app = FastAPI()`, also through import aliases) or, failing that,
            from what jedi infers for it.

            Each report holds for the version that runs: the analysed environment's FastAPI or Starlette
            (the newest checked when it has none) if the project's declaration admits it, else the version
            the requirements or lock file pin. Nothing is said for FastAPI before 0.104 (or before 0.93 once
            the app has a `lifespan`) or Starlette before 1.0, nor when the version is not known. A FastAPI
            before 0.133 requires a Starlette before 1.0: where one runs, Starlette's on_event is not reported.
        """,
        why="""
            FastAPI deprecated `on_event` in 0.104.0 in favour of a lifespan context manager passed as
            `FastAPI(lifespan=...)` (available since 0.93.0); its handlers still run, but the API is on
            its way out and hides what runs around the server's life. Starlette deprecated it too and
            removed it in Starlette 1.0, where `@app.on_event(...)` fails with `AttributeError` as soon
            as the module is imported. Once an app has a `lifespan`, the handlers added to the app with
            `on_event` no longer run (those of included routers still do), so the two do not mix: such
            a handler is reported as an error, and so is an event name other than "startup" and
            "shutdown", which FastAPI rejects with an AssertionError at import.
        """,
        example="""
            from fastapi import FastAPI

            app = FastAPI()


            @app.on_event("startup")
            async def connect():
                ...


            @app.on_event("shutdown")
            def disconnect():
                ...
        """,
        use_instead="""
            from contextlib import asynccontextmanager

            from fastapi import FastAPI


            @asynccontextmanager
            async def lifespan(app):
                await connect()
                yield
                disconnect()


            app = FastAPI(lifespan=lifespan)


            async def connect():
                ...


            def disconnect():
                ...
        """,
        fix="""
            For an app (`FastAPI(...)` or `Starlette(...)`) assigned once at module level, when every
            `on_event` handler of that app can move: writes an `@asynccontextmanager` function
            `lifespan(app)` just before the app's assignment that calls the startup handlers (awaiting
            the `async` ones) before `yield` and the shutdown handlers after it, in the order they were
            registered; passes `lifespan=lifespan` to the constructor; removes the `on_event`
            decorators; and imports `asynccontextmanager` from `contextlib` unless the file already
            does. The handlers stay where they are, as plain functions.

            No fix when a handler takes parameters, has other decorators, is not at module level or
            names its event through a variable; when the constructor already has `lifespan=` or `**`
            arguments; when the file registers handlers another way (`on_startup=`/`on_shutdown=` to
            an app or router class, `.add_event_handler(...)`, `.on_startup.append(...)`), which an
            app with a lifespan skips; when a router of the same file has handlers and is included
            into the app (FastAPI runs those at their place among the app's handlers, an order a
            lifespan for the app alone would change); or for routers (their handlers belong in the
            app's lifespan, usually in another module). The message then ends with the reason
            ("no fix: handler `go` takes parameters"). Handlers named `on_startup` or `on_shutdown`,
            as in FastAPI's tutorial, are no reason.
        """,
        fix_safety="""
            Unsafe: the handlers run at the same moments and in the same order, but the code moves, and
            code elsewhere that registers more handlers on this app with `on_event` or
            `add_event_handler` (another module, a plugin) would no longer have them run once the app
            has a lifespan.
        """,
        python_only="`on_event` handlers are Python code.",
    ),
)
