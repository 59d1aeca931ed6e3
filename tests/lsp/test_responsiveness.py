"""The server always answers: within a second, on the newest text only, even while a long analysis runs."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .conftest import (
    SERVER_CANCELLED,
    capabilities,
    lsp_session,
    open_file,
    pull_diagnostics,
    replace_all,
    wait_for_diagnostics,
    write,
)
from .texts import KNOWN_BAD, hostile_module, long_module

# Parsing alone takes several seconds at this size: the analysis is still running when we ask.
HUGE_LINES = 100_000
ANSWER_WITHIN = 1.0
WHOLE_FILE = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=10, character=0))


async def _timed(request):
    started = time.monotonic()
    try:
        result = await request
    except JsonRpcException as error:
        result = error
    return result, time.monotonic() - started


async def test_requests_during_a_long_analysis_are_answered_within_a_second(tmp_path):
    path = write(tmp_path, "main.py", KNOWN_BAD)
    async with lsp_session(
        tmp_path, client_capabilities=capabilities(pull=True), initialization_options={"analysisTimeout": 600}
    ) as client:
        uri = open_file(client, path)
        [finding] = await pull_diagnostics(client, uri)
        assert finding.code == "UVI001"
        replace_all(client, uri, hostile_module(HUGE_LINES), version=2)
        await asyncio.sleep(0.3)
        for _ in range(2):  # right after the paste, and again seconds into its analysis
            document = types.TextDocumentIdentifier(uri=uri)
            refused, took = await _timed(
                client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=document))
            )
            assert took < ANSWER_WITHIN
            assert isinstance(refused, JsonRpcException), refused
            assert refused.code == SERVER_CANCELLED and refused.data == {"retriggerRequest": True}

            actions, took = await _timed(
                client.text_document_code_action_async(
                    types.CodeActionParams(
                        text_document=document,
                        range=finding.range,
                        # Invoked (Ctrl+.) waits longest for the analysis: still within the second.
                        context=types.CodeActionContext(
                            diagnostics=[], trigger_kind=types.CodeActionTriggerKind.Invoked
                        ),
                    )
                )
            )
            assert took < ANSWER_WITHIN
            assert list(actions) == []  # never the fixes of the old text

            hover, took = await _timed(
                client.text_document_hover_async(
                    types.HoverParams(text_document=document, position=finding.range.start)
                )
            )
            assert took < ANSWER_WITHIN
            assert hover is None or "UVI001" not in str(hover.contents)  # the old text's finding is gone
            await asyncio.sleep(2)

        answered, took = await _timed(client.shutdown_async(None))
        assert took < ANSWER_WITHIN and answered is None
        exit_sent = time.monotonic()
        client.exit(None)
        assert await asyncio.wait_for(client._server.wait(), 5) == 0
        assert time.monotonic() - exit_sent < 2.0  # not after the analysis: it ends with the process


async def test_a_version_typed_after_a_huge_paste_does_not_wait_for_it(tmp_path):
    path = write(tmp_path, "main.py", KNOWN_BAD)
    async with lsp_session(tmp_path, initialization_options={"analysisTimeout": 600}) as client:
        uri = open_file(client, path)
        await wait_for_diagnostics(client, uri)
        replace_all(client, uri, long_module(20_000), version=2)
        await asyncio.sleep(0.5)
        typed = KNOWN_BAD.replace("reload=True", "workers=4")  # the paste undone, then an edit
        replace_all(client, uri, typed, version=3)
        [finding] = await wait_for_diagnostics(
            client, uri, lambda found: any("workers" in d.message for d in found), timeout=60
        )
        assert finding.code == "UVI001"
        versions = [published.version for published in client.published if published.uri == uri]
        assert versions == [1, 3]  # the pasted version was never published...
        # ...because its analysis stopped for the newer text, not because it finished and was dropped.
        assert any("stopped the analysis of" in m.message and "version 2 " in m.message for m in client.log_messages), [
            m.message for m in client.log_messages
        ]

        # The server is idle again: an edit now is answered at once.
        replace_all(client, uri, KNOWN_BAD, version=4)
        await wait_for_diagnostics(client, uri, lambda found: any("reload" in d.message for d in found), timeout=5)


async def test_an_analysis_over_its_budget_publishes_what_it_found_and_says_so(tmp_path):
    path = write(tmp_path, "main.py", hostile_module(20_000))
    async with lsp_session(tmp_path, initialization_options={"analysisTimeout": 0.5}) as client:
        await asyncio.sleep(1)  # start-up settings settle: they would restart the analysis after its parse
        uri = open_file(client, path)
        found = await wait_for_diagnostics(client, uri, timeout=120)
        [note] = [d for d in found if d.code == "analysis-timeout"]
        assert note.severity == types.DiagnosticSeverity.Information
        assert note.range.start == types.Position(line=0, character=0)
        assert "time budget of 0.5 s" in note.message
        skipped = set(re.findall(r"UVI\d{3}", note.message.partition("not checked:")[2]))
        assert "UVI001" in skipped or any(d.code == "UVI001" for d in found)  # a rule that ran kept its findings
        assert not any(d.code in skipped for d in found)
        assert [published.version for published in client.published if published.uri == uri] == [1]
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=note.range,
                context=types.CodeActionContext(diagnostics=[note]),
            )
        )
        assert not any("analysis-timeout" in action.title for action in actions or [])  # nothing to silence


@pytest.mark.parametrize("timeout", ["soon", -1, True])
async def test_a_bad_time_budget_setting_is_reported_and_the_default_used(tmp_path, timeout):
    path = write(tmp_path, "main.py", KNOWN_BAD)
    async with lsp_session(tmp_path, initialization_options={"analysisTimeout": timeout}) as client:
        uri = open_file(client, path)
        [finding] = await wait_for_diagnostics(client, uri)
        assert finding.code == "UVI001"
        assert any("analysisTimeout must be a positive number" in message.message for message in client.messages)


async def test_pull_with_the_previous_result_id_gets_unchanged(tmp_path):
    path = write(tmp_path, "main.py", KNOWN_BAD)
    async with lsp_session(tmp_path, client_capabilities=capabilities(pull=True)) as client:
        uri = open_file(client, path)
        await pull_diagnostics(client, uri)
        document = types.TextDocumentIdentifier(uri=uri)
        first = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=document))
        assert first.kind == "full" and first.result_id
        again = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=document, previous_result_id=first.result_id)
        )
        assert again.kind == "unchanged" and again.result_id == first.result_id

        replace_all(client, uri, KNOWN_BAD.replace("reload=True", "workers=4"), version=2)
        await pull_diagnostics(client, uri)
        changed = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=document, previous_result_id=first.result_id)
        )
        assert changed.kind == "full" and changed.result_id != first.result_id
        assert "workers" in changed.items[0].message


async def test_a_pull_refused_while_analysing_is_followed_by_a_refresh(tmp_path):
    path = write(tmp_path, "main.py", long_module(20_000))  # seconds to parse: not ready within the wait
    async with lsp_session(
        tmp_path, client_capabilities=capabilities(pull=True), initialization_options={"analysisTimeout": 600}
    ) as client:
        await asyncio.sleep(1)  # start-up settings and refreshes settle (new settings restart analyses)
        before = client.diagnostic_refresh_count
        uri = open_file(client, path)
        with pytest.raises(JsonRpcException) as refused:
            await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
            )
        assert refused.value.code == SERVER_CANCELLED and refused.value.data == {"retriggerRequest": True}
        # Asking again and again (as editors do on ServerCancelled) must not restart the analysis.
        [finding] = [d for d in await pull_diagnostics(client, uri, timeout=120) if d.code == "UVI001"]
        assert "reload=True" in finding.message
        assert not any("stopped the analysis" in m.message for m in client.log_messages), client.log_messages
        deadline = time.monotonic() + 5
        while client.diagnostic_refresh_count == before:
            assert time.monotonic() < deadline, "no workspace/diagnostic/refresh after the analysis"
            await asyncio.sleep(0.05)
