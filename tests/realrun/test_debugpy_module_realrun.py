"""`python -m debugpy --listen ADDRESS -m uvicorn APP` in a start script: debugpy (installed from PyPI into a
virtual environment of the test's own, with the system's uvicorn and fastapi) runs uvicorn as `python -m` does,
from the script's folder. A module not found stops it with exit status 3; the fixed string serves."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ..conftest import apply_edits
from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def debugpy_python(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("debugpy-venv")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(folder)], check=True)
    python = str(folder / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "debugpy"], check=True)
    return python


def test_a_module_debugpy_runs_is_judged_and_the_fix_serves(project, debugpy_python):
    project.write("main.py", APP_HEAD.format())
    project.write("debug.sh", "#!/bin/sh\npython -m debugpy --listen 127.0.0.1:5678 -m uvicorn mian:app\n")
    [finding] = project.check("debug.sh", codes=("UVI002",))

    def start(app: str):
        port = free_port()
        debugger = f"127.0.0.1:{free_port()}"
        run_as = "import os, sys; os.execv(sys.argv[1], sys.argv[1:])"
        arguments = ["-m", "debugpy", "--listen", debugger, "-m", "uvicorn", app, "--port", str(port)]
        return run_server(["-c", run_as, debugpy_python, *arguments], project.root, port)

    before = start("mian:app")
    assert not before.served and before.exit_code == 3, before.output
    assert 'Could not import module "mian"' in before.output

    script = project.root / "debug.sh"
    script.write_text(apply_edits(script.read_text(), finding.best_fix.edits))
    assert "-m uvicorn main:app" in script.read_text()
    assert not project.check("debug.sh", codes=("UVI002",))
    assert start("main:app").served
