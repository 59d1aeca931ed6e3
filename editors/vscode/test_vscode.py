"""VS Code 1.139.1 (code-server 4.139.1) with the packaged .vsix installed, driven by Playwright in
Debian's chromium: the diagnostic shows in the Problems panel, the quick fix applies from the editor,
and on a clean machine (an interpreter without uvicorn-lsp) the server bundled in the .vsix runs."""

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
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
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
            env={**os.environ, "PATH": path},
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        ).stdout.strip()
    return {"node_bin": node_bin, "code_server": code_server, "vsix": vsix}


class CodeServer:
    """code-server with the .vsix installed in a fresh profile; calling it with (FOLDER, FILE) starts
    code-server on FOLDER and returns the URL that opens it with FILE in the editor."""

    def __init__(self, tools: dict[str, str], env: dict[str, str], profile: Path):
        self.env = env
        self.log = profile / "code-server.log"
        user_data, extensions = profile / "user-data", profile / "extensions"
        (user_data / "User").mkdir(parents=True)
        (user_data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS))
        self.common = [tools["code_server"], "--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
        self.extension_log_folder = user_data / "logs"
        self.install_started = time.monotonic()
        subprocess.run(
            [*self.common, "--install-extension", tools["vsix"]], env=env, capture_output=True, check=True, timeout=300
        )
        self.install_seconds = time.monotonic() - self.install_started
        self.processes: list[subprocess.Popen] = []

    def __call__(self, folder: Path, file: Path) -> str:
        port = _free_port()
        self.processes.append(
            subprocess.Popen(
                [
                    *self.common,
                    "--bind-addr",
                    f"127.0.0.1:{port}",
                    "--auth",
                    "none",
                    "--disable-telemetry",
                    "--disable-update-check",
                    "--disable-workspace-trust",
                    str(folder),
                ],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=self.log.open("wb"),
            )
        )
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)
        payload = json.dumps([["openFile", f"vscode-remote://127.0.0.1:{port}{file}"]])
        return f"{base}/?folder={quote(str(folder))}&payload={quote(payload)}"

    def extension_log(self) -> str:
        """The extension's output channel (its own lines and the server's window/logMessage)."""
        logs = list(self.extension_log_folder.glob("*/exthost*/uvicorn-lsp.uvicorn-lsp/uvicorn-lsp.log"))
        return "".join(log.read_text() for log in logs)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture
def code_server(tools, editor_env, tmp_path):
    """A CodeServer on a fresh profile in tmp_path."""
    server = CodeServer(
        tools, {**editor_env, "PATH": os.pathsep.join([tools["node_bin"], editor_env["PATH"]])}, tmp_path
    )
    yield server
    server.stop()


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
        log = _wait_for_log(code_server, "Python interpreter:", count=2)
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


def test_vscode_on_a_clean_machine(code_server, page, sample_project, clean_interpreter, timed, artifacts):
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
        log = _wait_for_log(code_server, "(from the `python` setting)")
        assert f"Server: {clean_interpreter} " in log and "bundled/tool/server.py (importStrategy useBundled)" in log
        assert f"with {clean_interpreter} (from the `python` setting)" in log

        page.keyboard.press("Control+Shift+M")  # View: Problems
        problem = page.locator(".markers-panel .monaco-list-row", has_text="UVI001")
        expect(problem).to_contain_text("reload=True")
        page.screenshot(path=artifacts / "vscode-clean-machine-problems.png")

        editor.locator(".squiggly-error").click(force=True)
        page.keyboard.press("Control+.")  # Quick Fix...
        page.locator(".action-widget .monaco-list-row", has_text='Pass the import string "main:app"').click()
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


def _wait_for_log(code_server: CodeServer, text: str, count: int = 1) -> str:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while (log := code_server.extension_log()).count(text) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return log
