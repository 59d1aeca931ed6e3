"""Whether the app a launch serves is a WSGI app (Flask, Bottle, Falcon, Django's WSGI handler).

Decided from the statement that defines it (`app = Flask(__name__)`, following an import
string to its module) and, for objects imported from elsewhere, from what jedi infers.
A name alone (`wsgi`, `application`) never decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from . import app_kinds, import_resolution, syntax
from .context import RuleContext
from .import_resolution import Outcome, Resolution
from .launch import Launch
from .module_index import Binding
from .resolver import Resolver

# Callables that return a WSGI app, by the dotted name the import map gives them.
_CONSTRUCTORS = {
    "flask.Flask": "Flask",
    "flask.app.Flask": "Flask",
    "bottle.Bottle": "Bottle",
    "bottle.default_app": "Bottle",
    "falcon.App": "Falcon",
    "falcon.API": "Falcon",
    "falcon.app.App": "Falcon",
    "django.core.wsgi.get_wsgi_application": "Django",
    "django.core.asgi.get_asgi_application": "Django ASGI",  # not WSGI: what the Django fix looks for
}
# The classes of those apps, by the full name jedi infers for an instance.
_CLASSES = {
    "flask.app.Flask": "Flask",
    "bottle.Bottle": "Bottle",
    "falcon.app.App": "Falcon",
    "django.core.handlers.wsgi.WSGIHandler": "Django",
}
_WSGI_FRAMEWORKS = frozenset(_CLASSES.values())


class _Module(Protocol):
    """What reading a definition needs of a module: its imports (a RuleContext or a module_index.ParsedModule)."""

    @property
    def imports(self) -> syntax.ImportMap: ...


@dataclass(frozen=True)
class WsgiApp:
    framework: str  # "Flask", "Django"...
    shown: str  # how a message names it: "`app`", '"mysite.wsgi:application"'
    string: import_resolution.AppString | None = None  # for an import string: the string
    resolution: Resolution | None = None  # and how it loads
    factory: bool = False  # a factory (`--factory`) that returns the app: the app is what it returns


def wsgi_app(ctx: RuleContext, launch: Launch) -> WsgiApp | None:
    """The WSGI app the launch serves, when its definition shows one."""
    if launch.app is None:
        return None
    factory_value = launch.value("factory")
    # uvicorn calls the loaded object when it can be called with no arguments, with `factory=True` or without
    # (then it warns); an object that cannot be is served as it is, and stops a start with `factory=True`.
    factory = factory_value.truthy() if factory_value is not None else False
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
        framework = _framework_returned(binding.module, binding.leaf)
        if framework is not None:
            return WsgiApp(framework, shown, strings[0], resolution, True) if framework in _WSGI_FRAMEWORKS else None
        if factory is not False:
            return None
        framework = _framework_of_binding(binding.module, binding.leaf)
        # jedi only where the syntax does not already show what the name is (an ASGI app, a def).
        if framework is None and app_kinds.binding_kind(binding.module, binding.leaf) is None:
            framework = _framework_inferred(_resolver_of(ctx, binding), binding.leaf)
        return WsgiApp(framework, shown, strings[0], resolution) if framework in _WSGI_FRAMEWORKS else None
    node = launch.app.node
    if node is None:
        return None
    shown = f"`{node.get_code().strip()}`"
    bindings = ctx.evaluator.bindings(node) if node.type == "name" else []
    own = bindings[0] if len(bindings) == 1 and not bindings[0].search_ancestor("import_name", "import_from") else None
    framework = _framework_returned(ctx, own) if own is not None else None
    if framework is not None:
        return WsgiApp(framework, shown, factory=True) if framework in _WSGI_FRAMEWORKS else None
    if factory is not False:
        return None
    framework = _framework_of_call(ctx, node)
    if framework is None and own is not None:
        framework = _framework_of_binding(ctx, own)
    if framework is None and app_kinds.app_kind_by_syntax(ctx, node) is None:
        framework = _framework_inferred(ctx.resolver, node)
    return WsgiApp(framework, shown) if framework in _WSGI_FRAMEWORKS else None


def _framework_of_binding(module: _Module, leaf) -> str | None:
    """`app = Flask(__name__)`: the framework of the call a plain assignment binds."""
    statement = leaf.get_definition() if leaf.is_definition() else None
    if statement is None or statement.type != "expr_stmt" or leaf.parent is not statement:
        return None
    return _framework_of_call(module, statement.children[-1])


def _framework_returned(module: _Module, leaf) -> str | None:
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
    frameworks = set()
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


def _framework_of_call(module: _Module, node) -> str | None:
    callee = syntax.callee_of(node)
    if callee is None:
        return None
    qualname = module.imports.qualify(callee.dotted)
    return _CONSTRUCTORS.get(qualname) if qualname else None


def _framework_inferred(resolver: Resolver, node) -> str | None:
    inferred = resolver.infer(node)
    if not inferred:
        return None
    frameworks = {_CLASSES.get(item.full_name or "") if item.type == "instance" else None for item in inferred}
    return frameworks.pop() if len(frameworks) == 1 else None


def _resolver_of(ctx: RuleContext, binding: Binding) -> Resolver:
    if binding.module.source is ctx.source:
        return ctx.resolver
    return Resolver(binding.module.source, ctx.workspace, ctx.check_cancelled)


def django_asgi_counterpart(ctx: RuleContext, app: WsgiApp) -> str | None:
    """For Django's `"mysite.wsgi:application"`: `"mysite.asgi:application"` when that module
    loads under the same launch and binds the name to `get_asgi_application()`."""
    if app.framework != "Django" or app.string is None or app.resolution is None:
        return None
    module, attributes = app.string.module, app.string.attributes
    if module is None or attributes is None or module.rpartition(".")[2] != "wsgi":
        return None
    counterpart = module[: -len("wsgi")] + "asgi"
    resolution = import_resolution.resolve(ctx, counterpart, attributes, app.resolution.search_path)
    binding = resolution.binding
    if resolution.outcome is not Outcome.LOADS or binding is None:
        return None
    if _framework_of_binding(binding.module, binding.leaf) != "Django ASGI":
        return None
    return f"{counterpart}:{attributes}"
