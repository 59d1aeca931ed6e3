"""VS Code 1.139.1 (code-server 4.139.1) with the packaged .vsix installed, driven by Playwright in
Debian's chromium: the diagnostic shows in the Problems panel, the quick fix applies from the editor,
and on a clean machine (an interpreter without uvicorn-lsp) the server bundled in the .vsix runs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _open(page, url: str):
    """Opens the editor at URL; returns the editor of main.py."""
    page.goto(url)
    return page.locator(".monaco-editor[data-uri$='main.py']").first


def test_vscode_problems_panel_and_quick_fix(code_server, page, quick_fix, sample_project, timed, artifacts):
    from playwright.sync_api import expect

    main = sample_project()
    with timed("run      vscode: problems panel, quick fix"):
        editor = _open(page, code_server(main.parent, main))
        expect(editor.locator(".squiggly-error")).to_have_count(1)

        page.keyboard.press("Control+Shift+M")  # View: Problems
        problem = page.locator(".markers-panel .monaco-list-row", has_text="UVI001")
        expect(problem).to_contain_text("uvicorn-lsp")
        expect(problem).to_contain_text("reload=True")
        page.screenshot(path=artifacts / "vscode-problems.png")

        # Click the underlined `app` (the squiggle is drawn over the text, so force the click through).
        editor.locator(".squiggly-error").click(force=True)
        fix = quick_fix('Pass the import string "main:app"')
        page.screenshot(path=artifacts / "vscode-quick-fix-menu.png")
        fix.click()
        expect(editor.locator(".view-lines")).to_contain_text('uvicorn.run("main:app", reload=True)')

        page.keyboard.press("Control+S")
        expect(page.locator(".tab.active.dirty")).to_have_count(0)
        expect(editor.locator(".squiggly-error")).to_have_count(0)
        expect(problem).to_have_count(0)
    assert '    uvicorn.run("main:app", reload=True)\n' in main.read_text()


def test_vscode_settings_change_and_restart(code_server, page, sample_project, timed):
    from playwright.sync_api import expect

    main = sample_project()
    with timed("run      vscode: severity setting changed, restart"):
        editor = _open(page, code_server(main.parent, main))
        expect(editor.locator(".squiggly-error")).to_have_count(1)
        # Edited while the server runs: workspace/didChangeConfiguration, then workspace/configuration.
        (main.parent / ".vscode").mkdir()
        (main.parent / ".vscode" / "settings.json").write_text(
            json.dumps({"uvicorn-lsp.severity": {"UVI001": "warning"}})
        )
        expect(editor.locator(".squiggly-warning")).to_have_count(1)
        expect(editor.locator(".squiggly-error")).to_have_count(0)

        page.keyboard.press("F1")
        page.keyboard.type("uvicorn-lsp: Restart Server")
        page.locator(".quick-input-list .monaco-list-row", has_text="uvicorn-lsp: Restart Server").click()
        log = code_server.wait_for_log("Python interpreter:", count=2)
        assert log.count(f"Python interpreter: {sys.executable} (from setting uvicorn-lsp.interpreter)") == 2
        expect(editor.locator(".squiggly-warning")).to_have_count(1)


@pytest.fixture
def clean_interpreter(install, tmp_path) -> Path:
    """A virtual environment with fastapi and uvicorn and NO uvicorn-lsp, as on a user's machine."""
    uv = install("install-uv.sh")[-1]
    venv = tmp_path / "clean-venv"
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(python), "fastapi", "uvicorn==0.54.0"],
        check=True,
        timeout=300,
    )
    probe = subprocess.run([python, "-c", "import uvicorn_lsp"], capture_output=True, text=True)
    assert probe.returncode == 1 and "No module named 'uvicorn_lsp'" in probe.stderr
    return python


def test_vscode_on_a_clean_machine(code_server, page, quick_fix, sample_project, clean_interpreter, timed, artifacts):
    """The .vsix alone brings the server: it runs with an interpreter that has no uvicorn-lsp and
    analyses that interpreter's environment; "fromEnvironment" then asks to install the package."""
    from playwright.sync_api import expect

    main = sample_project()
    settings = main.parent / ".vscode" / "settings.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps({"uvicorn-lsp.interpreter": str(clean_interpreter)}))
    with timed("run      vscode: clean machine, bundled server"):
        url = code_server(main.parent, main)
        opened = time.monotonic()
        editor = _open(page, url)
        expect(editor.locator(".squiggly-error")).to_have_count(1)
        squiggle = time.monotonic()
        (artifacts / "vscode-install-to-first-diagnostic.txt").write_text(
            f"{squiggle - code_server.install_started:.1f} s from `code-server --install-extension` to the first squiggle:\n"
            f"{code_server.install_seconds:.1f} s installing the .vsix, "
            f"{opened - code_server.install_started - code_server.install_seconds:.1f} s starting code-server, "
            f"{squiggle - opened:.1f} s from opening the page (editor load, server start, analysis)\n"
        )
        log = code_server.wait_for_log("(from the `python` setting)")
        assert f"Server: {clean_interpreter} " in log and "bundled/tool/server.py (importStrategy useBundled)" in log
        assert f"with {clean_interpreter} (from the `python` setting)" in log

        page.keyboard.press("Control+Shift+M")  # View: Problems
        problem = page.locator(".markers-panel .monaco-list-row", has_text="UVI001")
        expect(problem).to_contain_text("reload=True")
        page.screenshot(path=artifacts / "vscode-clean-machine-problems.png")

        editor.locator(".squiggly-error").click(force=True)
        quick_fix('Pass the import string "main:app"').click()
        expect(editor.locator(".view-lines")).to_contain_text('uvicorn.run("main:app", reload=True)')
        expect(editor.locator(".squiggly-error")).to_have_count(0)

    with timed("run      vscode: clean machine, fromEnvironment"):
        # A launch setting changed while running: the extension restarts the server with it.
        settings.write_text(
            json.dumps(
                {"uvicorn-lsp.interpreter": str(clean_interpreter), "uvicorn-lsp.importStrategy": "fromEnvironment"}
            )
        )
        toast = page.locator(".notification-toast", has_text="uvicorn-lsp is not installed")
        expect(toast).to_contain_text(f"Install it with: {clean_interpreter} -m pip install uvicorn-lsp")
        expect(toast.get_by_role("button", name="Copy install command")).to_be_visible()
        expect(toast.get_by_role("button", name="Use the bundled server")).to_be_visible()
        page.screenshot(path=artifacts / "vscode-not-installed.png")

    with timed("run      vscode: clean machine, Python too old"):
        old_python = _posing_as_python_3_9(clean_interpreter, main.parent.parent)
        settings.write_text(json.dumps({"uvicorn-lsp.interpreter": str(old_python)}))
        toast = page.locator(".notification-toast", has_text="needs Python 3.10 or newer")
        expect(toast).to_contain_text(f"but {old_python} (from setting uvicorn-lsp.interpreter) is Python 3.9.18")
        page.screenshot(path=artifacts / "vscode-python-too-old.png")


def _posing_as_python_3_9(python: Path, folder: Path) -> Path:
    """An interpreter that reports itself as Python 3.9.18 (a sitecustomize rewrites
    sys.version_info), to see what a user with an old Python is told."""
    site = folder / "python-3.9-site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.version_info = (3, 9, 18, 'final', 0)\n")
    wrapper = folder / "python3.9"
    wrapper.write_text(f'#!/bin/sh\nPYTHONPATH={site} exec {python} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper
