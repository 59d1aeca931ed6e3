"""engine/notebooks.py: cells as one document, positions both ways, writing back; rules in notebooks."""

from __future__ import annotations

import json

import pytest

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.model import Position, Range
from uvicorn_lsp.engine.notebooks import Notebook, NotebookError
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES

from .notebook_files import SERVE, code, markdown, notebook_text


def test_code_cells_become_one_document_with_magics_commented_out():
    notebook = Notebook(SERVE)
    assert [cell.number for cell in notebook.cells] == [2, 3, 4]
    lines = notebook.document.split("\n")
    assert lines[0] == "#pip install fastapi uvicorn"  # same columns as the magic line
    assert lines[notebook.cells[1].first_line] == "uvicorn.run(app, port=8000)"
    compile(notebook.document, "serve.ipynb", "exec")


def test_positions_map_into_cells_and_back():
    notebook = Notebook(SERVE)
    third = notebook.cells[1]
    cell, inside = notebook.locate(Position(third.first_line, 4))
    assert (cell.number, inside) == (3, Position(0, 4))
    assert notebook.document_position(3, Position(0, 4)) == Position(third.first_line, 4)
    # A range that runs into the boundary line ends at its cell's end.
    cell, inside_range = notebook.locate_range(Range(Position(third.first_line, 0), Position(third.first_line + 1, 0)))
    assert cell.number == 3 and inside_range.end == Position(0, len("uvicorn.run(app, port=8000)"))


def test_unchanged_document_writes_the_same_text_and_a_fixed_cell_only_its_source():
    notebook = Notebook(SERVE)
    assert notebook.with_document(notebook.document) == SERVE
    fixed = notebook.with_document(notebook.document.replace("port=8000", "port=9000"))
    before, after = SERVE.splitlines(), fixed.splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ('    "uvicorn.run(app, port=8000)"', '    "uvicorn.run(app, port=9000)"')
    ]


def test_a_fixed_cell_with_a_magic_keeps_the_magic_and_its_shape():
    notebook = Notebook(notebook_text(code("!ls\n", "x = 1\n")))
    fixed = json.loads(notebook.with_document(notebook.document.replace("x = 1", "x = 2")))
    assert fixed["cells"][0]["source"] == ["!ls\n", "x = 2\n"]


def test_cell_magics_are_commented_out_whole():
    notebook = Notebook(notebook_text(code("%%bash\n", "uvicorn main:app --reload\n")))
    assert notebook.document.split("\n")[:2] == ["#%bash", "#uvicorn main:app --reload"]


def test_a_cell_holding_the_boundary_line_gets_another_boundary():
    notebook = Notebook(notebook_text(code("# ---- uvicorn-lsp: next cell ----\n", "x = 1"), code("y = 2")))
    assert notebook.with_document(notebook.document) == notebook_text(
        code("# ---- uvicorn-lsp: next cell ----\n", "x = 1"), code("y = 2")
    )
    assert notebook.document.split("\n")[2] == "# ---- uvicorn-lsp: next cell -----"
    fixed = json.loads(notebook.with_document(notebook.document.replace("x = 1", "x = 3")))
    assert [cell["source"] for cell in fixed["cells"]] == [["# ---- uvicorn-lsp: next cell ----\n", "x = 3"], ["y = 2"]]


@pytest.mark.parametrize("text", ["", "[]", '{"cells": 3}', "{not json"])
def test_not_a_notebook(text):
    with pytest.raises(NotebookError):
        Notebook(text)


def test_a_layout_that_cannot_be_kept_is_refused_not_rewritten():
    compact = json.dumps(json.loads(SERVE), sort_keys=True, indent=2)  # no final newline, sorted, 2 spaces
    notebook = Notebook(compact.replace('"nbformat": 4', '"nbformat":   4'))
    with pytest.raises(NotebookError):
        notebook.with_document(notebook.document.replace("port=8000", "port=9000"))


def findings(tmp_path, text: str, name: str = "serve.ipynb"):
    """The engine on a notebook's document, as the fronts give it (the path says notebook)."""
    path = tmp_path / name
    notebook = Notebook(text)
    result = checker.check_text(notebook.document, path, Workspace(tmp_path), ALL_RULES)
    return notebook, result.findings


def test_rules_in_a_notebook(tmp_path):
    notebook, found = findings(tmp_path, SERVE)
    by_cell = sorted((notebook.locate(finding.range.start)[0].number, finding.code) for finding in found)
    # UVI005 is off (a notebook is never imported); the top-level run is UVI016's.
    assert by_cell == [(3, "UVI016"), (4, "UVI002"), (4, "UVI016"), (4, "UVI019")]


def test_uvi001_in_a_notebook_has_no_import_string_fix(tmp_path):
    text = notebook_text(
        code("import uvicorn\n", "from fastapi import FastAPI\n", "app = FastAPI()"),
        markdown("Serve it"),
        code('if __name__ == "__main__":\n', "    uvicorn.run(app, reload=True)"),
    )
    _, found = findings(tmp_path, text)
    [uvi001] = [finding for finding in found if finding.code == "UVI001"]
    assert uvi001.fixes == [] and "a notebook cannot be imported: move the app to a .py module" in uvi001.message
    assert "UVI005" not in {finding.code for finding in found}


def test_the_same_code_in_a_python_file_gets_uvi005_and_no_uvi016(tmp_path):
    notebook = Notebook(SERVE)
    _, found = findings(tmp_path, notebook_text(), name="empty.ipynb")
    assert found == []
    (tmp_path / "serve.py").write_text(notebook.document)
    result = checker.check_file(tmp_path / "serve.py", Workspace(tmp_path), ALL_RULES)
    codes = [finding.code for finding in result.findings]
    assert "UVI005" in codes and codes.count("UVI016") == 1  # only the coroutine's call


def test_lines_a_magic_continues_with_a_backslash_are_commented_out_too():
    """IPython joins `!docker run ... \\` with the lines after it (audit: fedorkobak/python's notebooks): they are
    part of the shell command, not Python, and the cell's own code still parses."""
    source = ("!docker run --rm \\\n", "    --name api \\\n", "    api-image\n", "x = 1\n")
    notebook = Notebook(notebook_text(code(*source)))
    assert notebook.document.split("\n")[:4] == ["#docker run --rm \\", "#    --name api \\", "#    api-image", "x = 1"]
    compile(notebook.document, "serve.ipynb", "exec")
    fixed = json.loads(notebook.with_document(notebook.document.replace("x = 1", "x = 2")))
    assert fixed["cells"][0]["source"] == [*source[:3], "x = 2\n"]


def test_help_lines_are_commented_out():
    notebook = Notebook(notebook_text(code("JSONResponse?\n", "uvicorn.run??\n", "?app\n", "x = 'what?'\n")))
    assert notebook.document.split("\n")[:4] == ["#SONResponse?", "#vicorn.run??", "#app", "x = 'what?'"]
    compile(notebook.document, "serve.ipynb", "exec")
