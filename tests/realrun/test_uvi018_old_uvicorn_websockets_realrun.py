"""UVI018 and a uvicorn pinned before 0.12, run for real: that uvicorn requires websockets itself, on every
platform, so `--ws websockets` serves where the project installs its requirements (audit)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import APP_HEAD, free_port
from .test_precision3_realrun import check, launch, make_venv

pytestmark = pytest.mark.slow

PINNED = "0.11.8"


@pytest.fixture(scope="module")
def uvicorn_0_11(tmp_path_factory) -> Path:
    """uvicorn 0.11.8 with what its metadata requires for an asyncio loop and h11: `pip install uvicorn==0.11.8`
    as a whole needs Python 3.8 (httptools 0.1 does not build on newer ones), which gives websockets 8.1 too."""
    return make_venv(
        tmp_path_factory.mktemp(f"uvicorn-{PINNED}"), "--no-deps", f"uvicorn=={PINNED}", "h11==0.9.0", "websockets"
    )


def test_websockets_is_a_requirement_of_uvicorn_0_11_on_every_platform(uvicorn_0_11):
    requires = subprocess.run(
        [str(uvicorn_0_11), "-c", "import importlib.metadata as m; print('\\n'.join(m.requires('uvicorn')))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert [line for line in requires if line.startswith("websockets")] == ["websockets (==8.*)"]


def test_ws_websockets_serves_with_uvicorn_0_11_and_is_not_reported(tmp_path, uvicorn_0_11):
    port = free_port()
    (tmp_path / "main.py").write_text(APP_HEAD.format())
    (tmp_path / "requirements.txt").write_text(f"fastapi\nuvicorn=={PINNED}\n")
    words = ["main:app", "--loop", "asyncio", "--http", "h11", "--ws", "websockets", "--port", str(port)]
    (tmp_path / "run.sh").write_text(f"#!/bin/sh\nuvicorn {' '.join(words)}\n")
    outcome = launch(uvicorn_0_11, ["-m", "uvicorn", *words], tmp_path, port)
    assert outcome.served, outcome.output
    assert [row["code"] for row in check(tmp_path, "run.sh")] == []
