"""The real server agrees with `uvicorn-lsp check --format json` on the command files of a realistic
project (codes and exact ranges), whatever languageId the editor sends: the fourth acceptance audit's
spot-check through `serve`, with the files whose verdicts it corrected."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from .conftest import check_json, lsp_session, wait_for_diagnostics, write

APP = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\ndef index():\n    return {"ok": True}\n'

# Each file with the languageId an editor sends for it, and the codes the check finds there.
FILES = {
    "Dockerfile": (
        "dockerfile",
        'FROM python:3.12\nWORKDIR /code\nCOPY ./app /code/app\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n',
        ["UVI002"],
    ),
    "docker-compose.prod.yml": (
        "dockercompose",
        "services:\n  web:\n    build: .\n    ports: ['80:8000']\n"
        "    environment:\n      - WEB_CONCURRENCY=4\n    command: >\n      uvicorn app.main:app --host 0.0.0.0\n"
        "      --reload\n",
        ["UVI003", "UVI014"],
    ),
    ".github/workflows/ci.yml": (
        "yaml",
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
        "          echo start\n          python -m uvicorn app.mian:app --port 8001 &\n",
        ["UVI002"],
    ),
    ".vscode/launch.json": (
        "jsonc",
        '{\n  // debug\n  "configurations": [\n    {"module": "uvicorn", "cwd": "${workspaceFolder}",\n'
        '     "args": ["app.main:app", "--reload-dir", "app",],},\n  ],\n}\n',
        ["UVI019"],
    ),
    "pyproject.toml": (
        "toml",
        '[tool.poe.tasks.dev]\ncmd = "uvicorn main:app --reload"\ncwd = "app"\n\n'
        '[tool.pdm.scripts]\nbad = { cmd = "uvicorn app.main:app --wokers 2" }\n',
        ["UVI004"],
    ),
    "supervisord.conf": (
        "ini",
        "[program:api]\ncommand=uvicorn app.main:app --host 0.0.0.0 --port %(ENV_PORT)s --reload\n",
        ["UVI014"],
    ),
    "deploy/api@.service": (
        "plaintext",
        "[Service]\nExecStart=/srv/api/.venv/bin/uvicorn app.main:app --port %i --workers 2 --reload\n",
        ["UVI003", "UVI014"],
    ),
}


def cli_findings(root: Path) -> dict[str, list[tuple[str, int, int, int, int]]]:
    """Per file: (code, start line, start column, end line, end column), 0-based as LSP counts them."""
    found: dict[str, list[tuple[str, int, int, int, int]]] = {}
    for row in check_json(root):
        start, end = row["location"], row["end_location"]
        relative = Path(row["filename"]).relative_to(root).as_posix()
        found.setdefault(relative, []).append(
            (row["code"], start["row"] - 1, start["column"] - 1, end["row"] - 1, end["column"] - 1)
        )
    return {name: sorted(rows) for name, rows in found.items()}


async def test_the_server_and_the_command_line_agree_on_command_files(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/main.py", APP)
    for relative, (_, text, _) in FILES.items():
        write(tmp_path, relative, text)
    expected = cli_findings(tmp_path)
    assert {name: sorted({row[0] for row in rows}) for name, rows in expected.items()} == {
        name: codes for name, (_, _, codes) in FILES.items()
    }
    async with lsp_session(tmp_path) as client:
        for relative, (language_id, text, _) in FILES.items():
            uri = (tmp_path / relative).as_uri()
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)
                )
            )
            diagnostics = await wait_for_diagnostics(client, uri, lambda found: len(found) > 0)
            served = sorted(
                (
                    str(d.code),
                    d.range.start.line,
                    d.range.start.character,
                    d.range.end.line,
                    d.range.end.character,
                )
                for d in diagnostics
            )
            assert served == expected[relative], relative
