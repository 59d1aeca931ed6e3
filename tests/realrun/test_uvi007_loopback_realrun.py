"""UVI007 is silent for a loopback host: every peer of such a server is a local process connecting from 127.0.0.1,
whose X-Forwarded-* headers uvicorn's default trust already applies, so `"*"` changes nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from .conftest import free_port

pytestmark = pytest.mark.slow

APP = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def index(request):
    return JSONResponse({"client": request.client.host, "scheme": request.url.scheme})


app = Starlette(routes=[Route("/", index)])
"""
FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def _seen_by_the_app(project, extra: list[str]) -> dict:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port), *extra]
    process = subprocess.Popen(
        command, cwd=project.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers=FORWARDED)
                with urllib.request.urlopen(request, timeout=2) as response:
                    return json.loads(response.read())
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise AssertionError("uvicorn did not answer")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def test_trusting_every_peer_changes_nothing_on_the_loopback(project):
    project.write("main.py", APP)
    script = "#!/bin/sh\nuvicorn main:app --host 127.0.0.1 --forwarded-allow-ips '*'\n"
    project.write("run.sh", script)
    assert project.check("run.sh", codes=("UVI007",)) == []
    by_default = _seen_by_the_app(project, [])
    assert by_default == {"client": "203.0.113.7", "scheme": "https"}
    assert _seen_by_the_app(project, ["--forwarded-allow-ips", "*"]) == by_default
