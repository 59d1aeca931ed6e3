"""The module index: which file a dotted module name maps to on a given
`sys.path`, and what a module binds at its top level.

It answers "does this import string load?" the way Python's import system
would for each launch of the file (layout.py computes the launches), from the
files on disk and the editor's unsaved buffers, which win. Nothing of the
user's is imported or run. Every file looked at, found or not, is reported
through `ctx.depends_on`, so the LSP layer re-checks a document when a module
it names appears, changes or goes away.
"""

from __future__ import annotations

import difflib
import enum
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from . import layout, syntax, uvicorn_facts
from .parso_types import Node
from .source import SourceFile
from .values import Evaluator

if TYPE_CHECKING:
    from .context import RuleContext
    from .launch import Launch
    from .workspace import Workspace

# Suffixes of modules that have no Python source to read (compiled or bytecode).
_COMPILED_SUFFIXES = (".so", ".pyd", ".pyc")
# Text that lets a module gain attributes its syntax does not show.
_DYNAMIC_MODULE_MARKERS = ("__getattr__", "globals()", "setattr(", "sys.modules", "exec(", "vars()", "__dict__")
_MAX_FOLLOW_DEPTH = 8

Record = Callable[[Path], None]
_UNKNOWN_NAMES = object()


@dataclass(frozen=True)
class FoundModule:
    name: str  # "pkg.main"
    path: Path | None  # its .py or __init__.py; None when compiled, built in or a namespace package
    folders: tuple[Path, ...] = ()  # where its submodules are looked for (a package's __path__)

    @property
    def is_package(self) -> bool:
        return bool(self.folders)


@dataclass(frozen=True)
class MissingModule:
    name: str  # the dotted name asked for
    missing: str  # the first prefix of it that does not exist: "pkg" for "pkg.main"
    not_a_package: str | None = None  # "main" for "main.py": a module, so it has no submodules
    searched: tuple[Path, ...] = ()  # the folders the missing part was looked for in


@dataclass(frozen=True)
class Binding:
    """One statement that binds a name: the name leaf in its module's tree."""

    module: ParsedModule
    leaf: Node


@dataclass
class Namespace:
    """Names bound in a module or class body, and whether others may appear at run time."""

    bindings: Mapping[str, list[Binding]] = field(default_factory=dict)
    open: bool = False

    _by_length: dict[int, list[str]] | None = field(default=None, repr=False)

    def near(self, name: str) -> tuple[str, ...]:
        """Bound names one typo away. Only names of about the same length are compared (a typo changes
        the length by a character or two), grouped once, so a module with thousands of names stays cheap."""
        if self._by_length is None:
            self._by_length = {}
            for bound in self.bindings:
                self._by_length.setdefault(len(bound), []).append(bound)
        spread = max(2, len(name) // 4)
        similar = [
            other
            for length in range(len(name) - spread, len(name) + spread + 1)
            for other in self._by_length.get(length, ())
        ]
        return tuple(difflib.get_close_matches(name, similar, n=3))


class ParsedModule:
    """A module's current text (buffer or disk), its tree and top-level names."""

    def __init__(self, found: FoundModule, source: SourceFile):
        self.found = found
        self.source = source

    @cached_property
    def imports(self) -> syntax.ImportMap:
        return syntax.build_import_map(self.source.tree, self.source.used_names)

    @cached_property
    def evaluator(self) -> Evaluator:
        return Evaluator(self.source.used_names)

    @cached_property
    def local_namespace(self) -> Namespace:
        """Top-level names the module's own statements bind (star imports not followed)."""
        return Namespace(
            _TopLevelBindings(self), open=any(self.source.mentions(marker) for marker in _DYNAMIC_MODULE_MARKERS)
        )

    def class_namespace(self, classdef) -> Namespace:
        return Namespace(self._class_bindings.get(id(classdef), {}))

    @cached_property
    def _class_bindings(self) -> dict[int, dict[str, list[Binding]]]:
        """Every class body's names, by class (one pass over the module's names, not one per class)."""
        by_class: dict[int, dict[str, list[Binding]]] = {}
        for name, leaves in self.source.used_names.items():
            for leaf in leaves:
                if leaf.is_definition():
                    scope = definition_scope(leaf)
                    if scope.type == "classdef":
                        by_class.setdefault(id(scope), {}).setdefault(name, []).append(Binding(self, leaf))
        return by_class

    @cached_property
    def public_names(self) -> frozenset[str] | object | None:
        """What `from module import *` takes: the `__all__` list when the module sets one
        (a frozenset), None without one (names not starting with `_`), or
        `_UNKNOWN_NAMES` when `__all__` is built in a way the syntax cannot follow."""
        bindings = self.local_namespace.bindings.get("__all__")
        if not bindings:
            return None
        names: set[str] = set()
        for binding in bindings:
            statement = binding.leaf.parent
            if statement.type != "expr_stmt" or len(statement.children) != 3 or statement.children[1].value != "=":
                return _UNKNOWN_NAMES
            value = syntax.literal_value(statement.children[2])
            if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
                return _UNKNOWN_NAMES
            names.update(value)
        return frozenset(names)

    @cached_property
    def star_imports(self) -> list[str]:
        """Modules named by `from X import *`, relative ones made absolute ("" when that fails)."""
        return [self.absolute(dotted) or "" for dotted in self.imports.star_imports]

    def absolute(self, dotted: str) -> str | None:
        """`dotted` resolved against this module's package when it is relative."""
        package = self.found.name if self.found.is_package else self.found.name.rpartition(".")[0]
        return absolute_name(dotted, package)


def own_module(ctx: RuleContext, found: FoundModule) -> ParsedModule:
    """The checked file as a module named `found`: its tree is already parsed (a full re-parse costs
    ~60 ms per 1,000 lines), and its namespaces are built once per check."""

    def parsed() -> ParsedModule:
        module = ParsedModule(found, ctx.source)
        module.__dict__["imports"] = ctx.imports  # the same text's import map, already built (cached_property slot)
        return module

    return ctx.once(("own_module", found), parsed)


def absolute_name(dotted: str, package: str) -> str | None:
    """A module name as an import inside `package` ("" for a top-level module) means it:
    `..core` in `app.api` is `app.core`; None past the top-level package."""
    level = len(dotted) - len(dotted.lstrip("."))
    if not level:
        return dotted
    parts = package.split(".") if package else []
    if level > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    remainder = dotted[level:]
    return ".".join([*base, remainder] if remainder else base)


class _TopLevelBindings(Mapping):
    """A module's top-level bindings, worked out per name when asked: a lookup
    reads that name's leaves only, not every name of the module."""

    def __init__(self, module: ParsedModule):
        self._module = module
        self._known: dict[str, list[Binding]] = {}
        self._names: list[str] | None = None

    def __getitem__(self, name: str) -> list[Binding]:
        if name not in self._known:
            self._known[name] = [
                Binding(self._module, leaf)
                for leaf in self._module.source.used_names.get(name, ())
                # `global name` in a function binds a module-level name too; a name bound only
                # under `if __name__ == "__main__":` does not exist when the module is imported.
                if leaf.parent.type == "global_stmt"
                or (
                    leaf.is_definition()
                    and definition_scope(leaf).type == "file_input"
                    and not syntax.is_under_main_guard(leaf)
                )
            ]
        if not self._known[name]:
            raise KeyError(name)
        return self._known[name]

    def __iter__(self):
        if self._names is None:  # once per module: every name the module binds at top level
            self._names = [name for name in self._module.source.used_names if name in self]
        return iter(self._names)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def definition_scope(leaf):
    """The function, class or module a definition's name is bound in."""
    if leaf.parent.type in ("funcdef", "classdef") and leaf.parent.name is leaf:
        return syntax.enclosing_scope(leaf.parent)
    return syntax.enclosing_scope(leaf)


class ModuleIndex:
    """One per workspace. Workspace folders are read fresh on every lookup (they
    change while the user types); installed folders are listed once per change
    of their modification time."""

    def __init__(self, workspace: Workspace):
        self._workspace = workspace
        self._listings: dict[Path, tuple[int, frozenset[str]]] = {}
        self._parsed: dict[Path, ParsedModule] = {}

    @cached_property
    def installed_roots(self) -> tuple[Path, ...]:
        """The analysed interpreter's own `sys.path`: standard library, site-packages, .pth entries."""
        return self._workspace.interpreter_sys_path

    # -- files -------------------------------------------------------------

    def is_file(self, path: Path) -> bool:
        return path in self._workspace.open_buffers or path.is_file()

    def listing(self, folder: Path) -> frozenset[str]:
        """Entry names of a folder; cached for installed folders until they change."""
        try:
            mtime = folder.stat().st_mtime_ns
        except OSError:
            return frozenset()
        cached = self._listings.get(folder)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        try:
            names = frozenset(os.listdir(folder))
        except OSError:
            names = frozenset()
        if not folder.is_relative_to(self._workspace.root):
            self._listings[folder] = (mtime, names)
        return names

    def _has_compiled(self, folder: Path, stem: str) -> bool:
        return any(
            entry.startswith(stem + ".") and entry.endswith(_COMPILED_SUFFIXES) and entry.count(".") <= 2
            for entry in self.listing(folder)
        )

    # -- name -> module ----------------------------------------------------

    def find(self, name: str, roots: Iterable[Path], record: Record) -> FoundModule | MissingModule:
        """Where `import name` lands with `roots` as sys.path, as importlib searches."""
        parts = name.split(".")
        folders = tuple(roots)
        found: FoundModule | None = None
        for index, part in enumerate(parts):
            dotted = ".".join(parts[: index + 1])
            if found is not None and not found.is_package:
                return MissingModule(name, dotted, not_a_package=found.name, searched=())
            hit = self._find_part(dotted, part, folders, record, top_level=index == 0)
            if hit is None:
                # Where the rest would be, should this part appear as a (namespace) folder.
                for folder in folders:
                    record(folder.joinpath(*parts[index:]).with_suffix(".py"))
                    record(folder.joinpath(*parts[index:], "__init__.py"))
                return MissingModule(name, dotted, searched=folders)
            found, folders = hit, hit.folders
        assert found is not None
        return found

    def _find_part(
        self, dotted: str, part: str, folders: tuple[Path, ...], record: Record, top_level: bool
    ) -> FoundModule | None:
        if not layout.importable_part(part):
            return None
        if top_level and part in sys.builtin_module_names:  # built-ins are found before sys.path
            return FoundModule(dotted, None)
        portions = []
        for folder in folders:
            package, module = folder / part / "__init__.py", folder / f"{part}.py"
            record(package)
            record(module)
            # importlib's order within one folder: package, module, namespace portion.
            if self.is_file(package):
                return FoundModule(dotted, package, (folder / part,))
            is_folder = (folder / part).is_dir()
            if is_folder and self._has_compiled(folder / part, "__init__"):
                return FoundModule(dotted, None, (folder / part,))
            if self.is_file(module):
                return FoundModule(dotted, module)
            if self._has_compiled(folder, part):
                return FoundModule(dotted, None)
            if is_folder:
                portions.append(folder / part)
        return FoundModule(dotted, None, tuple(portions)) if portions else None

    def names_in(self, folders: Iterable[Path]) -> list[str]:
        """Module and package names that exist in these folders (for "did you mean")."""
        names = set()
        for folder in folders:
            for entry in self.listing(folder):
                stem = entry.split(".")[0]
                if stem.isidentifier() and (entry.endswith((".py", *_COMPILED_SUFFIXES)) or "." not in entry):
                    names.add(stem)
        return sorted(names)

    # -- module -> text ----------------------------------------------------

    def parsed(self, found: FoundModule) -> ParsedModule | None:
        """The module's parsed text, reused while the text stays the same."""
        if found.path is None:
            return None
        text = self._workspace.read_module(found.path)
        if text is None:
            return None
        cached = self._parsed.get(found.path)
        if cached is not None and cached.source.text == text and cached.found == found:
            return cached
        parsed = ParsedModule(found, SourceFile(text, found.path, grammar=self._workspace.grammar))
        self._parsed[found.path] = parsed
        return parsed


# ---------------------------------------------------------------------------
# Search paths: what sys.path holds for each launch of the file


@dataclass(frozen=True)
class SearchPath:
    launch: layout.Launch
    roots: tuple[Path, ...]  # sys.path in order
    # False for a launch that is possible but not how the file is meant to run
    # (`python -m scripts.run` for a script in a plain folder, a script launch
    # of a file with relative imports): it can rescue a string, but a string
    # that fails with it alone is not reported.
    usual: bool = True


def _usual_launch(ctx: RuleContext, launch: layout.Launch, script: Path) -> bool:
    if launch.kind == "script":
        return not ctx.uses_relative_imports
    if layout.is_namespace_launch(launch, script):
        return layout.prefers_module_launch(script, ctx.imports.names.values(), launch)
    return True


def search_paths(ctx: RuleContext, app_dir: str | None = None) -> list[SearchPath]:
    """sys.path per launch of the checked file, with `app_dir=` inserted first as uvicorn.run does
    (computed once per check and app_dir)."""
    return ctx.once(("search_paths", app_dir), lambda: _search_paths(ctx, app_dir))


def _search_paths(ctx: RuleContext, app_dir: str | None) -> list[SearchPath]:
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
    return _runnable(ctx, paths)


def own_imports(ctx: RuleContext) -> list[str]:
    """The absolute modules the checked file imports at its top level, outside `try` blocks
    (whose failure the file handles): each must load before the file's own code runs."""

    def collect() -> list[str]:
        names: list[str] = []
        for statement in ctx.source.tree.children:
            for small in statement.children if statement.type == "simple_stmt" else ():
                if small.type == "import_name":
                    names.extend(".".join(name.value for name in path) for path in small.get_paths())
                elif small.type == "import_from" and small.level == 0:
                    names.append(".".join(name.value for name in small.get_from_names()))
        return names

    return ctx.once(("own_imports",), collect)


def _runnable(ctx: RuleContext, paths: list[SearchPath]) -> list[SearchPath]:
    """Drop the launches under which the file's own imports of the project fail: such a launch
    never reaches the uvicorn call (`python pkg/main.py` of a file doing `from pkg.helpers import x`).
    An import that fails under every launch (a package not installed, a project not all in the
    workspace) says nothing about the launch."""
    if len(paths) < 2:
        return paths
    index = ctx.workspace.modules
    failing: set[int] = set()
    for name in own_imports(ctx):
        found = [isinstance(index.find(name, path.roots, ctx.depends_on), FoundModule) for path in paths]
        if any(found):
            failing.update(position for position, loads in enumerate(found) if not loads)
    return [path for position, path in enumerate(paths) if position not in failing]


def missing_project_package(ctx: RuleContext, module: str, paths: list[SearchPath]) -> bool:
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
    UNKNOWN = "unknown"  # something dynamic decides; say nothing


@dataclass(frozen=True)
class Resolution:
    search_path: SearchPath
    outcome: Outcome
    module: FoundModule | MissingModule | None = None
    missing_at: int = 0  # index of the first missing attribute part
    near: tuple[str, ...] = ()  # names close to the missing attribute part
    binding: Binding | None = None  # set when the string loads and one statement binds it

    @property
    def may_load(self) -> bool:
        return self.outcome in (Outcome.LOADS, Outcome.UNKNOWN)


def resolve(ctx: RuleContext, module_name: str, attributes: str, search_path: SearchPath) -> Resolution:
    """What `import_from_string("module_name:attributes")` does under one launch."""
    if module_name.startswith("."):  # import_module without a package raises TypeError
        return Resolution(search_path, Outcome.NO_MODULE, MissingModule(module_name, module_name))
    index = ctx.workspace.modules
    found = index.find(module_name, search_path.roots, ctx.depends_on)
    if isinstance(found, MissingModule):
        return Resolution(search_path, Outcome.NO_MODULE, found)
    walk = _AttributeWalk(ctx, index, search_path.roots)
    outcome, missing_at, near, binding = walk.follow(found, attributes.split("."), 0)
    return Resolution(search_path, outcome, found, missing_at, near, binding)


class _AttributeWalk:
    """Follows `a.b.c` through module namespaces, imports and plain classes.

    Each step answers (outcome, index of the missing part, near names, binding)."""

    def __init__(self, ctx: RuleContext, index: ModuleIndex, roots: tuple[Path, ...]):
        self._ctx = ctx
        self._index = index
        self._roots = roots

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
            merged.open = merged.open or exported.open or public is _UNKNOWN_NAMES
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
            return Outcome.NO_ATTRIBUTE, 0, namespace.near(name), None
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
            return Outcome.NO_ATTRIBUTE, 0, namespace.near(rest[0]), None
        if len(rest) == 1:
            return Outcome.LOADS, 0, (), bindings[0] if len(bindings) == 1 else None
        return Outcome.UNKNOWN, 0, (), None


def module_namespace(ctx: RuleContext, found: FoundModule, search_path: SearchPath) -> Namespace | None:
    """The names `found` binds at its top level, with those of its `from X import *` (None: no source)."""
    walk = _AttributeWalk(ctx, ctx.workspace.modules, search_path.roots)
    module = walk.parsed(found)
    return None if module is None else walk.namespace(module, 0)


def import_name(ctx: RuleContext, path: Path, search_path: SearchPath) -> str | None:
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


def app_strings(ctx: RuleContext, launch: Launch) -> list[AppString]:
    """The import strings a launch's app can be (literals, constants, f-strings of constants),
    each resolved with every search path of the launch; computed once per launch and check."""
    return ctx.once(("app_strings", id(launch)), lambda: _app_strings(ctx, launch))


def _app_strings(ctx: RuleContext, launch: Launch) -> list[AppString]:
    value = launch.app.value if launch.app is not None else None
    if value is None or not value.known or not value.is_string:
        return []
    results = []
    for text in dict.fromkeys(candidate for candidate in value.candidates or () if isinstance(candidate, str)):
        parts = split_import_string(text)
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
            resolutions = tuple(resolve(ctx, module, attributes, path) for path in launch.search_paths)
        results.append(AppString(text, module, attributes, resolutions))
    return results


def _resolve_main(ctx: RuleContext, attributes: str, search_path: SearchPath, spawns: bool) -> Resolution:
    """`"__main__:app"` from the running script: the checked file itself. Spawned reload and worker
    processes import it again without running its `if __name__ == "__main__":` block (the top-level
    namespace leaves that block out); the process that runs the script itself may have bound the
    name anywhere before the call, so only a spawning launch is judged."""
    own = FoundModule("__main__", ctx.source.path)
    walk = _AttributeWalk(ctx, ctx.workspace.modules, search_path.roots)
    outcome, missing_at, near, binding = walk.follow(own, attributes.split("."), 0)
    if not spawns and outcome is not Outcome.LOADS:
        outcome = Outcome.UNKNOWN
    return Resolution(search_path, outcome, own, missing_at, near, binding)


def search_paths_of_call(ctx: RuleContext, call: syntax.CallSite) -> list[SearchPath]:
    # A file that edits sys.path itself can import from anywhere: say nothing.
    if ctx.source.mentions("sys.path"):
        return []
    argument = ctx.argument(call, "app_dir")
    if argument is None:
        return search_paths(ctx)
    value = ctx.value_of(argument)
    if (
        value is None
        or value.candidates is None
        or len(value.candidates) != 1
        or not isinstance(value.candidates[0], (str, type(None)))
    ):
        return []
    return search_paths(ctx, value.candidates[0])
