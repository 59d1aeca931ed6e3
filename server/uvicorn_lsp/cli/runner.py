"""Reading, pre-filtering and checking many files, in-process or over processes.

The parent reads every file once and keeps only those that mention a rule's
trigger word; the rest cost a read and a substring scan (or, with the cache, a
stat). Files whose result the cache holds are not analysed again. Only the few
that remain go through the engine, in worker processes when there are enough of
them to pay for starting a pool (jedi is not thread-safe: one engine per
process, never threads). The engine, the rules and jedi are imported only once
a file needs them, so an unchanged re-run stays close to the cost of the walk.
"""

from __future__ import annotations

import gc
import itertools
import os
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple, TextIO

from ..engine import commands, config, still_files
from ..engine.collector import with_collector_paused
from ..engine.config import Settings
from ..engine.discovery import SourcePath, Workspaces
from ..engine.fixing import applicable
from ..engine.model import Finding, Problem, ProblemKind
from .cache import Cache, RuleSet, digest, tree_state
from .file_check import FileResult, Mode

# Workers cost ~40 ms of CPU between them (forks, the results sent back) and files ~2 ms each: on 2 cores a pool
# pays off from about 16 files to analyse (27 files: 188 -> 182 ms; 200 of 10,000: 463 -> 454 ms against 40).
MIN_FILES_FOR_POOL = 16
# Files per task sent to a worker: ~20 ms of work, so the load stays balanced
# while pickling and messages stay negligible.
CHUNK_SIZE = 8
# Our rule codes start so; other codes in a noqa comment (E501, F401...) belong to other linters.
_OUR_CODE_PREFIX = "UVI"


class Job(NamedTuple):  # a tuple: made and pickled (to workers) faster than a frozen dataclass
    source: SourcePath
    data: bytes
    cache_key: bytes | None = None  # where its result goes in the cache


# Trigger words sharing a piece this long are searched for by that piece first; shorter pieces
# occur in too many unrelated files to spare a search.
_SHARED_PIECE_MIN = 5


class Prefilter:
    """Could any rule fire? Trigger words are ASCII, and every encoding Python accepts for source
    keeps ASCII as it is, so the raw bytes tell. Most files mention none, and searching their bytes
    is most of what they cost on a first run: words that share a long piece ("uvicorn" and
    "gunicorn": "icorn") are looked for by that piece, in one search for both, and the words
    themselves only in the few files that hold a piece."""

    def __init__(self, triggers: tuple[bytes, ...]):
        self._triggers = triggers
        pieces = list(triggers)
        merged = True
        while merged:  # every trigger word keeps a piece it contains: no file mentioning it is missed
            merged = False
            for first, second in itertools.combinations(pieces, 2):
                shared = _longest_shared_piece(first, second)
                if len(shared) >= _SHARED_PIECE_MIN:
                    pieces = [piece for piece in pieces if piece not in (first, second)] + [shared]
                    merged = True
                    break
        self.pieces = tuple(pieces)
        self._pieces_are_words = set(pieces) == set(triggers)

    def mentions_trigger(self, data: bytes) -> bool:
        for piece in self.pieces:  # a loop, not any(): asked of every file of the tree
            if piece in data:
                return self._pieces_are_words or any(trigger in data for trigger in self._triggers)
        return False


_PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")


def _longest_shared_piece(first: bytes, second: bytes) -> bytes:
    for size in range(min(len(first), len(second)), 0, -1):
        for start in range(len(first) - size + 1):
            if first[start : start + size] in second:
                return first[start : start + size]
    return b""


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def read_bytes(path: str, size: int | None = None) -> bytes:
    """A file's bytes through raw descriptors, cheaper than open().read() over 10,000 small files,
    which is most of what an unrelated file costs. Given the size a stat found, the first read asks
    for one byte more: a regular file comes short of a request only at its end, so a first read of
    exactly that size is the whole file (no second read to confirm it, one system call per file
    fewer); a file that grew since fills the request and is read to its end all the same."""
    descriptor = os.open(path, _READ_FLAGS)
    try:
        first = os.read(descriptor, size + 1 if size is not None else 1 << 16)
        if len(first) == size:
            return first
        chunks = [first]
        while chunks[-1] and (chunk := os.read(descriptor, 1 << 16)):
            chunks.append(chunk)
        return first if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(descriptor)


class CacheKeys:
    """The cache key of a file's result: its content plus everything else it depends on
    that is known before checking (settings, their pyproject.toml, root, environment)."""

    def __init__(self, cache: Cache, client_settings: Settings, workspaces: Workspaces):
        self._cache = cache
        self._client_settings = client_settings
        self._workspaces = workspaces
        self._by_folder: dict[tuple[str, str], bytes] = {}
        self._environments: dict[str, bytes] = {}
        self._trees: dict[str, tuple] = {}

    def key(self, source_path: SourcePath, content_digest: bytes) -> bytes:
        folder = os.path.dirname(source_path.path)
        context = self._by_folder.get((folder, source_path.root))
        if context is None:
            settings, problems = config.load_settings(Path(source_path.path))
            # Its whole content, not only the settings: rules also read [project.scripts].
            pyproject = str(settings.base / "pyproject.toml") if settings.base is not None else None
            context = self._cache.context_key(
                repr((settings.overridden_by(self._client_settings), problems)),
                source_path.root,
                self._environment(source_path.root),
                (pyproject, self._cache.state(pyproject)) if pyproject else (),
                self._tree(source_path.root),
            )
            self._by_folder[(folder, source_path.root)] = context
        return self._cache.result_key(source_path.path, content_digest, context)

    def ask_sys_path_ahead(self, root: str) -> None:
        """Start asking the interpreter of the project at `root` for its sys.path (~50 ms, mostly waiting),
        unless the cache holds the answer: the first file checked, or keyed, then finds it ready."""
        analysed = self._workspaces.for_root(root)
        question = analysed.sys_path_question()
        if question is not None and not self._cache.knows_environment(
            analysed.choose_interpreter()[0] or sys.executable
        ):
            from ..engine import workspace

            workspace.start_asking_sys_path(question)

    def _tree(self, root: str) -> tuple:
        if root not in self._trees:
            self._trees[root] = tree_state(root)
        return self._trees[root]

    def _environment(self, root: str) -> bytes:
        if root not in self._environments:
            workspace = self._workspaces.for_root(root)
            interpreter, reason = workspace.choose_interpreter()
            self._environments[root] = self._cache.environment_key(
                interpreter or sys.executable, reason, lambda: workspace.interpreter_sys_path
            )
        return self._environments[root]


def scan(
    sources: Iterable[SourcePath],
    problems: list[Problem],
    rules: RuleSet,
    cache: Cache,
    keys: CacheKeys | None,
    from_cache: list[FileResult],
    mode: Mode,
) -> Iterator[Job]:
    """Read every file; yield those a rule could fire on and whose result the cache does
    not hold (the held ones with findings or problems go to `from_cache`). Unreadable and
    undecodable files go to `problems` whether or not they mention uvicorn. With the cache,
    a file known to mention no trigger and unchanged since costs one stat. A Python file is
    looked at for the words that select rules in Python (a router's `fastapi` selects none)."""
    cached = cache.enabled
    any_source, python = Prefilter(rules.triggers), Prefilter(rules.python_triggers)
    for source_path in sources:
        path = source_path.path
        try:
            info = os.stat(path) if cached else None
            if info is not None and cache.unchanged_without_trigger(path, info):
                continue
            data = read_bytes(path, info.st_size if info is not None else None)
        except OSError as error:
            problems.append(Problem(f"cannot read: {error.strerror or error}", path))
            continue
        is_python = path.endswith(_PYTHON_SUFFIXES)
        if is_python:
            wanted = python.mentions_trigger(data)
        else:
            wanted = any_source.mentions_trigger(data) or commands.starts_through_an_image(path, data)
        # A Python file Python cannot decode is worth a warning; a YAML, shell or Docker file that starts no
        # server is none of our business (a UTF-16 workflow file is no Python source to be refused as one).
        if not wanted and is_python and not data.isascii():
            from ..engine import source

            try:
                source.decode_source(data)
            except source.UndecodableSource as error:
                problems.append(Problem(str(error), path))
                continue
        if info is None or keys is None:
            if wanted:
                yield Job(source_path, data)
            continue
        if not wanted:  # its content is the key of nothing: remember the verdict, skip the hash
            cache.remember_file(path, info, None, wanted)
            continue
        content = digest(data)
        cache.remember_file(path, info, content, wanted)
        key = keys.key(source_path, content)
        stored = cache.result(key)
        # A stored result is a plain check's: with --fix or --diff, a file with fixes to apply is checked again.
        if stored is not None and not (mode.fix and any(_can_fix(finding, mode) for finding in stored[0])):
            if stored[0] or stored[1]:  # a clean file's result would say nothing
                from_cache.append(FileResult(path, *stored))
            continue
        yield Job(source_path, data, key)


def _can_fix(finding: Finding, mode: Mode) -> bool:
    return applicable(finding.best_fix, mode.unsafe_fixes)


def store(cache: Cache, checked: Iterable[tuple[Job, FileResult]]) -> None:
    """Keep the complete results of plain checks (a fixed file is re-checked next time)."""
    for job, result in checked:
        if job.cache_key is not None and result.complete and result.fixed_text is None:
            cache.store(job.cache_key, result.findings, result.problems, result.dependencies)


# A file's check builds its objects and drops them all at its end: the collector's full passes over that
# growing heap made a big file's check cost grow faster than the file (a 40,000-line file: 2.7 s with them,
# 1.7 s without). Not in the language server, whose other requests would wait for the collection after it.
@with_collector_paused
def check_one(
    path: str | None, root: str, data: bytes, mode: Mode, workspaces: Workspaces, overlay: bool = False
) -> FileResult:
    """One file through the engine; never raises (a crash becomes a problem).

    `overlay`: the text is not (or not yet) on disk, as with stdin: for the module index,
    the file at `path` has this text, so an import string naming it loads."""
    from ..engine import checker, source
    from ..rules import ALL_RULES
    from . import notebooks

    if notebooks.is_notebook(path):
        return notebooks.check_notebook(path, root, data, mode, workspaces)

    try:
        text = source.decode_source(data)
    except source.UndecodableSource as error:
        return FileResult(path, problems=[Problem(str(error), path)])
    file_path = Path(os.path.abspath(path)) if path else None
    workspace = workspaces.for_root(root)
    if overlay and file_path is not None:
        workspace.open_buffers[file_path] = text
    noqa_problems = _unknown_noqa_codes(source.SourceFile(text), path, mode.known_codes)
    try:
        if mode.fix:
            from ..engine import fixing

            outcome = fixing.fix_text(text, file_path, workspace, ALL_RULES, mode.unsafe_fixes, mode.timeout)
            return FileResult(
                path,
                outcome.findings,
                outcome.problems + noqa_problems,
                outcome.text if outcome.applied else None,
                outcome.applied,
                tuple(str(dependency) for dependency in outcome.dependencies),
                outcome.timed_out,
            )
        # The diff cache lets jedi reuse the tree parsed for the rules instead of parsing again.
        result = checker.check_text(
            text, file_path, workspace, ALL_RULES, use_diff_cache=file_path is not None, budget_seconds=mode.timeout
        )
        return FileResult(
            path,
            [finding for finding in result.findings if finding.code != checker.TIMEOUT_CODE],
            result.problems + noqa_problems,
            dependencies=tuple(str(dependency) for dependency in result.dependencies),
            timed_out=result.timed_out,
        )
    except Exception as error:  # one file must not take the run down
        return FileResult(
            path, problems=[Problem(f"internal error while checking: {error!r}", path, ProblemKind.INTERNAL_ERROR)]
        )


def _unknown_noqa_codes(source_file, path: str | None, known: tuple[str, ...]) -> list[Problem]:
    """`# noqa: UVI999` silences nothing: said as a warning (ruff warns the same way)."""
    if not known:
        return []
    problems = []
    for line, noqa in sorted(source_file.noqa_by_line.items()):
        for code in sorted(noqa.codes or ()):
            if code.startswith(_OUR_CODE_PREFIX) and code not in known:
                problems.append(Problem(f"line {line + 1}: `# noqa` names unknown rule code {code}", path))
    return problems


# Worker processes ---------------------------------------------------------------

_worker_workspaces: Workspaces | None = None


def _start_worker(client_settings: Settings) -> None:
    global _worker_workspaces
    _worker_workspaces = Workspaces(client_settings)
    still_files.hold_still()
    # Ctrl-C reaches the whole process group; the parent alone stops the run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_chunk(chunk: list[Job], mode: Mode) -> list[FileResult]:
    workspaces = _worker_workspaces
    assert workspaces is not None  # set by `_start_worker`, the pool's initializer, before any chunk
    return [check_one(job.source.path, job.source.root, job.data, mode, workspaces) for job in chunk]


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))  # honours CPU limits of containers and taskset
    except AttributeError:
        return os.cpu_count() or 1


def _pool_context():
    import multiprocessing

    # fork shares the already imported engine with the workers at no cost. Safe
    # because the parent has run no jedi (whose helper subprocess a child would
    # share) and no threads; only on Linux (macOS frameworks break after fork).
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


@still_files.held_still()
def check_all(
    jobs: Iterator[Job],
    mode: Mode,
    client_settings: Settings,
    processes: int,
    progress: Progress,
    cache: Cache | None = None,
) -> list[tuple[Job, FileResult]]:
    """Check jobs as the scan yields them; (job, result) pairs in scan order, each stored in `cache` as it comes.

    The pool starts as soon as enough jobs are found, so its workers warm up
    while the parent is still reading the rest of the tree; the parent stores the results the workers send
    while they check the others (it would wait for them otherwise). Meanwhile the files are held still
    (`still_files`): the folders above the checked files are asked once what they hold."""
    first = list(itertools.islice(jobs, MIN_FILES_FOR_POOL))
    if processes <= 1 or len(first) < MIN_FILES_FOR_POOL:
        everything = first + list(jobs)
        progress.total = len(everything)
        workspaces = Workspaces(client_settings)
        pairs = []
        for job in everything:
            pairs.append((job, check_one(job.source.path, job.source.root, job.data, mode, workspaces)))
            progress.advance(1)
        if cache is not None:
            store(cache, pairs)
        return pairs
    # Imported only here: most runs (and every unchanged re-run) need no pool.
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    # Forked workers inherit what the parent loaded: building the parser's
    # grammar (~40 ms) and importing the rules happen once here instead of once in every worker.
    from ..engine import commands, source, workspace
    from ..rules import ALL_RULES  # noqa: F401

    _ = source.SourceFile("").tree
    commands.import_readers((Path(job.source.path), job.data) for job in first)  # ruamel for a compose file...
    workspace.collect_sys_paths()  # no subprocess of ours runs across the fork; the workers inherit the answers
    # What the parent built lives as long as the workers: their collections need not walk it (nor copy its pages).
    gc.freeze()
    chunks: list[list[Job]] = []
    by_chunk: dict[int, list[FileResult]] = {}
    pool = ProcessPoolExecutor(
        processes, mp_context=_pool_context(), initializer=_start_worker, initargs=(client_settings,)
    )
    try:
        futures = {}
        for chunk in _chunks(itertools.chain(first, jobs), CHUNK_SIZE):
            futures[pool.submit(_check_chunk, chunk, mode)] = len(chunks)
            chunks.append(chunk)
        progress.total = sum(len(chunk) for chunk in chunks)
        for future in as_completed(futures):
            index = futures[future]
            try:
                by_chunk[index] = future.result()
            except BrokenProcessPool as error:
                by_chunk[index] = [
                    FileResult(
                        job.source.path,
                        problems=[
                            Problem(f"a worker process died: {error}", job.source.path, ProblemKind.INTERNAL_ERROR)
                        ],
                    )
                    for job in chunks[index]
                ]
            if cache is not None:
                store(cache, zip(chunks[index], by_chunk[index], strict=True))
            progress.advance(len(chunks[index]))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: do not wait for the queued files
        raise
    pool.shutdown()
    return [pair for index, chunk in enumerate(chunks) for pair in zip(chunk, by_chunk[index], strict=True)]


def _chunks(jobs: Iterator[Job], size: int) -> Iterator[list[Job]]:
    while chunk := list(itertools.islice(jobs, size)):
        yield chunk


class Progress:
    """A one-line bar on stderr, shown only on a terminal and only once the run
    has lasted `delay` seconds: short runs and CI logs stay clean. `total` is
    set once the scan has counted the files to analyse."""

    def __init__(self, stream: TextIO | None = None, delay: float = 1.0, width: int = 30):
        self.total = 0
        self._stream = stream if stream is not None else sys.stderr
        self._on_terminal = self._stream.isatty()
        self._delay = delay
        self._width = width
        self._started = time.monotonic()
        self._last_drawn = 0.0
        self._done = 0
        self._shown = False

    def advance(self, count: int) -> None:
        self._done += count
        if not self._on_terminal or not self.total:
            return
        now = time.monotonic()
        if now - self._started < self._delay or (now - self._last_drawn < 0.1 and self._done < self.total):
            return
        filled = self._width * self._done // self.total
        self._stream.write(f"\r[{'#' * filled}{'.' * (self._width - filled)}] {self._done}/{self.total} files")
        self._stream.flush()
        self._last_drawn = now
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
