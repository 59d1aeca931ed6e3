"""The module index, one per workspace: which file a dotted module name maps to on a given
`sys.path` (as importlib searches, from the files on disk and the editor's unsaved buffers,
which win), and what a module binds at its top level. Nothing of the user's is imported or run.
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
from typing import Any, Protocol, TypeVar

import parso

from . import layout, syntax
from .parsed_source import ParsedSource
from .parso_types import Node
from .source import SourceFile

# Suffixes of modules that have no Python source to read (compiled or bytecode).
_COMPILED_SUFFIXES = (".so", ".pyd", ".pyc")
# Text that lets a module gain attributes its syntax does not show.
_DYNAMIC_MODULE_MARKERS = ("__getattr__", "globals()", "setattr(", "sys.modules", "exec(", "vars()", "__dict__")

Record = Callable[[Path], None]
T = TypeVar("T")


def recorded_once(
    known: dict[Any, tuple[T, tuple[Path, ...]]], key: Any, compute: Callable[[Record], T], record: Record
) -> T:
    """`compute(record)` once per `key` (while the files it reads cannot change, as in one CLI run): every later
    asker is told again each path the first one recorded, so the results cached from it depend on them too."""
    entry = known.get(key)
    if entry is None:
        read: list[Path] = []
        entry = known[key] = (compute(read.append), tuple(read))
    value, read_paths = entry
    for path in read_paths:
        record(path)
    return value


# ParsedModule.public_names when `__all__` is built in a way the syntax cannot follow.
UNKNOWN_NAMES = object()


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
        """Bound names one typo away."""
        if self._by_length is None:
            self._by_length = _by_length(self.bindings)
        return near_names(name, [self._by_length])


def _by_length(names: Iterable[str]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for name in names:
        grouped.setdefault(len(name), []).append(name)
    return grouped


def near_names(name: str, groups: Iterable[Mapping[int, list[str]]]) -> tuple[str, ...]:
    """The (at most three) names one typo from `name` among names grouped by length. Only names of about
    its length are compared (a typo changes the length by a character or two), so thousands stay cheap."""
    spread = max(2, len(name) // 4)
    similar = dict.fromkeys(
        other
        for by_length in groups
        for length in range(len(name) - spread, len(name) + spread + 1)
        for other in by_length.get(length, ())
    )
    return tuple(difflib.get_close_matches(name, similar, n=3))


class ParsedModule(ParsedSource):
    """A module's current text (buffer or disk), its tree and top-level names."""

    def __init__(self, found: FoundModule, source: SourceFile):
        self.found = found
        self.source = source

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
        `UNKNOWN_NAMES` when `__all__` is built in a way the syntax cannot follow."""
        bindings = self.local_namespace.bindings.get("__all__")
        if not bindings:
            return None
        names: set[str] = set()
        for binding in bindings:
            statement = binding.leaf.parent
            if statement.type != "expr_stmt" or len(statement.children) != 3 or statement.children[1].value != "=":
                return UNKNOWN_NAMES
            value = syntax.literal_value(statement.children[2])
            if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
                return UNKNOWN_NAMES
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


class _Kind(enum.Enum):
    """What a folder holds under one name, as importlib looks for it."""

    PACKAGE = "package"
    COMPILED_PACKAGE = "compiled package"
    MODULE = "module"
    COMPILED_MODULE = "compiled module"
    PORTION = "namespace portion"


@dataclass(frozen=True)
class _Listing:
    """A folder's entries, read with one os.scandir (entry types come with the listing)."""

    names: frozenset[str]
    files: frozenset[str]  # regular files, symlinks followed (Path.is_file's meaning)
    folders: frozenset[str]
    compiled_stems: frozenset[str]  # "mod" for mod.cpython-311-x86_64-linux-gnu.so, mod.pyd, mod.pyc

    @classmethod
    def read(cls, folder: Path) -> _Listing:
        names, files, folders = [], [], []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    names.append(entry.name)
                    try:
                        if entry.is_file():
                            files.append(entry.name)
                        elif entry.is_dir():
                            folders.append(entry.name)
                    except OSError:
                        pass  # a dangling or unreadable entry: neither
        except (OSError, ValueError):  # ValueError: a path no file system holds (a NUL in a command's word)
            return _NO_LISTING
        # As importlib finds an extension module: the stem, one tag at most, the suffix.
        compiled = [
            name.partition(".")[0] for name in names if name.endswith(_COMPILED_SUFFIXES) and name.count(".") <= 2
        ]
        return cls(frozenset(names), frozenset(files), frozenset(folders), frozenset(compiled))

    @cached_property
    def modules_by_length(self) -> dict[int, list[str]]:
        """The names of the modules and packages importlib could find here, grouped by length."""
        return _by_length(
            sorted(
                {
                    name.split(".")[0]
                    for name in self.names
                    if name.split(".")[0].isidentifier()
                    and (name.endswith((".py", *_COMPILED_SUFFIXES)) or "." not in name)
                }
            )
        )


def in_installed_package(path: Path | None) -> bool:
    """A file or folder of an installed distribution (site-packages), not of the project."""
    return path is not None and any(part in ("site-packages", "dist-packages") for part in path.parts)


_NO_LISTING = _Listing(frozenset(), frozenset(), frozenset(), frozenset())


class ModuleFiles(Protocol):
    """What the index reads of its workspace (engine.workspace.Workspace, which owns the index)."""

    @property
    def root(self) -> Path: ...

    @property
    def open_buffers(self) -> Mapping[Path, str]: ...

    @property
    def interpreter_sys_path(self) -> tuple[Path, ...]: ...

    @property
    def grammar(self) -> parso.Grammar: ...

    @property
    def static_files(self) -> bool: ...

    def read_module(self, path: Path) -> str | None: ...


class ModuleIndex:
    """One per workspace. Workspace folders are read fresh on every lookup (they
    change while the user types); installed folders are listed once per change
    of their modification time. When the workspace's files are static (one CLI
    run), every folder is listed once and lookups are answered from the listings,
    without a stat per folder and name."""

    def __init__(self, workspace: ModuleFiles):
        self._workspace = workspace
        self._static = workspace.static_files
        self._listings: dict[Path, tuple[int | None, _Listing]] = {}
        # With static files: what one folder holds for a name, and where a missing name's rest would be
        # (the paths a result depends on are built once, not for every lookup of every check).
        self._in_folder_known: dict[tuple[Path, str], tuple[Path, Path, _Kind | None]] = {}
        self._missing_known: dict[tuple[Path, tuple[str, ...]], tuple[Path, Path]] = {}
        self._found_known: dict[tuple[str, tuple[Path, ...]], tuple[FoundModule | MissingModule, tuple[Path, ...]]] = {}
        self._parsed: dict[Path, ParsedModule] = {}

    @cached_property
    def installed_roots(self) -> tuple[Path, ...]:
        """The analysed interpreter's own `sys.path`: standard library, site-packages, .pth entries."""
        return self._workspace.interpreter_sys_path

    # -- files -------------------------------------------------------------

    def is_file(self, path: Path) -> bool:
        if path in self._workspace.open_buffers:
            return True
        return path.name in self._listing(path.parent).files if self._static else path.is_file()

    def _is_folder(self, path: Path) -> bool:
        return path.name in self._listing(path.parent).folders if self._static else path.is_dir()

    def listing(self, folder: Path) -> frozenset[str]:
        """Entry names of a folder; cached for installed folders until they change."""
        return self._listing(folder).names

    def _listing(self, folder: Path) -> _Listing:
        if self._static:
            cached = self._listings.get(folder)
            if cached is None:
                cached = self._listings[folder] = (None, _Listing.read(folder))
            return cached[1]
        try:
            mtime = folder.stat().st_mtime_ns
        except (OSError, ValueError):
            return _NO_LISTING
        cached = self._listings.get(folder)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        listing = _Listing.read(folder)
        if not folder.is_relative_to(self._workspace.root):
            self._listings[folder] = (mtime, listing)
        return listing

    def _has_compiled(self, folder: Path, stem: str) -> bool:
        """A compiled module `stem` in `folder` (`stem` is one name part: it has no dot)."""
        return stem in self._listing(folder).compiled_stems

    # -- name -> module ----------------------------------------------------

    def find(self, name: str, roots: Iterable[Path], record: Record) -> FoundModule | MissingModule:
        """Where `import name` lands with `roots` as sys.path, as importlib searches."""
        folders = tuple(roots)
        if not self._static:
            return self._find(name, folders, record)
        # Static files: each name is looked for once per sys.path.
        return recorded_once(self._found_known, (name, folders), lambda read: self._find(name, folders, read), record)

    def _find(self, name: str, folders: tuple[Path, ...], record: Record) -> FoundModule | MissingModule:
        parts = name.split(".")
        found: FoundModule | None = None
        for index, part in enumerate(parts):
            dotted = ".".join(parts[: index + 1])
            if found is not None and not found.is_package:
                return MissingModule(name, dotted, not_a_package=found.name, searched=())
            hit = self._find_part(dotted, part, folders, record, top_level=index == 0)
            if hit is None:
                # Where the rest would be, should this part appear as a (namespace) folder.
                rest = tuple(parts[index:])
                for folder in folders:
                    for path in self._would_be(folder, rest):
                        record(path)
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
            package, module, kind = self._in_folder(folder, part)
            record(package)
            record(module)
            if kind is _Kind.PACKAGE:
                return FoundModule(dotted, package, (package.parent,))
            if kind is _Kind.COMPILED_PACKAGE:
                return FoundModule(dotted, None, (package.parent,))
            if kind is _Kind.MODULE:
                return FoundModule(dotted, module)
            if kind is _Kind.COMPILED_MODULE:
                return FoundModule(dotted, None)
            if kind is _Kind.PORTION:
                portions.append(package.parent)
        return FoundModule(dotted, None, tuple(portions)) if portions else None

    def _in_folder(self, folder: Path, part: str) -> tuple[Path, Path, _Kind | None]:
        """`part`'s package and module paths in `folder` (what a lookup depends on) and what is there."""
        known = self._in_folder_known.get((folder, part))
        if known is not None:
            return known
        package, module = folder / part / "__init__.py", folder / f"{part}.py"
        # importlib's order within one folder: package, module, namespace portion.
        kind = None
        if self.is_file(package):
            kind = _Kind.PACKAGE
        else:
            is_folder = self._is_folder(package.parent)
            if is_folder and self._has_compiled(package.parent, "__init__"):
                kind = _Kind.COMPILED_PACKAGE
            elif self.is_file(module):
                kind = _Kind.MODULE
            elif self._has_compiled(folder, part):
                kind = _Kind.COMPILED_MODULE
            elif is_folder:
                kind = _Kind.PORTION
        if self._static:
            self._in_folder_known[(folder, part)] = (package, module, kind)
        return package, module, kind

    def _would_be(self, folder: Path, rest: tuple[str, ...]) -> tuple[Path, Path]:
        """Where the module `rest` would be in `folder`: its .py and its package's __init__.py."""
        known = self._missing_known.get((folder, rest))
        if known is None:
            known = (folder.joinpath(*rest).with_suffix(".py"), folder.joinpath(*rest, "__init__.py"))
            if self._static:
                self._missing_known[(folder, rest)] = known
        return known

    def names_in(self, folders: Iterable[Path]) -> list[str]:
        """Module and package names that exist in these folders."""
        return sorted(
            {name for folder in folders for group in self._listing(folder).modules_by_length.values() for name in group}
        )

    def near_modules(self, name: str, folders: Iterable[Path]) -> tuple[str, ...]:
        """Module and package names in these folders one typo from `name` (for "did you mean"). Only the
        project's folders are compared: an app's module is the project's own, and the standard library and
        site-packages hold hundreds of names of every length (comparing them was most of a check's cost)."""
        root = self._workspace.root
        return near_names(
            name,
            [
                self._listing(folder).modules_by_length
                for folder in folders
                if folder.is_relative_to(root) and not in_installed_package(folder)
            ],
        )

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
