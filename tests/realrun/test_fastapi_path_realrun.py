"""`fastapi run PATH` (fastapi-cli) against a real fastapi-cli: a PATH that is not where the command starts
stops it with "Path does not exist" and exit status 1, in the image as its COPY lines fill it and on the
host; the right PATH serves. fastapi-cli is installed for the test without its `uvicorn[standard]` extras
(which would change what other real runs see)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import free_port, run_server
from .test_command_launches import APP, rebuild_image

pytestmark = pytest.mark.slow

FASTAPI_CLI = ("fastapi-cli==0.0.34", "typer", "rich-toolkit", "rich", "shellingham", "markdown-it-py", "mdurl")


@pytest.fixture(scope="module")
def fastapi_cli(tmp_path_factory) -> dict[str, str]:
    """The environment that lets `python -m fastapi` run fastapi-cli."""
    target = tmp_path_factory.mktemp("fastapi-cli")
    pip = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps"]
    subprocess.run([*pip, "--target", str(target), *FASTAPI_CLI], check=True, timeout=300)
    return {"PYTHONPATH": str(target)}


def run_fastapi(arguments: list[str], cwd: Path, env: dict[str, str]):
    port = free_port()
    return run_server(["-m", "fastapi", *arguments, "--port", str(port), "--host", "127.0.0.1"], cwd, port, env=env)


def dockerfile(path: str) -> str:
    return f'FROM python:3.12-slim\nWORKDIR /code\nCOPY ./app /code/app\nCMD ["fastapi", "run", "{path}"]\n'


def test_a_path_the_image_does_not_hold_exits_1_then_the_right_one_serves(project, tmp_path, fastapi_cli):
    project.write("app/__init__.py", "")
    project.write("app/main.py", APP)
    project.write("Dockerfile", dockerfile("main.py"))
    [finding] = project.check("Dockerfile", codes=("UVI002",))
    assert finding.message.startswith('"main.py" is not in /code in the image') and "exit status 1" in finding.message
    workdir, command = rebuild_image(project.root, tmp_path / "before")
    before = run_fastapi(command[1:], workdir, fastapi_cli)
    assert not before.served and before.exit_code == 1, before.output
    assert "Path does not exist main.py" in before.output

    project.write("Dockerfile", dockerfile("app/main.py"))
    assert project.check("Dockerfile", codes=("UVI002",)) == []
    workdir, command = rebuild_image(project.root, tmp_path / "after")
    after = run_fastapi(command[1:], workdir, fastapi_cli)
    assert after.served, after.output


def test_a_mistyped_path_in_a_procfile_exits_1(project, fastapi_cli):
    project.write("app/__init__.py", "")
    project.write("app/main.py", APP)
    project.write("Procfile", "web: fastapi run app/mian.py\n")
    [finding] = project.check("Procfile", codes=("UVI002",))
    assert finding.message.startswith('"app/mian.py" is not in the Procfile\'s folder')
    before = run_fastapi(["run", "app/mian.py"], project.root, fastapi_cli)
    assert not before.served and before.exit_code == 1, before.output
    project.write("Procfile", "web: fastapi run app/main.py\n")
    assert project.check("Procfile", codes=("UVI002",)) == []
    assert run_fastapi(["run", "app/main.py"], project.root, fastapi_cli).served


def test_fastapi_dev_with_workers_exits_2(project, fastapi_cli):
    project.write("main.py", APP)
    project.write("Makefile", "dev:\n\tfastapi dev main.py --workers 2\n")
    [finding] = project.check("Makefile", codes=("UVI004",))
    assert "exits with status 2" in finding.message
    port = free_port()
    outcome = run_server(
        ["-m", "fastapi", "dev", "main.py", "--workers", "2", "--port", str(port)], project.root, port, env=fastapi_cli
    )
    assert not outcome.served and outcome.exit_code == 2, outcome.output
    assert "No such option: --workers" in outcome.output


def test_an_app_name_the_module_does_not_define_exits_1_then_the_right_one_serves(project, tmp_path, fastapi_cli):
    project.write("app/__init__.py", "")
    project.write("app/main.py", APP)
    image = 'FROM python:3.12-slim\nWORKDIR /code\nCOPY ./app /code/app\nCMD ["fastapi", "run", "app/main.py", "--app", "{name}"]\n'
    project.write("Dockerfile", image.format(name="application"))
    [finding] = project.check("Dockerfile", codes=("UVI002",))
    assert (
        finding.message.startswith('"application" is not defined in app/main.py') and "exit status 1" in finding.message
    )
    workdir, command = rebuild_image(project.root, tmp_path / "before")
    before = run_fastapi(command[1:], workdir, fastapi_cli)
    assert not before.served and before.exit_code == 1, before.output
    assert "Could not find app name application" in before.output

    project.write("Dockerfile", image.format(name="app"))
    assert project.check("Dockerfile", codes=("UVI002",)) == []
    workdir, command = rebuild_image(project.root, tmp_path / "after")
    assert run_fastapi(command[1:], workdir, fastapi_cli).served


def test_no_path_and_no_default_file_in_the_image_exits_1_then_a_pyproject_entrypoint_serves(
    project, tmp_path, fastapi_cli
):
    """fastapi_boilerplate_backend: `fastapi run` in /app, the app in src/main.py."""
    project.write("src/__init__.py", "")
    project.write("src/main.py", APP)
    project.write("pyproject.toml", "[project]\nname = 'x'\nversion = '0'\n")
    image = 'FROM python:3.12-slim\nWORKDIR /code\nCOPY ./src /code/src\nCOPY pyproject.toml /code/\nCMD ["fastapi", "run"]\n'
    project.write("Dockerfile", image)
    [finding] = project.check("Dockerfile", codes=("UVI002",))
    assert finding.message.startswith("fastapi without a PATH finds no main.py") and "exit status 1" in finding.message
    workdir, command = rebuild_image(project.root, tmp_path / "before")
    before = run_fastapi(command[1:], workdir, fastapi_cli)
    assert not before.served and before.exit_code == 1, before.output
    assert "Could not find a default file to run" in before.output

    project.write(
        "pyproject.toml", "[project]\nname = 'x'\nversion = '0'\n\n[tool.fastapi]\nentrypoint = 'src.main:app'\n"
    )
    assert project.check("Dockerfile", codes=("UVI002",)) == []
    workdir, command = rebuild_image(project.root, tmp_path / "after")
    assert run_fastapi(command[1:], workdir, fastapi_cli).served
