"""Cross-file freshness: a change in one module re-checks the open documents that read it."""

from __future__ import annotations

import asyncio
import time

from lsprotocol import types

from .conftest import capabilities, lsp_session, open_file, pull_diagnostics, replace_all, wait_for_diagnostics, write

MAIN = "from fastapi import FastAPI\n\napp = FastAPI()\n"
RUN = 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", reload=True)\n'


def uvi002(found: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in found if d.code == "UVI002"]


async def test_renaming_the_app_in_an_open_buffer_updates_the_runner(tmp_path):
    main = write(tmp_path, "main.py", MAIN)
    run = write(tmp_path, "run.py", RUN)
    async with lsp_session(tmp_path) as client:
        run_uri = open_file(client, run)
        main_uri = open_file(client, main)
        await wait_for_diagnostics(client, run_uri, lambda found: uvi002(found) == [])

        renamed_at = time.monotonic()
        replace_all(client, main_uri, MAIN.replace("app = ", "application = "), version=2)  # unsaved
        [finding] = uvi002(
            await wait_for_diagnostics(client, run_uri, lambda found: len(uvi002(found)) == 1, timeout=5)
        )
        assert time.monotonic() - renamed_at < 1.0
        assert "app" in finding.message

        replace_all(client, main_uri, MAIN, version=3)  # the rename is undone
        await wait_for_diagnostics(client, run_uri, lambda found: uvi002(found) == [], timeout=5)


async def test_change_on_disk_reported_by_watched_files(tmp_path):
    main = write(tmp_path, "main.py", MAIN)
    run = write(tmp_path, "run.py", RUN)
    async with lsp_session(tmp_path) as client:
        run_uri = open_file(client, run)
        await wait_for_diagnostics(client, run_uri, lambda found: uvi002(found) == [])

        main.write_text(MAIN.replace("app = ", "api = "))
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(uri=main.as_uri(), type=types.FileChangeType.Changed),
                ]
            )
        )
        await wait_for_diagnostics(client, run_uri, lambda found: len(uvi002(found)) == 1, timeout=5)

        main.unlink()
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(uri=main.as_uri(), type=types.FileChangeType.Deleted),
                ]
            )
        )
        [missing] = uvi002(
            await wait_for_diagnostics(
                client, run_uri, lambda found: len(uvi002(found)) == 1 and "main" in uvi002(found)[0].message, timeout=5
            )
        )

        write(tmp_path, "main.py", MAIN)
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(uri=main.as_uri(), type=types.FileChangeType.Created),
                ]
            )
        )
        await wait_for_diagnostics(client, run_uri, lambda found: uvi002(found) == [], timeout=5)


async def test_pull_clients_are_asked_to_refresh(tmp_path):
    main = write(tmp_path, "main.py", MAIN)
    run = write(tmp_path, "run.py", RUN)
    async with lsp_session(tmp_path, client_capabilities=capabilities(pull=True)) as client:
        run_uri = open_file(client, run)
        main_uri = open_file(client, main)
        assert uvi002(await pull_diagnostics(client, run_uri)) == []
        await asyncio.sleep(0.5)  # let start-up refreshes settle
        before = client.diagnostic_refresh_count
        replace_all(client, main_uri, MAIN.replace("app = ", "application = "), version=2)
        deadline = time.monotonic() + 5
        while client.diagnostic_refresh_count == before and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert client.diagnostic_refresh_count > before
        assert len(uvi002(await pull_diagnostics(client, run_uri))) == 1


async def test_a_keystroke_in_unrelated_code_keeps_findings_that_other_files_changed(tmp_path):
    """Findings kept across keystrokes in a helper nothing refers to (`carry_over`) still follow the module
    the import string names: its change on disk re-checks the runner in full."""
    helper = "\n\ndef helper(items):\n    total = sum(items)\n    return total\n"
    main = write(tmp_path, "main.py", MAIN)
    run = write(tmp_path, "run.py", RUN + helper)

    async def published(uri: str, version: int) -> list[types.Diagnostic]:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            found = [p.diagnostics for p in client.published if p.uri == uri and p.version == version]
            if found:
                return found[-1]
            await asyncio.sleep(0.02)
        raise AssertionError(f"no diagnostics for version {version}")

    def changed_on_disk(text: str) -> None:
        main.write_text(text)
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=main.as_uri(), type=types.FileChangeType.Changed)]
            )
        )

    async with lsp_session(tmp_path) as client:
        run_uri = open_file(client, run)
        assert uvi002(await published(run_uri, 1)) == []
        replace_all(client, run_uri, RUN + helper.replace("sum(", "max("), version=2)
        assert uvi002(await published(run_uri, 2)) == []

        changed_on_disk(MAIN.replace("app = ", "api = "))
        await wait_for_diagnostics(client, run_uri, lambda found: len(uvi002(found)) == 1, timeout=5)
        replace_all(client, run_uri, RUN + helper, version=3)
        assert len(uvi002(await published(run_uri, 3))) == 1

        changed_on_disk(MAIN)
        await wait_for_diagnostics(client, run_uri, lambda found: uvi002(found) == [], timeout=5)
        replace_all(client, run_uri, RUN + helper.replace("sum(", "min("), version=4)
        assert uvi002(await published(run_uri, 4)) == []


async def test_one_settings_change_sends_one_refresh_whatever_the_documents_open(tmp_path):
    """A refresh makes the client pull every open document again: six documents re-analysed for one settings
    change are one refresh, not six (audit: N refreshes made N*N pulls)."""
    paths = [write(tmp_path, f"m{index}.py", MAIN) for index in range(6)]
    async with lsp_session(
        tmp_path, client_capabilities=capabilities(pull=True), configuration={"ignore": []}
    ) as client:
        uris = [open_file(client, path) for path in paths]
        for uri in uris:
            await pull_diagnostics(client, uri)
        await asyncio.sleep(1)  # start-up settings and refreshes settle
        before = client.diagnostic_refresh_count
        client.set_configuration({"ignore": ["UVI005"]}, section="uvicorn-lsp")
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
        deadline = time.monotonic() + 5
        while client.diagnostic_refresh_count == before and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(1)  # any further refresh for the same change would come now
        assert client.diagnostic_refresh_count - before == 1


async def test_a_folder_renamed_whole_rechecks_what_read_its_files(tmp_path):
    """VS Code reports a folder moved or deleted as one event for the folder (audit: `mv app core` left the
    runner clean while `check` reported UVI002)."""
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/main.py", MAIN)
    run = write(tmp_path, "run.py", RUN.replace('"main:app"', '"app.main:app"'))
    async with lsp_session(tmp_path) as client:
        run_uri = open_file(client, run)
        await wait_for_diagnostics(client, run_uri, lambda found: uvi002(found) == [])
        (tmp_path / "app").rename(tmp_path / "core")
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(uri=(tmp_path / "app").as_uri(), type=types.FileChangeType.Deleted),
                    types.FileEvent(uri=(tmp_path / "core").as_uri(), type=types.FileChangeType.Created),
                ]
            )
        )
        await wait_for_diagnostics(client, run_uri, lambda found: len(uvi002(found)) == 1, timeout=5)


async def test_opening_a_buffer_that_differs_from_disk_rechecks_its_readers(tmp_path):
    """An editor restoring unsaved text at start-up opens the buffer with it: the files reading it follow at once
    (audit: the runner stayed clean until a keystroke in the module)."""
    main = write(tmp_path, "main.py", MAIN)
    run = write(tmp_path, "run.py", RUN)
    async with lsp_session(tmp_path) as client:
        run_uri = open_file(client, run)
        await wait_for_diagnostics(client, run_uri, lambda found: uvi002(found) == [])
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=main.as_uri(), language_id="python", version=1, text=MAIN.replace("app = ", "api = ")
                )
            )
        )
        await wait_for_diagnostics(client, run_uri, lambda found: len(uvi002(found)) == 1, timeout=5)
