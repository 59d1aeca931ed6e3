"""VS Code (code-server) with the packaged extension: renaming a module in the Explorer changes the import
string that named it (the server's workspace/willRenameFiles edit), in the editor and on disk once saved."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

RUN = """\
import uvicorn

if __name__ == "__main__":
    uvicorn.run("app.main:app", reload=True)
"""
APP = """\
from fastapi import FastAPI

app = FastAPI()
"""


def test_vscode_explorer_rename_updates_the_import_string(code_server, page, sample_project, timed, artifacts):
    from playwright.sync_api import expect

    written = sample_project(RUN)  # project/main.py
    run = written.rename(written.with_name("run.py"))
    package = run.parent / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "main.py").write_text(APP)
    with timed("run      vscode: Explorer rename, import string follows"):
        page.goto(code_server(run.parent, run))
        editor = page.locator(".monaco-editor[data-uri$='/run.py']").first
        expect(editor.locator(".view-lines")).to_contain_text('uvicorn.run("app.main:app", reload=True)')
        # The server has answered `initialized` (it logs the folder it analyses): its file operations are known.
        assert f"analysing {run.parent} with" in code_server.wait_for_log("analysing")

        explorer = page.locator(".explorer-folders-view")
        explorer.locator(".monaco-list-row[aria-label='app']").click()  # unfold the package
        explorer.locator(".monaco-list-row[aria-label='main.py']").click()
        page.keyboard.press("F2")  # Rename...
        name = explorer.locator(".monaco-inputbox input")
        expect(name).to_have_value("main.py")
        page.keyboard.press("Control+A")
        page.keyboard.type("server.py")
        page.keyboard.press("Enter")

        # VS Code asks before it applies an extension's edits for a file move.
        dialog = page.locator(".monaco-dialog-box")
        expect(dialog).to_contain_text("Extension 'uvicorn-lsp' wants to make refactoring changes with this file move")
        page.screenshot(path=artifacts / "vscode-rename-file-confirmation.png")
        dialog.get_by_role("button", name="OK", exact=True).click()

        page.locator(".tab", has_text="run.py").click()
        expect(editor.locator(".view-lines")).to_contain_text('uvicorn.run("app.server:app", reload=True)')
        page.screenshot(path=artifacts / "vscode-rename-file-edited.png")
        page.keyboard.press("Control+S")
        expect(page.locator(".tab.dirty")).to_have_count(0)
    assert run.read_text() == RUN.replace('"app.main:app"', '"app.server:app"')
    assert sorted(path.name for path in package.iterdir()) == ["__init__.py", "server.py"]
    assert (package / "server.py").read_text() == APP
