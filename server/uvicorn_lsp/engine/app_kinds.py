"""What the app argument of a launch is: an import string, an app object (instance, function,
class, a factory's product) or something the analysis cannot tell.

`classify_app` decides whether the value is a str (uvicorn's only test, main.py:614-620) or shown
to be something else; `binding_kind` names what one binding of a module holds.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Protocol

from . import module_index, syntax
from .context import RuleContext
from .parso_types import Node
from .source import SourceFile, node_code
from .values import Evaluator

# Packages whose callables build ASGI apps: a call to one of them is an app
# object even when jedi cannot see the package (not installed).
ASGI_PACKAGES = (
    "fastapi",
    "starlette",
    "quart",
    "litestar",
    "starlite",
    "sanic",
    "falcon",
    "blacksheep",
    "django",
    "channels",
    "connexion",
    "socketio",
    "asgiref",
    "a2wsgi",
    "responder",
    "esmerald",
    "robyn",
    "emmett",
    "baize",
    "xpresso",
)


class AppKind(enum.Enum):
    STRING = "string"
    OBJECT = "object"
    # A call of something the analysis cannot read: it may return an app or a string.
    MAYBE_OBJECT = "maybe object"
    UNKNOWN = "unknown"


# Names people give app factories: a call of one returns an app even when its module cannot be read.
_FACTORY_NAME = re.compile(
    r"^(create|make|build|get|new|init)_(app|application|api|asgi_app)$|^(app|application)_factory$"
)


@dataclass(frozen=True)
class AppClass:
    kind: AppKind
    description: str = ""  # "the FastAPI instance `app`"


def classify_app(ctx: RuleContext, node) -> AppClass:
    shown = node_code(node)
    value = ctx.evaluator.evaluate(node)
    if value.is_string:
        return AppClass(AppKind.STRING)
    if node.type == "lambdef":
        return AppClass(AppKind.OBJECT, "a lambda")
    if node.type == "test" and len(node.children) == 5:
        # `"main:app" if reload else app`: uvicorn gets one branch, often the string exactly when
        # reload is on; only when both branches are of one kind is the argument of that kind.
        branches = [classify_app(ctx, node.children[0]), classify_app(ctx, node.children[4])]
        kinds = {branch.kind for branch in branches}
        return branches[0] if len(kinds) == 1 else AppClass(AppKind.UNKNOWN)
    # What the file itself shows is enough most of the time, and costs no jedi query.
    kind = app_kind_by_syntax(ctx, node)
    if kind is not None:
        return AppClass(AppKind.OBJECT, f"the {kind} `{shown}`")
    inferred = ctx.resolver.infer(node)
    if not inferred:
        # A call of an imported callable the analysis cannot read: its name is all there is to go by.
        callee = syntax.callee_of(node)
        if callee is None or not _imported(ctx, callee.root):
            return AppClass(AppKind.UNKNOWN)
        if _FACTORY_NAME.match(callee.last.value):
            return AppClass(AppKind.OBJECT, f"the app `{shown}` returns")
        return AppClass(AppKind.MAYBE_OBJECT, f"the result of `{shown}`")
    strings = sum(1 for item in inferred if item.is_str)
    if strings:
        return AppClass(AppKind.STRING if strings == len(inferred) else AppKind.UNKNOWN)
    first = inferred[0]
    if first.type == "instance":
        return AppClass(AppKind.OBJECT, f"the {first.name} instance `{shown}`")
    if first.type in ("function", "class", "module"):
        return AppClass(AppKind.OBJECT, f"the {first.type} `{shown}`")
    return AppClass(AppKind.UNKNOWN)


def app_kind_by_syntax(ctx: RuleContext, node) -> str | None:
    """ "FastAPI instance", "function"...: when every binding the file shows is an app,
    following names imported from another module of the project to their definition."""
    if node.type != "name":
        kind = app_call_kind(ctx, node) or _namespace_attribute_kind(ctx, node)
        callee = syntax.callee_of(node)
        if kind is None and callee is not None and callee.root is callee.last and _imported(ctx, callee.root):
            found = _imported_definition(ctx, callee.root)
            if found is not None and found[1].parent.type in ("funcdef", "classdef"):
                kind = app_call_kind(found[0], node, callee_binding=found[1])
        return kind
    bindings = ctx.evaluator.bindings(node)
    if len(bindings) == 1 and import_statement_of(bindings[0]) is not None:
        found = _imported_definition(ctx, node)
        return binding_kind(*found) if found is not None else None
    kinds = {binding_kind(ctx, leaf) for leaf in bindings}
    if not bindings or None in kinds:
        return None
    return kinds.pop() if len(kinds) == 1 else "app object"


def _namespace_attribute_kind(ctx: RuleContext, node) -> str | None:
    """`container.app` where `container = SimpleNamespace(app=FastAPI())`: the keyword's value."""
    dotted = syntax.dotted_name(node)
    if dotted is None or dotted.count(".") != 1:
        return None
    assigned = ctx.evaluator.assignments(node.children[0])
    if not assigned or len(assigned) != 1:
        return None
    callee = syntax.callee_of(assigned[0])
    if callee is None or ctx.imports.qualify(callee.dotted) != "types.SimpleNamespace":
        return None
    keyword = syntax.call_keywords(assigned[0]).get(dotted.partition(".")[2])
    return app_kind_by_syntax(ctx, keyword) if keyword is not None else None


def _imported(ctx: RuleContext, name_leaf) -> bool:
    bindings = ctx.evaluator.bindings(name_leaf)
    return len(bindings) == 1 and import_statement_of(bindings[0]) is not None


def _imported_definition(ctx: RuleContext, name_leaf: Node) -> tuple[module_index.ParsedModule, Node] | None:
    """The module of the project that defines an imported name, and the name's leaf there.
    jedi finds it even when the framework is not installed and it cannot infer types."""
    _record_imported_module(ctx, name_leaf)
    definitions = ctx.resolver.definitions(name_leaf)
    if (
        not definitions
        or definitions[0].path in (None, ctx.source.path)
        or module_index.in_installed_package(definitions[0].path)
    ):
        return None
    definition = definitions[0]
    ctx.depends_on(definition.path)
    module = ctx.workspace.modules.parsed(module_index.FoundModule(definition.module_name, definition.path))
    if module is None:
        return None
    leaf = module.source.tree.get_name_of_position((definition.line, definition.column))
    return (module, leaf) if leaf is not None and leaf.is_definition() else None


def _record_imported_module(ctx: RuleContext, name_leaf: Node) -> None:
    """The module `from X import name` reads, found or not, is what the verdict rests on, whether or not it binds
    the name today (an app renamed there, and back, must bring the verdict back)."""
    bindings = ctx.evaluator.bindings(name_leaf)
    statement = import_statement_of(bindings[0]) if len(bindings) == 1 else None
    path = ctx.source.path
    if statement is None or statement.type != "import_from" or path is None:
        return
    names = [name.value for name in statement.get_from_names()]
    folder = path.parent
    for _ in range(max(statement.level - 1, 0)):
        folder = folder.parent
    roots = (folder,) if statement.level else (path.parent, ctx.workspace.root)
    if names:
        ctx.workspace.modules.find(".".join(names), roots, ctx.depends_on)


class ModuleView(Protocol):
    """What the syntax helpers below read of a module: a RuleContext or a module_index.ParsedModule."""

    @property
    def imports(self) -> syntax.ImportMap: ...

    @property
    def source(self) -> SourceFile: ...

    @property
    def evaluator(self) -> Evaluator: ...


def binding_kind(ctx: ModuleView, leaf) -> str | None:
    parent = leaf.parent
    if parent.type == "funcdef":
        return "function"
    if parent.type == "classdef":
        return "class"
    if parent.type == "expr_stmt" and parent.children[0] is leaf and len(parent.children) == 3:
        return app_call_kind(ctx, parent.children[2])
    return None


def app_call_kind(ctx: ModuleView, node, callee_binding=None) -> str | None:
    """`callee_binding`: where the callee is defined, when that is another module (`ctx`)."""
    if not (_is_app_call(ctx, node) if callee_binding is None else defines_app(ctx, callee_binding)):
        return None
    callee = syntax.callee_of(node)
    if callee is None:
        return None
    name = callee.last.value
    return f"{name} instance" if name[:1].isupper() else "app object"


def _is_app_call(ctx: ModuleView, node, depth: int = 0) -> bool:
    """A call of an ASGI framework's class, of a class of this file, or of a
    function of this file that returns such a call."""
    callee = syntax.callee_of(node)
    if callee is None or depth > 3:
        return False
    qualified = ctx.imports.qualify(callee.dotted)
    if qualified is not None:
        return qualified.split(".")[0] in ASGI_PACKAGES
    if callee.dotted != callee.root.value:
        return False
    return any(
        defines_app(ctx, leaf, depth)
        for leaf in ctx.source.used_names.get(callee.root.value, ())
        if leaf.is_definition()
    )


def defines_app(ctx: ModuleView, leaf, depth: int = 0) -> bool:
    """A class, or a function whose returns are app calls: calling it gives an app object."""
    if leaf.parent.type == "classdef":
        return True
    return leaf.parent.type == "funcdef" and any(
        _returns_app(ctx, value, depth + 1) for value in returned_values(leaf.parent)
    )


def returned_values(function) -> list:
    """The expressions a function's `return value` statements give back (parso yields a bare `return` as its
    keyword leaf, which has no value)."""
    return [
        statement.children[1]
        for statement in function.iter_return_stmts()
        if statement.type == "return_stmt" and len(statement.children) > 1
    ]


def returns_framework_app(ctx: ModuleView, function) -> bool:
    """Every `return` of the function gives an ASGI framework's app (`return FastAPI(...)`, or a name only ever
    assigned such a call): an ASGI 3 app, never the instance an ASGI 2 app makes for one scope. Calls of the
    project's own classes do not count (`return Handler(scope)` is how an ASGI 2 app is written)."""
    values = returned_values(function)
    return bool(values) and all(_framework_call_or_name(ctx, value) for value in values)


def _framework_call_or_name(ctx: ModuleView, node) -> bool:
    assigned = ctx.evaluator.assignments(node) if node.type == "name" else [node]
    return bool(assigned) and all(_framework_call(ctx, value) for value in assigned or ())


def _framework_call(ctx: ModuleView, node) -> bool:
    callee = syntax.callee_of(node)
    qualified = ctx.imports.qualify(callee.dotted) if callee is not None else None
    return qualified is not None and qualified.split(".")[0] in ASGI_PACKAGES


def _returns_app(ctx: ModuleView, node, depth: int) -> bool:
    """`return FastAPI(...)`, or `return application` where every assignment of it is an app call."""
    if node.type != "name":
        return _is_app_call(ctx, node, depth)
    assigned = ctx.evaluator.assignments(node)
    return bool(assigned) and all(_is_app_call(ctx, value, depth) for value in assigned or ())


def import_statement_of(binding: Node) -> Node | None:
    """The `import`/`from ... import` statement a name leaf is bound by, if any."""
    return binding.search_ancestor("import_name", "import_from")
