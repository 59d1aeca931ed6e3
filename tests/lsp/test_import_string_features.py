"""Import strings in the editor, over stdio: completion, definition, links, hover, renames."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from .conftest import SERVER_COMMAND, apply_workspace_edit, lsp_session, open_file, wait_for_diagnostics, write


def vscode(encoding: str = "utf-16") -> types.ClientCapabilities:
    """VS Code's own capabilities (as pytest-lsp recorded them), with one position encoding."""
    capabilities = copy.deepcopy(client_capabilities("visual-studio-code"))
    capabilities.general.position_encodings = [encoding]
    return capabilities


MAIN = """
from fastapi import FastAPI
from starlette.applications import Starlette

app = FastAPI()


def create_app():
    return Starlette()


def helper(value):
    return value
"""

RUN = """
import uvicorn

if __name__ == "__main__":
    uvicorn.run("app.main:app", reload=True, ssl_certfile="cert.pem", )
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/main.py", MAIN)
    write(tmp_path, "run.py", RUN)
    write(tmp_path, "cert.pem", "not a real certificate\n")
    write(tmp_path, "notes.py", "import os\nprint(os.path.join('a', 'b'))\n")
    return tmp_path


def at(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def span(line: int, start: int, end: int) -> types.Range:
    return types.Range(start=at(line, start), end=at(line, end))


async def complete(
    client: LanguageClient, uri: str, position: types.Position, trigger: str | None = None
) -> types.CompletionList:
    context = (
        types.CompletionContext(trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character=trigger)
        if trigger
        else types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked)
    )
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position, context=context)
    )
    assert isinstance(result, types.CompletionList)
    return result


# Columns of line 3 of RUN: `    uvicorn.run("app.main:app", ...`: the content starts at 17.
MODULE_APP = span(3, 17, 20)
MODULE_MAIN = span(3, 21, 25)
ATTRIBUTE = span(3, 26, 29)


async def test_completion_of_modules_attributes_and_keywords(project: Path):
    async with lsp_session(project, client_capabilities=vscode()) as client:
        uri = open_file(client, project / "run.py")

        top = await complete(client, uri, at(3, 18))
        project_modules = [item for item in top.items if item.detail in ("package", "module")]
        assert [item.label for item in project_modules] == ["app", "notes", "run"]
        assert all(item.text_edit.range == MODULE_APP for item in top.items)
        assert top.items[0].label == "app" and top.items[0].kind == types.CompletionItemKind.Module
        # Installed modules (standard library, site-packages) only once typed: `a` gives `asyncio`, not `json`.
        installed = [item.label for item in top.items if item.detail == "installed"]
        assert "asyncio" in installed and all(label.startswith("a") for label in installed)
        assert top.is_incomplete
        nothing_typed = await complete(client, uri, at(3, 17), trigger='"')
        assert [item.label for item in nothing_typed.items] == ["app", "notes", "run"]

        submodules = await complete(client, uri, at(3, 21), trigger=".")
        assert [item.label for item in submodules.items] == ["main"]
        assert submodules.items[0].text_edit == types.TextEdit(range=MODULE_MAIN, new_text="main")

        attributes = await complete(client, uri, at(3, 26), trigger=":")
        shown = [(item.label, item.detail) for item in attributes.items]
        # Apps first, then factories, then the rest; the kind in the detail.
        assert shown[:4] == [
            ("app", "FastAPI instance"),
            ("create_app", "factory → Starlette"),
            ("helper", "function"),
            ("FastAPI", "imported name"),
        ]
        assert sorted(item.sort_text for item in attributes.items) == [item.sort_text for item in attributes.items]
        assert all(item.text_edit.range == ATTRIBUTE for item in attributes.items)
        assert attributes.items[1].kind == types.CompletionItemKind.Function

        # After `ssl_certfile="cert.pem", `: keyword names not given yet, with their CLI help.
        line = RUN.strip("\n").splitlines()[3]
        keywords = await complete(client, uri, at(3, line.rindex(",") + 2))
        labels = [item.label for item in keywords.items]
        assert "workers" in labels and "reload" not in labels and "app" not in labels
        workers = next(item for item in keywords.items if item.label == "workers")
        assert workers.text_edit.new_text == "workers="
        assert workers.detail == "workers=None"
        assert "worker processes" in workers.documentation.value.lower()

        # Outside an import string: nothing, also for a trigger character.
        assert (await complete(client, uri, at(3, 12), trigger=".")).items == ()
        assert (await complete(client, uri, at(0, 3))).items == ()
        notes = open_file(client, project / "notes.py")
        assert (await complete(client, notes, at(1, 9), trigger=".")).items == ()


async def test_completion_edit_is_in_client_units(tmp_path: Path):
    """A non-ASCII character before the string: the edit's columns are UTF-16 units."""
    write(tmp_path, "main.py", "app = object()\n")
    path = write(tmp_path, "run.py", 'import uvicorn\n\nuvicorn.run(host="𝔘", app="main:app")\n')
    async with lsp_session(tmp_path, client_capabilities=vscode()) as client:
        uri = open_file(client, path)
        # `uvicorn.run(host="𝔘", app="main:` is 32 code points, 33 UTF-16 units.
        result = await complete(client, uri, at(2, 33))
        assert result.items[0].label == "app"
        assert result.items[0].text_edit.range == span(2, 33, 36)


async def test_definition_declaration_and_links(project: Path):
    async with lsp_session(project, client_capabilities=vscode()) as client:
        uri = open_file(client, project / "run.py")
        identifier = types.TextDocumentIdentifier(uri=uri)

        async def definition(position: types.Position) -> list[types.Location]:
            found = await client.text_document_definition_async(
                types.DefinitionParams(text_document=identifier, position=position)
            )
            return list(found or [])

        main_uri = (project / "app" / "main.py").as_uri()
        assert await definition(at(3, 27)) == [types.Location(uri=main_uri, range=span(3, 0, 3))]
        assert await definition(at(3, 23)) == [types.Location(uri=main_uri, range=span(0, 0, 0))]
        package = (project / "app" / "__init__.py").as_uri()
        assert await definition(at(3, 18)) == [types.Location(uri=package, range=span(0, 0, 0))]
        certificate = (project / "cert.pem").as_uri()
        assert await definition(at(3, 60)) == [types.Location(uri=certificate, range=span(0, 0, 0))]
        assert await definition(at(3, 8)) == []  # `uvicorn` itself: the Python server's job

        declared = await client.text_document_declaration_async(
            types.DeclarationParams(text_document=identifier, position=at(3, 27))
        )
        assert list(declared) == [types.Location(uri=main_uri, range=span(3, 0, 3))]

        links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=identifier))
        assert [(link.range, link.target) for link in links] == [(span(3, 59, 67), certificate)]


async def hover_text(client: LanguageClient, uri: str, position: types.Position) -> str | None:
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    return None if result is None else result.contents.value


async def test_hover_on_string_per_launch_and_on_keyword(project: Path):
    # In a folder without __init__.py, "main:app" loads when the file runs as a script, not with
    # `python -m scripts.dev` (a possible launch, not the usual one: no finding covers the string).
    write(project, "scripts/main.py", MAIN)
    dev = write(project, "scripts/dev.py", RUN.replace('"app.main:app", reload=True', '"main:app", workers=2'))
    async with lsp_session(project, client_capabilities=vscode()) as client:
        uri = open_file(client, project / "run.py")
        # Hover first shows the findings under the cursor: ask once the file is analysed.
        await wait_for_diagnostics(client, uri, lambda found: True, timeout=60)
        text = await hover_text(client, uri, at(3, 23))
        assert text is not None
        assert "- `python run.py`: loads `app/main.py` → `app`, FastAPI instance, line 4" in text

        keyword = await hover_text(client, uri, at(3, 34))
        assert keyword is not None
        assert "`reload`" in keyword and "Enable auto-reload." in keyword and "Default: `False`" in keyword

        dev_uri = open_file(client, dev)
        await wait_for_diagnostics(client, dev_uri, lambda found: True, timeout=60)
        per_launch = await hover_text(client, dev_uri, at(3, 18))
        assert per_launch is not None
        assert (
            "- `python -m scripts.dev`: does not load (no module `main`); here it would be `scripts.main:app`"
            in per_launch
        )
        assert "- `python scripts/dev.py`: loads `scripts/main.py` → `app`, FastAPI instance, line 4" in per_launch
        workers = await hover_text(client, dev_uri, at(3, 29))
        assert workers is not None and "Default: `1`" not in workers and "Default: `None`" in workers


RENAME_FILES = {
    "app/__init__.py": "",
    "app/main.py": MAIN,
    "run.py": RUN,
    "serve.py": """
        import uvicorn

        config = uvicorn.Config("app.main:app", port=8001)
        server = uvicorn.Server(config)
        """,
    "client.py": """
        from app.main import app

        print(app.title)
        """,
}


async def test_rename_attribute_across_files(tmp_path: Path):
    paths = {name: write(tmp_path, name, text) for name, text in RENAME_FILES.items()}
    async with lsp_session(tmp_path, client_capabilities=vscode()) as client:
        uri = open_file(client, paths["run.py"])
        identifier = types.TextDocumentIdentifier(uri=uri)

        async def prepare(position: types.Position):
            return await client.text_document_prepare_rename_async(
                types.PrepareRenameParams(text_document=identifier, position=position)
            )

        assert await prepare(at(3, 8)) is None  # Python code: left to the Python language server
        assert await prepare(at(3, 22)) is None  # the module part: renamed by moving the file
        assert await prepare(at(3, 27)) == types.PrepareRenamePlaceholder(range=ATTRIBUTE, placeholder="app")

        edit = await client.text_document_rename_async(
            types.RenameParams(text_document=identifier, position=at(3, 27), new_name="api")
        )
        assert edit is not None
        changed = {change.text_document.uri for change in edit.document_changes}
        expected = {"app/main.py", "run.py", "serve.py", "client.py"}
        assert changed == {paths[name].as_uri() for name in expected}
        results = {name: apply_workspace_edit(paths[name].read_text(), edit, paths[name].as_uri()) for name in expected}
        assert "\napi = FastAPI()\n" in results["app/main.py"]
        assert 'uvicorn.run("app.main:api", reload=True' in results["run.py"]
        assert 'uvicorn.Config("app.main:api", port=8001)' in results["serve.py"]
        assert results["client.py"] == "from app.main import api\n\nprint(api.title)\n"


async def test_will_rename_files_updates_import_strings(tmp_path: Path):
    paths = {name: write(tmp_path, name, text) for name, text in RENAME_FILES.items()}
    async with lsp_session(tmp_path, client_capabilities=vscode()) as client:
        open_file(client, paths["run.py"])

        async def moved(old: str, new: str) -> types.WorkspaceEdit | None:
            return await client.workspace_will_rename_files_async(
                types.RenameFilesParams(
                    files=[types.FileRename(old_uri=(tmp_path / old).as_uri(), new_uri=(tmp_path / new).as_uri())]
                )
            )

        module_moved = await moved("app/main.py", "app/web.py")
        assert module_moved is not None
        assert 'uvicorn.run("app.web:app"' in apply_workspace_edit(
            RUN.lstrip("\n"), module_moved, paths["run.py"].as_uri()
        )
        serve = paths["serve.py"]
        assert 'uvicorn.Config("app.web:app"' in apply_workspace_edit(serve.read_text(), module_moved, serve.as_uri())

        package_moved = await moved("app", "web")
        assert package_moved is not None
        assert 'uvicorn.run("web.main:app"' in apply_workspace_edit(
            RUN.lstrip("\n"), package_moved, paths["run.py"].as_uri()
        )

        assert await moved("client.py", "consumer.py") is None  # no import string names it


async def start(root: Path, capabilities: types.ClientCapabilities) -> tuple[LanguageClient, types.InitializeResult]:
    client = await ClientServerConfig(server_command=SERVER_COMMAND).start()
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        )
    )
    return client, result


async def test_capabilities_only_for_clients_that_use_them(tmp_path: Path):
    client, result = await start(tmp_path, vscode())
    try:
        declared = result.capabilities
        assert declared.completion_provider.trigger_characters == ('"', "'", ".", ":", "-")
        assert declared.definition_provider and declared.declaration_provider and declared.document_link_provider
        assert declared.rename_provider == types.RenameOptions(prepare_provider=True)
        assert [f.pattern.glob for f in declared.workspace.file_operations.will_rename.filters] == ["**/*.py", "**"]
        assert not declared.diagnostic_provider.workspace_diagnostics  # VS Code 1.65 does not pull
    finally:
        await client.shutdown_session()
        await client.stop()

    client, result = await start(tmp_path, types.ClientCapabilities())
    try:
        declared = result.capabilities
        assert declared.completion_provider is None
        assert declared.definition_provider is None and declared.declaration_provider is None
        assert declared.document_link_provider is None and declared.rename_provider is None
        assert declared.workspace.file_operations.will_rename is None
    finally:
        await client.shutdown_session()
        await client.stop()


BAD = """
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    uvicorn.run(app, reload=True)
"""


async def test_workspace_diagnostics_with_result_ids(tmp_path: Path):
    bad = write(tmp_path, "bad.py", BAD)
    good = write(tmp_path, "good.py", BAD.replace("uvicorn.run(app,", 'uvicorn.run("good:app",'))
    write(tmp_path, "plain.py", "print('no server here')\n")
    write(tmp_path, ".venv/lib/vendored.py", BAD)  # excluded, as `uvicorn-lsp check` excludes it
    neovim = client_capabilities("neovim")
    async with lsp_session(tmp_path, client_capabilities=neovim) as client:

        async def pull(previous: dict[str, str]) -> dict[str, types.WorkspaceDocumentDiagnosticReport]:
            report = await client.workspace_diagnostic_async(
                types.WorkspaceDiagnosticParams(
                    previous_result_ids=[
                        types.PreviousResultId(uri=uri, value=value) for uri, value in previous.items()
                    ]
                )
            )
            return {item.uri: item for item in report.items}

        first = await pull({})
        uris = {name: (tmp_path / name).as_uri() for name in ("bad.py", "good.py", "plain.py")}
        assert set(first) == set(uris.values())
        assert all(item.kind == "full" and item.result_id for item in first.values())
        assert [diagnostic.code for diagnostic in first[uris["bad.py"]].items] == ["UVI001"]
        assert list(first[uris["good.py"]].items) == [] and list(first[uris["plain.py"]].items) == []

        ids = {uri: item.result_id for uri, item in first.items()}
        second = await pull(ids)
        assert all(item.kind == "unchanged" for item in second.values())
        assert {uri: item.result_id for uri, item in second.items()} == ids

        bad.write_text(good.read_text().replace("good:app", "bad:app"))
        opened = open_file(client, good, text=BAD.lstrip("\n"), version=7)  # unsaved text with the problem
        third = await pull(ids)
        assert third[uris["plain.py"]].kind == "unchanged"
        assert third[uris["bad.py"]].kind == "full" and list(third[uris["bad.py"]].items) == []
        assert third[uris["bad.py"]].result_id != ids[uris["bad.py"]]
        assert third[opened].kind == "full" and third[opened].version == 7
        assert [diagnostic.code for diagnostic in third[opened].items] == ["UVI001"]


async def test_workspace_diagnostics_streamed_with_a_partial_result_token(tmp_path: Path):
    write(tmp_path, "bad.py", BAD)
    for number in range(30):  # more files than one batch
        write(tmp_path, f"module_{number}.py", f"VALUE = {number}\n")
    async with lsp_session(tmp_path, client_capabilities=client_capabilities("neovim")) as client:
        streamed: list[dict] = []

        def on_progress(params: types.ProgressParams) -> None:
            if params.token == "partial-1":
                streamed.append(params.value)

        # pytest-lsp's own handler knows work-done progress only.
        client.protocol.fm.features[types.PROGRESS] = on_progress
        report = await client.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(previous_result_ids=[], partial_result_token="partial-1")
        )
        assert list(report.items) == []  # everything came as partial results
        assert len(streamed) >= 2
        items = [item for value in streamed for item in value["items"]]
        assert sorted(item["uri"] for item in items) == sorted(path.as_uri() for path in tmp_path.glob("*.py"))
        [bad] = [item for item in items if item["uri"].endswith("/bad.py")]
        assert bad["kind"] == "full" and [diagnostic["code"] for diagnostic in bad["items"]] == ["UVI001"]
