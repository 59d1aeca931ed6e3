"""UVI002 in notebooks that write files or move the kernel as they run: `%%writefile server.py` creates the
module an import string names, `%cd`/`os.chdir` changes the folder the kernel imports from, `!git clone`
brings files in. What loads then is not what the project's files show: no finding. A notebook that does
none of that still gets the error when the module is missing."""

from __future__ import annotations

import pytest

from tests.notebooks.notebook_files import code, notebook_text
from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.notebooks import Notebook
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES

SERVE_CELL = code(
    "import uvicorn\n",
    'config = uvicorn.Config("server:app", port=8000)\n',
    "await uvicorn.Server(config).serve()\n",
)


def _uvi002(project, *cells: dict) -> list:
    """The check of the notebook's code cells as one document, as `uvicorn-lsp check` runs it."""
    path = project.write("serve.ipynb", notebook_text(*cells, SERVE_CELL))
    notebook = Notebook(path.read_text())
    result = checker.check_text(notebook.document, path, Workspace(project.root), ALL_RULES)
    return [finding for finding in result.findings if finding.code == "UVI002"]


@pytest.mark.parametrize(
    "cell",
    [
        code("%%writefile server.py\n", "from fastapi import FastAPI\n", "app = FastAPI()\n"),
        code("%%file -a server.py\n", "app = None\n"),
        code("%cd backend\n"),
        code("import os\n", 'os.chdir("backend")\n'),
        code("!git clone https://example.invalid/demo.git\n"),
        code("!wget -q https://example.invalid/server.py\n"),
    ],
)
def test_notebook_that_makes_or_moves_files_is_not_judged(project, cell):
    assert _uvi002(project, cell) == []


@pytest.mark.parametrize("cell", [code("!pip install fastapi uvicorn\n"), code("# cd into the folder first\n")])
def test_notebook_without_such_cells_still_gets_the_error(project, cell):
    [finding] = _uvi002(project, cell)
    assert '"server:app" will not load: module not found' in finding.message
