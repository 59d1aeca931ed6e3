"""Notebooks in a real language server over stdio: LSP 3.17 notebook sync (diagnostics and quick
fixes per cell), and JupyterLab-LSP's joined `python` document under the notebook's URI."""

from __future__ import annotations

import attrs
import pytest
from lsprotocol import types

from tests.lsp.conftest import (
    apply_workspace_edit,
    capabilities,
    code_actions,
    lsp_session,
    pull_diagnostics,
    wait_for_diagnostics,
)

from .notebook_files import code, markdown, notebook_text, write_notebook

CELLS = {
    2: "%pip install fastapi uvicorn\nimport uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()",
    3: "uvicorn.run(app, port=8000)",
    4: 'async def main():\n    uvicorn.run("main:app", reload_dirs=["src"])\n',
}


def notebook_capabilities(*, pull: bool = False) -> types.ClientCapabilities:
    return attrs.evolve(
        capabilities(pull=pull),
        notebook_document=types.NotebookDocumentClientCapabilities(
            synchronization=types.NotebookDocumentSyncClientCapabilities()
        ),
    )


def cell_uri(notebook_uri: str, number: int) -> str:
    return f"vscode-notebook-cell:{notebook_uri.removeprefix('file://')}#cell{number}"


def open_notebook(client, notebook_uri: str, code_cells: dict[int, str] = CELLS) -> None:
    cells = [types.NotebookCell(kind=types.NotebookCellKind.Markup, document=cell_uri(notebook_uri, 1))]
    cells += [
        types.NotebookCell(kind=types.NotebookCellKind.Code, document=cell_uri(notebook_uri, n)) for n in code_cells
    ]
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=notebook_uri, notebook_type="jupyter-notebook", version=1, cells=cells
            ),
            cell_text_documents=[
                types.TextDocumentItem(uri=cell_uri(notebook_uri, 1), language_id="markdown", version=1, text="# Demo"),
                *(
                    types.TextDocumentItem(uri=cell_uri(notebook_uri, n), language_id="python", version=1, text=text)
                    for n, text in code_cells.items()
                ),
            ],
        )
    )


def codes(diagnostics) -> list[str]:
    return sorted(str(diagnostic.code) for diagnostic in diagnostics)


@pytest.mark.asyncio
async def test_notebook_sync_diagnostics_and_fixes_per_cell(tmp_path):
    notebook_uri = write_notebook(tmp_path).as_uri()
    async with lsp_session(tmp_path, client_capabilities=notebook_capabilities()) as client:
        open_notebook(client, notebook_uri)
        fourth = await wait_for_diagnostics(client, cell_uri(notebook_uri, 4), lambda found: len(found) == 3)
        assert codes(fourth) == ["UVI002", "UVI016", "UVI019"]
        reload_dirs = next(d for d in fourth if d.code == "UVI019")
        assert reload_dirs.range.start == types.Position(line=1, character=28)  # inside the cell
        [top_level] = await wait_for_diagnostics(client, cell_uri(notebook_uri, 3))
        assert top_level.code == "UVI016" and top_level.range.start == types.Position(line=0, character=0)
        assert list(client.diagnostics[cell_uri(notebook_uri, 2)]) == []  # and no UVI005 anywhere

        actions = await code_actions(client, cell_uri(notebook_uri, 3), top_level.range)
        serve = next(action for action in actions if action.title.startswith("Await uvicorn.Server"))
        [change] = serve.edit.document_changes
        assert change.text_document.uri == cell_uri(notebook_uri, 3)
        assert change.edits[0].new_text == "await uvicorn.Server(uvicorn.Config(app, port=8000)).serve()"
        assert change.edits[0].range.start == types.Position(line=0, character=0)

        # Edit cell 4: the reload option goes, its diagnostic with it.
        client.notebook_document_did_change(
            types.DidChangeNotebookDocumentParams(
                notebook_document=types.VersionedNotebookDocumentIdentifier(uri=notebook_uri, version=2),
                change=types.NotebookDocumentChangeEvent(
                    cells=types.NotebookDocumentCellChanges(
                        text_content=[
                            types.NotebookDocumentCellContentChanges(
                                document=types.VersionedTextDocumentIdentifier(
                                    uri=cell_uri(notebook_uri, 4), version=2
                                ),
                                changes=[
                                    types.TextDocumentContentChangePartial(
                                        range=types.Range(
                                            start=types.Position(line=1, character=26),
                                            end=types.Position(line=1, character=47),
                                        ),
                                        text="",
                                    )
                                ],
                            )
                        ]
                    )
                ),
            )
        )
        fourth = await wait_for_diagnostics(client, cell_uri(notebook_uri, 4), lambda found: len(found) == 2)
        assert codes(fourth) == ["UVI002", "UVI016"]

        client.notebook_document_did_close(
            types.DidCloseNotebookDocumentParams(
                notebook_document=types.NotebookDocumentIdentifier(uri=notebook_uri),
                cell_text_documents=[types.TextDocumentIdentifier(uri=cell_uri(notebook_uri, n)) for n in (1, *CELLS)],
            )
        )
        await wait_for_diagnostics(client, cell_uri(notebook_uri, 3), lambda found: found == [])


@pytest.mark.asyncio
async def test_pull_clients_get_each_cells_diagnostics(tmp_path):
    notebook_uri = write_notebook(tmp_path).as_uri()
    async with lsp_session(tmp_path, client_capabilities=notebook_capabilities(pull=True)) as client:
        open_notebook(client, notebook_uri)
        for _ in range(100):  # the first pull may come before the analysis
            third = await pull_diagnostics(client, cell_uri(notebook_uri, 3))
            if third:
                break
        assert codes(third) == ["UVI016"]
        assert codes(await pull_diagnostics(client, cell_uri(notebook_uri, 4))) == ["UVI002", "UVI016", "UVI019"]


@pytest.mark.asyncio
async def test_a_python_document_under_a_notebook_uri_is_python(tmp_path):
    """JupyterLab-LSP: the cells joined into one `python` document named like the notebook."""
    notebook_uri = (tmp_path / "serve.ipynb").as_uri()
    text = "\n".join(CELLS.values())
    async with lsp_session(tmp_path) as client:
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=notebook_uri, language_id="python", version=1, text=text)
            )
        )
        found = await wait_for_diagnostics(client, notebook_uri, lambda found: "UVI016" in codes(found))
        assert codes(found) == ["UVI002", "UVI016", "UVI016", "UVI019"]  # no UVI005: a notebook is never imported


@pytest.mark.asyncio
async def test_fix_all_in_a_notebook_writes_what_check_fix_writes(tmp_path):
    """Cell 4's two UVI019 fixes touch: a single pass took one of them; fix-all now runs `check --fix`'s passes
    and gives each cell its own edit (the magic in cell 2 kept as written)."""
    import json
    import subprocess
    import sys

    cells = {**CELLS, 4: 'async def main():\n    uvicorn.run("main:app", reload_dirs=["src"], reload_delay=1.0)\n'}
    text = notebook_text(markdown("# Demo"), *(code(*cell.splitlines(keepends=True)) for cell in cells.values()))
    (tmp_path / "cli").mkdir()
    fixed_copy = write_notebook(tmp_path / "cli", text=text)
    subprocess.run([sys.executable, "-m", "uvicorn_lsp", "check", "--fix", "--no-cache", str(fixed_copy)], check=False)
    expected = {
        n: "".join(cell["source"])
        for n, cell in zip(cells, json.loads(fixed_copy.read_text())["cells"][1:], strict=True)
    }
    assert expected[4] == 'async def main():\n    uvicorn.run("main:app")\n'  # both options gone

    notebook_uri = write_notebook(tmp_path, text=text).as_uri()
    async with lsp_session(tmp_path, client_capabilities=notebook_capabilities()) as client:
        open_notebook(client, notebook_uri, cells)
        await wait_for_diagnostics(client, cell_uri(notebook_uri, 4), lambda found: len(found) == 4)
        start = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
        [fix_all] = await code_actions(client, cell_uri(notebook_uri, 3), start, only=["source.fixAll"])
        fixed = {n: apply_workspace_edit(text, fix_all.edit, cell_uri(notebook_uri, n)) for n, text in cells.items()}
        assert fixed == expected


@pytest.mark.asyncio
async def test_hover_and_definition_in_a_cell(tmp_path):
    """Asked in a cell, answered from the cells joined, with the ranges in the cell (audit: null in every cell)."""
    (tmp_path / "main.py").write_text("from fastapi import FastAPI\n\napp = FastAPI()\n")
    notebook_uri = write_notebook(tmp_path).as_uri()
    cells = {
        **CELLS,
        3: 'uvicorn.run(app, port=8000)  # noqa: UVI016\nuvicorn.run("main:app", port=8001)  # noqa: UVI016',
    }
    with_definition = notebook_capabilities()
    with_definition.text_document.definition = types.DefinitionClientCapabilities()
    async with lsp_session(tmp_path, client_capabilities=with_definition) as client:
        open_notebook(client, notebook_uri, cells)
        third = cell_uri(notebook_uri, 3)
        await wait_for_diagnostics(client, cell_uri(notebook_uri, 4), lambda found: len(found) == 2)  # main.py is here

        def hover(line: int, character: int):
            return client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=third),
                    position=types.Position(line=line, character=character),
                )
            )

        rule_code = await hover(0, cells[3].index("UVI016") + 2)
        assert rule_code is not None and "UVI016" in rule_code.contents.value
        import_string = await hover(1, 15)
        assert import_string is not None and import_string.range.start.line == 1  # in the cell, not the joined text
        assert import_string.range.start.character == cells[3].splitlines()[1].index("main:app")
        found = await client.text_document_definition_async(
            types.DefinitionParams(
                text_document=types.TextDocumentIdentifier(uri=third), position=types.Position(line=1, character=19)
            )
        )
        assert [location.uri for location in found] == [(tmp_path / "main.py").as_uri()]
        app_here = await client.text_document_definition_async(
            types.DefinitionParams(
                text_document=types.TextDocumentIdentifier(uri=third), position=types.Position(line=0, character=13)
            )
        )
        assert app_here is None  # `app` is the user's Python server's to resolve; nothing of ours there
