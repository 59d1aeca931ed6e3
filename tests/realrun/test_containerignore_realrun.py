"""`.containerignore` against real uvicorn: Docker's build context is the folder less `.dockerignore`,
Podman's the folder less `.containerignore` (read before `.dockerignore`). Each image is rebuilt from
the context docker-py makes with that builder's patterns (same pattern rules) and its CMD run there.
The engine says "will not load" only when both images fail; when they disagree, a warning names the image
each builder makes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .test_command_launches import APP, run_in_image

pytestmark = pytest.mark.slow

DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD ["uvicorn", "main:app"]\n'


def podman_context(project_root: Path, target: Path) -> Path:
    """The project as Podman sends it, for docker-py: its `.containerignore` in the place of `.dockerignore`."""
    shutil.copytree(project_root, target)
    shutil.move(target / ".containerignore", target / ".dockerignore")
    return target


def findings(project) -> list:
    return project.check("Dockerfile", codes=("UVI002",))


def test_builders_that_disagree_get_a_warning_naming_them_and_both_leaving_it_out_an_error(project, tmp_path):
    project.write("main.py", APP)
    project.write("Dockerfile", DOCKERFILE)
    project.write(".dockerignore", "main.py\n")
    project.write(".containerignore", "*.md\n")

    docker = run_in_image(project.root, tmp_path, "docker")
    podman = run_in_image(podman_context(project.root, tmp_path / "podman-project"), tmp_path, "podman")
    assert docker.exit_code == 3 and 'Could not import module "main"' in docker.output, docker.output
    assert podman.served, podman.output
    # Loads under podman build: "will not load" would be wrong there.
    assert [(finding.severity.name, finding.message) for finding in findings(project)] == [
        (
            "WARNING",
            '"main:app" loads with `/app in the image built by Podman`, not with `/app in the image built by Docker`:'
            " module not found",
        )
    ]

    project.write(".containerignore", "*.md\nmain.py\n")
    podman = run_in_image(podman_context(project.root, tmp_path / "podman-project-2"), tmp_path, "podman-2")
    assert podman.exit_code == 3, podman.output
    [finding] = findings(project)
    assert finding.message.startswith('"main:app" will not load') and finding.severity.name == "ERROR"
