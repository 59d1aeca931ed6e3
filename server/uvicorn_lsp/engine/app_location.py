"""Where an app object lives, and the import string that names it: the `"module:attribute"`
uvicorn can import in a fresh process, per launch of the file, and the fixes that pass it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from . import edits, import_resolution, layout, module_index, syntax
from .app_kinds import AppKind, classify_app, import_statement_of
from .context import RuleContext
from .launch import Launch
from .model import Applicability, Fix
from .module_index import in_installed_package
from .rule import elide
from .source import node_code


@dataclass(frozen=True)
class AppTarget:
    """A module-level attribute uvicorn can import, or why there is none."""

    path: Path | None = None  # file of the module, when known
    module_name: str | None = None  # fixed dotted name (installed packages)
    attribute: str = ""  # "app", "container.app", "create_app"
    factory: bool = False
    problem: str | None = None  # why no import string can name the app
    # Why the imported app may differ from the object passed now (the fix is then unsafe),
    # and the same in a few words for a message the whole caveat would make too long.
    caveat: str | None = None
    caveat_short: str | None = None


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
    if bindings and not any(import_statement_of(binding) for binding in bindings):
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
    return _imported_target(ctx, root_leaf, import_statement_of(bindings[-1]), rest)


_INSIDE_FUNCTION = "is defined inside a function or class"


def _not_reachable(leaf, why: str) -> AppTarget:
    return AppTarget(problem=f"`{leaf.value}` {why}")


def _target(path: Path | None, module_name: str, attribute: str, factory: bool = False) -> AppTarget:
    if in_installed_package(path) or path is None:
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
    caveat = _changed_under_main_guard(ctx, root_leaf)
    return AppTarget(
        path=ctx.source.path,
        attribute=".".join([root_leaf.value, *rest]),
        caveat=caveat[0] if caveat else None,
        caveat_short=caveat[1] if caveat else None,
    )


def _changes_object(leaf) -> bool:
    """`app.get(...)`, `@app.get`, `app.state.x = 1`, `app.include_router(...)`, `app = Wrap(app)`;
    passing `app` to a call (uvicorn.run itself) is not counted."""
    if leaf.is_definition():
        return True
    following = leaf.get_next_sibling()
    return following is not None and following.type == "trailer" and following.children[0].value == "."


def _changed_under_main_guard(ctx: RuleContext, root_leaf) -> tuple[str, str] | None:
    """Routes, middleware or state added to the app in the guarded block are missing
    from the app uvicorn imports: the caveat, and a terser one."""
    changes = ctx.once(("changed under main guard", root_leaf.value), lambda: _guarded_changes(ctx, root_leaf.value))
    for leaf in changes:
        if leaf is not root_leaf:
            line = leaf.start_pos[0]
            return (
                f"line {line} changes `{root_leaf.value}` {_MAIN_GUARD}: move that to module level",
                f"line {line} changes it under the `__main__` guard",
            )
    call = _guarded_call_before(ctx, root_leaf)
    if call is not None:
        line, callee = call
        return (
            f"line {line} calls `{elide(callee, 30)}()` {_MAIN_GUARD}, which may set up the app",
            f"line {line} may set it up under the `__main__` guard",
        )
    return None


# Calls a `__main__` block makes that cannot change an app: output, logging, reading a .env file.
_HARMLESS_CALLS = re.compile(r"(print|pprint|load_dotenv|logging\.\w+|logger\.\w+|log\.\w+|\w+\.basicConfig)$")


def _guarded_call_before(ctx: RuleContext, root_leaf) -> tuple[int, str] | None:
    """A call statement of the `__main__` block before the launch (`setup()` adding the routes), as its line and
    callee: the app the string imports never gets what it does."""
    statement = root_leaf.search_ancestor("simple_stmt")
    block = statement.parent if statement is not None else None
    if block is None or block.type != "suite" or not syntax.is_under_main_guard(statement):
        return None
    for sibling in block.children:
        if sibling is statement:
            return None
        callee = _statement_call(sibling.children[0], root_leaf.value) if sibling.type == "simple_stmt" else None
        if callee is None:
            continue
        qualified = ctx.imports.qualify(callee.dotted) or callee.dotted
        if not qualified.startswith("uvicorn.") and not _HARMLESS_CALLS.match(callee.dotted):
            return sibling.start_pos[0], callee.dotted
    return None


def _statement_call(statement, app_name: str) -> syntax.Callee | None:
    """The callee of a call statement (`setup()`), or of an assignment's call that is given the app
    (`plugin = add_plugin(app)` adds routes too); other assignments (`port = int(...)`) set nothing up."""
    if statement.type != "expr_stmt":
        return syntax.callee_of(statement)
    value = statement.children[-1]
    if value.type == "annassign":
        value = value.children[-1]
    callee = syntax.callee_of(value)
    if callee is None or not _passes_name(value.children[-1], app_name):
        return None
    return callee


def _passes_name(arguments, name: str) -> bool:
    leaf, last = arguments.get_first_leaf(), arguments.get_last_leaf()
    while leaf is not None:
        if leaf.type == "name" and leaf.value == name:
            return True
        if leaf is last:
            return False
        leaf = leaf.get_next_leaf()
    return False


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
        if bindings and not any(import_statement_of(binding) for binding in bindings):
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
    # A `-m` launch through namespace folders is offered only when the file's imports show it;
    # one that needs PYTHONPATH set never (the string would fail where the project is run plainly).
    searches = [
        search
        for search in import_resolution.search_paths(ctx)
        if (search.usual or not layout.is_namespace_launch(search.launch, script)) and search.launch.pythonpath is None
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
        if name is None or not _loads_the_file(ctx, name, search.roots, target.path):
            continue
        launch = search.launch.command if len(searches) > 1 else None
        results.append(ImportString(f"{name}:{target.attribute}", launch, search.launch == preferred_launch))
    if not results:
        fallback = layout.full_module_name(target.path)
        if fallback and any(_loads_the_file(ctx, fallback, search.roots, target.path) for search in searches):
            results.append(ImportString(f"{fallback}:{target.attribute}", None, True))
    if results and not any(item.preferred for item in results):
        results[0] = ImportString(results[0].value, results[0].launch, True)
    results.sort(key=lambda item: not item.preferred)
    return results


def _loads_the_file(ctx: RuleContext, name: str, roots: tuple[Path, ...], path: Path) -> bool:
    """Whether importing `name` from `roots` loads the file at `path`: `app.py` beside a package `app/` does not
    (the package comes first), and a string naming it would load the package."""
    found = ctx.workspace.modules.find(name, roots, ctx.depends_on)
    return isinstance(found, module_index.FoundModule) and found.path == path


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
        return node_code(app_node)
    choices = import_strings(ctx, find_app_target(ctx, app_node))
    return edits.quoted(choices[0].value if choices else "module:app")
