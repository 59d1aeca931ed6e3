"""End to end: a real server process, driven like an editor."""

from __future__ import annotations

import asyncio
import textwrap

import pytest
from lsprotocol import types

from uvicorn_lsp.generated_code import GeneratedCode

from .conftest import (
    SAMPLE,
    apply_action,
    capabilities,
    code_actions,
    lsp_session,
    open_file,
    pull_diagnostics,
    replace_all,
    wait_for_diagnostics,
    write,
)

WHOLE_FILE = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=100, character=0))


async def test_open_diagnose_fix_and_diagnostic_gone(tmp_path):
    path = write(tmp_path, "main.py", SAMPLE)
    text = path.read_text()
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, path)
        [diagnostic] = await wait_for_diagnostics(client, uri)
        assert diagnostic.code == "UVI001"
        assert diagnostic.source == "uvicorn-lsp"
        assert diagnostic.severity == types.DiagnosticSeverity.Error
        assert diagnostic.code_description.href.endswith("/docs/rules/UVI001.md")
        assert "status 3" in diagnostic.message
        assert diagnostic.range == types.Range(
            start=types.Position(line=6, character=16), end=types.Position(line=6, character=19)
        )

        actions = await code_actions(client, uri, diagnostic.range)
        preferred = [action for action in actions if action.is_preferred]
        assert len(preferred) == 1 and preferred[0].kind == types.CodeActionKind.QuickFix
        assert preferred[0].title == 'Pass the import string "main:app"'
        fixed = await apply_action(client, uri, text, preferred[0], version=2)
        assert 'uvicorn.run("main:app", reload=True)' in fixed
        compile(fixed, "main.py", "exec")
        await wait_for_diagnostics(client, uri, lambda found: found == [])


async def test_pull_client_gets_reports_and_no_pushes(tmp_path):
    path = write(tmp_path, "main.py", SAMPLE)
    async with lsp_session(tmp_path, client_capabilities=capabilities(pull=True)) as client:
        uri = open_file(client, path)
        [diagnostic] = await pull_diagnostics(client, uri)
        assert diagnostic.code == "UVI001"
        replace_all(client, uri, SAMPLE.replace("uvicorn.run(app,", 'uvicorn.run("main:app",'), version=2)
        assert await pull_diagnostics(client, uri) == []
        await asyncio.sleep(0.3)
        assert uri not in client.diagnostics  # never both push and pull to one client


async def _first_diagnostic_range(tmp_path, encoding: str) -> types.Range:
    source = (
        'import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nx = "héllo→😀"; uvicorn.run(app, reload=True)\n'
    )
    path = write(tmp_path, "main.py", source)
    caps = capabilities(encoding=encoding)
    async with lsp_session(tmp_path, client_capabilities=caps, configuration={"select": ["UVI001"]}) as client:
        uri = open_file(client, path)
        [diagnostic] = await wait_for_diagnostics(client, uri)
        actions = await code_actions(client, uri, diagnostic.range)
        fixed = await apply_action(client, uri, source, next(a for a in actions if a.is_preferred), version=2)
        assert 'x = "héllo→😀"; uvicorn.run("main:app", reload=True)' in fixed
        return diagnostic.range


async def test_utf16_columns_count_surrogate_pairs(tmp_path):
    where = await _first_diagnostic_range(tmp_path, "utf-16")
    prefix = 'x = "héllo→😀"; uvicorn.run('
    assert where.start.character == len(prefix.encode("utf-16-le")) // 2
    assert where.end.character == where.start.character + 3


async def test_utf8_columns_count_bytes(tmp_path):
    where = await _first_diagnostic_range(tmp_path, "utf-8")
    prefix = 'x = "héllo→😀"; uvicorn.run('
    assert where.start.character == len(prefix.encode("utf-8"))


async def test_syntax_error_elsewhere_keeps_findings(tmp_path):
    broken = SAMPLE.replace("app = FastAPI()", "app = FastAPI()\n\ndef half_typed(:\n    pass")
    path = write(tmp_path, "main.py", broken)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, path)
        [diagnostic] = await wait_for_diagnostics(client, uri)
        assert diagnostic.code == "UVI001"


async def test_settings_from_workspace_configuration(tmp_path):
    path = write(tmp_path, "main.py", SAMPLE)
    async with lsp_session(tmp_path, configuration={"ignore": ["UVI001"]}) as client:
        uri = open_file(client, path)
        await wait_for_diagnostics(client, uri, lambda found: found == [])
        client.set_configuration({"ignore": [], "severity": {"UVI001": "warning"}}, section="uvicorn-lsp")
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        [diagnostic] = await wait_for_diagnostics(client, uri)
        assert diagnostic.severity == types.DiagnosticSeverity.Warning


@pytest.mark.parametrize(
    "options", [{"ignore": ["UVI"]}, {"uvicorn-lsp": {"ignore": ["UVI"]}}, {"settings": {"ignore": ["UVI"]}}]
)
async def test_initialization_options_select(tmp_path, options):
    path = write(tmp_path, "main.py", SAMPLE)
    caps = capabilities(configuration=False)
    async with lsp_session(tmp_path, client_capabilities=caps, initialization_options=options) as client:
        uri = open_file(client, path)
        await wait_for_diagnostics(client, uri, lambda found: found == [])


async def test_close_clears_diagnostics(tmp_path):
    path = write(tmp_path, "main.py", SAMPLE)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, path)
        await wait_for_diagnostics(client, uri)
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        await wait_for_diagnostics(client, uri, lambda found: found == [])


async def test_incremental_edits_are_applied(tmp_path):
    path = write(tmp_path, "main.py", SAMPLE.replace("reload=True", "reload=False"))
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, path)
        await wait_for_diagnostics(client, uri, lambda found: found == [])
        # Type "True" over "False" on line 6 in two keystrokes.
        line = 6
        start = len("    uvicorn.run(app, reload=")
        for version, (change_range, new_text) in enumerate(
            [
                (
                    types.Range(
                        start=types.Position(line=line, character=start),
                        end=types.Position(line=line, character=start + 5),
                    ),
                    "Tru",
                ),
                (
                    types.Range(
                        start=types.Position(line=line, character=start + 3),
                        end=types.Position(line=line, character=start + 3),
                    ),
                    "e",
                ),
            ],
            start=2,
        ):
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangePartial(range=change_range, text=new_text)],
                )
            )
        # Version 2 (`reload=Tru`) may be analysed before version 3 arrives: wait for the newest text's finding.
        [diagnostic] = await wait_for_diagnostics(
            client, uri, lambda found: any("reload=True" in item.message for item in found)
        )
        assert "reload=True" in diagnostic.message


async def test_noqa_and_fix_all_actions(tmp_path):
    path = write(tmp_path, "main.py", SAMPLE + "    uvicorn.run(app, workers=4)\n")
    text = path.read_text()
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, path)
        diagnostics = await wait_for_diagnostics(client, uri, lambda found: len(found) == 2)
        actions = await code_actions(client, uri, diagnostics[0].range)
        suppress = next(a for a in actions if "noqa" in a.title)
        suppressed = await apply_action(client, uri, text, suppress, version=2)
        assert "uvicorn.run(app, reload=True)  # noqa: UVI001" in suppressed
        [remaining] = await wait_for_diagnostics(client, uri, lambda found: len(found) == 1)
        assert "workers=4" in remaining.message

        [fix_all] = await code_actions(client, uri, WHOLE_FILE, only=["source.fixAll.uvicorn-lsp"])
        fixed = await apply_action(client, uri, suppressed, fix_all, version=3)
        assert 'uvicorn.run("main:app", workers=4)' in fixed
        await wait_for_diagnostics(client, uri, lambda found: found == [])


async def test_hover_shows_rule_documentation(tmp_path):
    path = write(tmp_path, "main.py", SAMPLE)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, path)
        [diagnostic] = await wait_for_diagnostics(client, uri)
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=diagnostic.range.start,
            )
        )
        assert "UVI001" in hover.contents.value and "import string" in hover.contents.value
        assert hover.contents.kind == types.MarkupKind.Markdown


async def test_hover_is_plain_text_for_a_client_that_lists_no_markdown(tmp_path):
    path = write(tmp_path, "main.py", SAMPLE)
    capabilities = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.PlainText])
        )
    )
    async with lsp_session(tmp_path, client_capabilities=capabilities) as client:
        uri = open_file(client, path)
        [diagnostic] = await wait_for_diagnostics(client, uri)
        hover = await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=diagnostic.range.start)
        )
        assert hover.contents.kind == types.MarkupKind.PlainText and "UVI001" in hover.contents.value


async def test_broken_pyproject_gives_one_message_and_defaults(tmp_path):
    write(tmp_path, "pyproject.toml", "[tool.uvicorn-lsp\nselect = [")
    path = write(tmp_path, "main.py", SAMPLE)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, path)
        [diagnostic] = await wait_for_diagnostics(client, uri)
        replace_all(client, uri, path.read_text() + "\n", version=2)
        await asyncio.sleep(0.5)
        warnings = [m for m in client.messages if "invalid TOML" in m.message]
        assert len(warnings) == 1


async def test_pyproject_ignore_applies(tmp_path):
    write(
        tmp_path,
        "pyproject.toml",
        textwrap.dedent("""
        [tool.uvicorn-lsp]
        per-file-ignores = { "main.py" = ["UVI001"] }
    """),
    )
    path = write(tmp_path, "main.py", SAMPLE)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, path)
        await wait_for_diagnostics(client, uri, lambda found: found == [])


async def test_incremental_edits_after_unusual_line_separators(tmp_path):
    """U+2028 and form feeds are not line breaks for Python or LSP; edits after them land right."""
    text = SAMPLE.replace("import uvicorn", "import uvicorn  # a\u2028b\x0cc").replace("reload=True", "reload=False")
    path = write(tmp_path, "main.py", text)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, path)
        await wait_for_diagnostics(client, uri, lambda found: found == [])
        start = len("    uvicorn.run(app, reload=")
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=6, character=start),
                            end=types.Position(line=6, character=start + 5),
                        ),
                        text="True",
                    )
                ],
            )
        )
        [diagnostic] = await wait_for_diagnostics(client, uri)
        assert diagnostic.range.start == types.Position(line=6, character=16)


async def test_hover_on_a_noqa_code(tmp_path):
    text = SAMPLE.replace("reload=True)", "reload=True)  # noqa: UVI001")
    path = write(tmp_path, "main.py", text)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, path)
        await wait_for_diagnostics(client, uri, lambda found: found == [])
        line = path.read_text().split("\n")[6]
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=6, character=line.index("UVI001") + 2),
            )
        )
        assert hover.contents.value.startswith("**UVI001**")


async def test_untitled_buffer_is_checked_without_fixes_that_need_a_file_name(tmp_path):
    async with lsp_session(tmp_path) as client:
        uri = "untitled:Untitled-1"
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri,
                    language_id="python",
                    version=1,
                    text=SAMPLE.lstrip("\n"),
                )
            )
        )
        [diagnostic] = await wait_for_diagnostics(client, uri)
        assert diagnostic.code == "UVI001"
        actions = await code_actions(client, uri, diagnostic.range)
        assert [a.title for a in actions if "noqa" not in a.title] == []


async def test_an_editor_that_never_answers_for_its_settings_costs_one_second_once(tmp_path):
    """The first analysis waits a second at most for the settings asked for at `initialized`; after that the
    settings known are used, and later edits are analysed at once (not after another second each)."""
    path = write(tmp_path, "main.py", SAMPLE)
    async with lsp_session(tmp_path, configuration_answers=False) as client:
        uri = open_file(client, path)
        [first] = await wait_for_diagnostics(client, uri)
        assert first.code == "UVI001"
        for version in range(2, 5):
            started = asyncio.get_running_loop().time()
            replace_all(client, uri, path.read_text() + "\n" * version, version)
            await wait_for_diagnostics(client, uri, lambda _, v=version: client.published[-1].version == v)
            assert asyncio.get_running_loop().time() - started < 0.8
        client.answer_configuration.set()  # the pending request ends before the session does
        await asyncio.sleep(0.1)


async def test_the_classes_generated_code_is_kept_for_the_next_start(tmp_path):
    """lsprotocol's classes (attrs) and the message converters (cattrs) are compiled once, then read at each start."""
    path = write(tmp_path, "main.py", SAMPLE)
    environment = {"XDG_CACHE_HOME": str(tmp_path / "cache")}

    async def session() -> None:
        async with lsp_session(tmp_path, env=environment) as client:
            await wait_for_diagnostics(client, open_file(client, path))

    await session()
    [cache_file] = (tmp_path / "cache" / "uvicorn-lsp").glob("generated-code.*.marshal")
    filenames = {key[1] for key in GeneratedCode(cache_file).stored}
    assert any(name.startswith("<attrs generated") for name in filenames)
    assert any(name.startswith("<cattrs generated") for name in filenames)
    mtime = cache_file.stat().st_mtime_ns
    await session()
    assert cache_file.stat().st_mtime_ns == mtime  # the same session again compiled nothing new
