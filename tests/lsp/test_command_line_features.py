"""Import strings, flags and file options on command lines (Dockerfile, compose, Procfile), over stdio:
completion, definition, document links, hover, renames; and a cancelled workspace pull."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import LanguageClient, client_capabilities

from .conftest import apply_workspace_edit, lsp_session, wait_for_diagnostics, write
from .test_import_string_features import MAIN, at, complete, hover_text, span, vscode

DOCKERFILE = """
FROM python:3.12-slim
WORKDIR /code
COPY . /code
CMD ["uvicorn", "app.main:app", "--ho", "--env-file=settings.env", "--loop", "asyncio"]
"""
# Shell form: quotes around part of the string, a `\\` continuation, a file option in the image's folder.
SHELL_DOCKERFILE = """
FROM python:3.12-slim
WORKDIR /code
COPY . /code
CMD uvicorn "app.main":app --host 0.0.0.0 \\
    --ssl-certfile certs/cert.pem --ssl-keyfile certs/key.pem --lifespan of
"""
# A JSON escape in a flow list, a folded block with nothing typed after `--log-level`.
COMPOSE = """
services:
  web:
    build: .
    command: ["uvicorn", "app.m\\u0061in:create_app", "--factory", "--host", "0.0.0.0"]
  worker:
    build: .
    command: >
      uvicorn app.main:app --host 0.0.0.0
      --log-level"""
COMPOSE += " \n"  # a blank after the flag: the value is not typed yet
PROCFILE = "web: uvicorn app.main:app --host 0.0.0.0 --port $PORT --http h\n"
RUN = """
import uvicorn

if __name__ == "__main__":
    uvicorn.run("app.main:app", reload=True)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/main.py", MAIN)
    write(tmp_path, "settings.env", "DEBUG=1\n")
    write(tmp_path, "certs/cert.pem", "not a real certificate\n")
    write(tmp_path, "certs/key.pem", "not a real key\n")
    write(tmp_path, "Dockerfile", DOCKERFILE)
    write(tmp_path, "Dockerfile.shell", SHELL_DOCKERFILE)
    write(tmp_path, "compose.yaml", COMPOSE)
    write(tmp_path, "Procfile", PROCFILE)
    write(tmp_path, "run.py", RUN)
    return tmp_path


async def open_as(client: LanguageClient, path: Path, language_id: str, pushed: bool = True) -> str:
    """Open with the languageId an editor sends for the file (the server picks the source by name),
    and wait for its first diagnostics: the analysis has read the installed uvicorn and sys.path,
    so questions are answered warm, within their budget (`pushed`: the client does not pull)."""
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(), language_id=language_id, version=1, text=path.read_text(encoding="utf-8")
            )
        )
    )
    if pushed:
        await wait_for_diagnostics(client, path.as_uri(), lambda found: True, timeout=60)
    return path.as_uri()


def column(path: Path, line: int, needle: str, plus: int = 0) -> int:
    """The column of `needle` on a line of the file, plus `plus`."""
    return path.read_text(encoding="utf-8").splitlines()[line].index(needle) + plus


def labels(result: types.CompletionList) -> list[str]:
    return [item.label for item in result.items]


async def test_completion_in_a_dockerfile_exec_form(project: Path):
    dockerfile = project / "Dockerfile"
    async with lsp_session(project, client_capabilities=vscode()) as client:
        uri = await open_as(client, dockerfile, "dockerfile")
        start = column(dockerfile, 3, "app.main")  # the element's content: `app.main:app`

        modules = await complete(client, uri, at(3, start + 1))
        project_modules = [(i.label, i.detail) for i in modules.items if i.detail != "installed"]
        assert project_modules == [("app", "package"), ("certs", "package"), ("run", "module")]  # /code's
        assert all(i.text_edit.range == span(3, start, start + 3) for i in modules.items) and modules.items
        submodules = await complete(client, uri, at(3, start + 4), trigger=".")
        assert labels(submodules) == ["main"]
        assert submodules.items[0].text_edit == types.TextEdit(range=span(3, start + 4, start + 8), new_text="main")

        attributes = await complete(client, uri, at(3, start + 9), trigger=":")
        assert [(i.label, i.detail) for i in attributes.items][:3] == [
            ("app", "FastAPI instance"),
            ("create_app", "factory → Starlette"),
            ("helper", "function"),
        ]
        assert all(i.text_edit.range == span(3, start + 9, start + 12) for i in attributes.items) and attributes.items

        # `"--ho"`: uvicorn's flags with their help, replacing the flag inside the quotes.
        flag = column(dockerfile, 3, "--ho")
        flags = await complete(client, uri, at(3, flag + 4), trigger="-")
        host = next(item for item in flags.items if item.label == "--host")
        assert host.text_edit == types.TextEdit(range=span(3, flag, flag + 4), new_text="--host")
        assert host.kind == types.CompletionItemKind.Property
        assert "Bind socket to this host." in host.documentation.value
        assert 'Default: `"127.0.0.1"`' in host.documentation.value
        assert "--env-file" not in labels(flags)  # given already
        assert labels(flags).index("--host") < labels(flags).index("--port") < labels(flags).index("--factory")

        # The value after `--loop`: the values its help names, replacing the element's content.
        value = column(dockerfile, 3, "asyncio")
        loops = await complete(client, uri, at(3, value + 2))
        assert {"auto", "asyncio", "uvloop"} <= set(labels(loops))
        assert all(i.text_edit.range == span(3, value, value + 7) for i in loops.items) and loops.items
        assert all(i.detail == "--loop value" for i in loops.items)

        # Outside a launch's words: nothing.
        assert (await complete(client, uri, at(0, 3))).items == ()
        assert (await complete(client, uri, at(3, 1))).items == ()
        assert (await complete(client, uri, at(2, 6), trigger=".")).items == ()


async def test_completion_in_shell_form_compose_and_procfile(project: Path):
    shell_form = project / "Dockerfile.shell"
    compose = project / "compose.yaml"
    procfile = project / "Procfile"
    async with lsp_session(project, client_capabilities=vscode()) as client:
        uri = await open_as(client, shell_form, "dockerfile")
        # `"app.main":app`: the quoted module part ends before the closing quote.
        quoted = column(shell_form, 3, '"app.main"') + 1
        assert [(i.label, i.text_edit.range) for i in (await complete(client, uri, at(3, quoted + 5))).items] == [
            ("main", span(3, quoted + 4, quoted + 8))
        ]
        attribute = column(shell_form, 3, ":app") + 1
        attributes = await complete(client, uri, at(3, attribute), trigger=":")
        assert labels(attributes)[:2] == ["app", "create_app"]
        assert attributes.items[0].text_edit.range == span(3, attribute, attribute + 3)
        # On the continuation line: `--lifespan of`.
        value = column(shell_form, 4, " of") + 1
        lifespans = await complete(client, uri, at(4, value + 2))
        assert labels(lifespans) == ["auto", "on", "off"]
        assert lifespans.items[2].text_edit == types.TextEdit(range=span(4, value, value + 2), new_text="off")

        uri = await open_as(client, compose, "dockercompose")
        # `app.m\u0061in`: the segment's range spans the escape as written.
        module = column(compose, 3, "m\\u0061in")
        submodules = await complete(client, uri, at(3, module + 1))
        assert [(i.label, i.text_edit.range) for i in submodules.items] == [("main", span(3, module, module + 9))]
        factory = column(compose, 3, "create_app")
        attributes = await complete(client, uri, at(3, factory + 3))
        assert attributes.items[1].label == "create_app"
        assert attributes.items[1].text_edit.range == span(3, factory, factory + 10)
        # `--log-level ` and nothing typed yet, in a folded block: the values, inserted at the cursor.
        end = len(compose.read_text().splitlines()[8])
        levels = await complete(client, uri, at(8, end))
        assert labels(levels) == ["critical", "error", "warning", "info", "debug", "trace"]
        assert levels.items[0].text_edit.range == span(8, end, end)

        uri = await open_as(client, procfile, "plaintext")
        attribute = column(procfile, 0, ":app") + 1
        assert labels(await complete(client, uri, at(0, attribute + 1)))[:2] == ["app", "create_app"]
        http = PROCFILE.rindex(" h") + 1
        protocols = await complete(client, uri, at(0, http + 1))
        assert "h11" in labels(protocols) and "httptools" in labels(protocols)
        assert protocols.items[0].text_edit.range == span(0, http, http + 1)
        assert (await complete(client, uri, at(0, 2))).items == ()  # the process name


async def test_definition_links_and_hover(project: Path):
    dockerfile = project / "Dockerfile"
    shell_form = project / "Dockerfile.shell"
    async with lsp_session(project, client_capabilities=vscode()) as client:
        uri = await open_as(client, dockerfile, "dockerfile")
        identifier = types.TextDocumentIdentifier(uri=uri)

        async def definition(document: types.TextDocumentIdentifier, position: types.Position) -> list:
            found = await client.text_document_definition_async(
                types.DefinitionParams(text_document=document, position=position)
            )
            return list(found or [])

        start = column(dockerfile, 3, "app.main")
        main = (project / "app" / "main.py").as_uri()
        assert await definition(identifier, at(3, start + 10)) == [types.Location(uri=main, range=span(3, 0, 3))]
        assert await definition(identifier, at(3, start + 5)) == [types.Location(uri=main, range=span(0, 0, 0))]
        package = (project / "app" / "__init__.py").as_uri()
        assert await definition(identifier, at(3, start + 1)) == [types.Location(uri=package, range=span(0, 0, 0))]
        declared = await client.text_document_declaration_async(
            types.DeclarationParams(text_document=identifier, position=at(3, start + 10))
        )
        assert list(declared) == [types.Location(uri=main, range=span(3, 0, 3))]
        # `--env-file=settings.env`: the value after `=`, found in the image's /code (the build context).
        env_file = column(dockerfile, 3, "settings.env")
        settings = (project / "settings.env").as_uri()
        assert await definition(identifier, at(3, env_file + 2)) == [types.Location(uri=settings, range=span(0, 0, 0))]
        assert await definition(identifier, at(3, column(dockerfile, 3, "--loop") + 2)) == []
        links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=identifier))
        assert [(link.range, link.target) for link in links] == [(span(3, env_file, env_file + 12), settings)]

        shell_uri = await open_as(client, shell_form, "dockerfile")
        shell_identifier = types.TextDocumentIdentifier(uri=shell_uri)
        certificate = column(shell_form, 4, "certs/cert.pem")
        key = column(shell_form, 4, "certs/key.pem")
        links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=shell_identifier))
        assert [(link.range, link.target, link.tooltip) for link in links] == [
            (span(4, certificate, certificate + 14), (project / "certs" / "cert.pem").as_uri(), "--ssl-certfile file"),
            (span(4, key, key + 13), (project / "certs" / "key.pem").as_uri(), "--ssl-keyfile file"),
        ]
        assert await definition(shell_identifier, at(4, certificate + 3)) == [
            types.Location(uri=(project / "certs" / "cert.pem").as_uri(), range=span(0, 0, 0))
        ]

        text = await hover_text(client, uri, at(3, start + 10))
        assert text is not None
        assert "- `/code in the image`: loads `app/main.py` → `app`, FastAPI instance, line 4" in text
        flag = await hover_text(client, uri, at(3, column(dockerfile, 3, "--loop") + 3))
        assert flag is not None
        assert "`--loop` (parameter `loop`)" in flag and "Event loop" in flag and 'Default: `"auto"`' in flag
        assert await hover_text(client, uri, at(1, 3)) is None


async def test_rename_reaches_command_lines(project: Path):
    async with lsp_session(project, client_capabilities=vscode()) as client:
        run = project / "run.py"
        run_uri = await open_as(client, run, "python")
        # A Python rename of `app` (cursor in run.py's import string) edits the command lines too.
        edit = await client.text_document_rename_async(
            types.RenameParams(
                text_document=types.TextDocumentIdentifier(uri=run_uri), position=at(3, 27), new_name="api"
            )
        )
        assert edit is not None
        files = {"app/main.py", "run.py", "Dockerfile", "Dockerfile.shell", "compose.yaml", "Procfile"}
        assert {change.text_document.uri for change in edit.document_changes} == {
            (project / name).as_uri() for name in files
        }
        renamed = {
            name: apply_workspace_edit((project / name).read_text(), edit, (project / name).as_uri()) for name in files
        }
        assert '["uvicorn", "app.main:api", "--ho"' in renamed["Dockerfile"]
        assert 'CMD uvicorn "app.main":api --host' in renamed["Dockerfile.shell"]
        assert "uvicorn app.main:api --host 0.0.0.0\n" in renamed["compose.yaml"]
        assert '"app.m\\u0061in:create_app"' in renamed["compose.yaml"]  # another name: untouched
        assert renamed["Procfile"] == PROCFILE.replace("app.main:app", "app.main:api")
        assert "\napi = FastAPI()\n" in renamed["app/main.py"]

        # From the Dockerfile: prepareRename on the attribute, null on the module part and on a flag.
        dockerfile = project / "Dockerfile"
        uri = await open_as(client, dockerfile, "dockerfile")
        identifier = types.TextDocumentIdentifier(uri=uri)
        start = column(dockerfile, 3, "app.main")

        async def prepare(position: types.Position):
            return await client.text_document_prepare_rename_async(
                types.PrepareRenameParams(text_document=identifier, position=position)
            )

        assert await prepare(at(3, start + 10)) == types.PrepareRenamePlaceholder(
            range=span(3, start + 9, start + 12), placeholder="app"
        )
        assert await prepare(at(3, start + 2)) is None
        assert await prepare(at(3, column(dockerfile, 3, "--loop") + 2)) is None
        edit = await client.text_document_rename_async(
            types.RenameParams(text_document=identifier, position=at(3, start + 10), new_name="application")
        )
        assert edit is not None
        main = project / "app" / "main.py"
        assert "\napplication = FastAPI()\n" in apply_workspace_edit(main.read_text(), edit, main.as_uri())
        assert 'uvicorn.run("app.main:application"' in apply_workspace_edit(run.read_text(), edit, run_uri)

        # Moving the module: willRenameFiles edits the command lines' strings as well as Python's.
        moved = await client.workspace_will_rename_files_async(
            types.RenameFilesParams(
                files=[types.FileRename(old_uri=main.as_uri(), new_uri=(project / "app" / "web.py").as_uri())]
            )
        )
        assert moved is not None
        assert '"app.web:app"' in apply_workspace_edit(dockerfile.read_text(), moved, uri)
        assert 'CMD uvicorn "app.web":app --host' in apply_workspace_edit(  # inside the word's quotes
            (project / "Dockerfile.shell").read_text(), moved, (project / "Dockerfile.shell").as_uri()
        )
        assert "web: uvicorn app.web:app" in apply_workspace_edit(PROCFILE, moved, (project / "Procfile").as_uri())


LAUNCHING = """
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    uvicorn.run(app, reload=True, workers={n})
"""


async def test_workspace_pull_is_cancellable(tmp_path: Path):
    """A `$/cancelRequest` during a workspace pull over many files: RequestCancelled promptly
    (or the result, if it came first), and the server keeps answering."""
    for number in range(1500):
        write(tmp_path, f"pkg{number // 100}/module_{number}.py", LAUNCHING.format(n=number % 4 + 1))
    write(tmp_path, "Dockerfile", DOCKERFILE)
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/main.py", MAIN)
    async with lsp_session(tmp_path, client_capabilities=client_capabilities("neovim")) as client:
        request_id = "workspace-pull-1"
        pending = client.protocol.send_request(
            types.WORKSPACE_DIAGNOSTIC, types.WorkspaceDiagnosticParams(previous_result_ids=[]), msg_id=request_id
        )
        await asyncio.sleep(0.5)  # well into the first batches
        assert not pending.done(), "the pull finished before it could be cancelled: make the workspace larger"
        cancelled_at = time.monotonic()
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=request_id))
        with pytest.raises(JsonRpcRequestCancelled):
            await asyncio.wait_for(asyncio.wrap_future(pending), 5)
        assert time.monotonic() - cancelled_at < 2.0  # one batch at most

        # The server still answers: completions in the Dockerfile, each within its second (an
        # incomplete empty list while the cursor question is over its budget, as editors ask again).
        uri = await open_as(client, tmp_path / "Dockerfile", "dockerfile", pushed=False)
        start = column(tmp_path / "Dockerfile", 3, "app.main")
        for _ in range(20):
            answered = await asyncio.wait_for(complete(client, uri, at(3, start + 9), trigger=":"), 1.5)
            if answered.items or not answered.is_incomplete:
                break
        assert labels(answered)[:2] == ["app", "create_app"]


async def test_workspace_pull_reports_command_files(tmp_path: Path):
    """The workspace pull reads the files `check` reads: a Dockerfile that is not open gets its findings."""
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/main.py", MAIN)
    write(tmp_path, "Dockerfile", DOCKERFILE.replace('"--ho"', '"--reload"'))
    async with lsp_session(tmp_path, client_capabilities=client_capabilities("neovim")) as client:
        report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
        items = {item.uri: item for item in report.items}
        assert set(items) == {(tmp_path / name).as_uri() for name in ("app/__init__.py", "app/main.py", "Dockerfile")}
        assert "UVI014" in [diagnostic.code for diagnostic in items[(tmp_path / "Dockerfile").as_uri()].items]
