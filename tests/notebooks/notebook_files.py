"""Notebooks as Jupyter writes them (nbformat 4: one-space indent, non-ASCII kept, final newline)."""

from __future__ import annotations

import json
from pathlib import Path


def code(*lines: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": list(lines)}


def markdown(*lines: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": list(lines)}


def notebook_text(*cells: dict) -> str:
    data = {
        "cells": list(cells),
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


# Cell 1 markdown, cell 2 defines the app (after a magic), cell 3 starts it at the top level,
# cell 4 inside a coroutine with an ignored reload option.
SERVE = notebook_text(
    markdown("# Serving the app — démo\n", "Run the cells in order."),
    code(
        "%pip install fastapi uvicorn\n", "import uvicorn\n", "from fastapi import FastAPI\n", "\n", "app = FastAPI()"
    ),
    code("uvicorn.run(app, port=8000)"),
    code("async def main():\n", '    uvicorn.run("main:app", reload_dirs=["src"])\n'),
)


def write_notebook(folder: Path, name: str = "serve.ipynb", text: str = SERVE) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
