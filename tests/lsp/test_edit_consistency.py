"""Random incremental edits leave the server with exactly the client's text."""

from __future__ import annotations

import random

from lsprotocol import types

from uvicorn_lsp.engine.source import split_lines

from ..engine.test_carry_over import MODULE, REPLACEMENTS
from .conftest import SAMPLE, _offset, capabilities, lsp_session, open_file, pull_diagnostics, write

PIECES = ["", "x", "é", "😀", "  ", "\n", "\r\n", "\u2028", "#", "(", '"']
CALL = "    x = 'héllo 😀'; uvicorn.run(app, workers=4)\n"


def _random_edit(rng: random.Random, text: str) -> tuple[types.Range, str]:
    lines = split_lines(text)

    def position() -> types.Position:
        line = rng.randrange(len(lines))
        units = len(lines[line].encode("utf-16-le")) // 2
        return types.Position(line=line, character=rng.randint(0, units))

    start = position()
    # Mostly short edits, as typing makes; now and then one across a line break.
    end_line = min(start.line + (rng.random() < 0.1), len(lines) - 1)
    end_units = len(lines[end_line].encode("utf-16-le")) // 2
    end = types.Position(
        line=end_line, character=min(end_units, (start.character if end_line == start.line else 0) + rng.randint(0, 3))
    )
    return types.Range(start=start, end=end), rng.choice(PIECES)


def _apply(text: str, where: types.Range, new_text: str) -> str:
    start, end = _offset(text, where.start, "utf-16"), _offset(text, where.end, "utf-16")
    return text[:start] + new_text + text[end:]


async def test_random_edits_match_a_fresh_open(tmp_path):
    rng = random.Random(7)
    path = write(tmp_path, "main.py", SAMPLE + CALL * 12)
    text = path.read_text()
    compared = 0
    async with lsp_session(tmp_path, client_capabilities=capabilities(pull=True)) as client:
        uri = open_file(client, path)
        for version in range(2, 80):
            where, new_text = _random_edit(rng, text)
            text = _apply(text, where, new_text)
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangePartial(range=where, text=new_text)],
                )
            )
            if version % 3 == 0:  # often: an unclosed bracket soon hides every finding below it
                edited = await pull_diagnostics(client, uri)
                fresh_uri = open_file(client, tmp_path / f"copy{version}.py", text)
                fresh = await pull_diagnostics(client, fresh_uri)
                assert [(d.code, d.range, d.message.replace(f"copy{version}", "main")) for d in edited] == [
                    (d.code, d.range, d.message.replace(f"copy{version}", "main")) for d in fresh
                ]
                compared += len(edited)
    assert compared >= 5  # the edits must leave findings to compare, or the test proves nothing


async def test_statements_typed_into_function_bodies_match_a_fresh_open(tmp_path):
    """Keystrokes that keep the findings (`carry_over`) and those that change them, through the real server: after
    each, the edited document's diagnostics equal those of the same text opened afresh."""
    rng = random.Random(11)
    path = write(tmp_path, "main.py", MODULE)
    lines = MODULE.split("\n")
    body = [number for number, line in enumerate(lines) if line.startswith("    ") and line.strip()]
    compared = 0
    async with lsp_session(tmp_path, client_capabilities=capabilities(pull=True)) as client:
        uri = open_file(client, path)
        for version in range(2, 40):
            number = rng.choice(body)
            indent = lines[number][: len(lines[number]) - len(lines[number].lstrip())]
            where = types.Range(
                start=types.Position(line=number, character=0),
                end=types.Position(line=number, character=len(lines[number])),
            )
            lines[number] = indent + rng.choice(REPLACEMENTS)
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangePartial(range=where, text=lines[number])],
                )
            )
            edited = await pull_diagnostics(client, uri)
            fresh_uri = open_file(client, tmp_path / f"copy{version}.py", "\n".join(lines))
            fresh = await pull_diagnostics(client, fresh_uri)
            assert [(d.code, d.range, d.message.replace(f"copy{version}", "main")) for d in edited] == [
                (d.code, d.range, d.message.replace(f"copy{version}", "main")) for d in fresh
            ]
            compared += len(edited)
    assert compared >= 20
