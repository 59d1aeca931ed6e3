"""Reading, pre-filtering and checking many files, in-process or over processes.

The parent reads every file once and keeps only those that mention a rule's
trigger word; the rest cost a read and a substring scan. Only the few that
remain go through the engine, in worker processes when there are enough of
them to pay for starting a pool (jedi is not thread-safe: one engine per
process, never threads).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..engine import checker, source
from ..engine.config import Settings
from ..engine.model import Finding, Problem
from ..rules import ALL_RULES
from . import fixing
from .files import SourcePath, Workspaces

# Each process warms up its own jedi (0.15-0.3 s: its helper subprocess, the
# uvicorn and framework modules) before files cost ~2.5 ms each, so a second
# process pays off from about 40 files to analyse (measured on 2 cores).
MIN_FILES_FOR_POOL = 40
# Files per task sent to a worker: ~20 ms of work, so the load stays balanced
# while pickling and messages stay negligible.
CHUNK_SIZE = 8
_TRIGGERS = tuple({trigger.encode("utf-8") for rule in ALL_RULES for trigger in rule.triggers})


@dataclass(frozen=True)
class Job:
    source: SourcePath
    data: bytes


@dataclass(frozen=True)
class Mode:
    fix: bool = False  # also for --diff: compute the fixed text
    unsafe_fixes: bool = False


@dataclass
class FileResult:
    path: str | None
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fixed_text: str | None = None  # set when fixes changed the text
    applied: int = 0


def mentions_trigger(data: bytes) -> bool:
    """Could any rule fire? Trigger words are ASCII, and every encoding Python
    accepts for source keeps ASCII as it is, so the raw bytes tell."""
    return any(trigger in data for trigger in _TRIGGERS)


def read_bytes(path: str) -> bytes:
    """A file's bytes through raw descriptors: 40 % cheaper than open().read()
    over 10,000 small files, which is most of what an unrelated file costs."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        while chunk := os.read(descriptor, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def scan(sources: list[SourcePath], problems: list[Problem]) -> Iterator[Job]:
    """Read every file; yield those a rule could fire on. Unreadable and
    undecodable files go to `problems` whether or not they mention uvicorn."""
    for source_path in sources:
        try:
            data = read_bytes(source_path.path)
        except OSError as error:
            problems.append(Problem(f"cannot read: {error.strerror or error}", source_path.path))
            continue
        if mentions_trigger(data):
            yield Job(source_path, data)
        elif not data.isascii():
            try:
                source.decode_source(data)
            except source.UndecodableSource as error:
                problems.append(Problem(str(error), source_path.path))


def check_one(path: str | None, root: str, data: bytes, mode: Mode, workspaces: Workspaces) -> FileResult:
    """One file through the engine; never raises (a crash becomes a problem)."""
    try:
        text = source.decode_source(data)
    except source.UndecodableSource as error:
        return FileResult(path, problems=[Problem(str(error), path)])
    file_path = Path(path) if path else None
    workspace = workspaces.for_root(root)
    try:
        if mode.fix:
            outcome = fixing.fix_text(text, file_path, workspace, mode.unsafe_fixes)
            return FileResult(
                path, outcome.findings, outcome.problems, outcome.text if outcome.applied else None, outcome.applied
            )
        # The diff cache lets jedi reuse the tree parsed for the rules instead of parsing again.
        result = checker.check_text(text, file_path, workspace, ALL_RULES, use_diff_cache=file_path is not None)
        return FileResult(path, result.findings, result.problems)
    except Exception as error:  # one file must not take the run down
        return FileResult(
            path, problems=[Problem(f"internal error while checking: {error!r} (please report this)", path)]
        )


# Worker processes ---------------------------------------------------------------

_worker_workspaces: Workspaces | None = None


def _start_worker(client_settings: Settings) -> None:
    global _worker_workspaces
    _worker_workspaces = Workspaces(client_settings)
    # Ctrl-C reaches the whole process group; the parent alone stops the run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_chunk(chunk: list[Job], mode: Mode) -> list[FileResult]:
    return [check_one(job.source.path, job.source.root, job.data, mode, _worker_workspaces) for job in chunk]


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))  # honours CPU limits of containers and taskset
    except AttributeError:
        return os.cpu_count() or 1


def _pool_context():
    # fork shares the already imported engine with the workers at no cost. Safe
    # because the parent has run no jedi (whose helper subprocess a child would
    # share) and no threads; only on Linux (macOS frameworks break after fork).
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def check_all(
    jobs: Iterator[Job], mode: Mode, client_settings: Settings, processes: int, progress: Progress
) -> list[tuple[Job, FileResult]]:
    """Check jobs as the scan yields them; (job, result) pairs in scan order.

    The pool starts as soon as enough jobs are found, so its workers warm up
    while the parent is still reading the rest of the tree."""
    first = list(itertools.islice(jobs, MIN_FILES_FOR_POOL))
    if processes <= 1 or len(first) < MIN_FILES_FOR_POOL:
        everything = first + list(jobs)
        progress.total = len(everything)
        workspaces = Workspaces(client_settings)
        pairs = []
        for job in everything:
            pairs.append((job, check_one(job.source.path, job.source.root, job.data, mode, workspaces)))
            progress.advance(1)
        return pairs
    # Forked workers inherit what the parent loaded: building the parser's
    # grammar (~40 ms) happens once here instead of once in every worker.
    _ = source.SourceFile("").tree
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
                    FileResult(job.source.path, problems=[Problem(f"a worker process died: {error}", job.source.path)])
                    for job in chunks[index]
                ]
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
