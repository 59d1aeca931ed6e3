"""`workspace/diagnostic`: the findings of every file of the workspace, open or not.

With a partial result token, the reports are streamed batch by batch as `$/progress`.
A file's result id is a digest of the diagnostics it would get: a client that
sends it back as a previous result id gets an Unchanged report when nothing
changed, so only the files whose problems changed travel again. Files are the
ones `uvicorn-lsp check` would read (same excludes), open ones with their unsaved
text; they are checked in batches on the analysis thread, so the request can be
cancelled between two batches.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ..engine import checker
from ..engine.workspace import Workspace
from ..rules import ALL_RULES
from . import convert
from .documents import Lines
from .features import workspace_files

if TYPE_CHECKING:
    from cattrs import Converter

    from .session import Session

# Closed files checked per trip to the analysis thread.
BATCH = 25


@functools.cache
def _converter() -> Converter:
    """Built when a partial result is first streamed: building it costs tens of ms at every start."""
    from lsprotocol.converters import get_converter

    return get_converter()


_Report = types.WorkspaceFullDocumentDiagnosticReport | types.WorkspaceUnchangedDocumentDiagnosticReport


def result_id(diagnostics: list[types.Diagnostic]) -> str:
    return hashlib.sha256(repr(diagnostics).encode("utf-8")).hexdigest()[:20]


def _check_files(batch: list[tuple[Path, Workspace]]) -> list[tuple[Path, str, checker.CheckResult]]:
    """Each file's current text (an open document's buffer wins) and findings."""
    checked = []
    for path, workspace in batch:
        text = workspace.read_module(path)
        if text is not None:  # unreadable or undecodable: `check` reports it; nothing to show here
            checked.append((path, text, checker.check_text(text, path, workspace, ALL_RULES)))
    return checked


async def workspace_diagnostic(ls: Session, params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
    previous = {item.uri: item.value for item in params.previous_result_ids}
    await ls.settings_known()  # a pull right after start would list files with the defaults
    paths = await ls.analyzer.run_on_worker(workspace_files, ls.folders_with_settings())
    reports: list[_Report] = []

    def report(uri: str, version: int | None, text: str, result: checker.CheckResult) -> None:
        lines = Lines(text, ls.encoding)
        diagnostics = [convert.diagnostic(finding, lines) for finding in result.findings]
        digest = result_id(diagnostics)
        if previous.get(uri) == digest:
            reports.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, version=version, result_id=digest))
        else:
            reports.append(
                types.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri, version=version, items=diagnostics, result_id=digest
                )
            )

    files = [(path, ls.workspace_for(path)) for path in paths]
    token = params.partial_result_token
    for start in range(0, len(files), BATCH):
        for path, text, result in await ls.analyzer.run_on_worker(_check_files, files[start : start + BATCH]):
            uri = path.as_uri()
            document = ls.documents.get(uri)
            report(uri, document.version if document is not None and document.text == text else None, text, result)
        if token is not None and reports:
            # Streamed as each batch is done; the response then carries nothing more (the spec's rule).
            partial = types.WorkspaceDiagnosticReportPartialResult(items=reports)
            ls.protocol.notify(
                types.PROGRESS, types.ProgressParams(token=token, value=_converter().unstructure(partial))
            )
            reports = []
    return types.WorkspaceDiagnosticReport(items=reports)


def register(server: LanguageServer) -> None:
    server.feature(types.WORKSPACE_DIAGNOSTIC)(workspace_diagnostic)
