"""The persistent cache of `check`, as ruff keeps one: an unchanged file is not analysed again.

A result is stored under a key made of the file's path and content hash, the settings
that apply to it, the tool (version and the content of its own modules, which holds
the rule set), the workspace root, the shape of the project's folders three levels down
(`tree_state`: a file created or moved in one that a rule looks through) and the analysed
environment (its interpreter, the variables and user site that change its `sys.path`, and
the state of every folder on it). It is reused only while every file it
was computed from (`CheckResult.dependencies`: modules read, and every path where a
module was looked for, found or not) is as it was: same content, or still missing
with its folder unchanged, so a `mian.py` appearing invalidates a "will not load".

Reading a file to hash it costs more than the rest of a re-run, so, as git's index
does, a file's content hash and prefilter verdict are remembered with its size,
mtime, ctime and inode; they are trusted only while all four are unchanged and the
file was not modified within `_RACY_SECONDS` of when they were recorded.

Only the parent process reads and writes the cache (workers never touch it), and it
is replaced atomically, so `--jobs` and concurrent runs are safe. Anything unreadable
or inconsistent in it is ignored: the cache can make a run faster, never wrong or fatal.
"""

from __future__ import annotations

import glob
import importlib.util
import marshal
import os
import stat
import struct
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from .. import __version__
from ..engine import project
from ..engine.collector import collector_paused
from ..engine.gitignore import Translations, valid_translations
from ..engine.model import Applicability, Finding, Fix, Position, Problem, ProblemKind, Range, Severity, Tag, TextEdit

FOLDER_NAME = ".uvicorn-lsp_cache"
_FILE_NAME = "cache-v1.bin"
_MAGIC = b"uvicorn-lsp cache 1\n"
_DIGEST_SIZE = 16
# What the cache knows of a file, in one bytes object: its metadata (size, mtime_ns, ctime_ns,
# inode), the prefilter's verdict (one byte: _VERDICTS) and, when known, its content digest.
# 10,000 such entries load in ~2 ms, where tuples of ints took 6-10 ms of every re-run.
_METADATA = struct.Struct("<QQQQ")
# Each field is kept to its low 64 bits, as two's complement: times before 1970 or past 2262 (in
# nanoseconds beyond a signed 64-bit integer) and inodes wider than 64 bits all fit.
_WORD = (1 << 64) - 1
_VERDICTS = {False: b"\x00", True: b"\x01", None: b"\x02"}  # mentions a trigger word: no, yes, unknown
_MENTIONS = (False, True, None)  # by verdict byte
# A file modified this close to the start of the run may change again within the file
# system's timestamp resolution, unseen: its metadata is not trusted, and results that
# depend on it are not stored. Whole-second timestamps (FAT, some network file systems)
# need the larger margin.
_RACY_NS = 100_000_000
_RACY_NS_COARSE = 2_000_000_000
# Results kept at most; the least recently used go first.
_MAX_RESULTS = 50_000
# A result's last use is written back only when older than this: an unchanged re-run then
# writes no cache file at all, and eviction stays least-recently-used to within a day.
_USE_REFRESH_SECONDS = 86_400
_PACKAGE = Path(__file__).resolve().parent.parent
# Environment variables that change what an interpreter puts on sys.path.
_SYS_PATH_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONNOUSERSITE", "PYTHONSAFEPATH")
# How deep `tree_state` looks.
_TREE_DEPTH = 3


try:  # hashlib's own BLAKE2, without the OpenSSL bindings `import hashlib` loads (~3 ms of every run)
    from _blake2 import blake2b
except ImportError:  # an interpreter without CPython's module layout
    from hashlib import blake2b


def digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=_DIGEST_SIZE).digest()


def _key(*parts: object) -> bytes:
    return digest(repr(parts).encode("utf-8", "surrogatepass"))


def tool_fingerprint() -> bytes:
    """The version and every module of uvicorn-lsp (size and mtime): an edited rule is a new tool.
    pathspec's too, found without importing it: the cache keeps its translations of .gitignore files."""
    pathspec = importlib.util.find_spec("pathspec")
    origin = pathspec.origin if pathspec is not None else None
    try:
        library = os.stat(origin) if origin else None
    except OSError:
        library = None
    entries: list[tuple] = [("pathspec", origin, library and (library.st_size, library.st_mtime_ns))]
    for folder, _, names in os.walk(_PACKAGE):
        for name in sorted(names):
            if name.endswith(".py"):
                info = os.stat(os.path.join(folder, name))
                entries.append((os.path.relpath(os.path.join(folder, name), _PACKAGE), info.st_size, info.st_mtime_ns))
    return _key(__version__, sorted(entries))


class RuleSet(NamedTuple):
    """What the parent needs of the rules to scan and validate, without importing them."""

    codes: tuple[str, ...]
    triggers: tuple[bytes, ...]  # the words that select a rule in some file
    python_triggers: tuple[bytes, ...]  # those that select one in a Python file

    @classmethod
    def from_registry(cls) -> RuleSet:
        with collector_paused():  # the imports build objects that live as long as the run
            from ..rules import ALL_RULES

        def encoded(words) -> tuple[bytes, ...]:
            return tuple(sorted({word.encode("utf-8") for word in words}))

        return cls(
            tuple(rule.code for rule in ALL_RULES),
            encoded(word for rule in ALL_RULES for word in (*rule.triggers, *rule.command_triggers)),
            encoded(word for rule in ALL_RULES for word in rule.triggers),
        )


def default_folder(project_root: str, setting: str | None, base: Path | None) -> Path:
    if setting is None:
        return Path(project_root) / FOLDER_NAME
    folder = Path(setting)
    return folder if folder.is_absolute() else (base or Path(project_root)) / folder


class Cache:
    """One run's view of the cache folder; `save()` writes it back."""

    def __init__(self, folder: Path | None):
        self._folder = folder  # None: --no-cache
        self._started_ns = time.time_ns()
        self._tool = tool_fingerprint() if folder is not None else b""
        self._files: dict[str, bytes] = {}  # path -> metadata, verdict and digest (_METADATA)
        self._results: dict[bytes, tuple] = {}
        self._rules: tuple | None = None
        self._environments: dict[str, tuple] = {}  # interpreter -> (signature, sys.path, key)
        self.gitignores = Translations()
        self._states: dict[str, tuple] = {}  # this run's state of each dependency, computed once
        self._recent_by_path: dict[str, bool] = {}  # changed_recently's answer for each path
        self._changed = False
        if folder is not None:
            self._load(folder / _FILE_NAME)
            # Made now, not when saving: creating it changes its parent folder, which results
            # depending on a module missing there would take for a change.
            self._make_folder()

    def _make_folder(self) -> None:
        assert self._folder is not None
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            marker = self._folder / ".gitignore"
            if not marker.exists():
                marker.write_text("# Created by uvicorn-lsp automatically.\n*\n")
        except OSError:
            pass  # a read-only project: save() fails quietly too

    @property
    def enabled(self) -> bool:
        return self._folder is not None

    def _load(self, path: Path) -> None:
        try:
            with open(path, "rb") as file:
                data = file.read()
            if not data.startswith(_MAGIC):
                return
            stored_digest = data[len(_MAGIC) : len(_MAGIC) + _DIGEST_SIZE]
            payload = data[len(_MAGIC) + _DIGEST_SIZE :]
            if digest(payload) != stored_digest:
                return  # truncated or damaged
            tool, files, results, rules, environments, gitignores = marshal.loads(payload)
            if tool != self._tool:
                return  # another version: nothing in it can be trusted
            if not all(isinstance(table, dict) for table in (files, results, environments)):
                return
            if not valid_translations(gitignores):
                return
            self._files, self._results, self._rules, self._environments = files, results, rules, environments
            self.gitignores = Translations(gitignores)
        except (OSError, ValueError, EOFError, TypeError):
            return

    def save(self) -> None:
        if self._folder is None or not (self._changed or self.gitignores.added):
            return
        results = self._results
        if len(results) > _MAX_RESULTS:
            newest = sorted(results.items(), key=lambda item: item[1][0], reverse=True)[:_MAX_RESULTS]
            results = dict(newest)
        payload = marshal.dumps(
            (self._tool, self._files, results, self._rules, self._environments, self.gitignores.known)
        )
        import tempfile  # here: an unchanged re-run writes nothing

        try:
            descriptor, temporary = tempfile.mkstemp(prefix=".cache-", dir=self._folder)
            try:
                with os.fdopen(descriptor, "wb") as file:
                    file.write(_MAGIC + digest(payload) + payload)
                os.replace(temporary, self._folder / _FILE_NAME)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass  # a read-only project still gets checked, just not faster next time

    # -- the rule set ---------------------------------------------------------

    def rule_set(self) -> RuleSet:
        """The rule codes and trigger words: remembered for this tool fingerprint, so an
        unchanged re-run never imports the rules (and parso and jedi behind them)."""
        if self._rules is not None:
            try:
                codes, triggers, python_triggers = self._rules
                return RuleSet(tuple(codes), tuple(triggers), tuple(python_triggers))
            except (TypeError, ValueError):
                pass
        rules = RuleSet.from_registry()
        if self.enabled:
            self._rules = (rules.codes, rules.triggers, rules.python_triggers)
            self._changed = True
        return rules

    # -- files ----------------------------------------------------------------

    def unchanged_without_trigger(self, path: str, info: os.stat_result) -> bool:
        """Whether the file is as it was when a run found no trigger word in it: nothing to read.
        Asked of every file of every run, so it does no more than that."""
        entry = self._files.get(path)
        return entry is not None and entry.startswith(_metadata(info)) and entry[_METADATA.size] == 0

    def known_file(self, path: str, info: os.stat_result) -> tuple[bytes | None, bool | None] | None:
        """(content digest, mentions a trigger) of a file whose metadata is unchanged; either may be
        unknown (None): the digest of a file no rule reads, the verdict of a file only depended on."""
        entry = self._files.get(path)
        if entry is None or not entry.startswith(_metadata(info)):
            return None
        return entry[_METADATA.size + 1 :] or None, _MENTIONS[entry[_METADATA.size]]

    def remember_file(
        self, path: str, info: os.stat_result, content_digest: bytes | None, mentions: bool | None
    ) -> None:
        """`info` must be taken before the content was read (a later change then shows)."""
        if not self.enabled:
            return
        if self._recent(info):
            return
        metadata = _metadata(info)  # asked of every file a first run reads: each part computed once
        stored = self._files.get(path)
        if stored is not None and stored.startswith(metadata):
            # Keep what is known of the same content: a file both scanned and depended on (an empty
            # __init__.py) would otherwise swap its digest and its verdict on every run.
            content_digest = content_digest or stored[_METADATA.size + 1 :] or None
            mentions = _MENTIONS[stored[_METADATA.size]] if mentions is None else mentions
        entry = metadata + _VERDICTS[mentions] + (content_digest or b"")
        if stored != entry:
            self._files[path] = entry
            self._changed = True

    def state(self, path: str) -> tuple:
        """What a result depending on `path` saw of it: its content, that it is a folder, or
        that it is missing (with the state of its folder, which changes when it appears)."""
        known = self._states.get(path)
        if known is not None:
            return known
        try:
            info = os.stat(path)
        except OSError:
            try:
                folder = os.stat(os.path.dirname(path))
                known = ("missing", folder.st_mtime_ns, folder.st_ino)
            except OSError:
                known = ("missing", None, None)
        else:
            if stat.S_ISDIR(info.st_mode):
                known = ("folder",)
            elif not stat.S_ISREG(info.st_mode):
                known = ("other", info.st_mode)
            else:
                remembered = self.known_file(path, info)
                if remembered is not None and remembered[0] is not None:
                    known = ("file", remembered[0])
                else:
                    try:
                        with open(path, "rb") as file:
                            content = digest(file.read())
                    except OSError:
                        known = ("unreadable",)
                    else:
                        known = ("file", content)
                        # The prefilter's verdict is not known here (None): a scan reads the file.
                        self.remember_file(path, info, content, None)
        self._states[path] = known
        return known

    def changed_recently(self, paths: Iterable[str]) -> bool:
        """Whether any of these files changed after this run started (or just before): a result
        computed from them may mix two versions, so it is not stored. Asked once every check is
        done, so each path is looked at once, however many results depend on it."""
        recent = self._recent_by_path
        for path in paths:
            if path not in recent:
                try:
                    recent[path] = self._recent(os.stat(path))
                except OSError:
                    recent[path] = False  # missing: its state says so, and its folder's
            if recent[path]:
                return True
        return False

    def _recent(self, info: os.stat_result) -> bool:
        coarse = info.st_mtime_ns % 1_000_000_000 == 0 and info.st_ctime_ns % 1_000_000_000 == 0
        margin = _RACY_NS_COARSE if coarse else _RACY_NS
        return max(info.st_mtime_ns, info.st_ctime_ns) >= self._started_ns - margin

    # -- environments -----------------------------------------------------------

    def knows_environment(self, interpreter: str) -> bool:
        """Whether the cache holds the sys.path of `interpreter` (a re-run need not ask it again)."""
        return self.enabled and interpreter in self._environments

    def environment_key(self, interpreter: str, reason: str, ask_sys_path) -> bytes:
        """The analysed environment: the interpreter (its file and pyvenv.cfg) and the state of
        every folder on its sys.path (a package installed or removed changes its folder)."""
        signature = (interpreter, reason, self._signature(interpreter))
        stored = self._environments.get(interpreter)
        if stored is not None and stored[0] == signature:
            sys_path = stored[1]
        else:
            sys_path = [str(entry) for entry in ask_sys_path()]
        folders = tuple((entry, self._folder_state(entry)) for entry in sys_path)
        if stored is not None and stored[0] == signature and stored[2] != folders:
            # Something was installed: the interpreter's sys.path may have changed too (.pth files).
            sys_path = [str(entry) for entry in ask_sys_path()]
            folders = tuple((entry, self._folder_state(entry)) for entry in sys_path)
        if self.enabled and (stored is None or stored[:3] != (signature, sys_path, folders)):
            self._environments[interpreter] = (signature, sys_path, folders)
            self._changed = True
        return _key(signature, folders)

    @staticmethod
    def _signature(interpreter: str) -> tuple:
        """The interpreter's file and pyvenv.cfg, and the variables that change its sys.path (a PYTHONPATH, a
        user site)."""
        parts: list[object] = [tuple(os.environ.get(name) for name in _SYS_PATH_VARIABLES)]
        # A user site exists, and is on sys.path, once `pip install --user` has made it.
        user_base = os.environ.get("PYTHONUSERBASE") or os.path.expanduser("~/.local")
        parts += (
            (folder, Cache._folder_state(folder))
            for folder in sorted(glob.glob(f"{user_base}/lib/python3*/site-packages"))
        )
        for path in (interpreter, os.path.join(os.path.dirname(os.path.dirname(interpreter)), "pyvenv.cfg")):
            try:
                info = os.stat(path)
                parts.append((os.path.realpath(path), info.st_size, info.st_mtime_ns))
            except OSError:
                parts.append(None)
        return tuple(parts)

    @staticmethod
    def _folder_state(folder: str) -> tuple | None:
        try:
            info = os.stat(folder)
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_ino)

    # -- results ------------------------------------------------------------------

    @staticmethod
    def result_key(path: str, content_digest: bytes, context: bytes) -> bytes:
        return _key(path, content_digest, context)

    @staticmethod
    def context_key(settings_repr: str, root: str, environment: bytes, configuration: tuple, tree: tuple) -> bytes:
        return _key(settings_repr, root, environment, configuration, tree)

    def result(self, key: bytes) -> tuple[list[Finding], list[Problem]] | None:
        entry = self._results.get(key)
        if entry is None:
            return None
        try:
            last_used, findings, problems, dependencies = entry
            seen = self._states  # most dependencies are shared by many results: this run's states are looked up first
            for path, state in dependencies:
                if (seen.get(path) or self.state(path)) != state:  # both tuples, as marshal keeps them
                    return None
            decoded = [_finding(item) for item in findings], [_problem(item) for item in problems]
            now = time.time()
            if now - last_used > _USE_REFRESH_SECONDS:
                self._results[key] = (now, findings, problems, dependencies)
                self._changed = True
        except (TypeError, ValueError, KeyError, IndexError):
            return None
        return decoded

    def store(self, key: bytes, findings: list[Finding], problems: list[Problem], dependencies: Iterable[str]) -> None:
        if not self.enabled:
            return
        paths = sorted(set(dependencies))
        if self.changed_recently(paths):
            return
        states = tuple((path, self.state(path)) for path in paths)
        self._results[key] = (
            time.time(),
            [_finding_data(finding) for finding in findings],
            [(problem.message, problem.path, problem.kind.value) for problem in problems],
            states,
        )
        self._changed = True


def tree_state(root: str) -> tuple:
    """The folders of the project three levels down at most (project.project_folders), each with its mtime and
    inode, which change when a file or folder is created, deleted or renamed in it. Rules look through these
    folders (a package moved, a requirements file or a log config created, a .gitignore): a result is kept only
    while the project's shape is as it was. Cheap: one stat per folder."""
    found: list[tuple[str, int, int]] = []
    for folder in [Path(root), *project.project_folders(Path(root), depth=_TREE_DEPTH)]:
        try:
            info = os.stat(folder)
        except OSError:
            continue
        found.append((str(folder), info.st_mtime_ns, info.st_ino))
    return tuple(found)


def _metadata(info: os.stat_result) -> bytes:
    return _METADATA.pack(info.st_size & _WORD, info.st_mtime_ns & _WORD, info.st_ctime_ns & _WORD, info.st_ino & _WORD)


def _range_data(where: Range) -> tuple:
    return (where.start.line, where.start.character, where.end.line, where.end.character)


def _range(data) -> Range:
    start_line, start_character, end_line, end_character = data
    return Range(Position(start_line, start_character), Position(end_line, end_character))


def _finding_data(finding: Finding) -> tuple:
    fixes = [
        (
            fix.title,
            [(_range_data(edit.range), edit.new_text) for edit in fix.edits],
            fix.applicability.value,
            fix.preferred,
        )
        for fix in finding.fixes
    ]
    tags = [tag.value for tag in finding.tags]
    return (finding.code, finding.message, _range_data(finding.range), int(finding.severity), fixes, tags)


def _finding(data) -> Finding:
    code, message, where, severity, fixes, tags = data
    return Finding(
        code=code,
        message=message,
        range=_range(where),
        severity=Severity(severity),
        fixes=[
            Fix(
                title,
                tuple(TextEdit(_range(edit_range), text) for edit_range, text in edits),
                Applicability(applicability),
                preferred,
            )
            for title, edits, applicability, preferred in fixes
        ],
        tags=tuple(Tag(tag) for tag in tags),
    )


def _problem(data) -> Problem:
    message, path, kind = data
    return Problem(message, path, ProblemKind(kind))
