"""Which files `check` reads, and the project each belongs to.

Folders are walked once with os.scandir; `.gitignore` files, `exclude` and
`extend-exclude` prune the walk, and the listing of each folder tells where a
project root or a config starts, so no file costs an extra stat.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, NamedTuple

from . import commands, config
from .config import Settings
from .gitignore import GitIgnore, Translations, applicable, ignored_in
from .model import Problem

if TYPE_CHECKING:
    from .workspace import Workspace

# The default of `exclude`: setting `exclude` replaces it, `extend-exclude` adds to it (as in ruff).
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".ipynb_checkpoints",  # Jupyter's autosaved copies of the notebooks beside it (ruff skips them too)
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".uvicorn-lsp_cache",
        ".pytest_cache",
        "site-packages",
    }
)
_ROOT_MARKERS = ("pyproject.toml", ".git", "setup.py", "setup.cfg")
NOTEBOOK_SUFFIX = ".ipynb"  # their code cells are checked (cli/notebooks.py)
PYTHON_SUFFIXES = (".py", ".pyi", NOTEBOOK_SUFFIX)


class SourcePath(NamedTuple):  # one per file found: a tuple is made 5x faster than a frozen dataclass
    path: str  # absolute
    root: str  # the project it belongs to: its Workspace root


class ExcludeRules:
    """`exclude` globs, ruff style: a pattern without `/` matches the name of any
    file or folder; one with `/` matches the path relative to the folder of the
    config (or, from the command line, the current folder) it comes from."""

    def __init__(self, patterns: list[tuple[str, str]], root: str):
        self._root = os.path.join(root, "")  # the project folder the rules belong to
        plain = {pattern for pattern, _ in patterns if "/" not in pattern and not _is_glob(pattern)}
        name_globs = [pattern for pattern, _ in patterns if "/" not in pattern and _is_glob(pattern)]
        self._names = frozenset(plain)
        self._name_regex = re.compile("|".join(fnmatch.translate(glob) for glob in name_globs)) if name_globs else None
        self._path_regexes = [
            (
                re.compile(fnmatch.translate(pattern.rstrip("/"))),
                "" if os.path.isabs(pattern) else os.path.join(base, ""),
            )
            for pattern, base in patterns
            if "/" in pattern
        ]

    def excludes(self, path: str, name: str) -> bool:
        if name in self._names or (self._name_regex is not None and self._name_regex.match(name)):
            return True
        for regex, base in self._path_regexes:
            if path.startswith(base) and regex.match(path[len(base) :].replace(os.sep, "/")):
                return True
        return False

    def excludes_any_part(self, path: str) -> bool:
        """For files named on the command line with --force-exclude: the file or
        any folder above it inside the project (a project that itself lives in
        a folder named `venv` is not excluded)."""
        folder, name = os.path.split(path)
        while name:
            if self.excludes(os.path.join(folder, name), name):
                return True
            inside = os.path.join(folder, "")
            if inside == self._root or not inside.startswith(self._root):
                return False
            folder, name = os.path.split(folder)
        return False


def _is_glob(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


class Discovery:
    """Finds the Python files under the paths given, honouring `.gitignore` and excludes."""

    def __init__(
        self,
        cli_settings: Settings,
        force_exclude: bool = False,
        known_codes: tuple[str, ...] = (),
        gitignores: Translations | None = None,
        anchor: Path | None = None,
    ):
        """`cli_settings`: the command line's (or an editor's) settings over every configuration file's; their
        globs are anchored at `anchor` (default: the current folder, as for ruff's command line)."""
        self._cli_settings = cli_settings
        self._gitignores = gitignores if gitignores is not None else Translations()
        self._force_exclude = force_exclude
        self._known_codes = known_codes
        self._cwd = str(anchor) if anchor is not None else os.getcwd()
        self._rules_by_config: dict[Path | None, Selection] = {}
        self.problems: list[Problem] = []

    def find(self, paths: list[Path]) -> Iterator[SourcePath]:
        """The files under `paths` (each once, under the first path that holds it), yielded as the walk finds
        them: in path order under each of `paths`, so a check can start on the first ones while the walk goes on."""
        seen: set[str] = set()
        for path in paths:
            absolute = os.path.abspath(path)
            if os.path.isdir(absolute):
                walked: Iterable[SourcePath] = self._walk(
                    absolute,
                    _ancestor_ignores(absolute, self._gitignores),
                    self._rules_for(absolute),
                    project_root(absolute),
                )
            elif not (self._rules_for(absolute).exclude.excludes_any_part(absolute) and self._force_exclude):
                walked = (SourcePath(absolute, project_root(absolute)),)
            else:
                continue
            for source in walked:
                if source.path not in seen:
                    seen.add(source.path)
                    yield source

    def _rules_for(self, path: str) -> Selection:
        """The excludes and includes of the configuration that applies at `path`; that configuration's
        problems (rule codes that name no rule included) are reported once, even when no file is checked."""
        settings, problems = config.load_settings(Path(path))
        self.problems.extend(problems)
        if self._known_codes:
            self.problems.extend(config.unknown_rule_codes(settings, self._known_codes))
        return self._rules(settings)

    def _rules(self, settings: Settings) -> Selection:
        if settings.base not in self._rules_by_config:
            cli = self._cli_settings
            config_base = str(settings.base) if settings.base else self._cwd
            if cli.exclude:
                chosen = [(pattern, self._cwd) for pattern in cli.exclude]
            elif settings.exclude:
                chosen = [(pattern, config_base) for pattern in settings.exclude]
            else:
                chosen = [(name, "") for name in SKIPPED_FOLDERS]
            chosen += [(pattern, config_base) for pattern in settings.extend_exclude]
            chosen += [(pattern, self._cwd) for pattern in cli.extend_exclude]
            self._rules_by_config[settings.base] = Selection(
                ExcludeRules(chosen, config_base), settings.overridden_by(cli), config_base
            )
        return self._rules_by_config[settings.base]

    def _walk(self, folder: str, ignores: list[GitIgnore], rules: Selection, root: str) -> Iterator[SourcePath]:
        """The files under `folder`, in the order of their paths as strings: a folder's entries are taken in that
        order with `/` after each subfolder's name (`a.py` before `a/b.py`), so the problems found on the way come
        in the same order every run."""
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as error:
            self.problems.append(Problem(f"cannot list folder: {error.strerror or error}", folder))
            return
        names = {entry.name for entry in entries}
        if any(marker in names for marker in _ROOT_MARKERS):
            root = folder
        if "pyproject.toml" in names:
            rules = self._rules_for(folder)
        if ".gitignore" in names:
            ignore = GitIgnore.read(folder, self._gitignores)
            if ignore is not None:
                ignores = [*ignores, ignore]
        over_folder = applicable(ignores, folder)
        # Run once per entry of the tree: the bound methods are looked up once per folder.
        excludes, includes = rules.exclude.excludes, rules.includes
        kept: list[tuple[str, str, bool]] = []
        for entry in entries:
            name, path = entry.name, entry.path
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if excludes(path, name) or (over_folder and ignored_in(over_folder, name, is_folder)):
                continue
            if is_folder:
                kept.append((name + "/", path, True))
            elif includes(path, name):
                kept.append((name, path, False))
        kept.sort()
        for _, path, is_folder in kept:
            if is_folder:
                yield from self._walk(path, ignores, rules, root)
            else:
                yield SourcePath(path, root)


class Selection:
    """Which files of a folder are checked: not excluded, and named by the built-in set (Python files,
    notebooks, command files) or, when `include` is set, by its globs instead; `extend-include` adds
    globs to either (ruff's meaning)."""

    def __init__(self, exclude: ExcludeRules, settings: Settings, base: str):
        self.exclude = exclude
        self._include = config.FilePatterns(settings.include, base) if settings.include is not None else None
        self._extend = config.FilePatterns(settings.extend_include, base) if settings.extend_include else None

    def includes(self, path: str, name: str) -> bool:
        if self._include is None:
            if name.endswith(PYTHON_SUFFIXES) or is_command_file(path, name):
                return True
        elif self._include.matches(path):
            return True
        return self._extend is not None and self._extend.matches(path)


def is_command_file(path: str, name: str) -> bool:
    """A Dockerfile, compose file, Procfile... by name; `*.conf` and extensionless files by their first bytes."""
    if commands.source_kind(PurePath(path)) is not None:
        return True
    if not (name.endswith(".conf") or "." not in name):
        return False
    try:
        with open(path, "rb") as file:
            head = file.read(commands.SNIFF_BYTES)
    except OSError:
        return False
    return commands.source_kind(PurePath(path), head) is not None


def _ancestor_ignores(folder: str, translations: Translations) -> list[GitIgnore]:
    """`.gitignore` files above a walked folder, from its repository's root down,
    and the repository's `.git/info/exclude`. Outside a repository: none."""
    chain = []
    current = os.path.dirname(folder)
    repository = folder if os.path.exists(os.path.join(folder, ".git")) else None
    while repository is None and current != os.path.dirname(current):
        chain.append(current)
        if os.path.exists(os.path.join(current, ".git")):
            repository = current
        current = os.path.dirname(current)
    if repository is None:
        return []
    ignores = []
    try:
        with open(os.path.join(repository, ".git", "info", "exclude"), encoding="utf-8", errors="replace") as file:
            ignores.append(GitIgnore(repository, translations.of(file.read())))
    except OSError:
        pass
    for ancestor in reversed(chain):
        ignore = GitIgnore.read(ancestor, translations)
        if ignore is not None:
            ignores.append(ignore)
    return ignores


def project_root(path: str) -> str:
    """The nearest folder at or above `path` that looks like a project, else the folder given
    (or the file's folder): never the shell's current folder, so verdicts do not depend on it."""
    start = folder = path if os.path.isdir(path) else os.path.dirname(path)
    while True:
        if any(os.path.exists(os.path.join(folder, marker)) for marker in _ROOT_MARKERS):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent


def project_root_in(path: str, top: str) -> str:
    """The project root `check TOP` gives the file at `path` inside folder `top`: the nearest folder
    from the file up to `top` that looks like a project, else the project root of `top` itself."""
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    while folder != top and folder.startswith(os.path.join(top, "")):
        if any(os.path.exists(os.path.join(folder, marker)) for marker in _ROOT_MARKERS):
            return folder
        folder = os.path.dirname(folder)
    return project_root(top)


class Workspaces:
    """One Workspace per project root, shared by every file under it."""

    def __init__(self, client_settings: Settings):
        self._client_settings = client_settings
        self._by_root: dict[str, Workspace] = {}

    def for_root(self, root: str) -> Workspace:
        if root not in self._by_root:
            from .workspace import Workspace  # here: the walk and the cache's checks do without

            # Files do not come and go during a run: folders are listed once (the cache folder
            # is made before any check, and --fix only rewrites files that exist).
            self._by_root[root] = Workspace(Path(root), self._client_settings, static_files=True)
        return self._by_root[root]
