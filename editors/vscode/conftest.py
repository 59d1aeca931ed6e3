"""Shared by the VS Code tests: code-server 4.139.1 (VS Code 1.139.1) with the packaged .vsix installed,
driven by Playwright in Debian's chromium."""

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


@pytest.fixture(scope="session")
def tools(install, timed, tmp_path_factory):
    """Node 24, code-server, Playwright and the extension packaged to a .vsix, once per session."""
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

    def wait_for_log(self, text: str, count: int = 1) -> str:
        """The extension's log once TEXT is in it COUNT times, or as it is after the timeout."""
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while (log := self.extension_log()).count(text) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return log

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


@pytest.fixture
def quick_fix(page):
    """Opens the Quick Fix menu (Ctrl+.) in the focused editor and returns its row holding TEXT.

    A key pressed while the workbench moves focus (a widget closing, a panel opening) can be dropped
    by the browser; the lightbulb then shows but no menu opens. So the key is pressed again, at most
    three times, before the row must be there."""
    from playwright.sync_api import expect

    def open_menu(text: str, *, unless: str | None = None):
        row = page.locator(".action-widget .monaco-list-row", has_text=text)
        if unless is not None:
            row = row.filter(has_not_text=unless)
        for _ in range(3):
            page.keyboard.press("Control+.")
            try:
                expect(row).to_be_visible(timeout=10_000)
                return row
            except AssertionError:
                continue
        expect(row).to_be_visible()
        return row

    return open_menu


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
