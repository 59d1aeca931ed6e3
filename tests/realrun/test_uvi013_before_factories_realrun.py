"""UVI013 and a uvicorn pinned before 0.13, run for real: uvicorn 0.12.3 has no `factory` keyword and does not
call a zero-argument factory, so neither the note ("uvicorn guesses, calls it") nor its fix (factory=True) holds
there: the factory is served as the app (HTTP 500) and factory=True stops the start with a TypeError (audit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import free_port
from .test_precision3_realrun import check, launch, make_venv

pytestmark = pytest.mark.slow

PINNED = "0.12.3"
FACTORY = """
import uvicorn
from fastapi import FastAPI


def create_app():
    return FastAPI()


if __name__ == "__main__":
    uvicorn.run("main:create_app"{factory}, port={port})
"""


@pytest.fixture(scope="module")
def uvicorn_0_12(tmp_path_factory) -> Path:
    return make_venv(tmp_path_factory.mktemp(f"uvicorn-{PINNED}"), "--no-deps", f"uvicorn=={PINNED}", "click==7.*")


def test_a_factory_is_served_as_the_app_and_factory_true_stops_the_start(tmp_path, uvicorn_0_12):
    port = free_port()
    main = tmp_path / "main.py"
    (tmp_path / "requirements.txt").write_text(f"fastapi\nuvicorn=={PINNED}\n")
    main.write_text(FACTORY.format(factory="", port=port))
    served = launch(uvicorn_0_12, ["main.py"], tmp_path, port, timeout=8)
    assert not served.served and "Uvicorn running" in served.output, served.output
    assert [row["code"] for row in check(tmp_path, "main.py")] == []

    main.write_text(FACTORY.format(factory=", factory=True", port=port))
    stopped = launch(uvicorn_0_12, ["main.py"], tmp_path, port)
    assert stopped.exit_code == 1 and "unexpected keyword argument 'factory'" in stopped.output, stopped.output
