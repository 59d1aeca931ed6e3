"""Runs the engine off the event loop, newest text first, and never makes a request wait long.

Every engine call (and so every jedi call) runs on one dedicated thread: jedi is
not thread-safe, and pygls' own pool also reads stdin. A lone edit is analysed at
once. An edit that arrives while its document is being analysed asks that check to
stop (cooperatively: between rules and at the engine's check points; a parso parse
runs to its end), and the newest text is analysed next, so a burst coalesces and a
huge paste does not hold up the text typed after it. A check over its time budget
stops and its partial result is published with a note saying what was skipped.
Requests wait at most `REQUEST_WAIT` seconds for the newest text's analysis.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import checker
from ..engine.checker import CheckResult
from ..engine.context import Cancelled
from ..engine.workspace import Workspace
from ..rules import ALL_RULES
from .documents import OpenDocument

log = logging.getLogger(__name__)

# How long a request waits for the analysis of the newest text before answering without it
# (requests must be answered within a second; the event loop shares the GIL with the analysis).
REQUEST_WAIT = 0.3


class NotReady(Exception):
    """The newest text's analysis did not finish within REQUEST_WAIT."""


@dataclass
class Analysis:
    version: int
    text: str
    result: CheckResult


@dataclass
class _State:
    running: asyncio.Task | None = None
    stop: threading.Event = field(default_factory=threading.Event)  # asks the running check to stop
    dirty: bool = False
    latest: Analysis | None = None  # the newest analysis that completed (its text may be older)
    stale: bool = False  # a file it read has changed since
    waiters: list[asyncio.Future] = field(default_factory=list)


class Analyzer:
    def __init__(
        self,
        documents: dict[str, OpenDocument],
        workspace_for: Callable[[Path | None], Workspace],
        on_result: Callable[[OpenDocument, Analysis], None],
        on_failure: Callable[[OpenDocument, BaseException], None],
        budget_for: Callable[[OpenDocument], float | None],
        settings_known: Callable[[], Awaitable[None]] | None = None,
    ):
        self._documents = documents
        self._settings_known = settings_known
        self._workspace_for = workspace_for
        self._on_result = on_result
        self._on_failure = on_failure
        self._budget_for = budget_for
        self._states: dict[str, _State] = {}
        self._closing = False
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="uvicorn-lsp-analysis")

    def schedule(self, uri: str) -> None:
        state = self._states.setdefault(uri, _State())
        if state.running is not None and not state.running.done():
            state.dirty = True
            state.stop.set()  # the running check is for an older text (or stale inputs)
            return
        state.dirty = False
        state.running = asyncio.get_running_loop().create_task(self._run(uri, state))

    def is_current(self, uri: str, analysis: Analysis) -> bool:
        """Whether `analysis` is of the document's newest text and still valid."""
        document = self._documents.get(uri)
        state = self._states.get(uri)
        return (
            document is not None
            and state is not None
            and not state.stale
            and analysis.version == document.version
            and analysis.text is document.text
        )

    async def current(self, uri: str, wait: float = REQUEST_WAIT) -> Analysis | None:
        """The analysis of the document's newest text, waiting at most `wait` seconds for it.

        None when the document is not open or its analysis failed; NotReady when it takes longer."""
        if uri not in self._documents:
            return None
        state = self._states.setdefault(uri, _State())
        if state.latest is not None and self.is_current(uri, state.latest):
            return state.latest
        waiter = asyncio.get_running_loop().create_future()
        state.waiters.append(waiter)
        if state.running is None or state.running.done():
            self.schedule(uri)  # a running analysis goes on to the newest text itself: asking must not restart it
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), wait)
        except asyncio.TimeoutError:
            raise NotReady from None

    def latest(self, uri: str) -> Analysis | None:
        state = self._states.get(uri)
        return state.latest if state else None

    def forget(self, uri: str) -> None:
        state = self._states.pop(uri, None)
        if state is not None:
            state.stop.set()
            _resolve(state.waiters, None)

    async def run_on_worker(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run engine code on the analysis thread (jedi lives there)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    async def _run(self, uri: str, state: _State) -> None:
        if self._settings_known is not None:
            await self._settings_known()  # the editor's settings first: no finding it turned off is ever shown
        while not self._closing:
            document = self._documents.get(uri)
            if document is None or self._states.get(uri) is not state:
                return  # closed meanwhile
            version, text = document.version, document.text
            state.dirty = False
            state.stop = stop = threading.Event()
            workspace = self._workspace_for(document.path)
            started = time.monotonic()
            try:
                result = await self.run_on_worker(
                    checker.check_text,
                    text,
                    document.path,
                    workspace,
                    ALL_RULES,
                    True,
                    stop.is_set,
                    self._budget_for(document),
                    False,  # the server does not show the syntax-errors note (the editor shows syntax errors)
                    # Kept when this edit cannot change it, if nothing else it was computed from has changed.
                    state.latest.result if state.latest is not None and not state.stale else None,
                )
            except Cancelled:  # a newer text (or a closed document): loop to the newest
                elapsed = time.monotonic() - started
                log.log(
                    logging.INFO if elapsed > 1 else logging.DEBUG,
                    "stopped the analysis of %s version %s after %.1f s: a newer version arrived",
                    uri,
                    version,
                    elapsed,
                )
                continue
            except Exception as error:  # the engine guards each rule; this is the check as a whole
                log.exception("analysis of %s (version %s) failed", uri, version)
                if self._is_newest(uri, state, version, text):
                    _resolve(state.waiters, None)
                    self._on_failure(document, error)
                    return  # the last good analysis stays
                continue
            if not self._is_newest(uri, state, version, text):
                continue  # a newer text arrived: this result is stale
            state.latest = Analysis(version, text, result)
            state.stale = False
            _resolve(state.waiters, state.latest)
            self._on_result(document, state.latest)
            return

    def _is_newest(self, uri: str, state: _State, version: int, text: str) -> bool:
        current = self._documents.get(uri)
        return (
            current is not None
            and self._states.get(uri) is state
            and not state.dirty
            and current.version == version
            and current.text is text
        )

    def recheck_dependents(self, changed: set[Path]) -> list[str]:
        """Re-analyse open documents whose last analysis read one of `changed`; returns their URIs. A document's
        own text is not one: its analysis read the text it was run for (a module naming itself in an import
        string lists its own path)."""
        dependents = [
            uri
            for uri, state in self._states.items()
            if state.latest is not None and _touched(state.latest.result.dependencies - {self._path_of(uri)}, changed)
        ]
        for uri in dependents:
            self._states[uri].stale = True
            self.schedule(uri)
        return dependents

    def _path_of(self, uri: str) -> Path | None:
        document = self._documents.get(uri)
        return document.path if document is not None else None

    def shutdown(self) -> None:
        self._closing = True
        for state in self._states.values():
            state.stop.set()
            _resolve(state.waiters, None)
        self.executor.shutdown(wait=False, cancel_futures=True)


def _touched(dependencies: set[Path], changed: set[Path]) -> bool:
    """Whether one of the files an analysis read, or a folder it lies in (renamed or deleted whole: editors
    report one event for the folder), is among `changed`."""
    return bool(dependencies & changed) or any(
        parent in changed for dependency in dependencies for parent in dependency.parents
    )


def _resolve(waiters: list[asyncio.Future], analysis: Analysis | None) -> None:
    pending, waiters[:] = list(waiters), []
    for waiter in pending:
        if not waiter.done():
            waiter.set_result(analysis)
