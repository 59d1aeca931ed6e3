"""An image built FROM a base that ships uvicorn, emulated for real: tiangolo/uvicorn-gunicorn-fastapi's 2020 tags
installed uvicorn 0.11.5; the project's `pip install -r requirements.txt` with a bare `uvicorn` leaves it
("Requirement already satisfied"), so the CMD's --debug (a flag until 0.19) serves: UVI004 says nothing (audit)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import APP_HEAD, free_port
from .test_precision3_realrun import check, launch, make_venv

pytestmark = pytest.mark.slow

BASE = "tiangolo/uvicorn-gunicorn-fastapi:python3.8-slim-2020-06-06"


@pytest.fixture(scope="module")
def base_image(tmp_path_factory) -> Path:
    """The base's environment: uvicorn 0.11.5 (without uvloop and httptools, which do not build here)."""
    return make_venv(tmp_path_factory.mktemp("base-image"), "--no-deps", "uvicorn==0.11.5", "h11==0.9.0", "click==7.*")


def test_the_image_keeps_the_bases_uvicorn_and_its_debug_flag_serves(tmp_path, base_image):
    port = free_port()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(APP_HEAD.format())
    (tmp_path / "requirements.txt").write_text("fastapi\nuvicorn\n")
    command = ["uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port), "--debug"]
    cmd = ", ".join(f'"{word}"' for word in command)
    dockerfile = f"FROM {BASE}\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY ./app /app/app\n"
    (tmp_path / "Dockerfile").write_text(dockerfile + f"CMD [{cmd}]\n")
    # --no-deps: uvicorn 0.11.5's httptools 0.1 does not build on this Python (the base had it built); pip's
    # choice for the bare `uvicorn`, which is what counts here, is the same either way.
    pip = [str(base_image), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps"]
    install = [*pip, "-r", "requirements.txt"]
    subprocess.run(install, cwd=tmp_path, check=True, timeout=300)
    version = subprocess.run([str(base_image), "-m", "uvicorn", "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("Running uvicorn 0.11.5"), version.stdout
    outcome = launch(base_image, ["-m", *command], tmp_path, port)
    assert outcome.served and "reloader" in outcome.output, outcome.output
    assert [row["code"] for row in check(tmp_path, "Dockerfile")] == []
