"""The language server: wires LSP messages to the engine, nothing more.

Protocol types, URIs and position encodings live here and in convert.py /
documents.py; findings and fixes come from the engine unchanged.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import glob
import hashlib
import logging
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import to_fs_path

from .. import __version__, generated_code
from ..engine import checker, config, discovery
from ..engine.model import ProblemKind
from ..engine.workspace import Workspace
from ..rules import RULES_BY_CODE
from . import convert, features, fix_all, notebooks, workspace_diagnostics
from .analysis import REQUEST_WAIT, Analysis, Analyzer, NotReady
from .documents import Lines, OpenDocument

log = logging.getLogger("uvicorn_lsp")

SETTINGS_SECTION = "uvicorn-lsp"
FIX_ALL_KIND = "source.fixAll.uvicorn-lsp"
# A module edit re-checks its dependents once typing pauses this long.
DEPENDENTS_DELAY = 0.3
# A refresh makes the client pull every open document again: one is sent once the documents waiting for it are
# analysed, or this long after the first of them, not one per document.
REFRESH_AT_MOST_AFTER = 0.5
# Seconds one analysis may take before it stops and publishes what it found (setting analysisTimeout).
DEFAULT_ANALYSIS_TIMEOUT = 5.0
TIMEOUT_SETTING = "analysisTimeout"
# How long a code action the user asked for (Ctrl+.) waits for the newest text's analysis: requests
# answer within a second, and the client does not ask again. Half of it is left for the answer itself: the
# analysis thread holds the GIL in turns with the event loop, and a loaded machine slows both (0.7 s here
# answered in 0.72-0.74 s on a quiet one, and past the second once under load).
INVOKED_ACTION_WAIT = 0.5
# Seconds after the request by which the fix-all action's passes must be done (else its first pass is offered).
FIX_ALL_DEADLINE = 0.7
# Seconds a request that lists the workspace's files waits for the editor's settings asked for at start.
SETTINGS_WAIT = 1.0


class ServerCancelled(JsonRpcException):
    """LSP's ServerCancelled: the server gave up on the request; retriggerRequest asks the client to send it again."""

    CODE = -32802


class _WithoutExpectedAnswerTraces(logging.Filter):
    """pygls logs every error answer with its traceback; ServerCancelled and InvalidParams (a rename to a name
    code cannot bind) are expected answers, not faults."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], (ServerCancelled, JsonRpcInvalidParams)))


logging.getLogger("pygls.protocol.json_rpc").addFilter(_WithoutExpectedAnswerTraces())


class _Protocol(LanguageServerProtocol):
    """pygls' built-in document sync, minus its own copy of the text.

    Its copy splits lines like str.splitlines (also at U+2028 and form feeds) and, on
    positions past such a line's end, clamps them *in the params object*, which
    would corrupt our edit too. Our OpenDocument is the only copy."""

    def _forward(self, method: str, params):
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        yield from self._forward(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        yield from self._forward(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        yield from self._forward(types.TEXT_DOCUMENT_DID_CLOSE, params)

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args):
        """Ends the process at once: an analysis still running on the worker thread must not keep it alive."""
        yield from self._forward(types.EXIT, args[0] if args else None)
        logging.shutdown()
        sys.stdout.flush()
        os._exit(0 if self._shutdown else 1)


class UvicornLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "uvicorn-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
            notebook_document_sync=notebooks.SYNC_OPTIONS,
        )
        self.documents: dict[str, OpenDocument] = {}
        self.analyzer = Analyzer(
            self.documents,
            self.workspace_for,
            self._on_analysis,
            self._on_analysis_failure,
            self.analysis_timeout,
            self.settings_known,
        )
        self.initialization_settings: dict[str, Any] = {}
        self.folder_settings: dict[Path, dict[str, Any]] = {}
        self._first_settings_pulled = asyncio.Event()  # set once `initialized` has asked for the folders' settings
        self._workspaces: dict[tuple[Path, Path], Workspace] = {}  # by project root and settings scope
        self._shown_problems: set[str] = set()
        self._shown_internal_errors: set[str] = set()  # URIs
        self._needs_refresh: set[str] = set()
        self._refresh_timer: asyncio.TimerHandle | None = None
        self._dependents_timer: asyncio.TimerHandle | None = None
        self._changed_modules: set[Path] = set()
        # One shared mapping: every workspace sees every unsaved buffer.
        self.buffers: dict[Path, str] = {}
        self._client_log_handler: logging.Handler | None = None
        self.notebook_sync = notebooks.NotebookSync(self)

    # -- client facts -------------------------------------------------------
    @property
    def encoding(self) -> str:
        return self.workspace.position_encoding or types.PositionEncodingKind.Utf16

    @property
    def pulls_diagnostics(self) -> bool:
        document = self.client_capabilities.text_document
        return document is not None and document.diagnostic is not None

    def client_capability(self, *path: str) -> Any:
        node: Any = self.client_capabilities
        for name in path:
            node = getattr(node, name, None)
            if node is None:
                return None
        return node

    def client_supports(self, *path: str) -> bool:
        return bool(self.client_capability(*path))

    # -- workspaces and settings -------------------------------------------
    def folder_roots(self) -> list[Path]:
        roots = []
        for folder in self.workspace.folders.values():
            path = to_fs_path(folder.uri)
            if path:
                roots.append(Path(path))
        if not roots and self.workspace.root_path:
            roots.append(Path(self.workspace.root_path))
        return roots

    def folders_with_settings(self) -> list[tuple[Path, config.Settings]]:
        return [(root, self.workspace_for(root).client_settings) for root in self.folder_roots()]

    def first_settings_pulled(self) -> None:
        self._first_settings_pulled.set()

    async def settings_known(self) -> None:
        """Wait (a second at most, once) for the editor's settings asked for at `initialized`."""
        if self._first_settings_pulled.is_set():
            return
        try:
            await asyncio.wait_for(self._first_settings_pulled.wait(), SETTINGS_WAIT)
        except TimeoutError:
            log.warning("the editor's settings did not come within %s s: using those known", SETTINGS_WAIT)
            # Once: an editor that never answers must not cost every later analysis a second. Settings that still
            # come re-analyse what they change (`refresh_settings`).
            self._first_settings_pulled.set()

    def workspace_for(self, path: Path | None) -> Workspace:
        """The file's project as `uvicorn-lsp check` finds it (the nearest folder with a pyproject.toml,
        .git or setup.py), so both fronts judge it alike; the settings of the workspace folder it is in."""
        folder = self._folder_of(path)
        if path is None:
            root = Path.cwd()
        elif folder is None:
            root = Path(discovery.project_root(str(path)))
        else:
            root = Path(discovery.project_root_in(str(path), str(folder)))
        settings_scope = folder if folder is not None else root
        workspace = self._workspaces.get((root, settings_scope))
        if workspace is None:
            workspace = Workspace(root, self._client_settings(settings_scope))
            workspace.open_buffers = self.buffers
            self._workspaces[(root, settings_scope)] = workspace
        return workspace

    def _folder_of(self, path: Path | None) -> Path | None:
        """The innermost workspace folder holding `path`: whose settings apply to it."""
        folders = [root for root in self.folder_roots() if path is not None and path.is_relative_to(root)]
        return max(folders, key=lambda r: len(r.parts)) if folders else None

    def log_to_client(self) -> None:
        """Forward our log records as window/logMessage (needs the running loop)."""
        if self._client_log_handler is None:
            self._client_log_handler = _ClientLogHandler(self, asyncio.get_running_loop())
            log.addHandler(self._client_log_handler)

    def _client_settings(self, root: Path) -> config.Settings:
        merged = {
            **_known_settings(self.initialization_settings),
            **_known_settings(self.folder_settings.get(root, {})),
        }
        settings, problems = config.settings_from_mapping(merged, "editor settings")
        problems += config.unknown_rule_codes(settings, RULES_BY_CODE, where="editor settings")
        for problem in problems:
            self.show_problem_once(problem.message)
        # A file pattern with a `/` is relative to the folder whose settings name it (the engine would take it
        # relative to the file's pyproject.toml, where there is one; per-file ones matched nothing where there is none).
        return dataclasses.replace(
            settings,
            per_file_ignores={
                _anchored_pattern(pattern, root): codes for pattern, codes in settings.per_file_ignores.items()
            },
            include=None if settings.include is None else _anchored_patterns(settings.include, root),
            extend_include=_anchored_patterns(settings.extend_include, root),
        )

    def analysis_timeout(self, document: OpenDocument) -> float:
        """The `analysisTimeout` setting of the document's workspace folder (else the initial one), in seconds."""
        # The folder's, not the file's project's: a service with its own pyproject.toml in a monorepo.
        scope = self._folder_of(document.path) or self.workspace_for(document.path).root
        for values in (self.folder_settings.get(scope, {}), self.initialization_settings):
            value = values.get(TIMEOUT_SETTING)
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                return float(value)
            self.show_problem_once(
                f"editor settings: {TIMEOUT_SETTING} must be a positive number of seconds, not {value!r}; "
                f"using {DEFAULT_ANALYSIS_TIMEOUT:g}"
            )
            break
        return DEFAULT_ANALYSIS_TIMEOUT

    async def refresh_settings(self, reanalyse_unchanged: bool = True) -> None:
        """Pull `uvicorn-lsp` settings per folder, then re-check everything open (with
        `reanalyse_unchanged=False`, only when the folders' settings changed)."""
        folder_settings_before = _set_values(self.folder_settings)
        if self.client_supports("workspace", "configuration"):
            roots = self.folder_roots()
            scopes: list[str | None] = [Path(root).as_uri() for root in roots] or [None]
            try:
                results = await self.workspace_configuration_async(
                    types.ConfigurationParams(
                        items=[types.ConfigurationItem(scope_uri=scope, section=SETTINGS_SECTION) for scope in scopes]
                    )
                )
            except Exception as error:  # a client that fails the request keeps the old settings
                log.warning("workspace/configuration failed: %s", error)
                results = None
            if results is not None:
                self.folder_settings = {
                    root: value if isinstance(value, dict) else {}
                    for root, value in zip(roots or [Path.cwd()], results, strict=False)
                }
        if reanalyse_unchanged or _set_values(self.folder_settings) != folder_settings_before:
            self.reanalyse_all()

    def reanalyse_all(self) -> None:
        self._workspaces.clear()
        self._shown_problems.clear()  # settings changed: a problem they have again is news again
        for uri in self.documents:
            self._needs_refresh.add(uri)
            self.analyzer.schedule(uri)

    # -- results ------------------------------------------------------------
    def show_problem_once(self, message: str) -> None:
        if message in self._shown_problems:
            return
        self._shown_problems.add(message)
        log.warning("%s", message)
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=f"uvicorn-lsp: {message}")
        )

    def show_internal_error_once(self, uri: str, message: str) -> None:
        """An error of ours, shown once per document (the traceback is in the log)."""
        log.error("%s", message)
        if uri in self._shown_internal_errors:
            return
        self._shown_internal_errors.add(uri)
        self.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Error,
                message=f"uvicorn-lsp: {message}. Some problems may not be shown; please report this "
                "(the traceback is in the uvicorn-lsp log).",
            )
        )

    def _on_analysis_failure(self, document: OpenDocument, error: BaseException) -> None:
        self.show_internal_error_once(
            document.uri, f"the analysis of {document.uri} failed ({error!r}); its last diagnostics are kept"
        )

    def _on_analysis(self, document: OpenDocument, analysis: Analysis) -> None:
        for problem in analysis.result.problems:
            message = f"{problem.path}: {problem.message}" if problem.path else problem.message
            if problem.kind is ProblemKind.SYNTAX_ERRORS:
                continue  # the editor's Python language server shows syntax errors already
            if problem.kind is ProblemKind.INTERNAL_ERROR:
                self.show_internal_error_once(document.uri, message)
            else:
                self.show_problem_once(message)
        if self.notebook_sync.owns(document.uri):  # diagnostics go to the notebook's cells
            self.notebook_sync.publish(document, analysis)
            return
        if self.pulls_diagnostics:
            if document.uri in self._needs_refresh:
                self._needs_refresh.discard(document.uri)
                if not self._needs_refresh:
                    self._send_refresh()
                elif self._refresh_timer is None:
                    self._refresh_timer = asyncio.get_running_loop().call_later(
                        REFRESH_AT_MOST_AFTER, self._send_refresh
                    )
            return
        lines = Lines(analysis.text, self.encoding)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=document.uri,
                version=analysis.version,
                diagnostics=[convert.diagnostic(finding, lines) for finding in analysis.result.findings],
            )
        )

    def request_refresh(self) -> None:
        if self.client_supports("workspace", "diagnostics", "refresh_support"):
            self.workspace_diagnostic_refresh(None)

    def _send_refresh(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.cancel()
            self._refresh_timer = None
        self.request_refresh()

    def schedule_dependents(self, changed: set[Path], delay: float = DEPENDENTS_DELAY) -> None:
        """Re-check open documents that read one of `changed`, once edits pause."""
        self._changed_modules |= changed
        if self._dependents_timer is not None:
            self._dependents_timer.cancel()
        self._dependents_timer = asyncio.get_running_loop().call_later(delay, self._recheck_dependents)

    def _recheck_dependents(self) -> None:
        changed, self._changed_modules = self._changed_modules, set()
        self._needs_refresh.update(self.analyzer.recheck_dependents(changed))


server = UvicornLanguageServer()
features.register(server, server.notebook_sync)
workspace_diagnostics.register(server)
notebooks.register(server, server.notebook_sync)


def _set_values(folder_settings: dict[Path, dict[str, Any]]) -> dict[Path, dict[str, Any]]:
    """The folders that set something: an empty mapping sets as much as none."""
    return {root: values for root, values in folder_settings.items() if values}


def _anchored_pattern(pattern: str, folder: Path) -> str:
    if "/" not in pattern or pattern.startswith(("/", "*")):
        return pattern  # a file name, in any folder; absolute already; or a path from any folder (**/tests/*)
    return f"{glob.escape(folder.as_posix())}/{pattern.removeprefix('./')}"


def _anchored_patterns(patterns: tuple[str, ...], folder: Path) -> tuple[str, ...]:
    return tuple(_anchored_pattern(pattern, folder) for pattern in patterns)


def _known_settings(values: Any) -> dict[str, Any]:
    """Settings the engine knows, without empty values (editors send every key, often as [])."""
    if not isinstance(values, dict):
        return {}
    return {
        key: value for key, value in values.items() if config.normalise_key(key) and value not in (None, "", [], {})
    }


# -- lifecycle ---------------------------------------------------------------
@server.feature(types.INITIALIZE)
def initialize(ls: UvicornLanguageServer, params: types.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict):
        # Accept the settings themselves, or nested under the section name or "settings" (ruff's shape).
        nested = next(
            (options[key] for key in (SETTINGS_SECTION, "settings") if isinstance(options.get(key), dict)), None
        )
        ls.initialization_settings = nested if nested is not None else options
    features.withhold_unsupported(ls, params.capabilities)
    # Asking the analysed interpreter for its sys.path takes a subprocess (~0.1 s): started now, it runs
    # while the first document is parsed instead of after it (the settings pulled later may name another).
    for root in ls.folder_roots():
        workspace = ls.workspace_for(root / "__init__.py")
        threading.Thread(target=_ask_sys_path, args=(workspace,), name="uvicorn-lsp-sys-path", daemon=True).start()
        # The analysis thread loads the parser while the client answers and opens its first document.
        ls.analyzer.executor.submit(checker.prepare, workspace)


def _ask_sys_path(workspace: Workspace) -> None:
    _ = workspace.interpreter_sys_path  # cached per interpreter for the checks to come


@server.feature(types.INITIALIZED)
async def initialized(ls: UvicornLanguageServer, params: types.InitializedParams) -> None:
    ls.log_to_client()
    if ls.client_supports("workspace", "did_change_watched_files", "dynamic_registration"):
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="uvicorn-lsp-watched-files",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                # Every file and folder: a finding may rest on any of them (a Dockerfile, a
                                # compose file, a log config or certificate an option names, a folder renamed).
                                # Events for files no analysis read cost a set lookup.
                                watchers=[types.FileSystemWatcher(glob_pattern="**/*")]
                            ),
                        )
                    ]
                )
            )
        except Exception as error:
            log.warning("could not register file watchers: %s", error)
    # The classes' code is all compiled by now: kept for the next start, even if this one is killed.
    threading.Thread(target=generated_code.save, name="uvicorn-lsp-code-cache", daemon=True).start()
    # Documents opened meanwhile were analysed with the settings known at `initialize`: again only if they differ.
    await ls.refresh_settings(reanalyse_unchanged=False)
    ls.first_settings_pulled()
    for root in ls.folder_roots():
        interpreter, reason = ls.workspace_for(root / "__init__.py").choose_interpreter()
        log.info(
            "uvicorn-lsp %s: analysing %s with %s (from %s)", __version__, root, interpreter or sys.executable, reason
        )


@server.feature(types.SHUTDOWN)
def shutdown(ls: UvicornLanguageServer, params: None) -> None:
    ls.analyzer.shutdown()
    generated_code.save()  # the message converters cattrs generated for this session's requests


# -- documents ---------------------------------------------------------------
@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: UvicornLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    document = OpenDocument(item.uri, item.version, item.text)
    ls.documents[item.uri] = document
    _track_buffer(ls, document)
    ls.analyzer.schedule(item.uri)
    if document.path is not None:
        # Its buffer is now what the others read (unsaved text restored at start-up, a file just created).
        ls.schedule_dependents({document.path}, delay=0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: UvicornLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return
    for change in params.content_changes:
        document.apply(change, ls.encoding)
    document.version = params.text_document.version
    _track_buffer(ls, document)
    ls.analyzer.schedule(document.uri)
    if document.path is not None:
        ls.schedule_dependents({document.path})


@server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
def did_save(ls: UvicornLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if uri in ls.documents:
        path = ls.documents[uri].path
        if path is not None and path.name == "pyproject.toml":
            # Settings: every open file follows them (a client without file watchers says so only here).
            ls.reanalyse_all()
            return
        ls.analyzer.schedule(uri)
        if path is not None:
            ls.schedule_dependents({path}, delay=0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: UvicornLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    document = ls.documents.pop(params.text_document.uri, None)
    ls.analyzer.forget(params.text_document.uri)
    ls._shown_internal_errors.discard(params.text_document.uri)
    if document is None:
        return
    if document.path is not None:
        ls.buffers.pop(document.path, None)
        ls.schedule_dependents({document.path}, delay=0)
    if not ls.pulls_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=document.uri, diagnostics=[]))


def _track_buffer(ls: UvicornLanguageServer, document: OpenDocument) -> None:
    if document.path is not None:
        ls.buffers[document.path] = document.text


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: UvicornLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    changed: set[Path] = set()
    for event in params.changes:
        path = to_fs_path(event.uri)
        if not path:
            continue
        if Path(path).name == "pyproject.toml":
            ls.reanalyse_all()
            return
        changed.add(Path(path))
    if changed:
        ls.schedule_dependents(changed, delay=0)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: UvicornLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    if not ls.client_supports("workspace", "configuration"):
        settings = params.settings
        section = settings.get(SETTINGS_SECTION, settings) if isinstance(settings, dict) else {}
        ls.initialization_settings = section if isinstance(section, dict) else {}
    await ls.refresh_settings()


@server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
async def did_change_workspace_folders(
    ls: UvicornLanguageServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    await ls.refresh_settings()


# -- requests ----------------------------------------------------------------
@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier="uvicorn-lsp", inter_file_dependencies=True, workspace_diagnostics=False),
)
async def pull_diagnostics(ls: UvicornLanguageServer, params: types.DocumentDiagnosticParams):
    uri = params.text_document.uri
    if (cell_report := await ls.notebook_sync.pull(uri)) is not None:
        return cell_report
    try:
        analysis = await ls.analyzer.current(uri)
    except NotReady:
        # The client asks again; a refresh tells it when the analysis is done.
        ls._needs_refresh.add(uri)
        raise ServerCancelled(
            "the analysis of the newest text is not ready yet", data={"retriggerRequest": True}
        ) from None
    # A failed analysis keeps the last good diagnostics.
    analysis = analysis or ls.analyzer.latest(uri)
    if analysis is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    lines = Lines(analysis.text, ls.encoding)
    items = [convert.diagnostic(finding, lines) for finding in analysis.result.findings]
    result_id = hashlib.sha1(repr(items).encode("utf-8", "surrogatepass")).hexdigest()
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False),
)
async def code_action(ls: UvicornLanguageServer, params: types.CodeActionParams):
    asked = time.monotonic()
    uri = params.text_document.uri
    if (
        cell_actions := await ls.notebook_sync.code_actions(params, FIX_ALL_KIND, asked + FIX_ALL_DEADLINE)
    ) is not None:
        return cell_actions
    # The lightbulb's automatic asks on every cursor move stay short.
    invoked = params.context.trigger_kind == types.CodeActionTriggerKind.Invoked
    try:
        analysis = await ls.analyzer.current(uri, INVOKED_ACTION_WAIT if invoked else REQUEST_WAIT)
    except NotReady:
        return []  # never edits computed for an older text
    if analysis is None:
        return []
    lines = Lines(analysis.text, ls.encoding)
    requested = lines.range_from_client(params.range)
    edit_for = convert.EditBuilder(
        uri, analysis.version, lines, ls.client_supports("workspace", "workspace_edit", "document_changes")
    )
    actions: list[types.CodeAction] = []
    for finding in analysis.result.findings:
        if finding.range.overlaps(requested):
            actions.extend(convert.finding_actions(finding, lines, edit_for, analysis.result.source_kind))
    if fix_all.wanted(params, FIX_ALL_KIND):
        document = ls.documents.get(uri)
        whole_file = await fix_all.fix_all_action(
            ls, document.path if document else None, analysis, edit_for, FIX_ALL_KIND, asked + FIX_ALL_DEADLINE
        )
        if whole_file is not None:
            actions.append(whole_file)
    only = params.context.only
    if only:
        actions = [action for action in actions if fix_all.asked_for(action.kind or "", only)]
    return actions


@server.feature(types.TEXT_DOCUMENT_HOVER)
@notebooks.in_cells(server.notebook_sync)
async def hover(ls: UvicornLanguageServer, params: types.HoverParams):
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return None
    lines = Lines(document.text, ls.encoding)
    position = lines.from_client(params.position)
    code = _rule_code_at(lines.lines[position.line], position.character)
    if code is not None:
        return types.Hover(contents=features.hover_content(ls, RULES_BY_CODE[code].hover()))
    asked = time.monotonic()
    try:
        analysis = await ls.analyzer.current(document.uri)
    except NotReady:
        # The analysis thread is busy: no findings are known of the newest text, import strings need none;
        # what is left of the second goes to them.
        return await features.hover(ls, params, budget=max(0.1, features.CURSOR_BUDGET - (time.monotonic() - asked)))
    findings = analysis.result.findings if analysis is not None and analysis.text is document.text else []
    for finding in findings:
        if finding.range.start <= position <= finding.range.end and finding.code in RULES_BY_CODE:
            return types.Hover(
                contents=features.hover_content(
                    ls, f"{finding.message}\n\n---\n\n{RULES_BY_CODE[finding.code].hover()}"
                ),
                range=lines.range_to_client(finding.range),
            )
    return await features.hover(ls, params)


def _rule_code_at(line: str, column: int) -> str | None:
    """The rule code under the cursor in a `# noqa: ...` comment."""
    comment = line.find("#")
    if comment < 0 or column < comment:
        return None
    for match in _RULE_CODE.finditer(line, comment):
        if match.start() <= column <= match.end() and match.group() in RULES_BY_CODE:
            return match.group()
    return None


_RULE_CODE = re.compile(r"UVI[0-9]{3}")


# -- start -------------------------------------------------------------------
class _ClientLogHandler(logging.Handler):
    """Forwards log records to the client as window/logMessage, from any thread."""

    _TYPES = {
        logging.ERROR: types.MessageType.Error,
        logging.WARNING: types.MessageType.Warning,
        logging.INFO: types.MessageType.Info,
    }

    def __init__(self, ls: UvicornLanguageServer, loop: asyncio.AbstractEventLoop):
        super().__init__(logging.INFO)
        self._ls = ls
        self._loop = loop

    def emit(self, record: logging.LogRecord) -> None:
        message_type = self._TYPES.get(record.levelno, types.MessageType.Log)
        params = types.LogMessageParams(type=message_type, message=self.format(record))
        try:
            self._loop.call_soon_threadsafe(self._ls.window_log_message, params)
        except RuntimeError:  # loop closed during shutdown
            pass


def serve(log_file: Path | None = None) -> None:
    logger = logging.getLogger("uvicorn_lsp")
    logger.setLevel(logging.INFO)
    if log_file is not None:
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    # The event loop answers requests while the analysis thread computes: let it take the GIL
    # within a millisecond rather than the default five (only matters while both want it).
    sys.setswitchinterval(0.001)
    # What is imported lives as long as the server: the cycle collector's full passes need not walk it at every
    # edit (the check allocates a tree per keystroke). `serve` is called with the collector off for the imports.
    gc.freeze()
    gc.enable()
    server.start_io()
