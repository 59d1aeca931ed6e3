"""One workspace root: its settings, analysed Python environment and jedi project."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from . import config, project
from .model import Problem

if TYPE_CHECKING:
    import subprocess

    # Imported where first needed: a CLI re-run whose files are all cached needs neither.
    import jedi
    import parso

    from .module_index import ModuleIndex


def interpreter_in(folder: Path) -> Path | None:
    for relative in ("bin/python", "bin/python3", "Scripts/python.exe"):
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    return None


class Workspace:
    def __init__(self, root: Path, client_settings: config.Settings | None = None, static_files: bool = False):
        self.root = root
        self.client_settings = client_settings or config.Settings()
        # The files on disk do not change while this workspace is used (one CLI run): folder
        # listings and installed versions are read once, not once per check.
        self.static_files = static_files
        self._versions: dict[str, str | None] = {}
        self._distributions: dict[Path, tuple[frozenset[str], dict[str, str]]] = {}
        self._refused: set[str | None] = set()  # project-held interpreters already reported
        self._settings_by_folder: dict[Path, tuple[config.Settings, list[Problem]]] = {}
        self._declared: dict[tuple[Path, str], tuple[list[str | None] | None, tuple[Path, ...]]] = {}
        self.problems: list[Problem] = []
        # Unsaved editor buffers by path: they win over the files on disk.
        self.open_buffers: dict[Path, str] = {}
        # Installed signatures by qualified name ("uvicorn.run"), read once.
        self.signature_cache: dict[str, tuple[str, ...] | None] = {}

    def read_module(self, path: Path) -> str | None:
        """A module's current text: the open buffer if any, else the file; None if unreadable."""
        from .source import UndecodableSource, read_source  # here: a CLI re-run with every result cached reads none

        if path in self.open_buffers:
            return self.open_buffers[path]
        try:
            return read_source(path)
        except (OSError, ValueError, UndecodableSource):  # ValueError: a NUL in a path taken from a command line
            return None

    def settings_for(self, path: Path | None) -> tuple[config.Settings, list[Problem]]:
        if path is None:
            return config.Settings().overridden_by(self.client_settings), []
        if self.static_files:  # one reading of the nearest pyproject.toml per folder
            known = self._settings_by_folder.get(path.parent)
            if known is None:
                known = self._settings_by_folder[path.parent] = self._read_settings(path)
            return known[0], list(known[1])
        return self._read_settings(path)

    def _read_settings(self, path: Path) -> tuple[config.Settings, list[Problem]]:
        file_settings, problems = config.load_settings(path)
        return file_settings.overridden_by(self.client_settings), problems

    def python_setting(self) -> str | None:
        if self.client_settings.python:
            return self.client_settings.python
        root_settings, _ = config.load_settings(self.root / "pyproject.toml", stop=self.root)
        return root_settings.python

    def choose_interpreter(self) -> tuple[str | None, str]:
        """The interpreter to analyse against and why; None means our own."""
        interpreter, reason, _ = self._choose_interpreter()
        return interpreter, reason

    def _choose_interpreter(self) -> tuple[str | None, str, bool]:
        """`choose_interpreter`, and whether the project's own files chose it (its pyproject.toml, a venv folder
        in it) rather than the user (the editor's or command line's `python`, VIRTUAL_ENV, our own)."""
        setting = self.python_setting()
        if setting:
            path = Path(setting)
            if not path.is_absolute():
                path = self.root / path
            chosen = str(interpreter_in(path) or path if path.is_dir() else path)
            return chosen, "the `python` setting", not self.client_settings.python
        for folder in project.up_to_the_repository(self.root):
            for name in (".venv", "venv"):
                found = interpreter_in(folder / name) if (folder / name).is_dir() else None
                if found is not None:
                    reason = f"{name} in the workspace" if folder == self.root else f"{folder / name}"
                    return str(found), reason, True
        virtual_env = os.environ.get("VIRTUAL_ENV")
        if virtual_env:
            found = interpreter_in(Path(virtual_env))
            if found is not None:
                return str(found), "VIRTUAL_ENV", False
        return None, "the server's own interpreter", False

    def sys_path_question(self) -> SysPathQuestion | None:
        """How the analysed environment's sys.path is asked. Never by running a program the project itself holds
        (a file committed as `.venv/bin/python`, or a copied venv's interpreter): a venv's base Python is asked
        instead, with its site-packages read here; None when there is no such Python to ask."""
        interpreter, _, from_project = self._choose_interpreter()
        chosen = interpreter or sys.executable
        if not from_project or not _held_by_project(chosen, self.root):
            return asking(chosen)
        return _venv_question(Path(chosen), self.root)

    @cached_property
    def parses_as_this_python(self) -> bool:
        """Whether the analysed interpreter is this Python's version (itself, or a virtual environment of the same
        major.minor, by its pyvenv.cfg): only then does this Python's parser tell what that one would refuse (a
        `type X = ...` is a SyntaxError on 3.11, valid on 3.12). Not known for another interpreter: False."""
        interpreter, _ = self.choose_interpreter()
        if interpreter is None or _same_interpreter(interpreter):
            return True
        return _venv_version(Path(interpreter)) == f"{sys.version_info.major}.{sys.version_info.minor}"

    def runs_project_program(self) -> bool:
        """Whether analysing with the chosen interpreter would run a program the project holds (refused)."""
        interpreter, _, from_project = self._choose_interpreter()
        return from_project and interpreter is not None and _held_by_project(interpreter, self.root)

    @cached_property
    def environment(self):
        # jedi is imported where it is first needed: a check that asks it nothing never pays for it.
        import jedi
        from jedi.api.environment import InvalidPythonEnvironment, SameEnvironment

        interpreter, reason = self.choose_interpreter()
        if interpreter is None or _same_interpreter(interpreter) or self.runs_project_program():
            return SameEnvironment()
        try:
            return jedi.create_environment(interpreter, safe=False)
        except (InvalidPythonEnvironment, OSError) as error:
            self.problems.append(
                Problem(
                    f"cannot use the Python interpreter {interpreter} (from {reason}): {error}; "
                    f"analysing with {sys.executable} instead"
                )
            )
            return SameEnvironment()

    @property
    def interpreter_sys_path(self) -> tuple[Path, ...]:
        """The analysed interpreter's `sys.path` as a program started with it sees it,
        less the program's own folder (which depends on the launch)."""
        question = self.sys_path_question()
        if question is not None:
            return _sys_path_of(question)
        interpreter, reason = self.choose_interpreter()
        if interpreter not in self._refused:
            self._refused.add(interpreter)
            self.problems.append(
                Problem(
                    f"not running {interpreter} (from {reason}): a program the project holds, not an installed "
                    "Python; nothing installed can be seen (set `python` to analyse with it)"
                )
            )
        return ()

    def distribution_version(self, name: str) -> str | None:
        """The version of an installed distribution in the analysed environment, read
        from its metadata folder's name (`uvicorn-0.54.0.dist-info`); None if absent."""
        if self.static_files and name in self._versions:
            return self._versions[name]
        self._versions[name] = version = self._read_distribution_version(name)
        return version

    def declared_constraints(
        self, folder: Path, distribution: str, record: Callable[[Path], None]
    ) -> list[str | None] | None:
        """`project.declared_constraints` from `folder`; with static files, each folder on the way read once
        per distribution (for every file below it) and the files it read recorded again for every later asker."""
        if not self.static_files:
            return project.declared_constraints(self.root, folder, distribution, record)
        from .module_index import recorded_once

        def in_folder(folder: Path, distribution: str, record: Callable[[Path], None]) -> project.Constraints | None:
            return recorded_once(
                self._declared,
                (folder, distribution),
                lambda read: project.folder_constraints(folder, distribution, read),
                record,
            )

        return project.declared_constraints(self.root, folder, distribution, record, in_folder)

    def _read_distribution_version(self, name: str) -> str | None:
        key = name.replace("-", "_").lower()
        for root in self.interpreter_sys_path:
            version = self._distributions_in(root).get(key)
            if version is not None:
                return version
        return None

    def _distributions_in(self, folder: Path) -> dict[str, str]:
        """The versions of the distributions whose metadata `folder` holds, by lower-case name; worked out again
        only when the folder's listing changes (a server checks on every keystroke, site-packages has thousands)."""
        names = self.modules.listing(folder)
        cached = self._distributions.get(folder)
        if cached is not None and cached[0] is names:
            return cached[1]
        versions: dict[str, str] = {}
        for entry in names:
            lowered = entry.lower()
            if lowered.endswith((".dist-info", ".egg-info")):
                name, _, rest = entry.rpartition(".")[0].partition("-")
                if rest:
                    versions.setdefault(name.lower(), rest.split("-")[0])
        self._distributions[folder] = (names, versions)
        return versions

    @cached_property
    def modules(self) -> ModuleIndex:
        """Which file a dotted module name maps to, for import strings."""
        from .module_index import ModuleIndex

        return ModuleIndex(self)

    @cached_property
    def jedi_project(self) -> jedi.Project:
        import jedi

        return jedi.Project(self.root, environment_path=None, smart_sys_path=True, load_unsafe_extensions=False)

    @cached_property
    def grammar(self) -> parso.Grammar:
        import parso

        interpreter, _ = self.choose_interpreter()
        if interpreter is None or _same_interpreter(interpreter) or self.runs_project_program():
            return parso.load_grammar()  # our own Python's: no jedi environment needed
        try:
            return self.environment.get_grammar()
        except Exception:  # a broken foreign interpreter: parse with our own grammar
            return parso.load_grammar()


@dataclass(frozen=True)
class SysPathQuestion:
    """The command that prints an environment's sys.path, and the folders added to its answer (a venv's
    site-packages and their .pth entries, read here when its base Python is asked in its place)."""

    command: tuple[str, ...]
    added: tuple[Path, ...] = ()


def asking(interpreter: str) -> SysPathQuestion:
    """The question put to `interpreter` itself."""
    return SysPathQuestion((interpreter, "-c", _PRINT_SYS_PATH))


_SYS_PATHS: dict[SysPathQuestion, tuple[Path, ...]] = {}
# Questions started ahead (`start_asking_sys_path`) and not collected yet.
_ASKED: dict[SysPathQuestion, subprocess.Popen[str]] = {}
# The language server asks from a start-up thread and the analysis thread: one subprocess per interpreter.
_SYS_PATHS_LOCK = threading.Lock()
_PRINT_SYS_PATH = "import json, sys; print(json.dumps([p for p in sys.path if p]))"


def _sys_path_of(question: SysPathQuestion) -> tuple[Path, ...]:
    """Asked of the interpreter itself, once per process: a bare `python -c` costs
    ~20 ms, where jedi's helper process for the same question costs ~150 ms."""
    with _SYS_PATHS_LOCK:
        if question not in _SYS_PATHS:
            start_asking_sys_path(question)
            _collect(question)
        return _SYS_PATHS[question]


def start_asking_sys_path(question: SysPathQuestion) -> None:
    """Start the subprocess that answers `interpreter_sys_path`, without waiting for it: a command-line run
    starts it before reading the files, and collects it (`collect_sys_paths`) before forking its workers."""
    import subprocess  # here: a CLI re-run with every result cached never asks

    if question in _SYS_PATHS or question in _ASKED:
        return
    try:
        _ASKED[question] = subprocess.Popen(
            list(question.command), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
    except OSError:
        _SYS_PATHS[question] = ()  # a broken interpreter: nothing installed can be seen


def collect_sys_paths() -> None:
    """Wait for every question started ahead: then no subprocess of ours is running (before a fork)."""
    with _SYS_PATHS_LOCK:
        for interpreter in list(_ASKED):
            _collect(interpreter)


def _collect(question: SysPathQuestion) -> None:
    import json
    import subprocess

    process = _ASKED.pop(question, None)
    if process is None:
        return
    try:
        output, _ = process.communicate(timeout=20)
        entries = json.loads(output) if process.returncode == 0 else []
    except (subprocess.SubprocessError, ValueError):
        process.kill()
        process.wait()
        entries = []
    answer = tuple(Path(entry) for entry in entries if isinstance(entry, str) and entry)
    _SYS_PATHS[question] = (*answer, *question.added) if answer else ()


def _held_by_project(interpreter: str, root: Path) -> bool:
    """Whether the program `interpreter` names is a file of the project (its repository, else `root`) once links
    are followed: a venv's `bin/python` links to an installed Python outside it, a file committed there does not."""
    top = project.repository_top(root)
    return Path(os.path.realpath(interpreter)).is_relative_to(os.path.realpath(top))


def _pyvenv_values(interpreter: Path) -> dict[str, str] | None:
    """The settings of the pyvenv.cfg of the venv holding `interpreter` (lower-case keys); None without one."""
    try:
        lines = (interpreter.parent.parent / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return {key.strip().lower(): value.strip() for key, sep, value in (line.partition("=") for line in lines) if sep}


def _venv_version(interpreter: Path) -> str | None:
    """The venv's Python version as major.minor ("3.12"), from its pyvenv.cfg; None when it does not say."""
    values = _pyvenv_values(interpreter) or {}
    version = ".".join((values.get("version") or values.get("version_info") or "").split(".")[:2])
    return version or None


def _venv_question(interpreter: Path, root: Path) -> SysPathQuestion | None:
    """The sys.path of the venv holding `interpreter`, asked of its base Python (`home` in its pyvenv.cfg, when
    that is not in the project too), without site for a venv that leaves the base's packages out; the venv's
    site-packages and the folders their .pth files name are read here (a .pth line that imports is not run)."""
    venv = interpreter.parent.parent
    values = _pyvenv_values(interpreter)
    if values is None:
        return None
    home = values.get("home")
    if home is not None and not Path(home).is_absolute():
        return None  # not a folder venv writes: nothing to ask
    version = _venv_version(interpreter)
    names = (f"python{version}", "python3", "python", "python.exe") if version else ("python3", "python", "python.exe")
    base = next((Path(home) / name for name in names if (Path(home) / name).is_file()), None) if home else None
    if base is None or _held_by_project(str(base), root):
        return None
    with_base_packages = values.get("include-system-site-packages", "false").lower() == "true"
    site_folders = sorted(venv.glob("lib/python*/site-packages")) + [venv / "Lib" / "site-packages"]
    added: list[Path] = []
    for folder in (folder for folder in site_folders if folder.is_dir()):
        added.append(folder)
        for pth in sorted(folder.glob("*.pth")):
            try:
                entries = pth.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            for entry in entries:
                entry = entry.strip()
                if entry and not entry.startswith(("#", "import ", "import\t")) and (folder / entry).is_dir():
                    added.append(Path(os.path.normpath(folder / entry)))
    flags = () if with_base_packages else ("-S",)
    return SysPathQuestion((str(base), *flags, "-c", _PRINT_SYS_PATH), tuple(dict.fromkeys(added)))


def _same_interpreter(path: str) -> bool:
    """Whether `path` runs with our own sys.path. A virtual environment's
    interpreter is often a symlink to the very binary we run, yet it sees
    other site-packages: tell environments apart by their prefix."""
    interpreter = Path(path)
    try:
        environment = interpreter.parent.parent
        if (environment / "pyvenv.cfg").is_file():
            return environment.resolve() == Path(sys.prefix).resolve()
        return sys.prefix == sys.base_prefix and interpreter.resolve() == Path(sys.executable).resolve()
    except OSError:
        return False
