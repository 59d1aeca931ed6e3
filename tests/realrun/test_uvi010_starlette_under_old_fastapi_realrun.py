"""UVI010 on a Starlette app in a project that pins an older FastAPI, run for real: fastapi==0.100.0 requires
starlette<0.28, so the Starlette that runs still has on_event and the handler runs; nothing is reported, though the
analysed environment's Starlette (1.x) has no on_event (audit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import free_port
from .test_precision3_realrun import check, launch, make_venv

pytestmark = pytest.mark.slow

REQUIREMENTS = "fastapi==0.100.0\nuvicorn==0.22.0\n"
STARLETTE_APP = """
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def index(request):
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/", index)])


@app.on_event("startup")
async def startup():
    print("startup handler ran", flush=True)
"""


@pytest.fixture(scope="module")
def fastapi_0_100(tmp_path_factory) -> Path:
    requirements = tmp_path_factory.mktemp("requirements") / "requirements.txt"
    requirements.write_text(REQUIREMENTS)
    # Without --system-site-packages' Starlette winning: pip installs the pinned FastAPI's own Starlette here.
    return make_venv(tmp_path_factory.mktemp("fastapi-0.100"), "-r", str(requirements))


def test_starlette_on_event_runs_under_fastapi_0_100_and_is_not_reported(tmp_path, fastapi_0_100):
    port = free_port()
    (tmp_path / "main.py").write_text(STARLETTE_APP)
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS)
    outcome = launch(fastapi_0_100, ["-m", "uvicorn", "main:app", "--port", str(port)], tmp_path, port)
    assert outcome.served and "startup handler ran" in outcome.output, outcome.output
    assert [row["code"] for row in check(tmp_path, "main.py")] == []
