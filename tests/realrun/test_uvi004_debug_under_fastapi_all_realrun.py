"""UVI004 on `debug` in a project that declares only fastapi[all] pinned before 0.87, run for real: that extra
bounded uvicorn below 0.19 (0.85.0: `uvicorn[standard]<0.19.0`), so pip installs uvicorn 0.18.3, whose run() takes
debug=True and whose command takes --debug: both reload and serve, and nothing is reported (audit)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import APP_HEAD, free_port
from .test_precision3_realrun import check, launch, make_venv

pytestmark = pytest.mark.slow

REQUIREMENTS = "fastapi[all]==0.85.0\n"


@pytest.fixture(scope="module")
def fastapi_all_0_85(tmp_path_factory) -> Path:
    requirements = tmp_path_factory.mktemp("requirements") / "requirements.txt"
    requirements.write_text(REQUIREMENTS)
    python = make_venv(tmp_path_factory.mktemp("fastapi-all-0.85"), "-r", str(requirements))
    version = subprocess.run([str(python), "-c", "import uvicorn; print(uvicorn.__version__)"], capture_output=True)
    assert version.stdout.decode().strip() == "0.18.3"
    return python


def test_debug_serves_under_fastapi_all_0_85_and_is_not_reported(tmp_path, fastapi_all_0_85):
    port = free_port()
    run = f'\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port}, debug=True)\n'
    (tmp_path / "main.py").write_text(APP_HEAD.format() + run)
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS)
    (tmp_path / "run.sh").write_text(f"#!/bin/sh\nuvicorn main:app --debug --port {port}\n")
    python_start = launch(fastapi_all_0_85, ["main.py"], tmp_path, port)
    assert python_start.served and "Started reloader process" in python_start.output, python_start.output
    command = launch(fastapi_all_0_85, ["-m", "uvicorn", "main:app", "--debug", "--port", str(port)], tmp_path, port)
    assert command.served, command.output
    assert [row["code"] for row in check(tmp_path, "main.py", "run.sh")] == []
