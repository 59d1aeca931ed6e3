"""VS Code 1.139.1 (code-server 4.139.1) with the packaged .vsix installed, driven by Playwright in
Debian's chromium: the diagnostic shows in the Problems panel, the quick fix applies from the editor."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
TIMEOUT_MS = 60_000
USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "security.workspace.trust.enabled": False,
    "extensions.ignoreRecommendations": True,
    "telemetry.telemetryLevel": "off",
    "files.autoSave": "off",
    "chat.disableAIFeatures": True,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    # code-server's extension host gets the login shell's PATH, not ours: name the interpreter.
    "uvicorn-lsp.interpreter": sys.executable,
}


@pytest.fixture(scope="module")
def tools(install, timed, tmp_path_factory):
    """Node 24, code-server, Playwright and the extension packaged to a .vsix, once per module."""
    node_bin = install("install-node.sh")[-1]
    code_server = install("install-code-server.sh")[-1]
    sys.path.insert(0, install("install-playwright.sh")[-1])
    path = os.pathsep.join([node_bin, os.environ["PATH"]])
    with timed("package  editors/vscode/package.sh"):
        vsix = subprocess.run(
            ["bash", str(HERE / "package.sh"), str(tmp_path_factory.mktemp("vsix") / "uvicorn-lsp.vsix")],
            env={**os.environ, "PATH": path}, capture_output=True, text=True, check=True, timeout=600,
        ).stdout.strip()
    return {"node_bin": node_bin, "code_server": code_server, "vsix": vsix}


@pytest.fixture
def code_server(tools, editor_env, tmp_path):
    """Installs the .vsix in a fresh code-server profile; returns serve(FOLDER, FILE), which starts
    code-server on FOLDER and returns the URL that opens it with FILE in the editor."""
    env = {**editor_env, "PATH": os.pathsep.join([tools["node_bin"], editor_env["PATH"]])}
    user_data, extensions = tmp_path / "user-data", tmp_path / "extensions"
    (user_data / "User").mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS))
    common = [tools["code_server"], "--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
    subprocess.run([*common, "--install-extension", tools["vsix"]], env=env, capture_output=True, check=True, timeout=300)
    servers = []

    def serve(folder: Path, file: Path) -> str:
        port = _free_port()
        servers.append(subprocess.Popen(
            [*common, "--bind-addr", f"127.0.0.1:{port}", "--auth", "none", "--disable-telemetry",
             "--disable-update-check", "--disable-workspace-trust", str(folder)],
            env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "code-server.log").open("wb"),
        ))
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)
        payload = json.dumps([["openFile", f"vscode-remote://127.0.0.1:{port}{file}"]])
        return f"{base}/?folder={quote(str(folder))}&payload={quote(payload)}"

    yield serve
    for server in servers:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def page(tools, artifacts, request):
    """A chromium page for one test; its last screen (the failure, if any) goes to test-artifacts/."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        yield page
        page.screenshot(path=artifacts / f"vscode-{request.node.name}-end.png")
        browser.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _open(page, url: str):
    """Opens the editor at URL; returns the editor of main.py."""
    page.goto(url)
    return page.locator(".monaco-editor[data-uri$='main.py']").first


def test_vscode_problems_panel_and_quick_fix(code_server, page, sample_project, timed, artifacts):
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
        page.keyboard.press("Control+.")  # Quick Fix...
        fix = page.locator(".action-widget .monaco-list-row", has_text='Pass the import string "main:app"')
        expect(fix).to_be_visible()
        page.screenshot(path=artifacts / "vscode-quick-fix-menu.png")
        fix.click()
        expect(editor.locator(".view-lines")).to_contain_text('uvicorn.run("main:app", reload=True)')

        page.keyboard.press("Control+S")
        expect(page.locator(".tab.active.dirty")).to_have_count(0)
        expect(editor.locator(".squiggly-error")).to_have_count(0)
        expect(problem).to_have_count(0)
    assert '    uvicorn.run("main:app", reload=True)\n' in main.read_text()


def test_vscode_settings_change_and_restart(code_server, page, sample_project, timed, tmp_path):
    from playwright.sync_api import expect

    main = sample_project()
    with timed("run      vscode: severity setting changed, restart"):
        editor = _open(page, code_server(main.parent, main))
        expect(editor.locator(".squiggly-error")).to_have_count(1)
        # Edited while the server runs: workspace/didChangeConfiguration, then workspace/configuration.
        (main.parent / ".vscode").mkdir()
        (main.parent / ".vscode" / "settings.json").write_text(json.dumps({"uvicorn-lsp.severity": {"UVI001": "warning"}}))
        expect(editor.locator(".squiggly-warning")).to_have_count(1)
        expect(editor.locator(".squiggly-error")).to_have_count(0)

        page.keyboard.press("F1")
        page.keyboard.type("uvicorn-lsp: Restart Server")
        page.locator(".quick-input-list .monaco-list-row", has_text="uvicorn-lsp: Restart Server").click()
        [log] = (tmp_path / "user-data" / "logs").glob("*/exthost*/uvicorn-lsp.uvicorn-lsp/uvicorn-lsp.log")
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while log.read_text().count("Python interpreter:") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert log.read_text().count(f"Python interpreter: {sys.executable} (from setting uvicorn-lsp.interpreter)") == 2
        expect(editor.locator(".squiggly-warning")).to_have_count(1)


def test_vscode_tells_how_to_install_the_server(code_server, page, sample_project, timed, artifacts, tmp_path):
    from playwright.sync_api import expect

    bare = tmp_path / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    python = bare / "bin" / "python"
    main = sample_project()
    (main.parent / ".vscode").mkdir()
    (main.parent / ".vscode" / "settings.json").write_text(json.dumps({"uvicorn-lsp.interpreter": str(python)}))
    with timed("run      vscode: server not installed"):
        page.goto(code_server(main.parent, main))
        toast = page.locator(".notification-toast", has_text="uvicorn-lsp is not installed")
        expect(toast).to_contain_text(f"Install it with: {python} -m pip install uvicorn-lsp")
        expect(toast.get_by_role("button", name="Copy install command")).to_be_visible()
        page.screenshot(path=artifacts / "vscode-not-installed.png")
