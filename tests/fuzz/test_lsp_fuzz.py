"""Thousands of hostile document versions through a real server over stdio (seeded; slow).

Pass: the server never crashes, answers every request within 10 s and never with a JSON-RPC
internal error, never publishes an older version's diagnostics after a newer one's, shows no
internal error, and still finds the right problem in a known-bad text at the end."""

from __future__ import annotations

import asyncio
import os
import random
import time
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from uvicorn_lsp.engine.source import split_lines

from ..lsp.conftest import SERVER_CANCELLED, _offset, capabilities, lsp_session, wait_for_diagnostics
from ..lsp.texts import KNOWN_BAD
from .texts import extreme_texts, fuzz_texts

SEED = int(os.environ.get("UVICORN_LSP_FUZZ_SEED", "20261130"))
VERSIONS = 2_500  # document versions sent in all (bursts, single edits, reopenings)
REQUESTS = 200  # at least, whatever share of the versions the seed's bursts take
ANSWER_WITHIN = 10.0
REQUEST_CANCELLED = -32800
ALLOWED_ERRORS = {SERVER_CANCELLED, REQUEST_CANCELLED}
FAR = 10**6  # a line or column far past any text's end


class Driver:
    """Sends versions and requests like a (careless) editor and checks every answer."""

    def __init__(self, client, root: Path, rng: random.Random):
        self.client = client
        self.rng = rng
        self.uris = [(root / f"doc{number}.py").as_uri() for number in range(3)]
        self.texts: dict[str, str] = {}
        self.version = 0  # one counter for all documents: every version sent is newer than any before
        self.sent_versions = 0
        self.requests = 0
        self.next_id = 0

    def open(self, uri: str, text: str) -> None:
        self.version += 1
        self.texts[uri] = text
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="python", version=self.version, text=text)
            )
        )
        self.sent_versions += 1

    def close(self, uri: str) -> None:
        self.texts.pop(uri, None)
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def change(self, uri: str, text: str, whole: bool = False) -> None:
        """The new text as a whole-document change, or as an incremental edit of the old one."""
        old = self.texts[uri]
        self.version += 1
        if whole or self.rng.random() < 0.5 or not old:
            changes: list = [types.TextDocumentContentChangeWholeDocument(text=text)]
            self.texts[uri] = text
        else:
            where = self._random_range(old)
            piece = text[: self.rng.randint(0, 30)]
            start, end = _offset(old, where.start, "utf-16"), _offset(old, where.end, "utf-16")
            self.texts[uri] = old[:start] + piece + old[end:]
            changes = [types.TextDocumentContentChangePartial(range=where, text=piece)]
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.version),
                content_changes=changes,
            )
        )
        self.sent_versions += 1

    def _random_range(self, text: str) -> types.Range:
        lines = split_lines(text)

        def position() -> types.Position:
            line = self.rng.randrange(len(lines))
            units = len(lines[line].encode("utf-16-le", "surrogatepass")) // 2
            return types.Position(line=line, character=self.rng.randint(0, units))

        start, end = sorted([position(), position()], key=lambda p: (p.line, p.character))
        return types.Range(start=start, end=end)

    def _random_position(self, uri: str) -> types.Position:
        if self.rng.random() < 0.2:  # out of range
            return types.Position(line=self.rng.choice([0, FAR]), character=FAR)
        return self._random_range(self.texts[uri]).start

    async def request(self, uri: str, cancel: bool = False) -> None:
        """A code action, hover or diagnostic pull at a random place; `cancel` sends $/cancelRequest at once."""
        document = types.TextDocumentIdentifier(uri=uri)
        kind = self.rng.randrange(3)
        if kind == 0:
            start = self._random_position(uri)
            method, params = (
                types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionParams(
                    text_document=document,
                    range=types.Range(start=start, end=start),
                    context=types.CodeActionContext(diagnostics=[]),
                ),
            )
        elif kind == 1:
            method, params = (
                types.TEXT_DOCUMENT_HOVER,
                types.HoverParams(text_document=document, position=self._random_position(uri)),
            )
        else:
            method, params = (types.TEXT_DOCUMENT_DIAGNOSTIC, types.DocumentDiagnosticParams(text_document=document))
        self.next_id += 1
        msg_id = f"fuzz-{self.next_id}"
        answer = self.client.protocol.send_request_async(method, params, msg_id=msg_id)
        if cancel:
            self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
        started = time.monotonic()
        try:
            await asyncio.wait_for(answer, ANSWER_WITHIN)
        except TimeoutError:
            pytest.fail(f"{method} unanswered for {ANSWER_WITHIN} s (version {self.version})")
        except JsonRpcException as error:
            assert error.code in ALLOWED_ERRORS, f"{method}: JSON-RPC error {error.code} {error.message}"
        assert time.monotonic() - started < ANSWER_WITHIN
        self.requests += 1


def check_published_in_order(client) -> None:
    newest: dict[str, int] = {}
    for published in client.published:
        if published.version is None:  # the empty list sent on close
            continue
        assert published.version >= newest.get(published.uri, 0), (
            f"{published.uri}: version {published.version} published after {newest[published.uri]}"
        )
        newest[published.uri] = published.version


@pytest.mark.slow
async def test_the_server_survives_thousands_of_hostile_versions(tmp_path):
    rng = random.Random(SEED)
    texts = fuzz_texts(SEED, VERSIONS)
    extremes = extreme_texts()
    async with lsp_session(tmp_path, client_capabilities=capabilities()) as client:
        driver = Driver(client, tmp_path, rng)
        for uri in driver.uris:
            driver.open(uri, next(texts))
        step = 0
        while driver.sent_versions < VERSIONS or driver.requests < REQUESTS:
            step += 1
            uri = rng.choice(driver.uris)
            if uri not in driver.texts:
                driver.open(uri, next(texts, KNOWN_BAD))
                continue
            if step % 40 == 0 and extremes:  # nesting 200 deep, a 1 MB line, 100,000 lines...
                driver.change(uri, extremes.pop(0), whole=True)
                await driver.request(uri)
                continue
            action = rng.random()
            if action < 0.25:  # a burst of 50 changes without waiting
                for _ in range(50):
                    driver.change(uri, next(texts, KNOWN_BAD))
                await driver.request(uri)
            elif action < 0.75:
                driver.change(uri, next(texts, KNOWN_BAD))
                await driver.request(uri, cancel=rng.random() < 0.2)
            elif action < 0.9:  # open/close churn
                driver.close(uri)
                if rng.random() < 0.5:
                    driver.open(uri, next(texts, KNOWN_BAD))
            else:  # several requests at once, some cancelled
                await asyncio.gather(*(driver.request(uri, cancel=rng.random() < 0.5) for _ in range(5)))
        for extreme in extremes:  # those the walk did not reach before its last version (bursts use many)
            uri = rng.choice(driver.uris)
            if uri in driver.texts:
                driver.change(uri, extreme, whole=True)
            else:
                driver.open(uri, extreme)
            await driver.request(uri)

        # The server is still right: a known-bad text gets its finding, at the right place.
        target = driver.uris[0]
        if target not in driver.texts:
            driver.open(target, KNOWN_BAD)
        else:
            driver.change(target, KNOWN_BAD, whole=True)
        [finding] = await wait_for_diagnostics(
            client, target, lambda found: len(found) == 1 and found[0].code == "UVI001", timeout=120
        )
        assert finding.range == types.Range(
            start=types.Position(line=6, character=16), end=types.Position(line=6, character=19)
        )
        assert client._server.returncode is None, "the server process ended"
        check_published_in_order(client)
        errors = [m.message for m in client.messages if m.type == types.MessageType.Error]
        assert errors == [], errors
        print(f"fuzz: seed {SEED}, {driver.sent_versions} versions, {driver.requests} requests answered")
