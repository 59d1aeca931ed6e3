"""UVI002 on a Dockerfile checked on its own: its folder is the build context (`docker build <folder>`)
when it is the workspace folder or holds the app's Python. A Dockerfile in a folder of Docker files
(docker/, deploy/) is built from another context (`docker build -f docker/Dockerfile .`), and so is one a
compose file names with a context of its own: the Dockerfile alone does not say which, so no error."""

from __future__ import annotations

import pytest

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"
DOCKERFILE = """\
FROM python:3.12-slim
WORKDIR /code
COPY . /code
CMD ["uvicorn", "{module}:app", "--host", "0.0.0.0"]
"""


def _errors(project, relative: str) -> list:
    return [finding for finding in project.check(relative, codes=("UVI002",)) if finding.severity.name == "ERROR"]


@pytest.fixture
def app_package(project):
    project.write("app/__init__.py")
    project.write("app/main.py", APP)
    return project


@pytest.mark.parametrize("folder", ["docker", "deploy/prod"])
def test_dockerfile_in_a_folder_without_python_is_not_judged(app_package, folder):
    app_package.write(f"{folder}/Dockerfile", DOCKERFILE.format(module="app.main"))
    app_package.write(f"{folder}/entrypoint.sh", '#!/bin/sh\nexec "$@"\n')
    assert _errors(app_package, f"{folder}/Dockerfile") == []


def test_dockerfile_a_compose_file_builds_from_another_context(app_package):
    app_package.write("services/api/worker.py", "print('worker')\n")
    app_package.write("services/api/Dockerfile", DOCKERFILE.format(module="app.main"))
    assert len(_errors(app_package, "services/api/Dockerfile")) == 1  # `docker build services/api`
    app_package.write(
        "compose.yaml", "services:\n  api:\n    build:\n      context: .\n      dockerfile: services/api/Dockerfile\n"
    )
    assert _errors(app_package, "services/api/Dockerfile") == []


@pytest.mark.parametrize("where", ["", "services/api/"])
def test_dockerfile_beside_the_app_is_still_judged(project, where):
    project.write(f"{where}main.py", APP)
    project.write(f"{where}Dockerfile", DOCKERFILE.format(module="mian"))
    [error] = _errors(project, f"{where}Dockerfile")
    assert '"mian:app" will not load: module not found' in error.message


@pytest.mark.parametrize(
    ("volume", "silent"),
    [("./app:/app", True), ("./app/main.py:/app/main.py", True), ("./data:/app/data", False), ("./app:/srv", False)],
)
def test_an_image_whose_code_a_compose_file_mounts_is_not_judged_without_it(project, volume, silent):
    """The Dockerfile copies only its requirements; the compose file that runs it mounts the code over WORKDIR, so
    the project's start serves (a real run of the mounted folder did; a bare `docker run` of the image would not).
    A mount elsewhere leaves the verdict (audit: Smart-Conference-App)."""
    project.write("app/main.py", APP)
    project.write("app/requirements.txt", "fastapi\nuvicorn\n")
    project.write(
        "app/Dockerfile",
        'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n',
    )
    assert len(_errors(project, "app/Dockerfile")) == 1
    project.write("docker-compose.yaml", f"services:\n  app:\n    build: ./app\n    volumes:\n      - {volume}\n")
    assert (_errors(project, "app/Dockerfile") == []) is silent


def test_a_container_failure_has_the_exit_status_of_the_uvicorn_its_image_installs(project):
    """uvicorn exits with status 1 on a failed start before 0.50 (3 since): the image's 0.13.3 decides."""
    project.write("docs/requirements.txt", "uvicorn==0.13.3\n")
    project.write("main.py", "app = object()\n")
    project.write("Dockerfile", "FROM python:3.8\nWORKDIR /app\nCOPY docs docs\nRUN pip install -r docs/requirements.txt\n"
                  "COPY . .\n")  # fmt: skip
    project.write("compose.yaml", 'services:\n  api: {build: ., command: "uvicorn mian:app --host 0.0.0.0"}\n')
    [finding] = project.check("compose.yaml", codes=("UVI002",))
    assert "(exit status 1)" in finding.message


@pytest.mark.parametrize(("dockerfile", "errors"), [("Dockerfile.dev", 0), ("Dockerfile", 1)])
def test_a_development_image_without_code_is_not_judged(project, dockerfile, errors):
    """Dockerfile.dev copies the dependency files only and installs them (`uv sync`): its code comes from a mount
    the project does not show (its compose service commented out), so what /app holds is not known; a production
    Dockerfile doing the same has most likely lost its `COPY . .` (audit: ulhaq/fastapi-template)."""
    project.write("src/main.py", APP)
    project.write("pyproject.toml", '[project]\nname = "template"\nversion = "0.1.0"\n')
    project.write("uv.lock", "version = 1\n")
    project.write(
        dockerfile,
        "FROM python:3.13-slim\nWORKDIR /app\nRUN pip install uv\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --no-dev\n"
        'CMD ["uv", "run", "fastapi", "dev", "src/main.py", "--host", "0.0.0.0", "--port", "8000"]\n',
    )
    assert len(_errors(project, dockerfile)) == errors


@pytest.mark.parametrize(("requirements_at", "errors"), [("requirements.txt", 0), ("app/requirements.txt", 1)])
def test_a_dockerfile_copying_a_file_only_a_folder_above_has_is_built_from_there(app_package, requirements_at, errors):
    """app/Dockerfile's `COPY requirements.txt /tmp/` finds the file only at the root: `docker build app` stops at
    that COPY, so the image is built from the root (`docker build -f app/Dockerfile .`), where /code/app/main.py
    loads as app.main (audit33l: ZyntroAI/fastapi-python-boilerplate). With the file beside it, app/ is the
    context and /code holds main.py with no app package."""
    app_package.write(requirements_at, "fastapi\nuvicorn\n")
    app_package.write(
        "app/Dockerfile",
        DOCKERFILE.format(module="app.main").replace(
            "COPY . /code", "COPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\nCOPY . /code"
        ),
    )
    assert len(_errors(app_package, "app/Dockerfile")) == errors
