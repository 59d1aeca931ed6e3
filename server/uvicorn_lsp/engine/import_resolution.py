"""Does an import string load? What `import_from_string("module:attributes")` does under each
launch of the checked file (layout.py computes the launches, module_index.py finds the modules).

Every file looked at, found or not, is reported through `ctx.depends_on`, so the LSP layer
re-checks a document when a module it names appears, changes or goes away.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from . import config, layout, project, syntax, uvicorn_facts
from .launch import Launch, SearchPath, Server
from .module_index import UNKNOWN_NAMES, Binding, FoundModule, MissingModule, ModuleIndex, Namespace, ParsedModule
from .source import SourceFile
from .workspace import Workspace

_MAX_FOLLOW_DEPTH = 8
_T = TypeVar("_T")


class CheckedFile(Protocol):
    """What resolving import strings reads of the file being checked (engine.context.RuleContext)."""

    @property
    def source(self) -> SourceFile: ...

    @property
    def workspace(self) -> Workspace: ...

    @property
    def imports(self) -> syntax.ImportMap: ...

    @property
    def uses_relative_imports(self) -> bool: ...

    @property
    def is_python(self) -> bool:
        """The file is Python (a module, a notebook), not a command source."""
        ...

    def depends_on(self, path: Path | None) -> None:
        """Record a file the result was computed from (the LSP layer re-checks when it changes)."""
        ...

    def once(self, key: Hashable, compute: Callable[[], _T]) -> _T:
        """`compute()`, computed once per check and key."""
        ...

    def declared_constraints(self, distribution: str) -> list[str | None] | None:
        """The version constraints the project declares on `distribution` (project.declared_constraints)."""
        ...


def own_module(ctx: CheckedFile, found: FoundModule) -> ParsedModule:
    """The checked file as a module named `found`: its tree is already parsed (a full re-parse costs
    ~60 ms per 1,000 lines), and its namespaces are built once per check."""

    def parsed() -> ParsedModule:
        module = ParsedModule(found, ctx.source)
        module.__dict__["imports"] = ctx.imports  # the same text's import map, already built (cached_property slot)
        return module

    return ctx.once(("own_module", found), parsed)


# ---------------------------------------------------------------------------
# Search paths: what sys.path holds for each launch of the file


def _usual_launch(ctx: CheckedFile, launch: layout.Launch, script: Path) -> bool:
    if launch.kind == "script":
        return not ctx.uses_relative_imports
    if not launch.root.is_relative_to(ctx.workspace.root):
        # `python -m` from above the project (its root has an `__init__.py`, often by accident, as in inkflow):
        # possible, but not how the project is run.
        return False
    if layout.is_namespace_launch(launch, script):
        # A `__main__.py` runs with `-m` of its own package; only its imports can show the namespace folders above.
        return layout.imports_show_module_launch(script, ctx.imports.names.values(), launch)
    return True


def search_paths(ctx: CheckedFile, app_dir: str | None = None) -> list[SearchPath]:
    """sys.path per launch of the checked file, with `app_dir=` inserted first as uvicorn.run does
    (computed once per check and app_dir)."""
    return ctx.once(("search_paths", app_dir), lambda: _search_paths(ctx, app_dir))


def _search_paths(ctx: CheckedFile, app_dir: str | None) -> list[SearchPath]:
    script = ctx.source.path
    if script is None:
        return []
    root = ctx.workspace.root
    for marker in layout.package_markers(script):
        ctx.depends_on(marker)
    # A file with relative imports cannot run as a script (uvicorn-facts.md): only `-m` counts.
    # A `-m` launch through namespace folders can rescue a string but, unless the file's
    # imports show it is run that way, a string failing with it alone is not reported.
    launches = [(launch, _usual_launch(ctx, launch, script)) for launch in layout.launches(script, root)]
    # A src/ layout is installed (editable) to be run, which puts src/ on sys.path.
    source_root = (root / "src",) if (root / "src").is_dir() else ()
    installed = ctx.workspace.modules.installed_roots
    paths = []
    for launch, usual in launches:
        # A relative app_dir is relative to the current folder: the package root
        # for `-m`, and most likely the workspace root for a script.
        inserted = ((launch.root if launch.kind == "module" else root) / app_dir,) if app_dir is not None else ()
        roots = tuple(dict.fromkeys((*inserted, launch.root, *source_root, *installed)))
        paths.append(SearchPath(launch, roots, usual))
        if app_dir is not None and launch.kind == "script" and launch.root != root:
            # Started from its own folder (`cd backend && python run.py`), the script finds app_dir there: a
            # string that loads that way is not an error for the start from the workspace root, only a warning.
            in_folder = layout.Launch(
                "script", f"cd {layout.relative_text(launch.root, root)} && python {script.name}", launch.root
            )
            roots = tuple(dict.fromkeys((launch.root / app_dir, launch.root, *source_root, *installed)))
            paths.append(SearchPath(in_folder, roots, usual=False))
    paths = _runnable(ctx, paths)
    if script.name == "__main__.py" and any(path.usual and path.launch.kind == "module" for path in paths):
        # A `__main__.py` that runs with `python -m pkg` is there for that (weight-exhibit's README: `python -m app`):
        # run as `python pkg/__main__.py` it can rescue a string, but a string failing there alone is not reported.
        # One whose imports only load as a script (`from settings import x`) keeps that launch.
        paths = [path if path.launch.kind == "module" else dataclasses.replace(path, usual=False) for path in paths]
    return paths


def with_installed_project(ctx: CheckedFile, name: str, roots: tuple[Path, ...]) -> tuple[Path, ...]:
    """`roots` plus the folder of the project's own package when `name` is in it and the project is
    installable: installed (`pip install -e .`, `uv sync`, its console scripts), as such a project
    is to be run, that package imports under every launch (checked with a setuptools editable install)."""

    def find() -> dict[str, Path]:
        script = ctx.source.path
        found = config.installed_project_packages(script.parent, ctx.workspace.root) if script else None
        if found is None:
            return {}
        packages, pyprojects = found
        for pyproject in pyprojects:
            ctx.depends_on(pyproject)
        return packages

    folder = ctx.once(("installed_project",), find).get(name.split(".")[0])
    return roots if folder is None or folder in roots else (*roots, folder)


def own_imports(ctx: CheckedFile) -> list[str]:
    """The absolute modules the checked file imports at its top level, outside `try` blocks
    (whose failure the file handles): each must load before the file's own code runs."""
    return ctx.once(("own_imports",), lambda: top_level_imports(ctx.source))


def top_level_imports(source: SourceFile) -> list[str]:
    """The absolute modules a module imports at its top level, outside `try` blocks."""
    return source.derived("top_level_imports", _top_level_imports)


def _top_level_imports(source: SourceFile) -> list[str]:
    names: list[str] = []
    for statement in source.tree.children:
        for small in statement.children if statement.type == "simple_stmt" else ():
            if small.type == "import_name":
                names.extend(".".join(name.value for name in path) for path in small.get_paths())
            elif small.type == "import_from" and small.level == 0:
                names.append(".".join(name.value for name in small.get_from_names()))
    return names


def cannot_serve_the_app(ctx: CheckedFile, loaded: Resolution, failing: SearchPath) -> bool:
    """The module a string loads under one launch imports modules (its siblings: `from helpers import x`) that
    load there and not under `failing`: that launch cannot serve the app, whatever string it were given."""
    found = loaded.module
    if not isinstance(found, FoundModule) or found.path is None:
        return False
    index = ctx.workspace.modules
    module = own_module(ctx, found) if found.path == ctx.source.path else index.parsed(found)
    if module is None:
        return False
    ctx.depends_on(found.path)

    def loads(name: str, roots: tuple[Path, ...]) -> bool:
        return isinstance(index.find(name, with_installed_project(ctx, name, roots), ctx.depends_on), FoundModule)

    return any(
        loads(name, loaded.search_path.roots) and not loads(name, failing.roots)
        for name in top_level_imports(module.source)
    )


def imports_relatively(ctx: CheckedFile) -> bool:
    """A relative import at the file's top level, outside `try`: run as a script, the file has no
    package and stops there ("attempted relative import with no known parent package")."""
    return source_imports_relatively(ctx.source)


def source_imports_relatively(source: SourceFile) -> bool:
    """A relative import at the module's top level, outside `try`: imported without a package (as a
    script, or as a top-level module), the module stops there."""
    return source.derived("imports_relatively", _imports_relatively)


def _imports_relatively(source: SourceFile) -> bool:
    return any(
        small.type == "import_from" and small.level > 0
        for statement in source.tree.children
        if statement.type == "simple_stmt"
        for small in statement.children
    )


def _runnable(ctx: CheckedFile, paths: list[SearchPath]) -> list[SearchPath]:
    """Drop the launches under which the file's own imports fail: such a launch never reaches the
    uvicorn call (`python pkg/main.py` of a file doing `from pkg.helpers import x` or `from . import x`).
    A script launch that the workspace folder on PYTHONPATH rescues (an IDE's content root) stays as
    a launch that is possible but not usual: it can rescue a string, never fail one.
    An import that fails under every launch (a package not installed, a project not all in the
    workspace) says nothing about the launch."""
    if imports_relatively(ctx):
        paths = [path for path in paths if path.launch.kind != "script"]
    if len(paths) < 2:
        return paths
    index = ctx.workspace.modules

    def loads(name: str, roots: tuple[Path, ...]) -> bool:
        return isinstance(index.find(name, with_installed_project(ctx, name, roots), ctx.depends_on), FoundModule)

    failing: set[int] = set()
    project_names = []  # the imports of the project's own modules: they load under some launch
    for name in own_imports(ctx):
        found = [loads(name, path.roots) for path in paths]
        if any(found):
            project_names.append(name)
            failing.update(position for position, loaded in enumerate(found) if not loaded)
    root = ctx.workspace.root
    # Folders whose place on PYTHONPATH may rescue a script launch: the workspace root, then those the `-m`
    # launches run from, where the file's own imports load (backend/ for backend/app/main.py importing
    # `app.router`, when a container's WORKDIR is backend/ with PYTHONPATH=. and runs `python app/main.py`).
    rescuers = dict.fromkeys([root, *(path.launch.root for path in paths if path.launch.kind == "module")])
    kept = []
    for position, path in enumerate(paths):
        if position not in failing:
            kept.append(path)
            continue
        if path.launch.kind != "script":
            continue
        for folder in rescuers:
            rescued = (*path.roots, folder)
            if all(loads(name, rescued) for name in project_names):
                launch = (
                    path.launch.with_pythonpath(root, ".")
                    if folder == root or ctx.source.path is None
                    else path.launch.run_in(folder, ctx.source.path)
                )
                kept.append(SearchPath(launch, rescued, usual=False))
                break
    return kept


def missing_project_package(ctx: CheckedFile, module: str, paths: list[SearchPath]) -> bool:
    """The file's own imports from `module`'s top-level package load under none of `paths`:
    the package is not in the workspace (a file checked without its project), so whether
    `module` loads cannot be told."""
    top = module.split(".")[0]
    index = ctx.workspace.modules
    return any(
        name.split(".")[0] == top
        and not any(isinstance(index.find(name, path.roots, ctx.depends_on), FoundModule) for path in paths)
        for name in own_imports(ctx)
    )


def declared_distribution_package(ctx: CheckedFile, failures: list[Resolution]) -> bool:
    """Every failure misses the top-level package itself, and the project declares a distribution of that name
    (`acme-api` for `acme_api`): installed where the project runs, though not in the analysed environment."""
    top = _missing_top_level_package(failures)
    return top is not None and ctx.declared_constraints(top) is not None


def installed_packages_unseen(ctx: CheckedFile, failures: list[Resolution]) -> bool:
    """Every failure misses the top-level package itself, and nothing installed can be seen (an interpreter that
    could not be asked, or was not run): the package may well be installed."""
    return _missing_top_level_package(failures) is not None and not ctx.workspace.interpreter_sys_path


def app_not_in_the_workspace(ctx: CheckedFile, failures: list[Resolution]) -> bool:
    """Every failure misses the top-level package itself, and the workspace holds neither Python source nor
    requirements (a deployment repository, a script starting an app installed from elsewhere): what is
    installed where it runs is not known here. A Python file checked is such source, saved or not."""
    return (
        not ctx.is_python
        and _missing_top_level_package(failures) is not None
        and not project.shows_its_app(ctx.workspace.root)
    )


def _missing_top_level_package(failures: list[Resolution]) -> str | None:
    missing = {f.module.missing if isinstance(f.module, MissingModule) else None for f in failures}
    top = missing.pop() if len(missing) == 1 else None
    return None if top is None or "." in top else top


# ---------------------------------------------------------------------------
# Import strings


def split_import_string(text: str) -> tuple[str, str] | None:
    """uvicorn's split: at the first colon, both sides non-empty (importer.py)."""
    module, _, attributes = text.partition(":")
    if not module or not attributes:
        return None
    return module, attributes


class Outcome(enum.Enum):
    LOADS = "loads"
    NO_MODULE = "no module"
    NO_ATTRIBUTE = "no attribute"
    # Found, but importing it raises before any attribute is looked up: a module loaded as a top-level
    # module (no package) whose top-level relative import has no parent package to be relative to.
    NO_PARENT_PACKAGE = "no parent package"
    # Found, but a module it imports at its top level is not: one beside its file, which only a start from that
    # folder finds (`from database import engine` in backend/main.py, loaded as `backend.main` from the top).
    SIBLING_NOT_FOUND = "sibling not found"
    UNKNOWN = "unknown"  # something dynamic decides; say nothing


@dataclass(frozen=True)
class Resolution:
    search_path: SearchPath
    outcome: Outcome
    module: FoundModule | MissingModule | None = None
    missing_at: int = 0  # index of the first missing attribute part
    near: tuple[str, ...] = ()  # names close to the missing attribute part
    binding: Binding | None = None  # set when the string loads and one statement binds it
    # NO_ATTRIBUTE in a module whose text does not parse: its name. Importing it raises SyntaxError before any
    # attribute is looked up, and the name may be one the parser's error recovery lost.
    unparsed: str | None = None
    sibling: str | None = None  # SIBLING_NOT_FOUND: the module imported that is not found
    # SIBLING_NOT_FOUND: the folder above the module's own that holds it (`backend/` for `from app.core import x` in
    # backend/app/main.py); None when it is beside the module's file.
    sibling_folder: Path | None = None

    @property
    def may_load(self) -> bool:
        return self.outcome in (Outcome.LOADS, Outcome.UNKNOWN)


def resolve(ctx: CheckedFile, module_name: str, attributes: str, search_path: SearchPath) -> Resolution:
    """What `import_from_string("module_name:attributes")` does under one launch."""
    if module_name.startswith("."):  # import_module without a package raises TypeError
        return Resolution(search_path, Outcome.NO_MODULE, MissingModule(module_name, module_name))
    index = ctx.workspace.modules
    roots = with_installed_project(ctx, module_name, search_path.roots)
    found = index.find(module_name, roots, ctx.depends_on)
    if isinstance(found, MissingModule):
        return Resolution(search_path, Outcome.NO_MODULE, found)
    walk = _AttributeWalk(ctx, index, roots)
    if "." not in module_name and not found.is_package:
        module = walk.parsed(found)
        if module is not None and source_imports_relatively(module.source):
            # `cd app && uvicorn main:app` of app/main.py doing `from .routes import router`: ImportError
            # "attempted relative import with no known parent package", a traceback (exit status 1).
            return Resolution(search_path, Outcome.NO_PARENT_PACKAGE, found)
    sibling = _sibling_not_found(ctx, walk, found, roots)
    if sibling is not None:
        # ModuleNotFoundError for another module than the one named: uvicorn passes it on (exit status 1).
        name, folder = sibling
        above = folder if found.path is not None and folder != found.path.parent else None
        return Resolution(search_path, Outcome.SIBLING_NOT_FOUND, found, sibling=name, sibling_folder=above)
    outcome, missing_at, near, binding = walk.follow(found, attributes.split("."), 0)
    return Resolution(search_path, outcome, found, missing_at, near, binding, walk.unparsed)


def _sibling_not_found(
    ctx: CheckedFile, walk: _AttributeWalk, found: FoundModule, roots: tuple[Path, ...]
) -> tuple[str, Path] | None:
    """A module the found one imports at its top level (outside `try`) that is nowhere on `roots` nor in the analysed
    environment, but beside the found module's file or in a package folder above it, below the sys.path entry it is
    loaded from (`from app.core import x` in backend/app/main.py, loaded as `backend.app.main`): written to run from
    that folder, it fails from the others. The name, and the folder that holds it. None where something else may put
    that folder on sys.path: code that changes `sys.path` in the module or in a package `__init__.py` above it, or an
    environment that cannot be seen."""
    if found.path is None or found.is_package or not ctx.workspace.interpreter_sys_path:
        return None
    module = walk.parsed(found)
    if module is None or _changes_sys_path(module.source):
        return None
    folders = _folders_up_to(ctx, found.path.parent, roots)
    index = ctx.workspace.modules
    for name in top_level_imports(module.source):
        holder = next((f for f in folders if isinstance(index.find(name, (f,), ctx.depends_on), FoundModule)), None)
        if holder is None:
            holder = _own_package_above(ctx, found.path, roots, name)
        if holder is None:
            continue
        if isinstance(index.find(name, with_installed_project(ctx, name, roots), ctx.depends_on), FoundModule):
            continue
        if isinstance(index.find(name, ctx.workspace.interpreter_sys_path, ctx.depends_on), FoundModule):
            continue
        if ctx.declared_constraints(name.split(".")[0]) is not None:
            # `from redis import asyncio` beside a src/redis/ package: the project's requirements install the
            # distribution of that name where it runs, and the import finds it there.
            continue
        if _package_inits_change_sys_path(ctx, found.path.parent, roots):
            return None
        if _earlier_imports_change_sys_path(ctx, module, roots, name):
            return None
        return name, holder
    return None


def _own_package_above(ctx: CheckedFile, path: Path, roots: tuple[Path, ...], name: str) -> Path | None:
    """The folder above the sys.path entry the module is loaded from, where that entry is the package the module
    imports by its full name (`from backend.config import x` in backend/main.py, loaded as `main` after `cd backend`):
    the package is found from the folder above only."""
    root = next((root for root in roots if path.is_relative_to(root)), None)
    if root is None or root.name != name.split(".")[0] or not root.parent.is_relative_to(ctx.workspace.root):
        return None
    above = root.parent
    return above if isinstance(ctx.workspace.modules.find(name, (above,), ctx.depends_on), FoundModule) else None


def _folders_up_to(ctx: CheckedFile, folder: Path, roots: tuple[Path, ...]) -> list[Path]:
    """`folder` and the package folders above it, up to the sys.path entry the module is imported from (excluded)."""
    folders = [folder]
    while folder not in roots and folder.parent.is_relative_to(ctx.workspace.root) and folder.parent != folder:
        folder = folder.parent
        if folder not in roots:
            folders.append(folder)
    return folders


_MAX_IMPORTS_FOLLOWED = 50  # the project modules read for a sys.path change, per sibling import


def _earlier_imports_change_sys_path(
    ctx: CheckedFile, module: ParsedModule, roots: tuple[Path, ...], sibling: str
) -> bool:
    """A project module that `module` imports before `sibling` (or one those import in turn) changes sys.path when it
    runs: `import backend.paths`, whose code puts backend/ on sys.path, lets a later `from database import x` load."""
    index = ctx.workspace.modules
    root = ctx.workspace.root
    pending = list(_imports_before(module, sibling))
    seen: set[str] = set()
    while pending and len(seen) < _MAX_IMPORTS_FOLLOWED:
        name = pending.pop(0)
        parts = name.split(".")
        # Importing `a.b.c` runs a/__init__.py and a/b/__init__.py first.
        for prefix in (".".join(parts[: end + 1]) for end in range(len(parts))):
            if prefix in seen:
                continue
            seen.add(prefix)
            found = index.find(prefix, roots, ctx.depends_on)
            if not isinstance(found, FoundModule) or found.path is None or not found.path.is_relative_to(root):
                continue
            parsed = index.parsed(found)
            if parsed is None:
                continue
            ctx.depends_on(found.path)
            if _changes_sys_path(parsed.source):
                return True
            pending.extend(_imports_before(parsed, None))
    return False


def _imports_before(module: ParsedModule, sibling: str | None) -> list[str]:
    """The absolute names of the modules `module` imports at its top level (relative imports made absolute, `from pkg
    import name` also as `pkg.name`, which may be a submodule), up to the statement that imports `sibling`."""
    package = module.found.name.split(".")[: None if module.found.is_package else -1]
    names: list[str] = []
    for statement in module.source.tree.children:
        for small in statement.children if statement.type == "simple_stmt" else ():
            if small.type == "import_name":
                imported = [".".join(name.value for name in path) for path in small.get_paths()]
            elif small.type == "import_from":
                level = small.level
                if level > len(package):
                    continue  # beyond the top-level package: ImportError, and nothing runs
                parent = package[: len(package) - level + 1] if level else []
                base = [*parent, *(name.value for name in small.get_from_names())]
                if not base:
                    continue
                imported = [".".join(base)]
                imported.extend(
                    ".".join([*base, path[-1].value]) for path in small.get_paths() if path[-1].value != "*"
                )
            else:
                continue
            if sibling is not None and any(name.split(".")[0] == sibling.split(".")[0] for name in imported):
                return names
            names.extend(imported)
    return names


def _changes_sys_path(source: SourceFile) -> bool:
    """Whether a module's code may change sys.path (searched once per text)."""
    return source.derived("changes_sys_path", lambda module: _text_changes_sys_path(module.text))


def _text_changes_sys_path(text: str) -> bool:
    return "sys.path" in text or "addsitedir" in text


def _package_inits_change_sys_path(ctx: CheckedFile, folder: Path, roots: tuple[Path, ...]) -> bool:
    """An `__init__.py` of the packages between `folder` and the sys.path entry it is imported from changes
    sys.path (it runs before the module)."""
    while folder not in roots and folder.is_relative_to(ctx.workspace.root) and folder.parent != folder:
        init = folder / "__init__.py"
        ctx.depends_on(init)
        try:
            if _text_changes_sys_path(init.read_text(encoding="utf-8", errors="replace")):
                return True
        except OSError:
            pass
        folder = folder.parent
    return False


class _AttributeWalk:
    """Follows `a.b.c` through module namespaces, imports and plain classes.

    Each step answers (outcome, index of the missing part, near names, binding)."""

    def __init__(self, ctx: CheckedFile, index: ModuleIndex, roots: tuple[Path, ...]):
        self._ctx = ctx
        self._index = index
        self._roots = roots
        self.unparsed: str | None = None  # the module a missing name was looked for in, when it does not parse

    def _missing(self, module: ParsedModule, namespace: Namespace, name: str):
        """NO_ATTRIBUTE for `name`, not bound in `module`: with the names near it, or none in a module that
        does not parse (no string naming it loads). UNKNOWN where parso alone cannot read it (valid Python in
        syntax parso 0.8 lacks, `match`, may bind the name), or this Python refuses it and the analysed interpreter
        is another version (`type X = int` is valid on 3.12), or the project requires newer Pythons only (a
        multi-line f-string of a `requires-python = ">=3.12"` project, read by 3.11)."""
        if module.source.broken_lines:
            if (
                module.source.python_parses
                or not self._ctx.workspace.parses_as_this_python
                or self._requires_a_newer_python(module)
            ):
                return Outcome.UNKNOWN, 0, (), None
            self.unparsed = module.found.name
            return Outcome.NO_ATTRIBUTE, 0, (), None
        return Outcome.NO_ATTRIBUTE, 0, namespace.near(name), None

    def _requires_a_newer_python(self, module: ParsedModule) -> bool:
        path = module.found.path
        if path is None:
            return False
        pyproject = config.find_pyproject(path.parent)
        if pyproject is not None:
            self._ctx.depends_on(pyproject)
        return config.requires_a_newer_python(path.parent)

    def _find(self, name: str) -> FoundModule | None:
        found = self._index.find(name, self._roots, self._ctx.depends_on)
        return found if isinstance(found, FoundModule) else None

    def parsed(self, found: FoundModule) -> ParsedModule | None:
        if found.path == self._ctx.source.path:
            # The file being checked: its tree is already parsed (a full re-parse costs ~60 ms per 1,000 lines).
            return own_module(self._ctx, found)
        if found.path is not None:
            self._ctx.depends_on(found.path)
        return self._index.parsed(found)

    def namespace(self, module: ParsedModule, depth: int) -> Namespace:
        """The module's names, with those of its `from X import *` merged in."""
        local = module.local_namespace
        if not module.star_imports:
            return local
        merged_bindings = dict(local.bindings)
        merged = Namespace(merged_bindings, local.open)
        for dotted in module.star_imports:
            found = self._find(dotted) if dotted and depth < _MAX_FOLLOW_DEPTH else None
            source = self.parsed(found) if found is not None else None
            if source is None:
                merged.open = True
                continue
            exported = self.namespace(source, depth + 1)
            public = source.public_names
            merged.open = merged.open or exported.open or public is UNKNOWN_NAMES
            for name, bindings in exported.bindings.items():
                if name in public if isinstance(public, frozenset) else not name.startswith("_"):
                    merged_bindings.setdefault(name, bindings)
        return merged

    def follow(self, found: FoundModule, parts: list[str], depth: int):
        module = self.parsed(found)
        if module is None or depth > _MAX_FOLLOW_DEPTH:
            return Outcome.UNKNOWN, 0, (), None
        namespace = self.namespace(module, depth)
        name, rest = parts[0], parts[1:]
        bindings = namespace.bindings.get(name)
        if not bindings:
            # A submodule becomes an attribute of its package once anything imports it.
            if namespace.open or (found.is_package and self._find(f"{found.name}.{name}") is not None):
                return Outcome.UNKNOWN, 0, (), None
            return self._missing(module, namespace, name)
        return self._after(bindings, rest, depth)

    def _after(self, bindings: list[Binding], rest: list[str], depth: int):
        """The outcome once the name `bindings` bind exists; `rest` are its attributes."""
        if not rest:
            return Outcome.LOADS, 0, (), bindings[0] if len(bindings) == 1 else None
        if len(bindings) != 1:  # bound several ways: which one runs is not known
            return Outcome.UNKNOWN, 0, (), None
        outcome, missing_at, near, binding = self._follow_binding(bindings[0], rest, depth)
        return outcome, missing_at + 1, near, binding

    def _follow_binding(self, binding: Binding, rest: list[str], depth: int):
        """Attributes of whatever one binding binds: a module, a name imported from one, or a class."""
        module, leaf = binding.module, binding.leaf
        definition = leaf.get_definition() if leaf.is_definition() else None
        if definition is None:
            return Outcome.UNKNOWN, 0, (), None
        if definition.type == "import_name":
            dotted = module.imports.names.get(leaf.value)
            target = self._find(dotted) if dotted else None
            return self.follow(target, rest, depth + 1) if target else (Outcome.UNKNOWN, 0, (), None)
        if definition.type == "import_from":
            imported = module.imports.names.get(leaf.value)
            absolute = module.absolute(imported) if imported else None
            source_name, _, attribute = (absolute or "").rpartition(".")
            source = self._find(source_name) if source_name else None
            parsed = self.parsed(source) if source else None
            if parsed is None:
                return Outcome.UNKNOWN, 0, (), None
            bindings = self.namespace(parsed, depth + 1).bindings.get(attribute)
            if bindings:
                outcome, missing_at, near, found = self._after(bindings, rest, depth + 1)
                return outcome, missing_at - 1, near, found
            # `from pkg import sub` imports the submodule when pkg does not bind `sub`.
            submodule = self._find(absolute) if absolute else None
            return self.follow(submodule, rest, depth + 1) if submodule else (Outcome.UNKNOWN, 0, (), None)
        if definition.type == "classdef":
            return self._follow_class(module, definition, rest)
        return Outcome.UNKNOWN, 0, (), None

    def _follow_class(self, module: ParsedModule, classdef, rest: list[str]):
        """Class attributes of a plain class: no bases, no decorators, nothing inherited."""
        if classdef.get_super_arglist() is not None or classdef.parent.type == "decorated":
            return Outcome.UNKNOWN, 0, (), None
        namespace = module.class_namespace(classdef)
        bindings = namespace.bindings.get(rest[0])
        if not bindings:
            return self._missing(module, namespace, rest[0])
        if len(rest) == 1:
            return Outcome.LOADS, 0, (), bindings[0] if len(bindings) == 1 else None
        return Outcome.UNKNOWN, 0, (), None


def module_namespace(ctx: CheckedFile, found: FoundModule, search_path: SearchPath) -> Namespace | None:
    """The names `found` binds at its top level, with those of its `from X import *` (None: no source)."""
    walk = _AttributeWalk(ctx, ctx.workspace.modules, search_path.roots)
    module = walk.parsed(found)
    return None if module is None else walk.namespace(module, 0)


def import_name(ctx: CheckedFile, path: Path, search_path: SearchPath) -> str | None:
    """The dotted name that imports the file `path` with this sys.path, if any does.

    The inverse of `find`, checked by it: a name shadowed by an earlier folder
    (a `main.py` next to the script) is not the file's name."""
    index = ctx.workspace.modules
    for root in search_path.roots:
        name = layout.module_name(path, root)
        if name is None:
            continue
        found = index.find(name, search_path.roots, ctx.depends_on)
        if isinstance(found, FoundModule) and found.path == path:
            return name
    return None


@dataclass(frozen=True)
class AppString:
    """One import string a uvicorn call may get, and what loading it does per launch."""

    text: str
    module: str | None  # None when uvicorn rejects its format
    attributes: str | None
    resolutions: tuple[Resolution, ...]  # empty when where it loads from cannot be known


def app_strings(ctx: CheckedFile, launch: Launch) -> list[AppString]:
    """The import strings a launch's app can be (literals, constants, f-strings of constants),
    each resolved with every search path of the launch; computed once per launch and check."""
    return ctx.once(("app_strings", id(launch)), lambda: _app_strings(ctx, launch))


def _app_strings(ctx: CheckedFile, launch: Launch) -> list[AppString]:
    value = launch.app.value if launch.app is not None else None
    if value is None or not value.known or not value.is_string:
        return []
    results = []
    for text in dict.fromkeys(candidate for candidate in value.candidates or () if isinstance(candidate, str)):
        gunicorn = launch.server is Server.GUNICORN
        parts = _gunicorn_split(text) if gunicorn else split_import_string(text)
        if gunicorn and parts is not None and parts[1].endswith(")"):
            # `module:create_app()`: gunicorn calls the factory, and what it returns is not followed.
            results.append(AppString(text, parts[0], parts[1], ()))
            continue
        if parts is None:
            results.append(AppString(text, None, None, ()))
            continue
        module, attributes = parts
        if module == "__main__" and launch.call is not None:
            spawns = launch.spawns_processes() and bool(
                uvicorn_facts.reloads(launch) or uvicorn_facts.runs_workers(launch)
            )
            resolutions = tuple(_resolve_main(ctx, attributes, path, spawns) for path in launch.search_paths)
        else:
            resolutions = tuple(_resolve_once(ctx, module, attributes, path) for path in launch.search_paths)
        results.append(AppString(text, module, attributes, resolutions))
    return results


def _resolve_once(ctx: CheckedFile, module_name: str, attributes: str, search_path: SearchPath) -> Resolution:
    """`resolve`, shared by the launches of one check that load the same string over the same sys.path
    (a compose file's services built from one image)."""
    key = ("resolution", module_name, attributes, search_path.roots)
    shared = ctx.once(key, lambda: resolve(ctx, module_name, attributes, search_path))
    return shared if shared.search_path is search_path else dataclasses.replace(shared, search_path=search_path)


def _gunicorn_split(text: str) -> tuple[str, str] | None:
    """gunicorn's own split (gunicorn.util.import_app): without a colon the attribute is `application`."""
    module, colon, attributes = text.partition(":")
    if not module or (colon and not attributes):
        return None
    return module, attributes if colon else "application"


def _resolve_main(ctx: CheckedFile, attributes: str, search_path: SearchPath, spawns: bool) -> Resolution:
    """`"__main__:app"` from the running script: the checked file itself. Spawned reload and worker
    processes import it again without running its `if __name__ == "__main__":` block (the top-level
    namespace leaves that block out); the process that runs the script itself may have bound the
    name anywhere before the call, so only a spawning launch is judged."""
    own = FoundModule("__main__", ctx.source.path)
    if spawns and search_path.launch.kind == "module" and own.path is not None and own.path.name == "__main__.py":
        # `python -m pkg`: multiprocessing's spawn does not import a package's `__main__` module again in the
        # child (its `_fixup_main_from_name`), whose `__main__` is then its own bootstrap, without the app.
        return Resolution(search_path, Outcome.NO_ATTRIBUTE, own)
    walk = _AttributeWalk(ctx, ctx.workspace.modules, search_path.roots)
    outcome, missing_at, near, binding = walk.follow(own, attributes.split("."), 0)
    if not spawns and outcome is not Outcome.LOADS:
        outcome = Outcome.UNKNOWN
    return Resolution(search_path, outcome, own, missing_at, near, binding, walk.unparsed)
