"""UVI020 on an open Dockerfile follows what the image would hold, in the real server: the `.dockerignore`
edited in a buffer, a file made in the build context, a compose file that mounts over the path."""

from __future__ import annotations

from lsprotocol import types

from .conftest import lsp_session, open_file, replace_all, wait_for_diagnostics, write

APP = "from fastapi import FastAPI\napp = FastAPI()\n"
DOCKERFILE = (
    "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\n"
    'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--env-file", ".env", "--log-config", "logging.json"]\n'
)


def uvi020(found: list[types.Diagnostic]) -> list[str]:
    return sorted(diagnostic.message.split(":")[0] for diagnostic in found if diagnostic.code == "UVI020")


def created(client, path) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Created)]
        )
    )


async def test_the_ignore_file_and_the_build_context_recheck_the_open_dockerfile(tmp_path):
    write(tmp_path, "main.py", APP)
    write(tmp_path, ".env", "MODE=prod\n")
    ignore = write(tmp_path, ".dockerignore", ".env\n")
    dockerfile = write(tmp_path, "Dockerfile", DOCKERFILE)
    both = ["--env-file .env", "--log-config logging.json"]
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, dockerfile)
        await wait_for_diagnostics(client, uri, lambda found: uvi020(found) == both)

        ignore_uri = open_file(client, ignore)
        replace_all(client, ignore_uri, "*.md\n", version=2)  # unsaved: .env goes into the image
        await wait_for_diagnostics(client, uri, lambda found: uvi020(found) == ["--log-config logging.json"])

        created(client, write(tmp_path, "logging.json", "{}"))
        await wait_for_diagnostics(client, uri, lambda found: uvi020(found) == [])


async def test_a_compose_file_mounting_the_file_rechecks_the_open_dockerfile(tmp_path):
    write(tmp_path, "main.py", APP)
    write(tmp_path, "logging.json", "{}")
    write(tmp_path, ".dockerignore", ".env\n")
    dockerfile = write(tmp_path, "Dockerfile", DOCKERFILE)
    async with lsp_session(tmp_path) as client:
        uri = open_file(client, dockerfile)
        await wait_for_diagnostics(client, uri, lambda found: uvi020(found) == ["--env-file .env"])

        compose = "services:\n  web:\n    build: .\n    volumes:\n      - ./.env:/app/.env\n"
        created(client, write(tmp_path, "compose.yaml", compose))
        await wait_for_diagnostics(client, uri, lambda found: uvi020(found) == [])
