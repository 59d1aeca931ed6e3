"""`.dockerignore` against real uvicorn: the image is rebuilt from the build context docker-py
would send (the folder less what `.dockerignore` leaves out), its CMD run there. A module the
ignore file leaves out is a UVI002 "will not load" and exits 3; an ignore file that leaves out
nothing the import needs changes no verdict, and the image serves."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine import import_resolution

from .test_command_launches import APP, run_in_image, verdict

pytestmark = pytest.mark.slow

DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD ["uvicorn", "main:app"]\n'


def image_project(project, ignore: str) -> None:
    project.write("main.py", APP)
    project.write("tests/test_main.py", "def test():\n    pass\n")
    project.write("README.md", "# app\n")
    project.write("Dockerfile", DOCKERFILE)
    project.write(".dockerignore", ignore)


def uvi002(project) -> list[str]:
    return [finding.message for finding in project.check("Dockerfile", codes=("UVI002",))]


def test_a_left_out_module_does_not_load_then_serves_once_copied(project, tmp_path):
    image_project(project, "# keep the image small\n*.md\nmain.py\n")
    assert verdict(project, "main:app") is import_resolution.Outcome.NO_MODULE
    [message] = uvi002(project)
    assert message.startswith('"main:app" will not load') and "exit status 3" in message
    before = run_in_image(project.root, tmp_path, "before")
    assert not before.served and before.exit_code == 3, before.output
    assert 'Could not import module "main"' in before.output

    project.write(".dockerignore", "# keep the image small\n*.md\n")  # the fix: main.py goes into the image
    assert uvi002(project) == []
    assert verdict(project, "main:app") is import_resolution.Outcome.LOADS
    after = run_in_image(project.root, tmp_path, "after")
    assert after.served, after.output


def test_an_exception_brings_the_module_back(project, tmp_path):
    image_project(project, "*.py\n!main.py\n")
    assert uvi002(project) == []
    assert run_in_image(project.root, tmp_path, "image").served


def test_ignoring_what_the_import_does_not_need_changes_nothing(project, tmp_path):
    image_project(project, "tests\n**/*.md\n.git\n")
    assert uvi002(project) == []
    assert verdict(project, "main:app") is import_resolution.Outcome.LOADS
    outcome = run_in_image(project.root, tmp_path, "image")
    assert outcome.served, outcome.output
    assert not (tmp_path / "image" / "app" / "tests").exists()  # the rebuild did leave the folder out
