"""A Dockerfile's verdicts follow its build context's `.dockerignore` (and `.containerignore`, which Podman
reads before it) in the real server: edited in an open buffer, or changed on disk (the client's file watcher)."""

from __future__ import annotations

from lsprotocol import types

from .conftest import lsp_session, open_file, replace_all, wait_for_diagnostics, write

APP = "from fastapi import FastAPI\napp = FastAPI()\n"
DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n'


def uvi002(found: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [diagnostic for diagnostic in found if diagnostic.code == "UVI002"]


def severities(found: list[types.Diagnostic]) -> list[types.DiagnosticSeverity | None]:
    return [diagnostic.severity for diagnostic in uvi002(found)]


async def test_editing_the_ignore_file_rechecks_the_open_dockerfile(tmp_path):
    write(tmp_path, "main.py", APP)
    ignore = write(tmp_path, ".dockerignore", "tests\n")
    dockerfile = write(tmp_path, "Dockerfile", DOCKERFILE)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, dockerfile)
        await wait_for_diagnostics(client, uri, lambda found: uvi002(found) == [])

        ignore_uri = open_file(client, ignore)
        replace_all(client, ignore_uri, "tests\nmain.py\n", version=2)  # unsaved
        [finding] = uvi002(await wait_for_diagnostics(client, uri, lambda found: len(uvi002(found)) == 1))
        assert finding.message.startswith('"main:app" will not load')
        assert finding.range.start == types.Position(line=3, character=16)

        replace_all(client, ignore_uri, "tests\n", version=3)
        await wait_for_diagnostics(client, uri, lambda found: uvi002(found) == [])


async def test_an_ignore_file_written_on_disk_rechecks_the_open_dockerfile(tmp_path):
    write(tmp_path, "main.py", APP)
    dockerfile = write(tmp_path, "Dockerfile", DOCKERFILE)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, dockerfile)
        await wait_for_diagnostics(client, uri, lambda found: uvi002(found) == [])

        ignore = write(tmp_path, ".dockerignore", "*.py\n")
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=ignore.as_uri(), type=types.FileChangeType.Created)]
            )
        )
        await wait_for_diagnostics(client, uri, lambda found: len(uvi002(found)) == 1)


async def test_the_containerignore_rechecks_the_open_dockerfile(tmp_path):
    write(tmp_path, "main.py", APP)
    write(tmp_path, ".dockerignore", "main.py\n")
    dockerfile = write(tmp_path, "Dockerfile", DOCKERFILE)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, dockerfile)
        await wait_for_diagnostics(client, uri, lambda found: severities(found) == [types.DiagnosticSeverity.Error])

        ignore = write(tmp_path, ".containerignore", "tests\n")  # podman build now sends main.py, docker's not
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=ignore.as_uri(), type=types.FileChangeType.Created)]
            )
        )
        await wait_for_diagnostics(client, uri, lambda found: severities(found) == [types.DiagnosticSeverity.Warning])

        ignore_uri = open_file(client, ignore)
        replace_all(client, ignore_uri, "main.py\n", version=2)  # unsaved: no builder sends main.py
        await wait_for_diagnostics(client, uri, lambda found: severities(found) == [types.DiagnosticSeverity.Error])
