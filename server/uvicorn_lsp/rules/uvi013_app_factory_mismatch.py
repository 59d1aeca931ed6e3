"""UVI013: `factory=True` on something that is not a zero-argument factory, or a factory without it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..engine import app_kinds, import_resolution, module_index, project, syntax
from ..engine.context import RuleContext
from ..engine.import_resolution import Outcome
from ..engine.launch import Launch, Server
from ..engine.model import Applicability, Finding, Fix, Severity
from ..engine.module_index import Binding
from ..engine.resolver import Resolver
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message
from ..engine.source import node_code


@dataclass(frozen=True)
class Shape:
    """What the loaded object is, as far as calling it with no arguments goes."""

    kind: str  # "instance", "function" or "async factory"
    description: str  # "the FastAPI instance `app`", "the function `create_app`"
    required: int = 0  # parameters a function needs
    returns_app: bool = False  # a function whose every return is an ASGI framework's app (`return FastAPI()`)


# uvicorn 0.13.0 brought `factory` (`--factory`) and the call of a zero-argument factory. Before (run with 0.12.3),
# the keyword is a TypeError and the flag exit status 2, and a factory is served as the app itself: every request
# fails (HTTP 500), and adding factory=True only moves the failure to startup.
_FACTORIES_SINCE = (0, 13)


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        release = project.release(ctx.uvicorn_version_in(launch))
        if release is not None and release < _FACTORIES_SINCE:
            continue  # that uvicorn has no factories: what this rule says (and its fix) holds only since 0.13
        app = launch.app
        factory_option = launch.option("factory")
        factory = factory_option.value.truthy() if factory_option is not None else False
        if app is None or factory is None:
            continue
        shape = _shape_of_app(ctx, launch, factory)
        if shape is None:
            continue
        where = app.where_value
        # uvicorn's own log lines ("Error loading ASGI app factory", "ASGI app factory detected") are on the rule page.
        consequence = ctx.failure_consequence(launch, 3)
        if factory and shape.kind == "instance":
            message = fit_message(
                "{factory}, but {app} is not a factory: uvicorn cannot call it; {consequence}",
                factory=launch.edits.spell("factory", True),
                app=Quoted(shape.description),
                consequence=consequence,
            )
            removal = launch.edits.remove_option(factory_option) if factory_option is not None else None
            fixes = (
                [Fix(f"Remove {factory_option.written}", removal, Applicability.SAFE, preferred=True)]
                if factory_option is not None and removal
                else []
            )
            yield ctx.finding(RULE, message, where, Severity.ERROR, fixes)
        elif factory and shape.kind == "function" and shape.required:
            count = f"{shape.required} argument{'s' if shape.required > 1 else ''}"
            message = fit_message(
                "{factory}, but {app} needs {count}: uvicorn calls a factory with none; {consequence}",
                factory=launch.edits.spell("factory", True),
                app=Quoted(shape.description),
                count=count,
                consequence=consequence,
            )
            yield ctx.finding(RULE, message, where, Severity.ERROR)
        elif (
            not factory
            and shape.kind == "function"
            and shape.required
            and shape.returns_app
            and launch.server is Server.UVICORN
            and launch.option("interface") is None
            and not _object_that_may_need_a_string(ctx, launch)
        ):
            # uvicorn's call without arguments fails, so it serves the function itself as an ASGI 2 app: each
            # request calls it with the scope and then calls the app it returns with (receive, send), which
            # fails (real runs, uvicorn 0.20, 0.28 and 0.54: HTTP 500, "missing 1 required positional argument").
            count = f"{shape.required} argument{'s' if shape.required > 1 else ''}"
            message = fit_message(
                "{app} needs {count}, so uvicorn serves the function itself as the app: every request fails; "
                "give its parameters defaults",
                app=Quoted(shape.description),
                count=count,
            )
            yield ctx.finding(RULE, message, where, Severity.ERROR)
        elif shape.kind == "async factory":
            message = fit_message(
                "{app} is a factory uvicorn never awaits: it serves the coroutine it returns, "
                "so every request fails; make it a plain def",
                app=Quoted(shape.description),
            )
            yield ctx.finding(RULE, message, where, Severity.ERROR)
        elif not factory and shape.kind == "function" and not shape.required and launch.server is Server.GUNICORN:
            # gunicorn takes no --factory: it calls the factory itself when the string names the call.
            # A gunicorn launch's app is always an import string (the shape came from the one it names).
            [string] = import_resolution.app_strings(ctx, launch)
            # The description is a phrase ("the function `create_app`"): cut like a name, it lost its start.
            message = fit_message(
                "{app} is an app factory: uvicorn guesses, calls it and warns at every start; "
                'with gunicorn, name the call: "{call}()"',
                app=Quoted(shape.description, scale=2),
                call=Quoted(string.text),
            )
            yield ctx.finding(RULE, message, where, Severity.INFORMATION)
        elif not factory and shape.kind == "function" and not shape.required:
            addition = launch.edits.set_option("factory", True)
            spelled = launch.edits.spell("factory", True)
            message = fit_message(
                "{app} is an app factory but {factory} is not set: uvicorn guesses, calls it and warns at every start",
                app=Quoted(shape.description),
                factory=spelled,
            )
            fixes = [Fix(f"Add {spelled}", addition, Applicability.SAFE, preferred=True)] if addition else []
            yield ctx.finding(RULE, message, where, Severity.INFORMATION, fixes)


def _object_that_may_need_a_string(ctx: RuleContext, launch: Launch) -> bool:
    """The function given as an object with reload or workers that may be on: uvicorn then exits with status 3
    before serving anything (UVI001's finding), so it never serves the function."""
    if import_resolution.app_strings(ctx, launch) or not launch.spawns_processes():
        return False
    reload, workers = launch.option("reload"), launch.option("workers")
    return (reload is not None and reload.value.truthy() is not False) or (
        workers is not None
        and workers.value.all(lambda count: isinstance(count, int) and not isinstance(count, bool) and count <= 1)
        is not True
    )


def _shape_of_app(ctx: RuleContext, launch: Launch, factory: bool) -> Shape | None:
    strings = import_resolution.app_strings(ctx, launch)
    if strings:
        return _shape_of_string(ctx, strings, factory) if len(strings) == 1 else None
    node = launch.app.node if launch.app is not None else None
    if node is None:
        return None
    if node.type == "name":
        bindings = ctx.evaluator.bindings(node)
        # Bound by this file itself: the syntax tells, no jedi query needed.
        if len(bindings) == 1 and bindings[0].search_ancestor("import_name", "import_from") is None:
            return _shape(ctx, Binding(_own_module(ctx), bindings[0]), factory)
    if syntax.dotted_name(node) is None:
        return _instance(ctx.resolver, node, node_code(node)) if factory else None
    definitions = ctx.resolver.definitions(node.get_last_leaf())
    binding = _binding_at(ctx, definitions[0]) if definitions else None
    return _shape(ctx, binding, factory) if binding is not None else None


def _shape_of_string(ctx: RuleContext, strings: list[import_resolution.AppString], factory: bool) -> Shape | None:
    """The object a loading import string names, from the first usual launch that loads it."""
    for resolution in strings[0].resolutions:
        if resolution.search_path.usual and resolution.outcome is Outcome.LOADS and resolution.binding is not None:
            return _shape(ctx, resolution.binding, factory)
    return None


def _own_module(ctx: RuleContext) -> module_index.ParsedModule:
    return import_resolution.own_module(
        ctx, module_index.FoundModule(ctx.source.path.stem if ctx.source.path else "", ctx.source.path)
    )


def _binding_at(ctx: RuleContext, definition) -> Binding | None:
    """The name leaf jedi's definition points at, in its module's current text."""
    if definition.path is None:
        return None
    module: module_index.ParsedModule | None
    if definition.path == ctx.source.path:
        module = _own_module(ctx)
    else:
        ctx.depends_on(definition.path)
        module = ctx.workspace.modules.parsed(module_index.FoundModule(definition.module_name, definition.path))
    if module is None:
        return None
    leaf = module.source.tree.get_name_of_position((definition.line, definition.column))
    return Binding(module, leaf) if leaf is not None else None


def _shape(ctx: RuleContext, binding: Binding, factory: bool) -> Shape | None:
    """A function and its required parameters; an instance only matters (and jedi is only asked) with factory=True."""
    leaf = binding.leaf
    function = leaf.parent
    if function.type == "funcdef" and function.name is leaf:
        # A decorator may change the signature.
        if function.parent.type == "decorated" or module_index.definition_scope(leaf).type != "file_input":
            return None
        required = sum(1 for param in function.get_params() if param.default is None and param.star_count == 0)
        if function.parent.type in ("async_stmt", "async_funcdef"):
            # Calling it checks the arguments at once (an ASGI function needs 3), but
            # without arguments it only returns a coroutine.
            if required:
                return Shape("function", f"the async function `{leaf.value}`", required)
            return Shape("async factory", f"the async function `{leaf.value}`")
        returns_app = bool(required) and app_kinds.returns_framework_app(binding.module, function)
        return Shape("function", f"the function `{leaf.value}`", required, returns_app)
    definition = leaf.get_definition() if leaf.is_definition() else None
    if not factory or definition is None or definition.type != "expr_stmt":
        return None
    resolver = ctx.resolver if binding.module.source is ctx.source else Resolver(binding.module.source, ctx.workspace)
    return _instance(resolver, leaf, leaf.value)


# An ASGI app's call takes scope, receive and send.
_ASGI_CALL_PARAMETERS = 3


def _instance(resolver: Resolver, node, shown: str) -> Shape | None:
    """An ASGI app instance, which uvicorn cannot call without arguments. Other instances may be
    zero-argument factories (a functools.partial, an object with a `__call__` that takes none), and
    jedi's signature for an instance is not always its `__call__` (a partial shows its constructor's)."""
    inferred = resolver.infer(node)
    if not inferred or not all(item.type == "instance" and not item.is_str for item in inferred):
        return None
    required = resolver.call_required_parameters(node)
    if not required or any(count != _ASGI_CALL_PARAMETERS for count in required):
        return None
    return Shape("instance", f"the {inferred[0].name} instance `{shown}`")


RULE = Rule(
    code="UVI013",
    name="app-factory-mismatch",
    summary="`factory=True` names something uvicorn cannot call with no arguments, or a zero-argument factory is passed without it.",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.SAFE,),
    check=check,
    judges_commands=True,
    doc=RuleDoc(
        what="""
            Looks at what the app given to `uvicorn.run()` or `uvicorn.Config()` is (an object, or
            the target of an import string that loads) and at `factory=`:

            - `factory=True` on an app instance (a `FastAPI()`, a `Starlette()`...): error;
            - `factory=True` on a function that needs arguments: error;
            - without `factory=True`, a function that needs arguments and returns a framework's app
              (`return FastAPI()`): error (uvicorn serves the function itself; every request fails);
            - a module-level function that takes no arguments, without `factory=True`: information;
            - an `async def` that takes no arguments: error, with or without `factory=True` (uvicorn
              calls it and serves the coroutine it returns; every request fails).

            Decorated functions and anything only known at run time are left alone.
        """,
        why="""
            uvicorn calls the loaded object with no arguments. With `factory=True` a `TypeError` from
            that call is fatal: it logs "Error loading ASGI app factory: ..." and exits with status 3
            (under `reload=True` the reloader keeps running and nothing is served; with `workers`
            the parent stops, with status 0). An app instance
            fails that call because an ASGI app needs `scope`, `receive` and `send`.

            Without `factory=True` uvicorn still tries the call; when it works it uses the result and
            logs "ASGI app factory detected. Using it, but please consider setting the --factory flag
            explicitly." Saying so keeps the intent visible and the log clean. When the call fails,
            uvicorn serves the function itself as an ASGI 2 app: it starts, calls the function with
            each request's scope and the app returned with `receive` and `send`, which fails (HTTP 500,
            "missing 1 required positional argument"). A function that returns the project's own
            objects may be an ASGI 2 app: left alone.
        """,
        example="""
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()

            def create_app() -> FastAPI:
                return FastAPI()

            if __name__ == "__main__":
                uvicorn.run("main:app", factory=True)  # error
                uvicorn.run("main:create_app")  # information
        """,
        use_instead="""
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()

            def create_app() -> FastAPI:
                return FastAPI()

            if __name__ == "__main__":
                uvicorn.run("main:app")
                uvicorn.run("main:create_app", factory=True)
        """,
        fix="""
            For an app instance given with `factory=True`: removes `factory=True`. For a zero-argument
            factory without it: adds `factory=True` (or turns `factory=False` into `True`). A factory
            that needs arguments has no fix: give its parameters defaults, or wrap it in a function
            that takes none.

            gunicorn (`-k uvicorn_worker.UvicornWorker`) has no `--factory` and exits with status 2 on it:
            there the message says to name the call instead, `gunicorn "main:create_app()"` (gunicorn calls
            the factory and hands uvicorn the app), and no fix is offered.
        """,
        fix_safety="""
            Safe: both fixes make uvicorn do what it already does (or what it must do to start), and
            only change whether it guesses.
        """,
        notes="""
            Import strings are resolved as UVI002 resolves them; a string that does not load is
            UVI002's finding, not this rule's. Nothing is said where the project runs a uvicorn before 0.13
            (its requirements or lock file pin one): that uvicorn has no `factory` option and serves a
            factory as the app itself, so `factory=True` would not start at all.
        """,
        command_example="""
            # run.sh
            uvicorn main:app --factory  # error
            uvicorn main:create_app  # information
        """,
        command_use_instead="""
            # run.sh
            uvicorn main:app
            uvicorn main:create_app --factory
        """,
        command_language="sh",
    ),
)
