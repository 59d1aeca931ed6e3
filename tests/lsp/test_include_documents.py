"""The real server answers for an open document that `extend-include` names (pyproject or editor
settings), reading it as the source its name implies (a shell script here)."""

from __future__ import annotations

from lsprotocol import types

from .conftest import lsp_session, open_file, wait_for_diagnostics, write

START = 'cd "$(dirname "$0")"\nexec uvicorn app.main:app --workers 4 --reload\n'


def project(root):
    write(root, "app/__init__.py", "")
    write(root, "app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")


async def test_document_named_by_extend_include_in_pyproject(tmp_path):
    project(tmp_path)
    write(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.uvicorn-lsp]\nextend-include = ["start-*.txt"]\n',
    )
    path = write(tmp_path, "start-web.txt", START)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, path)
        [diagnostic] = await wait_for_diagnostics(client, uri)
        assert diagnostic.code == "UVI003"
        assert diagnostic.range.start == types.Position(line=1, character=26)


async def test_document_named_by_extend_include_in_editor_settings(tmp_path):
    project(tmp_path)
    path = write(tmp_path, "start.txt", START)
    async with lsp_session(tmp_path, initialization_options={"extendInclude": ["start.txt"]}) as client:
        uri = open_file(client, path)
        [diagnostic] = await wait_for_diagnostics(client, uri)
        assert diagnostic.code == "UVI003"
