"""UVI002 on `fastapi run|dev PATH`: the file or package folder must be where the command starts (real runs:
tests/realrun/test_fastapi_path_realrun.py). Silent wherever that is not known."""

from __future__ import annotations

import pytest

from ..conftest import Project

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"
IMAGE = "FROM python:3.12-slim\nWORKDIR /code\nCOPY ./app /code/app\n{more}CMD {cmd}\n"


def uvi002(project: Project, relative: str) -> list[str]:
    return [finding.message for finding in project.check(relative, codes=("UVI002",))]


@pytest.fixture
def app_project(project: Project) -> Project:
    project.write("app/__init__.py", "")
    project.write("app/main.py", APP)
    return project


@pytest.mark.parametrize(
    ("cmd", "missing"),
    [
        ('["fastapi", "run", "main.py"]', "main.py"),
        ('["fastapi", "dev", "app/mian.py", "--host", "0.0.0.0"]', "app/mian.py"),
        ("fastapi run --port 80 main.py", "main.py"),
        ('["fastapi", "run", "app/main.py"]', None),
        ('["fastapi", "run", "app"]', None),  # a package folder
        ('["fastapi", "run"]', None),  # fastapi-cli's own search finds app/main.py
        ('["fastapi", "run", "main.py", "--entrypoint", "app.main:app"]', None),  # refused for another reason
        ('["sh", "-c", "fastapi run $APP_FILE"]', None),
    ],
)
def test_a_path_the_image_does_not_hold(app_project, cmd, missing):
    app_project.write("Dockerfile", IMAGE.format(more="", cmd=cmd))
    messages = uvi002(app_project, "Dockerfile")
    if missing is None:
        assert messages == []
    else:
        [message] = messages
        assert message.startswith(f'"{missing}" is not in /code in the image;')


@pytest.mark.parametrize(
    "more", ["RUN git clone https://example.com/x /code/extra\n", "COPY --from=builder /src /code\n", "VOLUME /code\n"]
)
def test_silent_where_the_image_is_not_known(app_project, more):
    app_project.write("Dockerfile", IMAGE.format(more=more, cmd='["fastapi", "run", "main.py"]'))
    assert uvi002(app_project, "Dockerfile") == []


@pytest.mark.parametrize(
    "more", ['RUN pip install --no-cache-dir "fastapi[standard]"\n', "RUN pip install 'fastapi[standard]>=0.110'\n"]
)
def test_a_quoted_requirement_installs_and_writes_no_file(app_project, more):
    # the quotes only keep the shell from reading `[standard]` as a glob: the image still lacks main.py
    app_project.write("Dockerfile", IMAGE.format(more=more, cmd='["fastapi", "run", "main.py"]'))
    [message] = uvi002(app_project, "Dockerfile")
    assert message.startswith('"main.py" is not in /code in the image;')


def test_a_compose_mount_over_the_path_may_bring_it(app_project):
    app_project.write("Dockerfile", IMAGE.format(more="", cmd='["fastapi", "run", "main.py"]'))
    app_project.write("compose.yaml", "services:\n  web:\n    build: .\n    volumes: ['./app:/code']\n")
    assert uvi002(app_project, "Dockerfile") == []
    # The compose service itself runs the image with the mount: main.py is there.
    assert uvi002(app_project, "compose.yaml") == []


def test_host_starts_and_freshness(app_project):
    app_project.write("Makefile", "run:\n\tfastapi dev app/server.py\n")
    [message] = uvi002(app_project, "Makefile")
    assert message.startswith('"app/server.py" is not in the Makefile\'s folder')
    app_project.write("app/server.py", APP)
    assert uvi002(app_project, "Makefile") == []


@pytest.mark.parametrize("command", ["fastapi dev main.py --workers 2", "fastapi dev --workers 2 main.py"])
def test_fastapi_dev_has_no_workers_option(project, command):
    """Real run (fastapi-cli 0.0.34): `No such option: --workers`, exit status 2; `fastapi run` has it."""
    project.write("main.py", APP)
    project.write("Makefile", f"dev:\n\t{command}\n")
    [finding] = project.check("Makefile")
    assert finding.code == "UVI004" and finding.message.endswith(
        "exits with status 2 before starting: No such option: --workers"
    )
    project.write("Makefile", f"dev:\n\t{command.replace('dev', 'run')}\n")
    assert project.check("Makefile", codes=("UVI004",)) == []


def test_a_scripts_guessed_start_folder_and_absolute_paths_stay_silent(project):
    """fastapi_rbac's backend/scripts/docker/entrypoint.sh runs in the image's WORKDIR (backend/): the path is
    there, not beside the script; pkb-users' devserver names a path inside its dev container."""
    project.write("backend/app/__init__.py", "")
    project.write("backend/app/main.py", APP)
    project.write("backend/scripts/docker/entrypoint.sh", "#!/bin/sh\nfastapi run app/main.py --port 80\n")
    project.write("scripts/devserver", "#!/bin/bash\nuv run fastapi dev --host 0.0.0.0 /app/src/app/main.py\n")
    assert uvi002(project, "backend/scripts/docker/entrypoint.sh") == []
    assert uvi002(project, "scripts/devserver") == []
    project.write("backend/scripts/docker/entrypoint.sh", "#!/bin/sh\nfastapi run app/mian.py --port 80\n")
    [message] = uvi002(project, "backend/scripts/docker/entrypoint.sh")
    assert message.startswith('"app/mian.py" is not in')


@pytest.mark.parametrize(
    ("module", "app", "reported"),
    [
        (APP, "application", True),
        (APP, "app", False),
        (APP + "application = app\n", "application", False),
        ("from .core import app as application\n", "application", False),  # bound by an import
        ("from .core import *\n", "application", False),  # star import: names come at run time
        (APP + "def __getattr__(name):\n    return app\n", "application", False),
        ("from fastapi import FastAPI\napp = FastAPI(\n", "application", False),  # does not parse
    ],
)
def test_an_app_name_the_module_does_not_define(app_project, module, app, reported):
    """`--app NAME`: fastapi-cli stops with "Could not find app name NAME in app.main" (exit status 1)."""
    app_project.write("app/main.py", module)
    app_project.write("Procfile", f"web: fastapi run app/main.py --app {app} --host 0.0.0.0\n")
    app_project.write("Dockerfile", IMAGE.format(more="", cmd=f'["fastapi", "run", "app/main.py", "--app", "{app}"]'))
    for relative in ("Procfile", "Dockerfile"):
        findings = app_project.check(relative, codes=("UVI002",))
        if not reported:
            assert findings == [], relative
            continue
        [finding] = findings
        assert finding.message.startswith(f'"{app}" is not defined in app/main.py; fastapi stops at startup')
        line = (app_project.root / relative).read_text().split("\n")[finding.range.start.line]
        underlined = line[finding.range.start.character : finding.range.end.character].replace('"', "")
        assert underlined in (app, f"--app {app}", f"--app, {app}"), underlined


def test_an_app_name_in_a_folder_path_or_a_variable_is_not_followed(app_project):
    app_project.write("Procfile", "web: fastapi run app --app application\nworker: fastapi run $FILE --app x\n")
    assert uvi002(app_project, "Procfile") == []


@pytest.mark.parametrize(
    ("copied", "reported"),
    [
        ("COPY ./src /code/src\n", True),  # src/main.py is no file fastapi-cli looks for
        ("COPY ./src /code/src\nCOPY pyproject.toml /code/\n", True),  # a pyproject.toml without [tool.fastapi]
        ("COPY ./src/main.py /code/api.py\n", False),
        ("COPY ./src /code/src\nCOPY entry.toml /code/pyproject.toml\n", False),  # its entrypoint names the app
        ("COPY ./src /code/src\nCOPY . /code/\n", True),
    ],
)
def test_fastapi_run_without_a_path_where_no_default_file_is(project, copied, reported):
    """fastapi_boilerplate_backend's Dockerfile: `fastapi run` in /app, the app in src/main.py. fastapi-cli
    (0.0.2 to 0.0.34) looks for main.py, app.py, api.py, app/main.py, app/app.py, app/api.py, newer ones for
    [tool.fastapi] entrypoint first, and stops with "Could not find a default file to run" (exit status 1)."""
    project.write("src/__init__.py", "")
    project.write("src/main.py", APP)
    project.write("pyproject.toml", "[project]\nname = 'x'\n")
    project.write("entry.toml", "[tool.fastapi]\nentrypoint = 'src.main:app'\n")
    project.write(
        "Dockerfile", f'FROM python:3.12-slim\nWORKDIR /code\n{copied}CMD ["fastapi", "run", "--port", "80"]\n'
    )
    messages = uvi002(project, "Dockerfile")
    if not reported:
        assert messages == []
        return
    [message] = messages
    assert message == (
        "fastapi without a PATH finds no main.py, app.py or api.py (in app/ either) in /code in the image; "
        "it stops at startup (exit status 1)"
    )


@pytest.mark.parametrize(
    "command",
    ["fastapi run $ARGS", "fastapi run --entrypoint src.main:app", "fastapi run --unknown-flag", "fastapi run src"],
)
def test_fastapi_run_without_a_known_missing_default_stays_silent(project, command):
    project.write("src/__init__.py", "")
    project.write("src/main.py", APP)
    project.write("Procfile", f"web: {command}\n")
    assert uvi002(project, "Procfile") == []
    project.write("Procfile", "web: fastapi run\n")
    [message] = uvi002(project, "Procfile")
    assert message.startswith("fastapi without a PATH finds no main.py") and "the Procfile's folder" in message


def test_fastapi_run_without_a_path_in_a_mounted_image_stays_silent(project):
    project.write("src/main.py", APP)
    project.write("Dockerfile", 'FROM python:3.12-slim\nWORKDIR /code\nCOPY ./src /code/src\nCMD ["fastapi", "run"]\n')
    project.write("compose.yaml", "services:\n  web:\n    build: .\n    volumes: ['./src:/code']\n")
    assert uvi002(project, "Dockerfile") == []
