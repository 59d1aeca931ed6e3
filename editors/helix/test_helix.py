"""Helix is not installable here (no Debian, PyPI or npm package): check languages.toml statically,
then start the exact command it names and talk to it over stdio the way Helix would."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

LANGUAGES_TOML = Path(__file__).resolve().parent / "languages.toml"
TIMEOUT = 60


class StdioPeer:
    """The client end of a JSON-RPC connection over a process's stdin and stdout."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.incoming: queue.Queue[dict] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            if not line:
                return
            self.incoming.put(json.loads(stream.read(int(headers["content-length"]))))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def request(self, method: str, params) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def receive(self) -> dict:
        try:
            return self.incoming.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no message from the server in {TIMEOUT} s") from None


def test_languages_toml_parses_and_adds_uvicorn_lsp_to_python():
    languages = tomllib.loads(LANGUAGES_TOML.read_text())
    server = languages["language-server"]["uvicorn-lsp"]
    assert (server["command"], server["args"]) == ("uvicorn-lsp", ["serve"])
    assert isinstance(server["config"]["uvicorn-lsp"], dict)
    [python] = [language for language in languages["language"] if language["name"] == "python"]
    assert "uvicorn-lsp" in python["language-servers"]
    assert len(python["language-servers"]) > 1, "uvicorn-lsp is added beside the other Python servers"


def test_the_command_helix_runs_answers_initialize_and_diagnoses(sample_project, editor_env, timed, tmp_path):
    server = tomllib.loads(LANGUAGES_TOML.read_text())["language-server"]["uvicorn-lsp"]
    executable = shutil.which(server["command"], path=editor_env["PATH"])
    assert executable, f"{server['command']!r} is not on PATH: install uvicorn-lsp (pip install -e .)"
    main = sample_project()
    root = main.parent.as_uri()
    config = server["config"]

    log = tmp_path / "server.stderr"
    with timed("run      helix command (initialize, diagnostics)"), log.open("wb") as stderr:
        process = subprocess.Popen(
            [executable, *server["args"]], cwd=main.parent, env=editor_env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
        )
        try:
            peer = StdioPeer(process)
            # What Helix 25.07 sends that matters here: its encodings, workspace/configuration, its config as options.
            initialize = peer.request("initialize", {
                "processId": None,
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": main.parent.name}],
                "initializationOptions": config,
                "clientInfo": {"name": "helix", "version": "25.07.1"},
                "capabilities": {
                    "general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]},
                    "workspace": {"configuration": True, "workspaceFolders": True},
                    "textDocument": {
                        "publishDiagnostics": {"versionSupport": True},
                        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}},
                                       "isPreferredSupport": True},
                    },
                },
            })
            response = peer.receive()
            while response.get("id") != initialize:
                response = peer.receive()
            capabilities = response["result"]["capabilities"]
            assert capabilities["positionEncoding"] == "utf-8"
            assert "quickfix" in capabilities["codeActionProvider"]["codeActionKinds"]

            peer.send({"method": "initialized", "params": {}})
            peer.send({"method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": main.as_uri(), "languageId": "python", "version": 0, "text": main.read_text()}}})
            diagnostics = []
            while not diagnostics:
                message = peer.receive()
                if message.get("method") == "workspace/configuration":
                    # Helix answers each item with its config table looked up by the section's dotted path.
                    answers = [config.get(item.get("section"), None) for item in message["params"]["items"]]
                    peer.send({"id": message["id"], "result": answers})
                elif "id" in message and "method" in message:
                    peer.send({"id": message["id"], "result": None})
                elif message.get("method") == "textDocument/publishDiagnostics":
                    diagnostics = message["params"]["diagnostics"]
            [diagnostic] = diagnostics
            assert (diagnostic["code"], diagnostic["source"]) == ("UVI001", "uvicorn-lsp")
            assert diagnostic["range"]["start"] == {"line": 6, "character": 16}

            shutdown = peer.request("shutdown", None)
            while peer.receive().get("id") != shutdown:
                pass
            peer.send({"method": "exit"})
            assert process.wait(timeout=TIMEOUT) == 0, log.read_text()
        finally:
            if process.poll() is None:
                process.kill()
