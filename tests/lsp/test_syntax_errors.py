"""A file with merge-conflict markers in the editor: diagnostics only where the code parses, and
no popup or diagnostic about the syntax errors (the Python language server shows those)."""

from __future__ import annotations

import asyncio

from .conftest import capabilities, code_actions, lsp_session, open_file, pull_diagnostics, write

CONFLICTED = """\
import uvicorn
from fastapi import FastAPI

app = FastAPI()


def serve():
<<<<<<< HEAD
    uvicorn.run(app, reload=True)
=======
    uvicorn.run(app, workers=2)
>>>>>>> feature


if __name__ == "__main__":
    uvicorn.run(app, reload=True)
"""
# parso reads serve()'s body as module-level calls: UVI005 there would be wrong, and its fix too.
PARSED_CALL_LINE = 15


async def test_conflict_markers_give_diagnostics_only_where_the_code_parses(tmp_path):
    path = write(tmp_path, "main.py", CONFLICTED)
    async with lsp_session(tmp_path, client_capabilities=capabilities(pull=True)) as client:
        uri = open_file(client, path)
        diagnostics = await pull_diagnostics(client, uri)
        assert [(d.code, d.range.start.line) for d in diagnostics] == [("UVI001", PARSED_CALL_LINE)]
        titles = [action.title for action in await code_actions(client, uri, diagnostics[0].range)]
        assert 'Pass the import string "main:app"' in titles, titles  # a fix in code that parses is offered
        await asyncio.sleep(0.5)
        assert [m.message for m in client.messages if "syntax" in m.message] == []
        assert [m.message for m in client.log_messages if "syntax errors" in m.message] == []
