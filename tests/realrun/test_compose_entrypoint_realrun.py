"""A compose `command:` that gives its arguments to the image's exec-form `ENTRYPOINT ["uvicorn"]`, run for
real: the image is rebuilt from the Dockerfile's WORKDIR and COPY lines, and uvicorn gets the service's
command as its arguments (Docker's rule: the command replaces the image's CMD after its ENTRYPOINT)."""

from __future__ import annotations

import shutil

import pytest
from ruamel.yaml import YAML

from ..conftest import apply_edits
from ..engine.commands.helpers import launches
from .conftest import free_port, run_server
from .test_command_launches import APP, rebuild_image

pytestmark = pytest.mark.slow

DOCKERFILE = """FROM python:3.12-slim
WORKDIR /code
COPY ./app /code/app
ENTRYPOINT ["uvicorn"]
CMD ["app.main:app", "--host", "0.0.0.0"]
"""


def run_service(project, tmp_path, name: str):
    workdir, _ = rebuild_image(project.root, tmp_path / name)
    [service] = YAML(typ="safe").load((project.root / "compose.yaml").read_text())["services"].values()
    command = service["command"]
    arguments = command.split() if isinstance(command, str) else command
    port = free_port()
    return run_server(["-m", "uvicorn", *arguments, "--port", str(port)], workdir, port)


@pytest.mark.parametrize("command", ['["main:app", "--host", "127.0.0.1"]', "main:app --host 127.0.0.1"])
def test_the_command_names_a_module_the_image_does_not_hold_then_the_fix_serves(project, tmp_path, command):
    project.write("app/__init__.py", "")
    project.write("app/main.py", APP)
    project.write("Dockerfile", DOCKERFILE)
    project.write("compose.yaml", f"services:\n  web:\n    build: .\n    command: {command}\n")
    [finding] = project.check("compose.yaml", codes=("UVI002",))
    assert finding.message.startswith('"main:app" will not load') and "exit status 3" in finding.message
    before = run_service(project, tmp_path, "before")
    assert not before.served and before.exit_code == 3, before.output
    assert 'Could not import module "main"' in before.output

    [web] = launches(project, "compose.yaml")
    compose = project.root / "compose.yaml"
    compose.write_text(apply_edits(compose.read_text(), web.edits.replace_app("app.main:app")))
    assert project.check("compose.yaml", codes=("UVI002",)) == []
    after = run_service(project, tmp_path, "after")
    assert after.served, after.output


def test_a_mount_over_the_workdir_hides_the_images_module_then_the_fix_serves(project, tmp_path):
    """A service with no command runs the image's CMD with its bind mounts over the image's files."""
    project.write("app/__init__.py", "")
    project.write("app/main.py", APP)
    project.write(
        "Dockerfile", 'FROM python:3.12-slim\nWORKDIR /code\nCOPY ./app /code/app\nCMD ["uvicorn", "app.main:app"]\n'
    )

    def run_with_mount(name: str, host: str):
        workdir, command = rebuild_image(project.root, tmp_path / name)
        shutil.rmtree(workdir)
        # The mount shows the host folder at /code (the rebuilt images live in the project folder too).
        shutil.copytree(project.root / host, workdir, ignore=shutil.ignore_patterns("before*", "after*"))
        port = free_port()
        return run_server(["-m", "uvicorn", *command[1:], "--port", str(port)], workdir, port)

    project.write("compose.yaml", "services:\n  web:\n    build: .\n    volumes:\n      - ./app:/code\n")
    [finding] = project.check("compose.yaml", codes=("UVI002",))
    assert finding.message.startswith('"app.main:app" will not load') and "exit status 1" in finding.message
    before = run_with_mount("before", "app")
    assert not before.served and before.exit_code == 1, before.output
    assert "No module named 'app'" in before.output

    project.write("compose.yaml", "services:\n  web:\n    build: .\n    volumes:\n      - .:/code\n")
    assert project.check("compose.yaml", codes=("UVI002",)) == []
    after = run_with_mount("after", ".")
    assert after.served, after.output
