"""VS Code (code-server) with the packaged extension: completion and go to definition in an import string."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

RUN = """\
import uvicorn

if __name__ == "__main__":
    uvicorn.run("app.main:a", reload=True)
"""
MAIN = """\
from fastapi import FastAPI

api_version = "1"
app = FastAPI()
"""


def test_vscode_completes_and_jumps_from_an_import_string(code_server, page, sample_project, timed, artifacts):
    from playwright.sync_api import expect

    launcher = sample_project(RUN)  # project/main.py
    (launcher.parent / "app").mkdir()
    (launcher.parent / "app" / "__init__.py").write_text("")
    main = launcher.parent / "app" / "main.py"
    main.write_text(MAIN)
    with timed("run      vscode: import string completion, definition"):
        page.goto(code_server(launcher.parent, launcher))
        editor = page.locator(".monaco-editor[data-uri$='project/main.py']").first
        expect(editor.locator(".view-lines")).to_contain_text('uvicorn.run("app.main:a", reload=True)')
        # UVI002 underlines the unfinished string: the server has analysed the file.
        expect(editor.locator(".squiggly-error")).to_have_count(1)

        # Put the cursor right after `main:a` with the find widget, then ask for suggestions.
        editor.locator(".view-line", has_text="app.main:a").click()
        page.keyboard.press("Control+F")
        page.keyboard.type('main:a"')
        page.keyboard.press("Escape")
        page.keyboard.press("ArrowRight")  # collapse the selection to its end, after the quote
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("Control+Space")
        suggestion = page.locator(".suggest-widget .monaco-list-row").first
        expect(suggestion).to_contain_text("app")
        expect(suggestion).to_contain_text("FastAPI instance")
        page.screenshot(path=artifacts / "vscode-import-string-completion.png")
        page.keyboard.press("Enter")
        expect(editor.locator(".view-lines")).to_contain_text('uvicorn.run("app.main:app", reload=True)')

        page.keyboard.press("ArrowLeft")  # back inside `app`
        page.keyboard.press("F12")  # Go to Definition
        target = page.locator(".monaco-editor[data-uri$='app/main.py']").first
        expect(target).to_be_visible()
        expect(page.locator(".tab.active")).to_contain_text("main.py")
        page.screenshot(path=artifacts / "vscode-import-string-definition.png")
        # The cursor sits on `app = FastAPI()`, line 4, column 1.
        expect(page.locator(".statusbar-item", has_text="Ln 4, Col 1")).to_be_visible()
    assert Path(main).read_text() == MAIN
