"""LSP 3.17 notebook synchronisation: a notebook's code cells are analysed as one document under
the notebook's URI; diagnostics, quick fixes and fix-all go to each cell's own text document, and hover,
definition and completion asked in a cell are answered from the joined document (`in_cells`).

pygls keeps the notebook's structure and the cells' texts (`ls.workspace`); this module joins
the code cells (engine/notebooks.py), lets the analyzer check the joined text like any open
document, and maps findings and edits back to cells. A plain `python` document whose URI ends
in `.ipynb` (JupyterLab-LSP sends the cells joined that way) never comes here: it is analysed
as the Python it is, with the notebook's behaviour (its path says notebook)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import attrs
from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ..engine.model import Finding, Position, Range, TextEdit
from ..engine.notebooks import Cell, Cells
from . import convert, fix_all
from .analysis import Analysis, NotReady
from .documents import Lines, OpenDocument

if TYPE_CHECKING:
    from .session import Session

# Any notebook type, Python cells: VS Code's Jupyter notebooks and others alike.
SYNC_OPTIONS = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithCells(notebook="*", cells=[types.NotebookCellLanguage(language="python")])
    ],
    save=True,
)


@dataclass
class _Open:
    uri: str
    cells: Cells
    cell_uris: dict[int, str]  # cell number → the cell's text document URI


class NotebookSync:
    def __init__(self, ls: Session):
        self._ls = ls
        self._open: dict[str, _Open] = {}  # notebook URI
        self._notebook_of_cell: dict[str, str] = {}

    def owns(self, uri: str) -> bool:
        return uri in self._open

    # -- synchronisation ------------------------------------------------------------
    def sync(self, notebook_uri: str) -> None:
        """Join the notebook's code cells as they now are, and analyse the joined text."""
        notebook = self._ls.workspace.get_notebook_document(notebook_uri=notebook_uri)
        if notebook is None:
            return
        sources, cell_uris = [], {}
        for number, cell in enumerate(notebook.cells, start=1):
            if cell.kind != types.NotebookCellKind.Code:
                continue
            document = self._ls.workspace.get_text_document(cell.document)
            if document.language_id not in (None, "python"):
                continue
            sources.append((number, document.source))
            cell_uris[number] = cell.document
        previous = self._open.get(notebook_uri)
        self._forget_cells(notebook_uri)
        state = _Open(notebook_uri, Cells(sources), cell_uris)
        self._open[notebook_uri] = state
        self._notebook_of_cell.update(dict.fromkeys(cell_uris.values(), notebook_uri))
        if previous is not None:  # cells removed or turned into markdown keep no diagnostics
            for gone in set(previous.cell_uris.values()) - set(cell_uris.values()):
                self._publish(gone, [])
        self._ls.documents[notebook_uri] = OpenDocument(notebook_uri, notebook.version, state.cells.document)
        self._ls.analyzer.schedule(notebook_uri)

    def close(self, notebook_uri: str, cell_uris: list[str]) -> None:
        state = self._open.pop(notebook_uri, None)
        self._forget_cells(notebook_uri)
        self._ls.documents.pop(notebook_uri, None)
        self._ls.analyzer.forget(notebook_uri)
        if state is not None and not self._ls.pulls_diagnostics:
            for uri in {*state.cell_uris.values(), *cell_uris}:
                self._publish(uri, [])

    def _forget_cells(self, notebook_uri: str) -> None:
        for cell_uri in [cell for cell, notebook in self._notebook_of_cell.items() if notebook == notebook_uri]:
            del self._notebook_of_cell[cell_uri]

    # -- diagnostics ----------------------------------------------------------------
    def publish(self, document: OpenDocument, analysis: Analysis) -> None:
        """Push each code cell's diagnostics (clients that pull ask per cell instead)."""
        state = self._open.get(document.uri)
        if state is None or state.cells.document != analysis.text:
            return  # an older text's analysis: the newest one follows
        if self._ls.pulls_diagnostics:
            self._ls.request_refresh()
            return
        by_cell = self._cell_diagnostics(state, analysis)
        for number, uri in state.cell_uris.items():
            self._publish(uri, by_cell.get(number, []))

    async def pull(self, cell_uri: str) -> types.RelatedFullDocumentDiagnosticReport | None:
        """A cell's diagnostics for clients that pull; None when `cell_uri` is no notebook cell."""
        state = self._state_of_cell(cell_uri)
        if state is None:
            return None
        analysis = await self._analysis(state)
        if analysis is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        number = next(number for number, uri in state.cell_uris.items() if uri == cell_uri)
        return types.RelatedFullDocumentDiagnosticReport(items=self._cell_diagnostics(state, analysis).get(number, []))

    def _cell_diagnostics(self, state: _Open, analysis: Analysis) -> dict[int, list[types.Diagnostic]]:
        by_cell: dict[int, list[types.Diagnostic]] = {}
        for finding in analysis.result.findings:
            located = self._in_cell(state, finding)
            if located is not None:
                cell, shown = located
                by_cell.setdefault(cell.number, []).append(convert.diagnostic(shown, _lines(cell, self._ls.encoding)))
        return by_cell

    def _publish(self, uri: str, diagnostics: list[types.Diagnostic]) -> None:
        self._ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    # -- code actions ---------------------------------------------------------------
    async def code_actions(
        self, params: types.CodeActionParams, fix_all_kind: str, fix_all_deadline: float
    ) -> list[types.CodeAction] | None:
        """Quick fixes for the findings of one cell range, and fix-all (`check --fix`'s passes, by the deadline);
        None when not a notebook cell."""
        cell_uri = params.text_document.uri
        state = self._state_of_cell(cell_uri)
        if state is None:
            return None
        analysis = await self._analysis(state, wait_for_current=True)
        if analysis is None:
            return []
        number = next(number for number, uri in state.cell_uris.items() if uri == cell_uri)
        cell = next(cell for cell in state.cells.cells if cell.number == number)
        cell_lines = _lines(cell, self._ls.encoding)
        requested = cell_lines.range_from_client(params.range)
        document_lines = Lines(analysis.text, self._ls.encoding)
        # convert's helpers only call their builder with engine edits: this one maps them to the cells.
        versioned = self._ls.client_supports("workspace", "workspace_edit", "document_changes")
        edit_for = cast(convert.EditBuilder, _CellEdits(self._ls, state, versioned))
        actions: list[types.CodeAction] = []
        for finding in analysis.result.findings:
            located = self._in_cell(state, finding)
            if located is None or located[0] is not cell or not located[1].range.overlaps(requested):
                continue
            shown = convert.diagnostic(located[1], cell_lines)
            for action in convert.finding_actions(finding, document_lines, edit_for):
                action.diagnostics = [shown]
                actions.append(action)
        document = self._ls.documents.get(state.uri)
        if fix_all.wanted(params, fix_all_kind) and document is not None:
            whole_notebook = await fix_all.fix_all_action(
                self._ls,
                document.path,
                analysis,
                edit_for,
                fix_all_kind,
                fix_all_deadline,
                functools.partial(_cell_edits, state.cells),
            )
            if whole_notebook is not None:
                actions.append(whole_notebook)
        only = params.context.only
        if only:
            return [action for action in actions if fix_all.asked_for(action.kind or "", only)]
        return actions

    # -- cursor requests (hover, definition, completion) --------------------------------
    def joined_place(self, cell_uri: str, position: types.Position) -> tuple[str, types.Position] | None:
        """For a place in a code cell: the notebook's URI and the same place in its cells joined (the document the
        analysis reads); None when `cell_uri` is no notebook cell."""
        state = self._state_of_cell(cell_uri)
        document = self._ls.documents.get(state.uri) if state is not None else None
        if state is None or document is None:
            return None
        number = next(number for number, uri in state.cell_uris.items() if uri == cell_uri)
        cell = next(cell for cell in state.cells.cells if cell.number == number)
        inside = _lines(cell, self._ls.encoding).from_client(position)
        joined = state.cells.document_position(number, inside)
        if joined is None:
            return None
        return state.uri, Lines(document.text, self._ls.encoding).to_client(joined)

    def in_cell(self, notebook_uri: str, where: types.Range) -> tuple[str, types.Range] | None:
        """A range of the notebook's joined cells as the cell it falls in shows it: the cell's URI and range."""
        state = self._open.get(notebook_uri)
        document = self._ls.documents.get(notebook_uri)
        if state is None or document is None:
            return None
        located = state.cells.locate_range(Lines(document.text, self._ls.encoding).range_from_client(where))
        if located is None or located[0].number not in state.cell_uris:
            return None
        cell, inside = located
        return state.cell_uris[cell.number], _lines(cell, self._ls.encoding).range_to_client(inside)

    # -- shared -------------------------------------------------------------------------
    def _state_of_cell(self, cell_uri: str) -> _Open | None:
        notebook_uri = self._notebook_of_cell.get(cell_uri)
        return None if notebook_uri is None else self._open.get(notebook_uri)

    async def _analysis(self, state: _Open, wait_for_current: bool = False) -> Analysis | None:
        """The analysis of the cells as they now are; None while it is not ready (never an older text's)."""
        try:
            analysis = await self._ls.analyzer.current(state.uri)
        except NotReady:
            if wait_for_current:
                return None
            analysis = self._ls.analyzer.latest(state.uri)
        return analysis if analysis is not None and analysis.text == state.cells.document else None

    def _in_cell(self, state: _Open, finding: Finding) -> tuple[Cell, Finding] | None:
        located = state.cells.locate_range(finding.range)
        if located is None:
            return None
        cell, where = located
        return cell, dataclasses.replace(finding, range=where)


@dataclass
class _CellEdits:
    """convert's edit builder for a notebook: document edits → each cell's own text edits."""

    ls: Session
    state: _Open
    versioned: bool

    def __call__(self, edits: list[TextEdit] | tuple[TextEdit, ...]) -> types.WorkspaceEdit:
        by_uri: dict[str, list[types.TextEdit]] = {}
        for edit in edits:
            located = self.state.cells.locate_range(edit.range)
            if located is None:
                continue
            cell, where = located
            lines = _lines(cell, self.ls.encoding)
            uri = self.state.cell_uris[cell.number]
            by_uri.setdefault(uri, []).append(
                types.TextEdit(range=lines.range_to_client(where), new_text=edit.new_text)
            )
        if not self.versioned:
            return types.WorkspaceEdit(changes=by_uri)
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=uri, version=self.ls.workspace.get_text_document(uri).version
                    ),
                    edits=text_edits,
                )
                for uri, text_edits in by_uri.items()
            ]
        )


def _cell_edits(cells: Cells, before: str, after: str) -> list[TextEdit]:
    """Document edits that turn each cell of `before` (the joined cells) into its text in `after`, one per cell
    that changed, so that each stays inside its cell (magics written back as they were)."""
    assert before == cells.document
    edits = []
    for cell, lines in zip(cells.cells, cells.split(after), strict=True):
        old = "\n".join(cell.magics.get(line, line) for line in cell.lines)
        new = "\n".join(lines)
        if old != new:
            edit = convert.replacement_edit(old, new)
            start, end = edit.range.start, edit.range.end
            edits.append(
                TextEdit(
                    Range(
                        Position(start.line + cell.first_line, start.character),
                        Position(end.line + cell.first_line, end.character),
                    ),
                    edit.new_text,
                )
            )
    return edits


def _lines(cell: Cell, encoding: str) -> Lines:
    return Lines("\n".join(cell.lines), encoding)


Handler = Callable[[Any, Any], Awaitable[Any]]


def in_cells(sync: NotebookSync) -> Callable[[Handler], Handler]:
    """A cursor request's handler that also answers in notebook cells: asked of the same place in the cells joined,
    its answer's ranges in them shown in the cells (hover's range, definitions, completion edits)."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def handle(ls: Any, params: Any) -> Any:
            joined = sync.joined_place(params.text_document.uri, params.position)
            if joined is None:
                return await handler(ls, params)
            notebook_uri, position = joined
            document = types.TextDocumentIdentifier(uri=notebook_uri)
            answer = await handler(ls, attrs.evolve(params, text_document=document, position=position))
            return _shown_in_cells(sync, notebook_uri, params.text_document.uri, answer)

        return handle

    return wrap


def _shown_in_cells(sync: NotebookSync, notebook_uri: str, cell_uri: str, answer: Any) -> Any:
    def in_this_cell(where: types.Range) -> types.Range | None:
        shown = sync.in_cell(notebook_uri, where)
        return shown[1] if shown is not None and shown[0] == cell_uri else None

    if isinstance(answer, types.Hover):
        return attrs.evolve(answer, range=in_this_cell(answer.range) if answer.range is not None else None)
    if isinstance(answer, list):  # definitions: those in the notebook go to their cell
        located = []
        for location in answer:
            shown = sync.in_cell(notebook_uri, location.range) if location.uri == notebook_uri else None
            if location.uri != notebook_uri:
                located.append(location)
            elif shown is not None:
                located.append(types.Location(uri=shown[0], range=shown[1]))
        return located or None
    if isinstance(answer, types.CompletionList):
        items = []
        for item in answer.items:
            edit = item.text_edit
            if isinstance(edit, types.TextEdit) and (where := in_this_cell(edit.range)) is not None:
                items.append(attrs.evolve(item, text_edit=types.TextEdit(range=where, new_text=edit.new_text)))
        return attrs.evolve(answer, items=items)
    return answer


def register(server: LanguageServer, notebooks: NotebookSync) -> None:
    """The notebook notifications, kept by `notebooks` (the server's NotebookSync)."""

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenNotebookDocumentParams) -> None:
        notebooks.sync(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeNotebookDocumentParams) -> None:
        notebooks.sync(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveNotebookDocumentParams) -> None:
        notebooks.sync(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseNotebookDocumentParams) -> None:
        notebooks.close(params.notebook_document.uri, [cell.uri for cell in params.cell_text_documents])
