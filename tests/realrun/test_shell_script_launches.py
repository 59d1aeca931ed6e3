"""A start wrapped in `sh -c SCRIPT` against a real shell and real uvicorn: the image layout is rebuilt
from the Dockerfile (no Docker daemon), the CMD's script runs there, before and after the fix."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ..conftest import apply_edits
from .conftest import Outcome, free_port, run_server
from .test_command_launches import project_with, rebuild_image

pytestmark = pytest.mark.slow


def run_script(workdir: Path, command: list[str]) -> Outcome:
    """The exec-form CMD `["sh", "-c", SCRIPT]` in the image's working directory, `$PORT` set to a free
    port and this interpreter's `uvicorn` first on PATH (python replaces itself with the shell: same PID)."""
    assert command[:2] == ["sh", "-c"], command
    port = free_port()
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return run_server(
        ["-c", "import os, sys; os.execvp(sys.argv[1], sys.argv[1:])", *command],
        workdir,
        port,
        env={"PORT": str(port), "PATH": path},
    )


def test_import_string_in_a_sh_c_script_does_not_load_then_the_fix_serves(project, tmp_path):
    project_with(project, '["sh", "-c", "uvicorn app.mian:app --port $PORT"]')
    [finding] = project.check("Dockerfile", codes=("UVI002",))
    assert (project.root / "Dockerfile").read_text().split("\n")[finding.range.start.line][
        finding.range.start.character : finding.range.end.character
    ] == "app.mian:app"
    before = run_script(*rebuild_image(project.root, tmp_path / "before"))
    assert not before.served and before.exit_code == 3, before.output
    assert 'Could not import module "app.mian"' in before.output

    dockerfile = project.root / "Dockerfile"
    dockerfile.write_text(apply_edits(dockerfile.read_text(), finding.best_fix.edits))
    assert 'CMD ["sh", "-c", "uvicorn app.main:app --port $PORT"]' in dockerfile.read_text()
    assert not project.check("Dockerfile", codes=("UVI002",))
    after = run_script(*rebuild_image(project.root, tmp_path / "after"))
    assert after.served, after.output
