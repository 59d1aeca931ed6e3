"""Command-line files in the real server: any languageId, findings, quick fix, freshness."""

from __future__ import annotations

import pytest
from lsprotocol import types

from .conftest import apply_action, code_actions, lsp_session, wait_for_diagnostics, write

DOCKERFILE = """
FROM python:3.12-slim
WORKDIR /code
COPY ./app /code/app
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"]
"""


def open_as(client, path, language_id: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=path.read_text())
        )
    )
    return uri


@pytest.mark.parametrize("language_id", ["dockerfile", "plaintext"])
async def test_dockerfile_finding_and_quick_fix(tmp_path, language_id):
    write(tmp_path, "app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    async with lsp_session(tmp_path) as client:
        uri = open_as(client, path, language_id)
        [diagnostic] = await wait_for_diagnostics(client, uri)
        assert diagnostic.code == "UVI014"
        assert diagnostic.range == types.Range(
            start=types.Position(line=3, character=53), end=types.Position(line=3, character=63)
        )
        actions = await code_actions(client, uri, diagnostic.range)
        [preferred] = [action for action in actions if action.is_preferred]
        fixed = await apply_action(client, uri, path.read_text(), preferred, version=2)
        assert fixed.endswith('CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n')
        await wait_for_diagnostics(client, uri, lambda found: found == [])


async def test_compose_file_as_yaml(tmp_path):
    path = write(
        tmp_path,
        "compose.yaml",
        "services:\n  web:\n    image: python:3.12\n    command: uvicorn main:app\n    ports: ['80:80']\n",
    )
    async with lsp_session(tmp_path) as client:
        uri = open_as(client, path, "dockercompose")
        [diagnostic] = await wait_for_diagnostics(client, uri)
        assert diagnostic.code == "UVI015"
        assert diagnostic.range.start == types.Position(line=3, character=13)
