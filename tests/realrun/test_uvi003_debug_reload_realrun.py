"""UVI003 with `reload=True, debug=True, workers=2` under a uvicorn before 0.19 (audit 30d, Stok-Yonetimi on
uvicorn 0.11.6): `debug` turns reload on by itself, so the unsafe fix "remove `reload` (run the workers, stop
reloading)" would leave the reloader running and the workers ignored. Only the removal of `workers` is offered."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import APP_HEAD, free_port
from .test_precision3_realrun import OLD_UVICORN, launch, make_venv

pytestmark = pytest.mark.slow

RUN = APP_HEAD + '\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port}, {options}workers=2)\n'


@pytest.fixture(scope="module")
def old_uvicorn(tmp_path_factory) -> Path:
    return make_venv(tmp_path_factory.mktemp(f"uvicorn-{OLD_UVICORN}"), "--no-deps", f"uvicorn=={OLD_UVICORN}")


def test_removing_reload_leaves_debug_reloading(tmp_path, old_uvicorn, project):
    port = free_port()
    # What the withheld fix would leave: `debug=True` alone still starts the reloader, one server process.
    (tmp_path / "main.py").write_text(RUN.format(port=port, options="debug=True, "))
    outcome = launch(old_uvicorn, ["main.py"], tmp_path, port)
    assert outcome.served and "Started reloader process" in outcome.output, outcome.output
    assert outcome.output.count("Started server process") == 1, outcome.output

    project.write("requirements.txt", f"uvicorn=={OLD_UVICORN}\n")
    project.write("main.py", RUN.format(port=port, options="reload=True, debug=True, "))
    [finding] = project.check("main.py", codes=("UVI003",))
    assert [fix.title for fix in finding.fixes] == ["Remove `workers` (uvicorn already runs one process)"]
