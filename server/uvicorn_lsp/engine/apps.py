"""What the app argument of a uvicorn call is, and the import string that names it.

`classify_app` decides whether the value is a str (uvicorn's only test,
main.py:614-620) or shown to be something else. `import_string_fixes` writes
the `"module:attribute"` uvicorn can import in a fresh process, per launch.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from . import edits, import_resolution, layout, module_index, syntax
from .context import RuleContext
from .launch import Launch
from .model import Applicability, Fix
from .parso_types import Node
from .source import SourceFile
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
    shown = node.get_code().strip()
    value = ctx.evaluator.evaluate(node)
    if value.is_string:
        return AppClass(AppKind.STRING)
    if node.type == "lambdef":
        return AppClass(AppKind.OBJECT, "a lambda")
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
        kind = _app_call_kind(ctx, node) or _namespace_attribute_kind(ctx, node)
        callee = syntax.callee_of(node)
        if kind is None and callee is not None and callee.root is callee.last and _imported(ctx, callee.root):
            found = _imported_definition(ctx, callee.root)
            if found is not None and found[1].parent.type in ("funcdef", "classdef"):
                kind = _app_call_kind(found[0], node, callee_binding=found[1])
        return kind
    bindings = ctx.evaluator.bindings(node)
    if len(bindings) == 1 and _import_of(bindings[0]) is not None:
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
    return len(bindings) == 1 and _import_of(bindings[0]) is not None


def _imported_definition(ctx: RuleContext, name_leaf: Node) -> tuple[module_index.ParsedModule, Node] | None:
    """The module of the project that defines an imported name, and the name's leaf there.
    jedi finds it even when the framework is not installed and it cannot infer types."""
    definitions = ctx.resolver.definitions(name_leaf)
    if not definitions or definitions[0].path in (None, ctx.source.path) or _in_installed_package(definitions[0].path):
        return None
    definition = definitions[0]
    ctx.depends_on(definition.path)
    module = ctx.workspace.modules.parsed(module_index.FoundModule(definition.module_name, definition.path))
    if module is None:
        return None
    leaf = module.source.tree.get_name_of_position((definition.line, definition.column))
    return (module, leaf) if leaf is not None and leaf.is_definition() else None


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
        return _app_call_kind(ctx, parent.children[2])
    return None


def _app_call_kind(ctx: ModuleView, node, callee_binding=None) -> str | None:
    """`callee_binding`: where the callee is defined, when that is another module (`ctx`)."""
    if not (_is_app_call(ctx, node) if callee_binding is None else _defines_app(ctx, callee_binding)):
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
        _defines_app(ctx, leaf, depth)
        for leaf in ctx.source.used_names.get(callee.root.value, ())
        if leaf.is_definition()
    )


def _defines_app(ctx: ModuleView, leaf, depth: int = 0) -> bool:
    """A class, or a function whose returns are app calls: calling it gives an app object."""
    if leaf.parent.type == "classdef":
        return True
    return leaf.parent.type == "funcdef" and any(
        returned.children[1:] and _returns_app(ctx, returned.children[1], depth + 1)
        for returned in leaf.parent.iter_return_stmts()
    )


def _returns_app(ctx: ModuleView, node, depth: int) -> bool:
    """`return FastAPI(...)`, or `return application` where every assignment of it is an app call."""
    if node.type != "name":
        return _is_app_call(ctx, node, depth)
    assigned = ctx.evaluator.assignments(node)
    return bool(assigned) and all(_is_app_call(ctx, value, depth) for value in assigned or ())


# ---------------------------------------------------------------------------
# Where the app lives, and its import string


@dataclass(frozen=True)
class AppTarget:
    """A module-level attribute uvicorn can import, or why there is none."""

    path: Path | None = None  # file of the module, when known
    module_name: str | None = None  # fixed dotted name (installed packages)
    attribute: str = ""  # "app", "container.app", "create_app"
    factory: bool = False
    problem: str | None = None  # why no import string can name the app
    # Why the imported app may differ from the object passed now (the fix is then unsafe).
    caveat: str | None = None


def _in_installed_package(path: Path | None) -> bool:
    return path is not None and any(part in ("site-packages", "dist-packages") for part in path.parts)


def find_app_target(ctx: RuleContext, node) -> AppTarget:
    if node.type == "lambdef":
        return AppTarget(problem="a lambda has no name to import")
    callee = syntax.callee_of(node)
    if callee is not None:
        return _factory_target(ctx, node, callee)
    dotted = syntax.dotted_name(node)
    if dotted is None:
        return AppTarget(problem="the app is an expression, not a name")
    root_leaf = node if node.type == "name" else node.children[0]
    rest = dotted.split(".")[1:]
    return _name_target(ctx, root_leaf, rest)


def _name_target(ctx: RuleContext, root_leaf, rest: list[str]) -> AppTarget:
    bindings = ctx.evaluator.bindings(root_leaf)
    if bindings and not any(_import_of(binding) for binding in bindings):
        # Bound by this file's own assignments or definitions: no jedi query needed.
        return _local_target(ctx, root_leaf, bindings, rest)
    definitions = ctx.resolver.definitions(root_leaf)
    if definitions:
        definition = definitions[0]
        ctx.depends_on(definition.path)
        if definition.type == "module":
            if not rest:
                return AppTarget(problem="a module is not an ASGI app")
            return _target(definition.path, definition.module_name, ".".join(rest))
        if definition.type == "param":
            return _not_reachable(root_leaf, "is a function parameter, not a module-level name")
        if not definition.at_module_level:
            return _not_reachable(root_leaf, _INSIDE_FUNCTION)
        return _target(definition.path, definition.module_name, ".".join([definition.name, *rest]))
    if not bindings:
        return _not_reachable(root_leaf, "is not defined in this file")
    return _imported_target(ctx, root_leaf, _import_of(bindings[-1]), rest)


_INSIDE_FUNCTION = "is defined inside a function or class"


def _not_reachable(leaf, why: str) -> AppTarget:
    return AppTarget(problem=f"`{leaf.value}` {why}")


def _import_of(binding):
    return binding.search_ancestor("import_name", "import_from")


def _target(path: Path | None, module_name: str, attribute: str, factory: bool = False) -> AppTarget:
    if _in_installed_package(path) or path is None:
        return AppTarget(module_name=module_name, attribute=attribute, factory=factory)
    return AppTarget(path=path, attribute=attribute, factory=factory)


_MAIN_GUARD = 'under `if __name__ == "__main__":`'


def _local_target(ctx: RuleContext, root_leaf, bindings: list, rest: list[str]) -> AppTarget:
    binding = bindings[-1]
    if binding.parent.type == "param":
        return _not_reachable(root_leaf, "is a function parameter, not a module-level name")
    if ctx.evaluator.scope_of(binding).type != "file_input":
        return _not_reachable(root_leaf, _INSIDE_FUNCTION)
    function = module_index.definition_scope(binding)
    if function.type == "funcdef":  # `global app` then `app = FastAPI()` in a function
        return _not_reachable(root_leaf, f"gets its value in `{function.name.value}()`, which importing does not run")
    # uvicorn imports the module under its own name: the guarded block does not run there.
    if all(syntax.is_under_main_guard(leaf) for leaf in bindings):
        return _not_reachable(root_leaf, f"is created {_MAIN_GUARD}")
    return AppTarget(
        path=ctx.source.path,
        attribute=".".join([root_leaf.value, *rest]),
        caveat=_changed_under_main_guard(ctx, root_leaf),
    )


def _changes_object(leaf) -> bool:
    """`app.get(...)`, `@app.get`, `app.state.x = 1`, `app.include_router(...)`, `app = Wrap(app)`;
    passing `app` to a call (uvicorn.run itself) is not counted."""
    if leaf.is_definition():
        return True
    following = leaf.get_next_sibling()
    return following is not None and following.type == "trailer" and following.children[0].value == "."


def _changed_under_main_guard(ctx: RuleContext, root_leaf) -> str | None:
    """Routes, middleware or state added to the app in the guarded block are missing
    from the app uvicorn imports."""
    changes = ctx.once(("changed under main guard", root_leaf.value), lambda: _guarded_changes(ctx, root_leaf.value))
    for leaf in changes:
        if leaf is not root_leaf:
            return f"line {leaf.start_pos[0]} changes `{root_leaf.value}` {_MAIN_GUARD}: move that to module level"
    return None


def _guarded_changes(ctx: RuleContext, name: str) -> list:
    """The leaves of `name` under the `__main__` guard that change the object (found once per name)."""
    return [
        leaf
        for leaf in ctx.source.used_names.get(name, ())
        if syntax.is_under_main_guard(leaf) and _changes_object(leaf)
    ]


def _imported_target(ctx: RuleContext, root_leaf, import_statement, rest: list[str]) -> AppTarget:
    """Without jedi: the module the import statement names (re-exports not followed)."""
    if syntax.enclosing_scope(import_statement).type != "file_input":
        return _not_reachable(root_leaf, _INSIDE_FUNCTION)
    absolute = _absolute_module(ctx.imports.names.get(root_leaf.value, ""), ctx.source.path)
    if not absolute:
        return AppTarget(problem="the import it comes from cannot be resolved")
    if import_statement.type == "import_name":
        return (
            AppTarget(module_name=absolute, attribute=".".join(rest))
            if rest
            else AppTarget(problem="a module is not an ASGI app")
        )
    module, _, attribute = absolute.rpartition(".")
    return AppTarget(module_name=module, attribute=".".join([attribute, *rest]))


def _absolute_module(dotted: str, path: Path | None) -> str | None:
    """Resolve `..core.app` against the package of `path`."""
    if not dotted.startswith("."):
        return dotted
    if path is None:
        return None
    module = layout.full_module_name(path)
    if module is None:
        return None
    return module_index.absolute_name(dotted, module if path.name == "__init__.py" else module.rpartition(".")[0])


def _factory_target(ctx: RuleContext, node, callee: syntax.Callee) -> AppTarget:
    callee_text = callee.dotted
    if syntax.call_has_arguments(node):
        return AppTarget(problem=f"`{callee_text}` is called with arguments; a factory gets none")
    kind, required = _callable_shape(ctx, callee)
    if kind == "class":
        return AppTarget(problem="the app is created inline")
    if kind not in ("function", None):
        return AppTarget(problem=f"`{callee_text}` is not a function uvicorn could call as a factory")
    if required:
        return AppTarget(problem=f"`{callee_text}` needs arguments; a factory gets none")
    target = _name_target(ctx, callee.root, callee_text.split(".")[1:])
    if target.problem:
        return target
    return dataclasses.replace(target, factory=True)


def _callable_shape(ctx: RuleContext, callee: syntax.Callee) -> tuple[str | None, int | None]:
    """("function", required parameters), ("class", None)...; (None, None) when unknown."""
    if callee.root is callee.last:
        bindings = ctx.evaluator.bindings(callee.root)
        if bindings and not any(_import_of(binding) for binding in bindings):
            definition = bindings[-1].parent
            if definition.type == "funcdef":
                return "function", sum(
                    1 for param in definition.get_params() if param.default is None and not param.star_count
                )
            return ("class", None) if definition.type == "classdef" else (None, None)
    definitions = ctx.resolver.definitions(callee.last)
    if not definitions:
        return None, None
    return definitions[0].type, definitions[0].required_parameters


@dataclass(frozen=True)
class ImportString:
    value: str  # "pkg.main:app"
    launch: str | None  # "python -m pkg.main", None when it does not depend on the launch
    preferred: bool


def import_strings(ctx: RuleContext, target: AppTarget) -> list[ImportString]:
    """The import strings that load `target`, one per way the script may be launched."""
    if target.problem:
        return []
    if target.module_name is not None:
        return [ImportString(f"{target.module_name}:{target.attribute}", None, True)]
    script = ctx.source.path
    if script is None or target.path is None:
        return []
    # A `-m` launch through namespace folders is offered only when the file's imports show it.
    searches = [
        search
        for search in import_resolution.search_paths(ctx)
        if search.usual or not layout.is_namespace_launch(search.launch, script)
    ]
    # One preferred launch: the first `-m` one when the file shows it runs that way, else the script.
    module_launches = [search.launch for search in searches if search.launch.kind == "module" and search.usual]
    prefer_module = layout.prefers_module_launch(
        script, ctx.imports.names.values(), module_launches[0] if module_launches else None
    )
    preferred_launch = (
        module_launches[0]
        if prefer_module
        else next((search.launch for search in searches if search.launch.kind == "script"), None)
    )
    results: list[ImportString] = []
    for search in searches:
        name = import_resolution.import_name(ctx, target.path, search)
        if name is None:
            continue
        launch = search.launch.command if len(searches) > 1 else None
        results.append(ImportString(f"{name}:{target.attribute}", launch, search.launch == preferred_launch))
    if not results:
        fallback = layout.full_module_name(target.path)
        if fallback:
            results.append(ImportString(f"{fallback}:{target.attribute}", None, True))
    if results and not any(item.preferred for item in results):
        results[0] = ImportString(results[0].value, results[0].launch, True)
    results.sort(key=lambda item: not item.preferred)
    return results


def import_string_fixes(launch: Launch, target: AppTarget, choices: list[ImportString]) -> list[Fix]:
    """Fixes that pass the app as each import string (with factory=True for a factory)."""
    fixes = []
    for choice in choices:
        app_edits = launch.edits.replace_app(choice.value)
        factory_edits = launch.edits.set_option("factory", True) if target.factory else ()
        if app_edits is None or factory_edits is None:
            continue
        title = f'Pass the import string "{choice.value}"'
        if target.factory:
            title += f" with {launch.edits.spell('factory', True)}"
        if choice.launch:
            title += f" (for `{choice.launch}`)"
        applicability = Applicability.UNSAFE if target.caveat else Applicability.SAFE
        fixes.append(Fix(title, (*app_edits, *factory_edits), applicability, preferred=choice.preferred))
    return fixes


def as_import_string(ctx: RuleContext, app_node) -> str:
    """The app as a suggested uvicorn.run call should name it: as written when it is a
    string, else (quoted) the import string that loads it."""
    if classify_app(ctx, app_node).kind is AppKind.STRING:
        return app_node.get_code().strip()
    choices = import_strings(ctx, find_app_target(ctx, app_node))
    return edits.quoted(choices[0].value if choices else "module:app")
