"""Editor features on import strings: completion, definition, links, hover, renames.

Thin: positions are converted here and every question goes to engine/import_strings.py.
Questions under the cursor are answered from the syntax alone on a thread of their own,
so an analysis that keeps the analysis thread busy for seconds (jedi, cold caches)
does not hold them up. Renames ask jedi for references: they run on the analysis
thread (jedi lives there). Every wait is bounded, so the editor is never frozen.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from ..engine import config, import_strings
from ..engine.context import RuleContext
from ..engine.model import Position, Range
from ..engine.workspace import Workspace
from . import notebooks
from .documents import Lines, OpenDocument

if TYPE_CHECKING:
    from .session import Session

log = logging.getLogger(__name__)

TRIGGER_CHARACTERS = ['"', "'", ".", ":", "-"]
# How long a cursor question may wait for its answer (a huge text's parse, a slow jedi query): half the second
# requests are answered within, the rest left for answering on a loaded machine.
CURSOR_BUDGET = 0.5
# Renames read every file of the workspace and ask jedi for references.
WORKSPACE_BUDGET = 30.0
_QUOTES = "\"'"

_KINDS = {
    import_strings.Kind.APP: types.CompletionItemKind.Variable,
    import_strings.Kind.FACTORY: types.CompletionItemKind.Function,
    import_strings.Kind.FUNCTION: types.CompletionItemKind.Function,
    import_strings.Kind.CLASS: types.CompletionItemKind.Class,
    import_strings.Kind.VARIABLE: types.CompletionItemKind.Variable,
    import_strings.Kind.MODULE: types.CompletionItemKind.Module,
    import_strings.Kind.KEYWORD: types.CompletionItemKind.Property,
    import_strings.Kind.IMPORTED: types.CompletionItemKind.Reference,
    import_strings.Kind.FLAG: types.CompletionItemKind.Property,
    import_strings.Kind.VALUE: types.CompletionItemKind.EnumMember,
}

# Each feature and the client capability without which the client cannot use it.
_CLIENT_NEEDS = {
    types.TEXT_DOCUMENT_COMPLETION: ("text_document", "completion"),
    types.TEXT_DOCUMENT_DEFINITION: ("text_document", "definition"),
    types.TEXT_DOCUMENT_DECLARATION: ("text_document", "declaration"),
    types.TEXT_DOCUMENT_DOCUMENT_LINK: ("text_document", "document_link"),
    types.TEXT_DOCUMENT_RENAME: ("text_document", "rename"),
    types.TEXT_DOCUMENT_PREPARE_RENAME: ("text_document", "rename", "prepare_support"),
    types.WORKSPACE_DIAGNOSTIC: ("text_document", "diagnostic"),
}

T = TypeVar("T")

# One thread for the syntax-only questions under the cursor (never jedi, never parso's diff cache).
_CURSOR_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="uvicorn-lsp-cursor")


def withhold_unsupported(ls: Session, capabilities: types.ClientCapabilities) -> None:
    """Drop the features the client did not declare before pygls computes the server's capabilities."""
    manager = ls.protocol.fm
    for method, path in _CLIENT_NEEDS.items():
        node: Any = capabilities
        for name in path:
            node = getattr(node, name, None)
        if not node:
            manager.features.pop(method, None)
            manager.feature_options.pop(method, None)


async def _ask(
    ls: Session,
    uri: str,
    question: Callable[[RuleContext, Position], T],
    position: types.Position,
    budget: float = CURSOR_BUDGET,
    with_jedi: bool = False,
) -> tuple[T, Lines] | None:
    """`question(ctx, position)` about the document's current text: from the syntax alone on the
    cursor thread, or `with_jedi` on the analysis thread."""
    document = ls.documents.get(uri)
    if document is None:
        return None
    text, path = document.text, document.path
    lines = Lines(text, ls.encoding)
    engine_position = lines.from_client(position)
    workspace = ls.workspace_for(path)

    def work() -> T:
        parse = import_strings.parse if with_jedi else import_strings.parse_syntax_only
        return question(parse(text, path, workspace), engine_position)

    if with_jedi:
        answer = await _on_worker(ls, work, budget, uri)
    else:
        answer = await _within(asyncio.get_running_loop().run_in_executor(_CURSOR_THREAD, work), budget, uri)
    return None if answer is None else (answer, lines)


async def _on_worker(ls: Session, work: Callable[[], T], budget: float, what: str) -> T | None:
    return await _within(ls.analyzer.run_on_worker(work), budget, what)


async def _within(running: Awaitable[T], budget: float, what: str) -> T | None:
    try:
        return await asyncio.wait_for(running, budget)
    except TimeoutError:
        log.warning("no answer about %s within %.1f s", what, budget)
        return None


def _empty() -> types.CompletionList:
    return types.CompletionList(is_incomplete=False, items=[])


def _in_quotes(line: str, column: int) -> bool:
    """Whether a quote opened before `column` on this line is still open (a cheap over-approximation)."""
    open_quote = None
    for char in line[:column]:
        if open_quote is None and char in _QUOTES:
            open_quote = char
        elif char == open_quote:
            open_quote = None
    return open_quote is not None


def _may_launch_at(document: OpenDocument | None, position: types.Position) -> TypeGuard[OpenDocument]:
    """Most cursor questions are outside any launch: those are answered without leaving the event loop."""
    return document is not None and import_strings.may_launch_at(document.text, document.path, position.line)


async def completion(ls: Session, params: types.CompletionParams) -> types.CompletionList:
    document = ls.documents.get(params.text_document.uri)
    if not _may_launch_at(document, params.position):
        return _empty()
    trigger = params.context.trigger_character if params.context else None
    # In Python an import string is a literal: a trigger character outside quotes asks for nothing.
    if trigger is not None and not import_strings.is_command_file(document.path, document.text):
        lines = Lines(document.text, ls.encoding)
        position = lines.from_client(params.position)
        if not _in_quotes(lines.lines[position.line], position.character):
            return _empty()
    answer = await _ask(ls, params.text_document.uri, import_strings.complete, params.position)
    if answer is None:
        return types.CompletionList(is_incomplete=True, items=[])
    completions, lines = answer
    # Markdown only to a client that renders it (others would show its marks), as for link tooltips below.
    markdown = types.MarkupKind.Markdown in (
        ls.client_capability("text_document", "completion", "completion_item", "documentation_format") or ()
    )
    return types.CompletionList(
        is_incomplete=not completions.complete,
        items=[
            types.CompletionItem(
                label=candidate.label,
                kind=_KINDS[candidate.kind],
                detail=candidate.detail,
                sort_text=candidate.rank,
                filter_text=candidate.label,
                text_edit=types.TextEdit(range=lines.range_to_client(candidate.replace), new_text=candidate.insert),
                documentation=(
                    types.MarkupContent(kind=types.MarkupKind.Markdown, value=candidate.documentation)
                    if markdown
                    else candidate.documentation
                )
                if candidate.documentation
                else None,
            )
            for candidate in completions.candidates
        ],
    )


def _location(ls: Session, workspace: Workspace, path: Path, where: Range) -> types.Location:
    text = workspace.read_module(path) if path.suffix in (".py", ".pyi") else None
    client_range = (
        Lines(text, ls.encoding).range_to_client(where)
        if text is not None
        else types.Range(
            start=types.Position(line=where.start.line, character=where.start.character),
            end=types.Position(line=where.end.line, character=where.end.character),
        )
    )
    return types.Location(uri=path.as_uri(), range=client_range)


async def definition(ls: Session, params: types.DefinitionParams) -> list[types.Location] | None:
    uri = params.text_document.uri
    document = ls.documents.get(uri)
    if not _may_launch_at(document, params.position):
        return None
    answer = await _ask(ls, uri, import_strings.definitions, params.position)
    if not answer or not answer[0]:
        return None
    workspace = ls.workspace_for(document.path)
    return [_location(ls, workspace, place.path, place.range) for place in answer[0]]


async def declaration(ls: Session, params: types.DeclarationParams) -> list[types.Location] | None:
    return await definition(ls, types.DefinitionParams(text_document=params.text_document, position=params.position))


async def document_link(ls: Session, params: types.DocumentLinkParams) -> list[types.DocumentLink]:
    uri = params.text_document.uri
    document = ls.documents.get(uri)
    if document is None or not import_strings.may_launch(document.text, document.path):
        return []
    answer = await _ask(ls, uri, lambda ctx, _: import_strings.file_links(ctx), types.Position(line=0, character=0))
    if answer is None:
        return []
    links, lines = answer
    tooltips = ls.client_supports("text_document", "document_link", "tooltip_support")
    return [
        types.DocumentLink(
            range=lines.range_to_client(link.range),
            target=link.target.as_uri(),
            tooltip=f"{link.keyword} file" if tooltips else None,
        )
        for link in links
    ]


async def hover(ls: Session, params: types.HoverParams, budget: float = CURSOR_BUDGET) -> types.Hover | None:
    """Called by the server's hover handler when no finding or rule code is under the cursor;
    `budget` is what is left of its second."""
    document = ls.documents.get(params.text_document.uri)
    if not _may_launch_at(document, params.position):
        return None
    answer = await _ask(ls, params.text_document.uri, import_strings.hover, params.position, budget)
    if answer is None:
        return None
    found, lines = answer
    if found is None:
        return None
    where, markdown = found
    return types.Hover(contents=hover_content(ls, markdown), range=lines.range_to_client(where))


def hover_content(ls: Session, markdown: str) -> types.MarkupContent:
    """Markdown, or the same text as plain text for a client whose hover lists formats without markdown."""
    formats = ls.client_capability("text_document", "hover", "content_format")
    kind = (
        types.MarkupKind.Markdown
        if formats is None or types.MarkupKind.Markdown in formats
        else types.MarkupKind.PlainText
    )
    return types.MarkupContent(kind=kind, value=markdown)


async def prepare_rename(ls: Session, params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder | None:
    """Only inside import strings: elsewhere the user's Python language server renames."""
    document = ls.documents.get(params.text_document.uri)
    if not _may_launch_at(document, params.position):
        return None
    answer = await _ask(ls, params.text_document.uri, import_strings.rename_range, params.position)
    if answer is None:
        return None
    found, lines = answer
    if found is None:
        return None
    where, placeholder = found
    return types.PrepareRenamePlaceholder(range=lines.range_to_client(where), placeholder=placeholder)


def workspace_files(folders: list[tuple[Path, config.Settings]]) -> list[Path]:
    """The files `uvicorn-lsp check` would read in these workspace folders (same excludes, and the editor's
    settings of each folder over its configuration files', anchored at the folder): Python files and command
    sources (Dockerfiles, compose files, ...)."""
    from ..engine.discovery import Discovery  # imported by the few requests that list files

    found = {
        source.path: Path(source.path)
        for root, settings in folders
        for source in Discovery(settings, anchor=root).find([root])
    }
    return [found[path] for path in sorted(found)]


async def rename(ls: Session, params: types.RenameParams) -> types.WorkspaceEdit | None:
    uri = params.text_document.uri
    document = ls.documents.get(uri)
    if document is None or not import_strings.may_launch(document.text, document.path):
        return None
    if not import_strings.is_bindable_name(params.new_name):
        raise JsonRpcInvalidParams(f"`{params.new_name}` is not a name Python code can bind")
    folders = ls.folders_with_settings()

    def question(ctx: RuleContext, position: Position) -> import_strings.Edits | None:
        return import_strings.rename(ctx, position, params.new_name, workspace_files(folders))

    answer = await _ask(ls, uri, question, params.position, WORKSPACE_BUDGET, with_jedi=True)
    if answer is None or answer[0] is None:
        return None
    return _workspace_edit(ls, ls.workspace_for(document.path), answer[0])


async def will_rename_files(ls: Session, params: types.RenameFilesParams) -> types.WorkspaceEdit | None:
    moves = []
    for renamed in params.files:
        old, new = to_fs_path(renamed.old_uri), to_fs_path(renamed.new_uri)
        if old and new:
            moves.append((Path(old), Path(new)))
    folders = ls.folders_with_settings()
    if not moves or not folders:
        return None
    workspace = ls.workspace_for(moves[0][0])

    def work() -> import_strings.Edits:
        return import_strings.moved_module_edits(workspace, moves, workspace_files(folders))

    edits = await _on_worker(ls, work, WORKSPACE_BUDGET, "renamed files")
    return _workspace_edit(ls, workspace, edits) if edits else None


def _workspace_edit(ls: Session, workspace: Workspace, edits: import_strings.Edits) -> types.WorkspaceEdit:
    by_uri: dict[str, list[types.TextEdit]] = {}
    for path, file_edits in sorted(edits.items()):
        text = workspace.read_module(path)
        if text is None:
            continue
        lines = Lines(text, ls.encoding)
        by_uri[path.as_uri()] = [
            types.TextEdit(range=lines.range_to_client(edit.range), new_text=edit.new_text)
            for edit in sorted(file_edits, key=lambda edit: edit.range.start)
        ]
    if ls.client_supports("workspace", "workspace_edit", "document_changes"):
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=uri, version=ls.documents[uri].version if uri in ls.documents else None
                    ),
                    edits=list(file_edits),
                )
                for uri, file_edits in by_uri.items()
            ]
        )
    return types.WorkspaceEdit(changes=by_uri)


def register(server: LanguageServer, sync: notebooks.NotebookSync) -> None:
    in_cells = notebooks.in_cells(sync)
    server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=False),
    )(in_cells(completion))
    server.feature(types.TEXT_DOCUMENT_DEFINITION)(in_cells(definition))
    server.feature(types.TEXT_DOCUMENT_DECLARATION)(in_cells(declaration))
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False))(document_link)
    server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)(prepare_rename)
    server.feature(types.TEXT_DOCUMENT_RENAME)(rename)
    server.feature(
        types.WORKSPACE_WILL_RENAME_FILES,
        types.FileOperationRegistrationOptions(
            filters=[
                types.FileOperationFilter(
                    pattern=types.FileOperationPattern(glob="**/*.py", matches=types.FileOperationPatternKind.File)
                ),
                types.FileOperationFilter(
                    pattern=types.FileOperationPattern(glob="**", matches=types.FileOperationPatternKind.Folder)
                ),
            ]
        ),
    )(will_rename_files)
