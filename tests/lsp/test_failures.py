"""Failures are visible in the editor: a rule that raises, an analysis that fails as a whole."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from lsprotocol import types

from .broken_engine_server import BROKEN_RULE, RULE_FAILS, WHOLE_ANALYSIS_FAILS
from .conftest import lsp_session, open_file, replace_all, wait_for_diagnostics, write
from .texts import KNOWN_BAD

BROKEN_SERVER = [sys.executable, str(Path(__file__).with_name("broken_engine_server.py"))]


def _internal_errors(client) -> list[types.ShowMessageParams]:
    return [m for m in client.messages if m.type == types.MessageType.Error and "internal error" in m.message]


async def test_a_rule_that_raises_is_shown_once_per_document_and_the_others_findings_stay(tmp_path):
    first = write(tmp_path, "main.py", KNOWN_BAD + RULE_FAILS + "\n")
    second = write(tmp_path, "other.py", KNOWN_BAD + RULE_FAILS + "\n")
    async with lsp_session(tmp_path, server_command=BROKEN_SERVER) as client:
        uri = open_file(client, first)
        [finding] = await wait_for_diagnostics(client, uri)
        assert finding.code == "UVI001"
        [shown] = _internal_errors(client)
        assert BROKEN_RULE in shown.message and "please report" in shown.message
        assert any("Traceback" in m.message and "planted failure" in m.message for m in client.log_messages)

        replace_all(client, uri, KNOWN_BAD.replace("reload=True", "workers=4") + RULE_FAILS, version=2)
        await wait_for_diagnostics(client, uri, lambda found: any("workers" in d.message for d in found))
        assert len(_internal_errors(client)) == 1  # once per document, not once per keystroke

        other_uri = open_file(client, second)
        await wait_for_diagnostics(client, other_uri)
        assert len(_internal_errors(client)) == 2


async def test_an_analysis_that_fails_as_a_whole_keeps_the_last_good_diagnostics(tmp_path):
    path = write(tmp_path, "main.py", KNOWN_BAD)
    async with lsp_session(tmp_path, server_command=BROKEN_SERVER) as client:
        uri = open_file(client, path)
        [finding] = await wait_for_diagnostics(client, uri)
        shown_before = len(client.messages)
        replace_all(client, uri, KNOWN_BAD + WHOLE_ANALYSIS_FAILS + "\n", version=2)
        deadline = asyncio.get_running_loop().time() + 10
        while not any("analysis of" in m.message for m in client.messages[shown_before:]):
            assert asyncio.get_running_loop().time() < deadline, client.messages
            await asyncio.sleep(0.05)
        [failed] = [m for m in client.messages[shown_before:] if "analysis of" in m.message]
        assert failed.type == types.MessageType.Error and "last diagnostics are kept" in failed.message
        assert [p.version for p in client.published if p.uri == uri] == [1]  # no empty list published
        assert list(client.diagnostics[uri]) == [finding]

        replace_all(client, uri, KNOWN_BAD.replace("reload=True", "workers=4"), version=3)
        await wait_for_diagnostics(client, uri, lambda found: any("workers" in d.message for d in found))
