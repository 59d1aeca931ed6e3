"""Launches whose environment or settings come from elsewhere than the command: a Makefile exporting
PYTHONPATH to its recipes, gunicorn reading `./gunicorn.conf.py`. With them the app's module, found only
through them, really serves (UVI002 stays silent); without them it really fails (UVI002 reports)."""

from __future__ import annotations

import sys

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

MAKE_RUN = ["-c", "import subprocess, sys; sys.exit(subprocess.call(['make', '--no-print-directory', 'run']))"]


def assert_uvi002_agrees(project, name: str, outcome, serves: bool, failure: str) -> None:
    """The launch serves and UVI002 has no error on file `name`, or it fails with `failure` and UVI002's one error
    says the module will not load."""
    errors = [finding for finding in project.check(name, codes=("UVI002",)) if finding.severity.name == "ERROR"]
    assert outcome.served is serves, outcome.output
    if serves:
        assert errors == []
    else:
        assert failure in outcome.output
        [error] = errors
        assert '"main:app" will not load: module not found' in error.message


@pytest.mark.parametrize(
    ("header", "serves"),
    [
        ("export PYTHONPATH = src\n", True),
        ("PYTHONPATH = src\n", False),
        ("run: export PYTHONPATH = src\n", True),  # a target-specific variable make exports to run's recipe
        ("run: PYTHONPATH = src\n", False),  # target-specific, not exported
    ],
)
def test_make_recipe_finds_the_module_through_exported_pythonpath(project, header, serves):
    port = free_port()
    project.write("src/main.py", APP_HEAD.format())
    project.write("Makefile", f"{header}\nrun:\n\t{sys.executable} -m uvicorn main:app --port {port}\n")
    outcome = run_server(MAKE_RUN, project.root, port)
    assert_uvi002_agrees(project, "Makefile", outcome, serves, 'Could not import module "main"')


@pytest.mark.parametrize("config", ['chdir = "src"\n', None])
def test_gunicorn_reads_its_default_configuration_file(project, config):
    port = free_port()
    project.write("src/main.py", APP_HEAD.format())
    if config is not None:
        project.write("gunicorn.conf.py", config)
    command = ["-m", "gunicorn", "main:app", "-k", "uvicorn.workers.UvicornWorker", "-b", f"127.0.0.1:{port}"]
    project.write("Procfile", f"web: gunicorn {' '.join(command[2:])}\n")
    outcome = run_server(command, project.root, port)
    assert_uvi002_agrees(project, "Procfile", outcome, config is not None, "No module named 'main'")


@pytest.mark.parametrize(("header", "serves"), [(".ONESHELL:\n", True), ("", False)])
def test_make_one_shell_recipe_runs_after_its_cd(project, header, serves):
    port = free_port()
    project.write("src/main.py", APP_HEAD.format())
    project.write("Makefile", f"{header}run:\n\tcd src\n\t{sys.executable} -m uvicorn main:app --port {port}\n")
    outcome = run_server(MAKE_RUN, project.root, port)
    errors = [finding for finding in project.check("Makefile", codes=("UVI002",)) if finding.severity.name == "ERROR"]
    assert outcome.served is serves, outcome.output
    assert len(errors) == (0 if serves else 1)


@pytest.mark.parametrize(
    ("install", "command"),
    [
        (True, "pip install -e ./backend"),
        (True, "cd backend && pip install ."),
        (True, "pip install -e backend"),
        (True, "pip install -r requirements.txt"),  # which lists ./backend
        (False, "pip install fastapi"),
    ],
)
def test_a_sub_folder_project_installed_by_the_makefile_serves_from_the_top(
    project, tmp_path_factory, install, command
):
    """`make install` runs `pip install -e ./backend`; `make run` then starts `app.main:app` from the top folder,
    where only the installed project makes `app` importable."""
    import subprocess

    port = free_port()
    project.write("backend/app/__init__.py")
    project.write("backend/app/main.py", APP_HEAD.format())
    project.write(
        "backend/pyproject.toml",
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "svc"\nversion = "0.1"\n[tool.setuptools.packages.find]\ninclude = ["app*"]\n',
    )
    project.write("requirements.txt", "./backend\n")
    folder = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(folder)], check=True)
    python = folder / "bin" / "python"
    project.write("Makefile", f"install:\n\t{command}\n\nrun:\n\t{python} -m uvicorn app.main:app --port {port}\n")
    if install:  # what `make install` does: the venv's pip builds and installs the folder's project
        subprocess.run(
            ["sh", "-c", command.replace("pip install", f"{python} -m pip install -q --no-deps")],
            cwd=project.root,
            check=True,
            timeout=300,
        )
    outcome = run_server(MAKE_RUN, project.root, port)
    errors = [f for f in project.check("Makefile", codes=("UVI002",)) if f.severity.name == "ERROR"]
    assert outcome.served is install, outcome.output
    assert len(errors) == (0 if install else 1)


@pytest.mark.parametrize(("pythonpath", "serves"), [("/app/pkg", True), ("/app/src", False), ("/app", False)])
def test_an_image_env_pythonpath_is_where_the_module_is_looked_for(project, tmp_path, pythonpath, serves):
    """`ENV PYTHONPATH=...` in the Dockerfile: the image's folders it names are on sys.path after the working
    directory, so `core:app` loads from /app/pkg only when PYTHONPATH names that folder."""
    from .test_command_launches import rebuild_image

    project.write("pkg/core.py", APP_HEAD.format())
    project.write(
        "Dockerfile",
        f'FROM python:3.12-slim\nENV PYTHONPATH={pythonpath}\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "core:app"]\n',
    )
    image = tmp_path / "image"
    workdir, command = rebuild_image(project.root, image)  # it copies; the ENV line is given here
    port = free_port()
    outcome = run_server(
        ["-m", *command, "--port", str(port)], workdir, port, env={"PYTHONPATH": str(image) + pythonpath}
    )
    errors = [finding for finding in project.check("Dockerfile", codes=("UVI002",)) if finding.severity.name == "ERROR"]
    assert outcome.served is serves, outcome.output
    if serves:
        assert errors == []
    else:
        assert 'Could not import module "core"' in outcome.output
        [error] = errors
        assert '"core:app" will not load: module not found' in error.message


@pytest.mark.parametrize(("header", "serves"), [(".ONESHELL:\n", True), ("", False)])
def test_make_one_shell_recipe_runs_after_its_export(project, header, serves):
    port = free_port()
    project.write("src/main.py", APP_HEAD.format())
    recipe = f"\texport PYTHONPATH=src\n\t{sys.executable} -m uvicorn main:app --port {port}\n"
    project.write("Makefile", f"{header}run:\n{recipe}")
    outcome = run_server(MAKE_RUN, project.root, port)
    assert_uvi002_agrees(project, "Makefile", outcome, serves, 'Could not import module "main"')


@pytest.mark.parametrize(("dotenv", "serves"), [("export PYTHONPATH=backend\n", True), ("DEBUG=1\n", False)])
def test_script_sources_a_dotenv_file_before_uvicorn(project, dotenv, serves):
    """`backend.main` imports `domain`, found only with backend on PYTHONPATH, which the sourced .env sets."""
    port = free_port()
    project.write("backend/main.py", "from domain.models import X\n" + APP_HEAD.format())
    project.write("backend/domain/__init__.py", "")
    project.write("backend/domain/models.py", "X = 1\n")
    project.write(".env", dotenv)
    command = f"{sys.executable} -m uvicorn backend.main:app --port {port}"
    project.write("run.sh", f'#!/bin/bash\ncd "$(dirname "$0")"\nset -a; . ./.env; set +a\n{command}\n')
    outcome = run_server(
        ["-c", "import subprocess, sys; sys.exit(subprocess.call(['bash', 'run.sh']))"], project.root, port
    )
    errors = [finding for finding in project.check("run.sh", codes=("UVI002",)) if finding.severity.name == "ERROR"]
    assert outcome.served is serves, outcome.output
    if serves:
        assert errors == []
    else:
        assert "No module named 'domain'" in outcome.output
        [error] = errors
        assert "No module named 'domain'" in error.message
