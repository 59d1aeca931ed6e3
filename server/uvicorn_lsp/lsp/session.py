"""What the feature modules (features.py, notebooks.py, workspace_diagnostics.py) use of the running
language server: its open documents and analysis, the client's encoding and capabilities, the
workspace of a path. server.UvicornLanguageServer provides it; the feature modules see only this,
so they sit below the server instead of importing it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from lsprotocol import types
from pygls.protocol import JsonRPCProtocol
from pygls.workspace import Workspace as ClientWorkspace

from ..engine import config
from ..engine.workspace import Workspace
from .analysis import Analyzer
from .documents import OpenDocument


class Session(Protocol):
    documents: dict[str, OpenDocument]  # by URI
    analyzer: Analyzer

    @property
    def encoding(self) -> str:
        """The position encoding agreed with the client."""
        ...

    @property
    def pulls_diagnostics(self) -> bool: ...

    @property
    def protocol(self) -> JsonRPCProtocol:
        """pygls' side of the connection: its feature manager and notifications."""
        ...

    @property
    def workspace(self) -> ClientWorkspace:
        """pygls' copy of the client's notebooks and their cells."""
        ...

    def client_supports(self, *path: str) -> bool:
        """Whether the client declared the capability at `path` ("workspace", "configuration")."""
        ...

    def client_capability(self, *path: str) -> Any:
        """The value the client declared at `path` (None when it did not)."""
        ...

    def folder_roots(self) -> list[Path]: ...

    def folders_with_settings(self) -> list[tuple[Path, config.Settings]]:
        """Each workspace folder with the editor's settings for it."""
        ...

    async def settings_known(self) -> None:
        """Returns once the editor's settings asked for at start are in (or after a second)."""
        ...

    def workspace_for(self, path: Path | None) -> Workspace: ...

    def request_refresh(self) -> None:
        """Ask a client that pulls diagnostics to pull them again."""
        ...

    def text_document_publish_diagnostics(self, params: types.PublishDiagnosticsParams) -> None: ...
