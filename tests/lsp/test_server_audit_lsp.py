"""The server as an editor user meets it, against `uvicorn-lsp check` on the same files: found by a black-box
audit of `serve` on realistic projects (push and pull, UTF-8 and UTF-16, with and without workspace/configuration)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LspSpecificationWarning

from uvicorn_lsp.engine.model import Position, Range, TextEdit
from uvicorn_lsp.engine.source import split_lines
from uvicorn_lsp.lsp.convert import replacement_edit

from .conftest import apply_workspace_edit, capabilities, code_actions, lsp_session, open_file, wait_for_diagnostics

WHOLE_FILE = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
APP = 'from fastapi import FastAPI\n\napp = FastAPI(title="café ☕")\n'

# Files whose safe fixes overlap: UVI015 adds --host where UVI014 drops --reload (one command), and UVI001's
# import string and UVI003's dropped workers sit in one call with a non-ASCII CRLF line before them.
PROJECT = {
    "app/__init__.py": ("python", ""),
    "app/main.py": ("python", APP),
    "Dockerfile": (
        "dockerfile",
        'FROM python:3.12-slim\nWORKDIR /code\nCOPY ./app /code/app\nCMD ["uvicorn", "app.main:app", "--reload"]\n',
    ),
    "compose.prod.yaml": (
        "dockercompose",
        "services:\n  web:\n    build: .\n    ports: ['80:8000']\n"
        "    command: ['uvicorn', 'app.main:app', '--reload', '--port', '8000']\n",
    ),
    "run.py": (
        "python",
        "# Démarrage — 🚀\r\nimport uvicorn\r\nfrom app.main import app\r\n\r\n"
        'if __name__ == "__main__":\r\n    uvicorn.run(app, reload=True, workers=2)  # é\r\n',
    ),
}


def fixed_by_check(root: Path, tmp_path: Path) -> dict[str, str]:
    """Each file as `uvicorn-lsp check --fix` writes it, on a copy of the project."""
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    run = subprocess.run(
        [sys.executable, "-m", "uvicorn_lsp", "check", "--no-cache", "--fix", "."],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode in (0, 1), run.stderr
    return {name: (copy / name).read_bytes().decode("utf-8") for name in PROJECT}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
async def test_fix_all_writes_what_check_fix_writes(tmp_path, encoding):
    root = tmp_path / "project"
    for name, (_, text) in PROJECT.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(text.encode("utf-8"))
    expected = fixed_by_check(root, tmp_path)
    assert expected["Dockerfile"].endswith('CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n')
    async with lsp_session(root, client_capabilities=capabilities(encoding=encoding)) as client:
        for name, (language_id, text) in PROJECT.items():
            uri = (root / name).as_uri()
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)
                )
            )
            await wait_for_diagnostics(client, uri, lambda found: True)
            actions = await code_actions(client, uri, WHOLE_FILE, only=["source.fixAll"])
            fixed = apply_workspace_edit(text, actions[0].edit, uri, encoding) if actions else text
            assert fixed == expected[name], name


def test_the_replacement_edit_spans_only_what_differs():
    before = "a\r\nb = 1\r\nc\r\n"
    for after in ("a\r\nb = 2\r\nc\r\n", "a\nb = 1\r\nc\r\n", "a\r\nc\r\n", "", before + "d", "x" + before):
        edit = replacement_edit(before, after)
        lines = split_lines(before)
        offsets = [sum(len(line) + 2 for line in lines[:row]) for row in range(len(lines))]
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        assert before[:start] + edit.new_text + before[end:] == after
        assert before[start - 1 : start + 1] != "\r\n" and before[end - 1 : end + 1] != "\r\n"  # a break stays whole
    assert replacement_edit("x = 1\n", "x = 2\n") == TextEdit(Range(Position(0, 4), Position(0, 5)), "2")


@pytest.mark.parametrize(
    ("files", "pattern", "checked", "code"),
    [
        # docs/editors.md's own example, in a folder with no pyproject.toml (it matched nothing)
        ({"scripts/serve.py": APP + "import uvicorn\nuvicorn.run(app)\n"}, "scripts/*", "scripts/serve.py", "UVI005"),
        # a pattern that starts with a wildcard matches from any folder, as it did
        (
            {"scripts/serve.py": APP + "import uvicorn\nuvicorn.run(app)\n"},
            "**/scripts/*",
            "scripts/serve.py",
            "UVI005",
        ),
        # a monorepo opened at its top: the pattern was taken relative to the service's pyproject.toml
        (
            {
                "services/users/pyproject.toml": '[project]\nname = "users"\nversion = "0"\n',
                "services/users/users/api.py": APP,
                "services/users/Dockerfile": "FROM python:3.12\nWORKDIR /srv\nCOPY . /srv\n"
                "CMD uvicorn users.api:application --host 0.0.0.0\n",
            },
            "services/*/Dockerfile",
            "services/users/Dockerfile",
            "UVI002",
        ),
    ],
)
async def test_editor_per_file_ignores_are_relative_to_the_workspace_folder(tmp_path, files, pattern, checked, code):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    uri = (tmp_path / checked).as_uri()
    for settings, expected in (({}, [code]), ({"perFileIgnores": {pattern: [code]}}, [])):
        async with lsp_session(tmp_path, configuration=settings) as client:
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=uri, language_id="python", version=1, text=(tmp_path / checked).read_text()
                    )
                )
            )
            await wait_for_diagnostics(
                client, uri, lambda found, expected=expected: [d.code for d in found] == expected
            )


async def test_completion_and_links_keep_to_what_a_plain_client_declares(tmp_path):
    """A client that declares completion and document links but neither markdown documentation nor link tooltips
    (pytest-lsp warns of each such breach, as LspSpecificationWarning) gets plain-text help and no tooltips."""
    write_project = {"app/__init__.py": "", "app/main.py": APP, "certs/cert.pem": "", "certs/key.pem": ""}
    for name, text in write_project.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    line = "CMD uvicorn app.main:app --ssl-certfile certs/cert.pem --ssl-keyfile certs/key.pem --ho"
    text = f"FROM python:3.12\nWORKDIR /srv\nCOPY . .\n{line}\n"
    plain = capabilities()
    plain.text_document.completion = types.CompletionClientCapabilities(
        completion_item=types.ClientCompletionItemOptions(documentation_format=[types.MarkupKind.PlainText])
    )
    plain.text_document.document_link = types.DocumentLinkClientCapabilities()
    async with lsp_session(tmp_path, client_capabilities=plain) as client:
        uri = (tmp_path / "Dockerfile").as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text)
            )
        )
        await wait_for_diagnostics(client, uri, lambda found: True)
        identifier = types.TextDocumentIdentifier(uri=uri)
        with warnings.catch_warnings():
            warnings.simplefilter("error", LspSpecificationWarning)
            flags = await client.text_document_completion_async(
                types.CompletionParams(text_document=identifier, position=types.Position(line=3, character=len(line)))
            )
            links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=identifier))
        host = next(item for item in flags.items if item.label == "--host")
        assert isinstance(host.documentation, str) and "Bind socket to this host." in host.documentation
        assert [link.target for link in links] == [
            (tmp_path / "certs" / name).as_uri() for name in ("cert.pem", "key.pem")
        ]
        assert all(link.tooltip is None for link in links)


async def test_the_folders_analysis_timeout_applies_to_a_service_with_its_own_pyproject(tmp_path):
    """A monorepo opened at its top: the folder's analysisTimeout (here a bad one, which the server reports) was
    looked up under the service's project root, so a file of the service got the 5 s default silently."""
    (tmp_path / "services" / "users").mkdir(parents=True)
    (tmp_path / "services" / "users" / "pyproject.toml").write_text('[project]\nname = "users"\nversion = "0"\n')
    path = tmp_path / "services" / "users" / "run.py"
    path.write_text("import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\nuvicorn.run(app, reload=True)\n")
    async with lsp_session(tmp_path, configuration={"analysisTimeout": "soon"}) as client:
        uri = path.as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=path.read_text())
            )
        )
        await wait_for_diagnostics(client, uri, lambda found: any(d.code == "UVI001" for d in found))
        assert any("analysisTimeout must be a positive number" in message.message for message in client.messages)


async def test_an_editor_extend_include_glob_is_relative_to_the_workspace_folder(tmp_path):
    """As perFileIgnores: a service's pyproject.toml made `services/*/deploy/*.txt` name nothing there."""
    service = tmp_path / "services" / "users"
    (service / "app").mkdir(parents=True)
    (service / "pyproject.toml").write_text('[project]\nname = "users"\nversion = "0"\n')
    (service / "app" / "__init__.py").write_text("")
    (service / "app" / "main.py").write_text(APP, encoding="utf-8")
    (service / "deploy").mkdir()
    path = service / "deploy" / "start.txt"
    path.write_text('cd "$(dirname "$0")/.."\nexec uvicorn app.main:app --workers 4 --reload\n')
    async with lsp_session(tmp_path, configuration={"extendInclude": ["services/*/deploy/*.txt"]}) as client:
        uri = path.as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=path.read_text())
            )
        )
        await wait_for_diagnostics(client, uri, lambda found: [d.code for d in found] == ["UVI003"])


async def test_a_fix_loop_that_fails_still_answers_with_the_first_pass(tmp_path):
    text = "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\nuvicorn.run(app, reload=True, workers=2)\n"
    path = tmp_path / "run.py"
    path.write_text(text, encoding="utf-8")
    server = [sys.executable, str(Path(__file__).with_name("fix_all_fails_server.py"))]
    async with lsp_session(tmp_path, server_command=server) as client:
        uri = path.as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
            )
        )
        await wait_for_diagnostics(client, uri, lambda found: True)
        [fix_all] = await code_actions(client, uri, WHOLE_FILE, only=["source.fixAll"])
        fixed = apply_workspace_edit(text, fix_all.edit, uri)
        assert fixed == (
            'import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\nif __name__ == "__main__":\n'
            '    uvicorn.run("run:app", reload=True)\n'
        )
        assert any("fix-all of" in message.message for message in client.log_messages)  # the planted failure ran


async def test_workspace_diagnostics_follow_the_editors_excludes_and_includes(tmp_path):
    """workspace/diagnostic lists the files `check` would, with the editor's settings of the folder over the
    configuration files' (it used the defaults alone), globs anchored at the workspace folder."""
    bad = "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\nuvicorn.run(app, reload=True)\n"
    for name in ("main.py", "generated/client.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(bad, encoding="utf-8")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "start.txt").write_text("exec uvicorn main:app --workers 4 --reload\n")
    settings = {"extendExclude": ["generated/*"], "extendInclude": ["deploy/*.txt"]}
    for configuration, expected in (
        ({}, {"main.py", "generated/client.py"}),
        (settings, {"main.py", "deploy/start.txt"}),
    ):
        async with lsp_session(
            tmp_path, client_capabilities=capabilities(pull=True), configuration=configuration
        ) as client:
            report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
            reported = {
                Path(item.uri.removeprefix("file://")).relative_to(tmp_path).as_posix() for item in report.items
            }
            assert reported == expected


@pytest.mark.asyncio
async def test_saving_pyproject_rechecks_every_open_file_without_file_watchers(tmp_path):
    """An editor that registers no file watcher (Neovim's default on Linux) tells of the saved pyproject.toml by
    didSave alone: command files follow the new settings too (audit: the Procfile kept UVI014)."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "r"\nversion = "0"\n')
    (tmp_path / "main.py").write_text(APP)
    (tmp_path / "Procfile").write_text("web: uvicorn main:app --reload\n")
    async with lsp_session(tmp_path) as client:
        procfile = open_file(client, tmp_path / "Procfile")
        await wait_for_diagnostics(client, procfile, lambda found: "UVI014" in {d.code for d in found})
        pyproject.write_text(pyproject.read_text() + '[tool.uvicorn-lsp]\nignore = ["UVI014", "UVI015"]\n')
        open_file(client, pyproject)
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=pyproject.as_uri()))
        )
        await wait_for_diagnostics(client, procfile, lambda found: "UVI014" not in {d.code for d in found})


@pytest.mark.asyncio
async def test_settings_broken_again_are_said_again(tmp_path):
    (tmp_path / "main.py").write_text(APP + "import uvicorn\nuvicorn.run(app, reload=True)\n")
    async with lsp_session(tmp_path) as client:
        main = open_file(client, tmp_path / "main.py")
        await wait_for_diagnostics(client, main, lambda found: bool(found))

        async def settings(values: dict) -> None:
            client.set_configuration(values, section="uvicorn-lsp")
            client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
            await wait_for_diagnostics(client, main, lambda found: bool(found) is ("UVI99" not in str(values)))

        def said() -> int:
            return sum("unknown rule code UVI99" in message.message for message in client.messages)

        await settings({"select": ["UVI99"]})
        first = said()
        await settings({})
        await settings({"select": ["UVI99"]})
        assert first >= 1 and said() > first
