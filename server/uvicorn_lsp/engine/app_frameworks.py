"""Which framework's app a launch serves, and whether it speaks WSGI (Flask, Bottle, Falcon, Django's WSGI
handler) or ASGI (FastAPI, Starlette, Litestar, Quart, Falcon's and Django's ASGI apps).

Decided from the statement that defines it (`app = Flask(__name__)`, following an import
string to its module) and, for objects imported from elsewhere, from what jedi infers.
A name alone (`wsgi`, `application`) never decides."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from . import app_kinds, import_resolution, syntax
from .context import RuleContext
from .import_resolution import Outcome, Resolution
from .launch import Launch
from .module_index import Binding
from .resolver import Resolver
from .source import node_code


class Interface(enum.Enum):
    WSGI = "WSGI"  # app(environ, start_response)
    ASGI = "ASGI"  # app(scope, receive, send)


@dataclass(frozen=True)
class Framework:
    name: str  # "Flask", "Django"...
    interface: Interface


def _frameworks(interface: Interface, names: dict[str, str]) -> dict[str, Framework]:
    return {dotted: Framework(name, interface) for dotted, name in names.items()}


# Callables that return an app, by the dotted name the import map gives them.
_CONSTRUCTORS = _frameworks(
    Interface.WSGI,
    {
        "flask.Flask": "Flask",
        "flask.app.Flask": "Flask",
        "bottle.Bottle": "Bottle",
        "bottle.default_app": "Bottle",
        "falcon.App": "Falcon",
        "falcon.API": "Falcon",
        "falcon.app.App": "Falcon",
        "django.core.wsgi.get_wsgi_application": "Django",
    },
) | _frameworks(
    Interface.ASGI,
    {
        "fastapi.FastAPI": "FastAPI",
        "fastapi.applications.FastAPI": "FastAPI",
        "starlette.applications.Starlette": "Starlette",
        "litestar.Litestar": "Litestar",
        "litestar.app.Litestar": "Litestar",
        "quart.Quart": "Quart",
        "quart.app.Quart": "Quart",
        "falcon.asgi.App": "Falcon",
        "falcon.asgi.app.App": "Falcon",
        "django.core.asgi.get_asgi_application": "Django",
    },
)
# The classes of those apps, by the full name jedi infers for an instance.
_CLASSES = _frameworks(
    Interface.WSGI,
    {
        "flask.app.Flask": "Flask",
        "bottle.Bottle": "Bottle",
        "falcon.app.App": "Falcon",
        "django.core.handlers.wsgi.WSGIHandler": "Django",
    },
) | _frameworks(
    Interface.ASGI,
    {
        "fastapi.applications.FastAPI": "FastAPI",
        "starlette.applications.Starlette": "Starlette",
        "litestar.app.Litestar": "Litestar",
        "quart.app.Quart": "Quart",
        "falcon.asgi.app.App": "Falcon",
        "django.core.handlers.asgi.ASGIHandler": "Django",
    },
)


class _Module(Protocol):
    """What reading a definition needs of a module: its imports (a RuleContext or a module_index.ParsedModule)."""

    @property
    def imports(self) -> syntax.ImportMap: ...


@dataclass(frozen=True)
class ServedApp:
    framework: Framework
    shown: str  # how a message names it: "`app`", '"mysite.wsgi:application"'
    string: import_resolution.AppString | None = None  # for an import string: the string
    resolution: Resolution | None = None  # and how it loads
    factory: bool = False  # a factory (`--factory`) that returns the app: the app is what it returns


def wsgi_app(ctx: RuleContext, launch: Launch) -> ServedApp | None:
    """The WSGI app the launch serves, when its definition shows one."""
    app = served_app(ctx, launch)
    return app if app is not None and app.framework.interface is Interface.WSGI else None


def asgi_app(ctx: RuleContext, launch: Launch) -> ServedApp | None:
    """The ASGI app the launch serves, when its definition shows one."""
    app = served_app(ctx, launch)
    return app if app is not None and app.framework.interface is Interface.ASGI else None


def served_app(ctx: RuleContext, launch: Launch) -> ServedApp | None:
    """The app of a known framework the launch serves, when its definition shows one."""
    if launch.app is None:
        return None
    factory_value = launch.value("factory")
    # uvicorn calls the loaded object when it can be called with no arguments, with `factory=True` or without
    # (then it warns); an object that cannot be is served as it is, and stops a start with `factory=True`.
    # gunicorn's own workers serve the object itself (`module:factory()` names a call, which is not followed).
    factory = factory_value.truthy() if factory_value is not None else False
    calls_factories = launch.served_by_uvicorn
    strings = import_resolution.app_strings(ctx, launch)
    if strings:
        if len(strings) != 1:
            return None
        resolution = next(
            (
                resolution
                for resolution in strings[0].resolutions
                if resolution.search_path.usual and resolution.outcome is Outcome.LOADS and resolution.binding
            ),
            None,
        )
        if resolution is None or resolution.binding is None:
            return None
        binding = resolution.binding
        shown = f'"{strings[0].text}"'
        framework = _framework_returned(binding.module, binding.leaf) if calls_factories else None
        if framework is not None:
            return ServedApp(framework, shown, strings[0], resolution, True)
        if factory is not False:
            return None
        framework = _framework_of_binding(binding.module, binding.leaf)
        # jedi only where the syntax does not already show what the name is (an ASGI app, a def).
        if framework is None and app_kinds.binding_kind(binding.module, binding.leaf) is None:
            framework = _framework_inferred(_resolver_of(ctx, binding), binding.leaf)
        return ServedApp(framework, shown, strings[0], resolution) if framework is not None else None
    node = launch.app.node
    if node is None:
        return None
    shown = f"`{node_code(node)}`"
    bindings = ctx.evaluator.bindings(node) if node.type == "name" else []
    own = bindings[0] if len(bindings) == 1 and not bindings[0].search_ancestor("import_name", "import_from") else None
    framework = _framework_returned(ctx, own) if own is not None and calls_factories else None
    if framework is not None:
        return ServedApp(framework, shown, factory=True)
    if factory is not False:
        return None
    framework = _framework_of_call(ctx, node)
    if framework is None and own is not None:
        framework = _framework_of_binding(ctx, own)
    if framework is None and app_kinds.app_kind_by_syntax(ctx, node) is None:
        framework = _framework_inferred(ctx.resolver, node)
    return ServedApp(framework, shown) if framework is not None else None


def _framework_of_binding(module: _Module, leaf) -> Framework | None:
    """`app = Flask(__name__)`: the framework of the call a plain assignment binds."""
    statement = leaf.get_definition() if leaf.is_definition() else None
    if statement is None or statement.type != "expr_stmt" or leaf.parent is not statement:
        return None
    return _framework_of_call(module, statement.children[-1])


def _framework_returned(module: _Module, leaf) -> Framework | None:
    """`def create_app(): app = Flask(__name__) ... return app`: the framework of the app every `return` of the
    function named by `leaf` gives: a call of its constructor, or a name the function binds once to one. A plain
    `def` that takes no argument only (uvicorn calls a factory with none and does not await it), not a generator."""
    function = leaf.parent
    if (
        function.type != "funcdef"
        or function.name is not leaf
        or function.parent.type in ("async_funcdef", "async_stmt")
    ):
        return None
    if any(param.default is None and param.star_count == 0 for param in function.get_params()):
        return None
    if next(function.iter_yield_exprs(), None) is not None:
        return None
    frameworks: set[Framework | None] = set()
    for statement in function.iter_return_stmts():
        if statement.type != "return_stmt":
            return None  # a bare `return`: None
        value = statement.children[1]
        framework = _framework_of_call(module, value)
        if framework is None and value.type == "name":
            definitions = _definitions_in(function, value.value)
            framework = _framework_of_binding(module, definitions[0]) if len(definitions) == 1 else None
        frameworks.add(framework)
    return frameworks.pop() if len(frameworks) == 1 else None


def _definitions_in(function, name: str) -> list:
    """The leaves that bind `name` in the function's own scope (its parameters, assignments, imports, and the
    names of the functions and classes it defines), not in the scopes nested in it."""
    found = []
    pending = [function.children[2], function.children[-1]]  # the parameters and the body
    while pending:
        node = pending.pop()
        for child in getattr(node, "children", ()):
            if child.type in ("funcdef", "classdef"):
                if child.children[1].value == name:
                    found.append(child.children[1])
            elif child.type == "lambdef":
                continue
            elif child.type == "name":
                if child.value == name and child.is_definition():
                    found.append(child)
            else:
                pending.append(child)
    return found


def _framework_of_call(module: _Module, node) -> Framework | None:
    callee = syntax.callee_of(node)
    if callee is None:
        return None
    qualname = module.imports.qualify(callee.dotted)
    return _CONSTRUCTORS.get(qualname) if qualname else None


def _framework_inferred(resolver: Resolver, node) -> Framework | None:
    inferred = resolver.infer(node)
    if not inferred:
        return None
    frameworks = {_CLASSES.get(item.full_name or "") if item.type == "instance" else None for item in inferred}
    return frameworks.pop() if len(frameworks) == 1 else None


def _resolver_of(ctx: RuleContext, binding: Binding) -> Resolver:
    if binding.module.source is ctx.source:
        return ctx.resolver
    return Resolver(binding.module.source, ctx.workspace, ctx.check_cancelled)


def django_asgi_counterpart(ctx: RuleContext, app: ServedApp) -> str | None:
    """For Django's `"mysite.wsgi:application"`: `"mysite.asgi:application"` when that module
    loads under the same launch and binds the name to `get_asgi_application()`."""
    if app.framework != Framework("Django", Interface.WSGI) or app.string is None or app.resolution is None:
        return None
    module, attributes = app.string.module, app.string.attributes
    if module is None or attributes is None or module.rpartition(".")[2] != "wsgi":
        return None
    counterpart = module[: -len("wsgi")] + "asgi"
    resolution = import_resolution.resolve(ctx, counterpart, attributes, app.resolution.search_path)
    binding = resolution.binding
    if resolution.outcome is not Outcome.LOADS or binding is None:
        return None
    if _framework_of_binding(binding.module, binding.leaf) != Framework("Django", Interface.ASGI):
        return None
    return f"{counterpart}:{attributes}"
