"""Drive a real `uvicorn-lsp serve` process over stdio with pytest-lsp."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from uvicorn_lsp.engine.source import split_lines

SERVER_COMMAND = [sys.executable, "-m", "uvicorn_lsp", "serve"]


@dataclass(frozen=True)
class Published:
    """One textDocument/publishDiagnostics the client received, and when (time.monotonic())."""

    at: float
    uri: str
    version: int | None
    diagnostics: list[types.Diagnostic]


def _recording_client(configuration_answers: bool = True) -> LanguageClient:
    """pytest-lsp's client, also keeping every publishDiagnostics in order in `client.published`; with
    `configuration_answers=False`, an editor that never answers workspace/configuration."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []

    def publish_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(Published(time.monotonic(), params.uri, params.version, list(params.diagnostics)))

    client.answer_configuration = asyncio.Event()  # set by a test to let an unanswered request end

    async def never_answer(params: types.ConfigurationParams) -> list[Any]:
        await client.answer_configuration.wait()
        return []

    features = {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish_diagnostics}
    if not configuration_answers:
        features[types.WORKSPACE_CONFIGURATION] = never_answer
    register_lsp_features(client, features)
    return client


def capabilities(
    *, pull: bool = False, encoding: str | None = None, configuration: bool = True
) -> types.ClientCapabilities:
    """A client like a real editor: push or pull diagnostics, one position encoding."""
    return types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            configuration=configuration,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=False),
            diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True) if pull else None,
            workspace_folders=True,
        ),
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(value_set=["quickfix", "source"])
                ),
                is_preferred_support=True,
            ),
            diagnostic=types.DiagnosticClientCapabilities() if pull else None,
        ),
        general=types.GeneralClientCapabilities(position_encodings=[encoding]) if encoding else None,
    )


@asynccontextmanager
async def lsp_session(
    root: Path,
    *,
    client_capabilities: types.ClientCapabilities | None = None,
    initialization_options: Any = None,
    configuration: dict | None = None,
    env: dict[str, str] | None = None,
    server_command: list[str] | None = None,
    configuration_answers: bool = True,
) -> AsyncIterator[LanguageClient]:
    config = ClientServerConfig(
        server_command=server_command or SERVER_COMMAND,
        server_env={**os.environ, **(env or {})},
        client_factory=lambda: _recording_client(configuration_answers),
    )
    client = await config.start()
    if configuration is not None:
        client.set_configuration(configuration, section="uvicorn-lsp")
    client.encoding = (
        client_capabilities.general.position_encodings[0]
        if client_capabilities and client_capabilities.general
        else "utf-16"
    )
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities or capabilities(),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=initialization_options,
        )
    )
    try:
        yield client
    finally:
        if client._server is not None and client._server.returncode is None:  # a test may have ended it
            await client.shutdown_session()
        await client.stop()


def check_json(root: Path, expected_status: int = 1) -> list[dict]:
    """`uvicorn-lsp check --format json .` in `root` (no cache), as the acceptance suite runs it: its rows."""
    done = subprocess.run(
        [sys.executable, "-m", "uvicorn_lsp", "check", "--no-cache", "--format", "json", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == expected_status, done.stderr
    return json.loads(done.stdout)


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def open_file(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python",
                version=version,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return uri


def replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def wait_for_diagnostics(
    client: LanguageClient,
    uri: str,
    predicate: Callable[[list[types.Diagnostic]], bool] = bool,
    timeout: float = 15.0,
) -> list[types.Diagnostic]:
    """Pushed diagnostics of `uri` once `predicate` holds for them."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        current = list(client.diagnostics.get(uri, ()))
        if uri in client.diagnostics and predicate(current):
            return current
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no matching diagnostics for {uri} within {timeout}s; last: {current}")
        await asyncio.sleep(0.02)


SERVER_CANCELLED = -32802


async def pull_diagnostics(client: LanguageClient, uri: str, timeout: float = 30.0) -> list[types.Diagnostic]:
    """Pull a full report, asking again while the server answers ServerCancelled with retriggerRequest
    (as editors do: the server answers within a second even while the analysis runs)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            report = await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
            )
            return list(report.items)
        except JsonRpcException as error:
            if error.code != SERVER_CANCELLED or error.data != {"retriggerRequest": True}:
                raise
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no diagnostics for {uri} within {timeout}s") from error


async def code_actions(
    client: LanguageClient, uri: str, where: types.Range, only: list[str] | None = None
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=where,
            context=types.CodeActionContext(diagnostics=[], only=only),
        )
    )
    return list(result or [])


def _offset(text: str, position: types.Position, encoding: str) -> int:
    lines = split_lines(text)
    offset = 0
    for number in range(position.line):
        offset += len(lines[number]) + (2 if text.startswith("\r\n", offset + len(lines[number])) else 1)
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for index, char in enumerate(line):
        if units >= position.character:
            return offset + index
        units += len(char.encode("utf-8")) if encoding == "utf-8" else len(char.encode("utf-16-le")) // 2
    return offset + len(line)


def apply_workspace_edit(text: str, edit: types.WorkspaceEdit, uri: str, encoding: str = "utf-16") -> str:
    """Apply a server's WorkspaceEdit to `text` the way a client does."""
    if edit.document_changes:
        edits = [e for change in edit.document_changes if change.text_document.uri == uri for e in change.edits]
    else:
        edits = list((edit.changes or {}).get(uri, []))
    located = [
        (_offset(text, e.range.start, encoding), _offset(text, e.range.end, encoding), e.new_text) for e in edits
    ]
    for start, end, new_text in sorted(located, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


async def apply_action(client: LanguageClient, uri: str, text: str, action: types.CodeAction, version: int) -> str:
    """Apply a code action's edit locally and send it to the server as the next version."""
    new_text = apply_workspace_edit(text, action.edit, uri, client.encoding)
    replace_all(client, uri, new_text, version)
    return new_text


SAMPLE = """
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    uvicorn.run(app, reload=True)
"""
