"""Run real uvicorn processes on 127.0.0.1 and observe them. Test modules here set `pytestmark = pytest.mark.slow`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# A FastAPI app that answers 200 on "/", as a str.format template (braces doubled):
# tests append the lines that start it.
APP_HEAD = """
import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def index():
    return {{"ok": True}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Outcome:
    served: bool  # answered HTTP 200 on /
    exit_code: int | None  # None while it was still running when stopped
    output: str


def run_server(args: list[str], cwd: Path, port: int, timeout: float = 20.0, env: dict | None = None) -> Outcome:
    """Start `python ARGS` in `cwd`, wait until / answers 200 or the process exits, then stop it by PID.

    The process gets its own session so reload/worker children are stopped with it."""
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    served = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                    if response.status == 200:
                        served = True
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
    finally:
        exit_code = process.poll()
        if exit_code is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        output = process.stdout.read() if process.stdout else ""
    return Outcome(served, exit_code, output)
