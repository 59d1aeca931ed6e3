"""Multi-root workspaces, per-folder settings and server logs."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import ClientServerConfig

from .conftest import (
    SAMPLE,
    SERVER_COMMAND,
    capabilities,
    check_json,
    lsp_session,
    open_file,
    wait_for_diagnostics,
    write,
)


async def test_each_folder_has_its_own_settings(tmp_path):
    quiet, loud, strict = tmp_path / "quiet", tmp_path / "loud", tmp_path / "strict"
    write(quiet, "pyproject.toml", '[tool.uvicorn-lsp]\nignore = ["UVI001"]\n')
    paths = [write(folder, "main.py", SAMPLE) for folder in (quiet, loud, strict)]
    client = await ClientServerConfig(server_command=SERVER_COMMAND).start()
    client.set_configuration({"severity": {"UVI001": "information"}}, section="uvicorn-lsp", scope_uri=strict.as_uri())
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in (quiet, loud, strict)],
        )
    )
    try:
        uris = [open_file(client, path) for path in paths]
        assert [d.code for d in await wait_for_diagnostics(client, uris[0], lambda found: True)] == []
        [loud_finding] = await wait_for_diagnostics(client, uris[1])
        [strict_finding] = await wait_for_diagnostics(client, uris[2])
        assert loud_finding.severity == types.DiagnosticSeverity.Error
        assert strict_finding.severity == types.DiagnosticSeverity.Information
        assert any(
            "uvicorn-lsp" in message.message and "analysing" in message.message for message in client.log_messages
        )
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_log_file_and_stdio_flag(tmp_path):
    log_file = tmp_path / "server.log"
    command = [*SERVER_COMMAND, "--stdio", "--log-file", str(log_file)]
    client = await ClientServerConfig(server_command=command).start()
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="w")],
        )
    )
    try:
        path = write(tmp_path, "main.py", SAMPLE)
        await wait_for_diagnostics(client, open_file(client, path))
    finally:
        await client.shutdown_session()
        await client.stop()
    assert "analysing" in log_file.read_text()


async def test_a_project_inside_the_opened_folder_is_judged_as_check_judges_it(tmp_path):
    """A monorepo opened at its top: a service with its own pyproject.toml is its own project, for the
    server as for `uvicorn-lsp check` run at the top (same launches, same message)."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    service = repo / "services" / "auth"
    write(service, "pyproject.toml", "[project]\nname = 'auth'\n")
    write(service, "src/__init__.py", "")
    write(service, "src/application.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    main = write(
        service,
        "src/serve.py",
        'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("src.application:app", reload=True)\n',
    )
    [expected] = check_json(repo)
    assert expected["message"].startswith(
        '"src.application:app" loads with `python -m src.serve`, not with `python src/'
    )
    async with lsp_session(repo) as client:
        [finding] = await wait_for_diagnostics(client, open_file(client, main))
    assert (finding.code, finding.message, finding.range.start.line) == (
        expected["code"],
        expected["message"],
        expected["location"]["row"] - 1,
    )
