"""Runs the engine off the event loop, one document version at a time.

Every engine call (and so every jedi call) runs on one dedicated thread:
jedi is not thread-safe, and pygls' own pool also reads stdin. A lone edit is
analysed at once; while an analysis runs, further edits only mark the
document dirty, and the newest text is analysed next (bursts coalesce,
stale results are dropped).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..engine import checker
from ..engine.checker import CheckResult
from ..engine.workspace import Workspace
from ..rules import ALL_RULES
from .documents import OpenDocument

log = logging.getLogger(__name__)


@dataclass
class Analysis:
    version: int
    text: str
    result: CheckResult


@dataclass
class _State:
    running: asyncio.Task | None = None
    dirty: bool = False
    latest: Analysis | None = None
    stale: bool = False  # a file it read has changed since
    waiters: list[asyncio.Future] = field(default_factory=list)


class Analyzer:
    def __init__(
        self,
        documents: dict[str, OpenDocument],
        workspace_for: Callable[[Path | None], Workspace],
        on_result: Callable[[OpenDocument, Analysis], Awaitable[None] | None],
    ):
        self._documents = documents
        self._workspace_for = workspace_for
        self._on_result = on_result
        self._states: dict[str, _State] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="uvicorn-lsp-analysis")

    def schedule(self, uri: str) -> None:
        state = self._states.setdefault(uri, _State())
        if state.running is not None and not state.running.done():
            state.dirty = True
            return
        state.dirty = False
        state.running = asyncio.get_running_loop().create_task(self._run(uri, state))

    async def current(self, uri: str) -> Analysis | None:
        """The analysis of the document's newest text, waiting for it if needed."""
        document = self._documents.get(uri)
        if document is None:
            return None
        state = self._states.setdefault(uri, _State())
        latest = state.latest
        if (
            latest is not None
            and not state.stale
            and latest.version == document.version
            and latest.text is document.text
        ):
            return latest
        waiter = asyncio.get_running_loop().create_future()
        state.waiters.append(waiter)
        self.schedule(uri)
        return await waiter

    def latest(self, uri: str) -> Analysis | None:
        state = self._states.get(uri)
        return state.latest if state else None

    def forget(self, uri: str) -> None:
        state = self._states.pop(uri, None)
        if state is not None:
            for waiter in state.waiters:
                if not waiter.done():
                    waiter.set_result(None)

    async def run_on_worker(self, function, *args):
        """Run engine code on the analysis thread (jedi lives there)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    async def _run(self, uri: str, state: _State) -> None:
        while True:
            document = self._documents.get(uri)
            if document is None:
                return
            version, text = document.version, document.text
            workspace = self._workspace_for(document.path)
            try:
                result = await self.run_on_worker(checker.check_text, text, document.path, workspace, ALL_RULES, True)
            except Exception:  # the engine already guards rules; this is the last line
                log.exception("analysis of %s failed", uri)
                result = CheckResult()
            current = self._documents.get(uri)
            if current is None or self._states.get(uri) is not state:
                return  # closed meanwhile
            if state.dirty or current.version != version or current.text is not text:
                state.dirty = False
                continue  # a newer text arrived: this result is stale
            state.latest = Analysis(version, text, result)
            state.stale = False
            waiters, state.waiters = state.waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(state.latest)
            outcome = self._on_result(current, state.latest)
            if asyncio.iscoroutine(outcome):
                await outcome
            return

    def recheck_dependents(self, changed: set[Path]) -> list[str]:
        """Re-analyse open documents whose last analysis read one of `changed`; returns their URIs."""
        dependents = [
            uri
            for uri, state in self._states.items()
            if state.latest is not None and state.latest.result.dependencies & changed
        ]
        for uri in dependents:
            self._states[uri].stale = True
            self.schedule(uri)
        return dependents

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
