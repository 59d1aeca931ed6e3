"""UVI020 on `--reload-dir`, run for real: click refuses a reload dir that is not in the folder the command starts
in ("Invalid value for '--reload-dir': Path 'src' does not exist.", exit status 2) with uvicorn 0.15 and later;
uvicorn 0.14 serves, and `uvicorn.run(reload_dirs=[...])` only warns. The check reports exactly the first."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import APP_HEAD, free_port, run_server
from .test_precision3_realrun import check, launch, make_venv

pytestmark = pytest.mark.slow


def uvi020(root: Path, path: str) -> list[dict]:
    return [row for row in check(root, path) if row["code"] == "UVI020"]


RECIPE = "dev:\n\tcd backend && uvicorn main:app --reload --reload-dir src --port {port}\n"


def test_a_recipe_after_cd_exits_with_status_2_until_the_folder_is_there(tmp_path):
    port = free_port()
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "main.py").write_text(APP_HEAD.format())
    (tmp_path / "src").mkdir()  # at the top, not where the recipe starts
    (tmp_path / "Makefile").write_text(RECIPE.format(port=port))
    [row] = check(tmp_path, "Makefile")
    assert row["code"] == "UVI020" and "no folder src in the Makefile's folder/backend" in row["message"]
    command = ["-m", "uvicorn", "main:app", "--reload", "--reload-dir", "src", "--port", str(port)]
    refused = run_server(command, tmp_path / "backend", port, timeout=15)
    assert not refused.served and refused.exit_code == 2, refused.output
    assert "Invalid value for '--reload-dir': Path 'src' does not exist." in refused.output

    (tmp_path / "backend" / "src").mkdir()
    assert check(tmp_path, "Makefile") == []
    served = run_server(command, tmp_path / "backend", port)
    assert served.served and str(tmp_path / "backend" / "src") in served.output, served.output


@pytest.fixture(scope="module")
def uvicorn_0_14(tmp_path_factory) -> Path:
    python = make_venv(tmp_path_factory.mktemp("uvicorn-0.14.0"), "--no-deps", "uvicorn==0.14.0")
    version = subprocess.run([str(python), "-c", "import uvicorn; print(uvicorn.__version__)"], capture_output=True)
    assert version.stdout.decode().strip() == "0.14.0"
    return python


def test_uvicorn_0_14_serves_a_missing_reload_dir_and_the_check_is_silent(tmp_path, uvicorn_0_14):
    port = free_port()
    (tmp_path / "main.py").write_text(APP_HEAD.format())
    (tmp_path / "run.sh").write_text(f"#!/bin/sh\nuvicorn main:app --reload-dir src --port {port}\n")
    (tmp_path / "requirements.txt").write_text("fastapi\nuvicorn==0.14.0\n")
    assert uvi020(tmp_path, "run.sh") == []
    outcome = launch(
        uvicorn_0_14, ["-m", "uvicorn", "main:app", "--reload-dir", "src", "--port", str(port)], tmp_path, port
    )
    assert outcome.served, outcome.output

    (tmp_path / "requirements.txt").write_text("fastapi\nuvicorn>=0.15\n")
    assert len(uvi020(tmp_path, "run.sh")) == 1


def test_uvicorn_run_with_a_missing_reload_dir_serves_and_the_check_is_silent(tmp_path):
    port = free_port()
    run = f'\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port}, reload=True, reload_dirs=["src"])\n'
    (tmp_path / "main.py").write_text(APP_HEAD.format() + run)
    assert uvi020(tmp_path, "main.py") == []
    outcome = run_server(["main.py"], tmp_path, port)
    assert outcome.served and "did not contain valid directories" in outcome.output, outcome.output
