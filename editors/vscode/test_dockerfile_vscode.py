"""VS Code (code-server) with the packaged extension on a Dockerfile: the server attaches to it, its
findings show in the Problems panel, and the preferred quick fix applies and is saved."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

APP = """\
from fastapi import FastAPI

app = FastAPI()
"""
# `--reload` in a production image (UVI014) that also makes uvicorn ignore `--workers 4` (UVI003):
# dropping `--reload` fixes both.
DOCKERFILE = """\
FROM python:3.12-slim
WORKDIR /code
COPY . /code
CMD uvicorn main:app --host 0.0.0.0 --reload --workers 4
"""
FIXED_CMD = "CMD uvicorn main:app --host 0.0.0.0 --workers 4"


def test_vscode_dockerfile_finding_and_quick_fix(code_server, page, quick_fix, sample_project, timed, artifacts):
    from playwright.sync_api import expect

    main = sample_project(APP)
    dockerfile = main.parent / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    with timed("run      vscode: Dockerfile finding, quick fix"):
        page.goto(code_server(main.parent, dockerfile))
        editor = page.locator(".monaco-editor[data-uri$='/Dockerfile']").first
        expect(editor.locator(".view-lines")).to_contain_text("--reload --workers 4")
        # VS Code's own Dockerfile language ("dockerfile", shown as Docker): the extension attaches by file name.
        expect(page.locator(".statusbar-item[id='status.editor.mode']")).to_have_text("Docker")

        page.keyboard.press("Control+Shift+M")  # View: Problems
        problems = page.locator(".markers-panel .monaco-list-row")
        reload_problem = problems.filter(has_text="UVI014")
        expect(reload_problem).to_contain_text("a production start")
        expect(reload_problem).to_contain_text("Ln 4, Col 37")
        expect(problems.filter(has_text="UVI003")).to_contain_text("--workers 4 is ignored")
        expect(problems).to_have_count(3)  # the file's row and its two findings
        page.screenshot(path=artifacts / "vscode-dockerfile-problems.png")

        # Put the cursor on `--reload` with the find widget, then ask for the quick fixes there.
        editor.locator(".view-line", has_text="CMD uvicorn").click()
        page.keyboard.press("Control+F")
        page.keyboard.type("--reload")
        page.keyboard.press("Escape")
        expect(page.locator(".find-widget.visible")).to_have_count(0)
        fix = quick_fix("Remove `--reload`", unless="run the workers")
        page.screenshot(path=artifacts / "vscode-dockerfile-quick-fix-menu.png")
        fix.click()
        expect(editor.locator(".view-lines")).to_contain_text(FIXED_CMD)

        page.keyboard.press("Control+S")
        expect(page.locator(".tab.active.dirty")).to_have_count(0)
        expect(problems).to_have_count(0)
        expect(editor.locator(".squiggly-warning")).to_have_count(0)
    assert dockerfile.read_text() == DOCKERFILE.replace("--reload ", "")
