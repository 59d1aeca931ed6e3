"""Patterns from real public projects that got wrong reports (issue 10's precision study, bench/real_projects.py).

Each test names the project it comes from; the slow tests launch the same layout with real uvicorn to show
that what the report called broken serves HTTP."""

from __future__ import annotations

import subprocess
import sys
import venv

import pytest

from ..realrun.conftest import free_port, run_server
from .helpers import rule_findings

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"
INDEX = '\n\n@app.get("/")\ndef index():\n    return {"ok": True}\n'
uvi002 = rule_findings("UVI002")
uvi004 = rule_findings("UVI004")
uvi018 = rule_findings("UVI018")
uvi001 = rule_findings("UVI001")


# -- a shell word that expands at run time ---------------------------------------------------------
# fastapi_rbac (backend/scripts/docker/entrypoint-dev.sh): `--reload-exclude="$EXCLUDE_STR"` was
# "Got unexpected extra argument"; `--port=$PORT` (Heroku's Procfile idiom) got the same error.
EXPANDED_WORDS = [
    'uvicorn main:app --reload --reload-exclude="$EXCLUDE" --host "${HOST:-0.0.0.0}"',
    "uvicorn main:app --host=0.0.0.0 --port=$PORT",
    "uvicorn main:app $UVICORN_OPTIONS",
    "uvicorn $UVICORN_OPTIONS main:app",
]


@pytest.mark.parametrize("command", EXPANDED_WORDS)
@pytest.mark.parametrize("name", ["run.sh", "Procfile"])
def test_option_from_a_variable_is_not_an_extra_argument(project, command, name):
    project.write("main.py", APP)
    text = f"web: {command}\n" if name == "Procfile" else f"#!/bin/sh\n{command}\n"
    assert uvi004(project, text, name=name) == []


def test_a_literal_extra_argument_is_still_reported(project):
    project.write("main.py", APP)
    [finding] = uvi004(project, "#!/bin/sh\nuvicorn main:app 8000\n", name="run.sh")
    assert "unexpected extra argument (8000)" in finding.message


# -- the examples of an installable library ------------------------------------------------------------
# fastapi-pagination (examples/pagination_asyncpg.py): the example imports the library
# (`from fastapi_pagination import ...`, a package beside pyproject.toml) and runs
# `uvicorn.run("pagination_asyncpg:app")`. Installed, the library imports from anywhere, so
# `python examples/pagination_asyncpg.py` is a launch and the string loads with it; the report
# said "will not load" with a safe fix to "examples.pagination_asyncpg:app", which breaks it.
LIBRARY_PYPROJECT = """\
[project]
name = "mylib"
version = "0.1"

[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[tool.setuptools]
packages = ["mylib"]
"""
LIBRARY_EXAMPLE = """\
import uvicorn
from fastapi import FastAPI

from mylib import PAGE

app = FastAPI()

if __name__ == "__main__":
    uvicorn.run("ex:app", host="127.0.0.1", port={port}, reload=True)
"""


def _library(project, port: int = 8000) -> None:
    project.write("pyproject.toml", LIBRARY_PYPROJECT)
    project.write("mylib/__init__.py", "PAGE = 1\n")
    project.write("examples/__init__.py")
    project.write("examples/ex.py", LIBRARY_EXAMPLE.format(port=port))


def test_example_of_an_installable_library_is_not_an_error(project):
    _library(project)
    findings = project.check("examples/ex.py", codes=("UVI002",))
    assert [finding.severity.name for finding in findings] in ([], ["WARNING"])
    # "loads with `python examples/ex.py`, not with `python -m examples.ex`" may stay: --fix changes nothing.
    assert all(fix.applicability.name == "DISPLAY_ONLY" for finding in findings for fix in finding.fixes)


def test_without_packaging_the_script_launch_needs_pythonpath(project):
    """The same layout without a [build-system]: nothing installs `mylib`, so a plain `python examples/ex.py`
    dies at its own import (issue 10, cause 2); with the project folder on PYTHONPATH (an IDE's content
    root) it runs and loads "ex:app", so the -m launch's failure is a warning naming both, not an error."""
    _library(project)
    project.write("pyproject.toml", '[project]\nname = "mylib"\nversion = "0.1"\n')
    [finding] = project.check("examples/ex.py", codes=("UVI002",))
    assert finding.severity.name == "WARNING"
    assert "`PYTHONPATH=. python examples/ex.py`, not with `python -m examples.ex`" in finding.message
    assert all(fix.applicability.name == "DISPLAY_ONLY" for fix in finding.fixes)


# ryanwclark1/fastapi-template (example_service/main.py): the project's console script runs
# `example_service.main:run_fastapi_server`, which calls `uvicorn.run("example_service.app.main:app")`.
# The package is the installed project itself, so the string loads from every launch; the report
# warned that it fails with `python example_service/main.py`.
SERVICE_PYPROJECT = """\
[project]
name = "example-service"
version = "0.1"

[project.scripts]
example-service-server = "example_service.main:run"

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
"""
SERVICE_MAIN = """\
import uvicorn


def run():
    uvicorn.run("example_service.app.main:app", reload=True)


if __name__ == "__main__":
    run()
"""


def test_string_naming_the_installed_project_package_loads_from_every_launch(project):
    project.write("pyproject.toml", SERVICE_PYPROJECT)
    project.write("example_service/__init__.py")
    project.write("example_service/app/__init__.py")
    project.write("example_service/app/main.py", APP)
    assert uvi002(project, SERVICE_MAIN, name="example_service/main.py") == []


# -- a shell script started from where its commands show --------------------------------------------------
# fastapi_rbac (backend/scripts/docker/entrypoint-*.sh, started by the Dockerfile from /app, the
# backend folder): "app.main:app loads with `the workspace folder`, not with `the script's folder`".
# A script without `cd` runs wherever it is started; one start that loads is enough.
def test_script_in_a_subfolder_started_from_the_project_folder(project):
    project.write("app/__init__.py")
    project.write("app/main.py", APP)
    text = "#!/bin/sh\npython ./app/pre_start.py\nexec uvicorn app.main:app --host 0.0.0.0\n"
    assert uvi002(project, text, name="scripts/docker/entrypoint.sh") == []


def test_script_string_failing_from_every_start_is_still_an_error(project):
    project.write("app/__init__.py")
    project.write("app/main.py", APP)
    [finding] = uvi002(project, "#!/bin/sh\nexec uvicorn app.mian:app\n", name="scripts/docker/entrypoint.sh")
    assert finding.severity.name == "ERROR"


# Base_fastapi_app (docker/app.sh, started by compose in the image's WORKDIR, example-base-app/):
# "main:main_app" was "will not load" although the folder the script runs in holds main.py.
def test_script_run_in_another_folder_of_the_project(project):
    project.write("example-base-app/main.py", APP.replace("app = ", "main_app = "))
    text = "#!/bin/bash\nalembic upgrade head\nuvicorn main:main_app --host 0.0.0.0 --port 8000\n"
    assert uvi002(project, text, name="docker/app.sh") == []


def test_script_module_in_no_folder_of_the_project_is_an_error(project):
    project.write("example-base-app/main.py", APP)
    [finding] = uvi002(project, "#!/bin/bash\nuvicorn server:app\n", name="docker/app.sh")
    assert finding.severity.name == "ERROR"


def test_script_that_cds_into_a_folder_without_the_module_is_an_error(project):
    project.write("example-base-app/main.py", APP)
    project.write("backend/__init__.py")
    [finding] = uvi002(project, "#!/bin/bash\ncd backend\nuvicorn main:app\n", name="app.sh")
    assert finding.severity.name == "ERROR"


# faraja-yangu-tv-backend (.entry/start_core_backend.sh): `gunicorn farajayangu_be.asgi -k uvicorn.workers.UvicornWorker`
# was "must be in format <module>:<attribute>"; gunicorn takes the attribute `application` then, and calls
# `module:create_app()` itself.
@pytest.mark.parametrize("target", ["main", '"main:create_app()"', "main:application"])
def test_gunicorn_app_without_colon_or_with_a_factory_call(project, target):
    project.write("main.py", APP.replace("app = ", "application = ") + "\n\ndef create_app():\n    return FastAPI()\n")
    assert uvi002(project, f"web: gunicorn {target} -k uvicorn_worker.UvicornWorker\n", name="Procfile") == []


def test_gunicorn_missing_module_is_still_an_error(project):
    project.write("main.py", APP.replace("app = ", "application = "))
    [finding] = uvi002(project, "web: gunicorn mian -k uvicorn_worker.UvicornWorker\n", name="Procfile")
    assert "module not found" in finding.message


# FrontDrago (src/cmd-local.sh: `uvicorn app.main:app ... --loop=uvloop`, src/requirements.txt lists
# uvloop==0.19.0): "No module named 'uvloop'" because the analysed environment (a CI runner here) is not
# the project's. A package the project declares is installed where it runs.
@pytest.fixture
def environment_with_uvicorn_only(with_fake_uvicorn):
    return with_fake_uvicorn("0.54.0", "def run(app, **options): ...\n")


@pytest.mark.parametrize(
    ("requirements", "declared"),
    [
        ("requirements.txt", "fastapi==0.110.0\nuvicorn==0.27.0\nuvloop==0.19.0\n"),
        ("requirements.txt", "uvicorn[standard]>=0.30\n"),
        ("pyproject.toml", '[project]\nname = "x"\ndependencies = ["uvicorn[standard]>=0.30"]\n'),
        ("pyproject.toml", '[tool.poetry.dependencies]\nuvicorn = {extras = ["standard"], version = "^0.30"}\n'),
    ],
)
def test_implementation_the_project_declares(project, environment_with_uvicorn_only, requirements, declared):
    project.write("src/app/main.py", APP)
    project.write(f"src/{requirements}", declared)
    script = "#!/bin/bash\nuvicorn app.main:app --app-dir=./ --reload --loop=uvloop\n"
    assert uvi018(project, script, environment_with_uvicorn_only, name="src/cmd-local.sh") == []


# `uvloop-extras` names another distribution; behind a marker, its absence here does not make the analysed
# environment another one than the project's (UVI018 is silent where a declared distribution is missing).
@pytest.mark.parametrize("declared", ["uvicorn==0.30\n# uvloop later\n", "uvloop-extras==1.0; python_version > '3'\n"])
def test_implementation_the_project_does_not_declare(project, environment_with_uvicorn_only, declared):
    project.write("src/app/main.py", APP)
    project.write("src/requirements.txt", declared)
    script = "#!/bin/bash\nuvicorn app.main:app --app-dir=./ --reload --loop=uvloop\n"
    [finding] = uvi018(project, script, environment_with_uvicorn_only, name="src/cmd-local.sh")
    assert "No module named 'uvloop'" in finding.message


# hotopia (server/src/run.py): `from server.src.core.settings import CONFIG` then `uvicorn.run("app:app")`.
# `python -m server.src.run` fails to load "app" (checked), `python server/src/run.py` fails at its own
# import; with the project folder on PYTHONPATH (PyCharm's default for a content root) the script serves
# (checked). The string loads exactly under the launch its own import rules out: a sign of PYTHONPATH.
def test_string_loading_only_where_the_own_import_needs_pythonpath(project):
    project.write("server/src/core/settings.py", 'CONFIG = {"RELOAD": "1"}\n')
    project.write("server/src/app.py", APP)
    text = (
        "import uvicorn\n\nfrom server.src.core.settings import CONFIG\n\nif __name__ == '__main__':\n"
        '    uvicorn.run("app:app", reload=bool(CONFIG["RELOAD"]))\n'
    )
    [finding] = uvi002(project, text, name="server/src/run.py")
    assert finding.severity.name == "WARNING"
    assert "loads with `PYTHONPATH=. python server/src/run.py`, not with `python -m server.src.run`" in finding.message


def test_launch_needing_pythonpath_is_never_a_fix_candidate(project):
    project.write("server/src/core/settings.py", "RELOAD = True\n")
    text = (
        "import uvicorn\nfrom fastapi import FastAPI\n\nfrom server.src.core.settings import RELOAD\n\n"
        "app = FastAPI()\n\nif __name__ == '__main__':\n    uvicorn.run(app, reload=RELOAD)\n"
    )
    [finding] = uvi001(project, text, name="server/src/run.py")
    assert [fix.title for fix in finding.fixes] == ['Pass the import string "server.src.run:app"']


# inkflow (run_dev.py: `uvicorn.run("main:app", reload=True)` beside main.py, and an `__init__.py` in the
# repository's root): "loads with `python run_dev.py`, not with `python -m inkflow.run_dev`", a launch
# from the folder above the project.
def test_module_launch_from_above_the_workspace_is_not_judged_alone(project):
    project.write("__init__.py")
    project.write("main.py", APP)
    text = 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", reload=True)\n'
    assert uvi002(project, text, name="run_dev.py") == []


# -- real runs: what was reported as broken serves ---------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("command", EXPANDED_WORDS)
def test_real_run_option_from_a_variable(project, command):
    port = free_port()
    project.write("main.py", APP + INDEX)
    words = command.replace("uvicorn", f'"{sys.executable}" -m uvicorn', 1)
    if "--port" not in command and "UVICORN_OPTIONS" not in command:
        words += ' --port "$PORT"'
    variables = f"PORT={port} HOST=127.0.0.1 EXCLUDE='*.log' UVICORN_OPTIONS='--host 127.0.0.1 --port {port}'\n"
    project.write("run.sh", variables + words + "\n")
    outcome = run_server(
        ["-c", "import subprocess, sys; sys.exit(subprocess.call(['sh', 'run.sh']))"], project.root, port
    )
    assert outcome.served, outcome.output


@pytest.mark.slow
def test_real_run_example_of_an_installed_library(project, tmp_path):
    """`pip install -e .` of the library, then `python examples/ex.py` from the project root."""
    port = free_port()
    _library(project, port)
    (project.root / "examples" / "ex.py").write_text(LIBRARY_EXAMPLE.format(port=port) + INDEX)
    environment = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(environment)
    python = str(environment / "bin" / "python")
    # The venv sees this interpreter's packages (pip, setuptools, fastapi, uvicorn); only `mylib` is new.
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "-e", str(project.root)], check=True)
    outcome = run_server(["-c", f"import os; os.execv({python!r}, [{python!r}, 'examples/ex.py'])"], project.root, port)
    assert outcome.served, outcome.output


@pytest.mark.slow
def test_real_run_script_started_in_the_app_folder(project):
    """Base_fastapi_app: compose runs docker/app.sh in the image's WORKDIR, the folder holding main.py."""
    port = free_port()
    project.write("example-base-app/main.py", APP.replace("app = ", "main_app = ") + INDEX.replace("@app", "@main_app"))
    project.write("docker/app.sh", f'"{sys.executable}" -m uvicorn main:main_app --host 127.0.0.1 --port {port}\n')
    starter = "import subprocess, sys; sys.exit(subprocess.call(['sh', '../docker/app.sh']))"
    outcome = run_server(["-c", starter], project.root / "example-base-app", port)
    assert outcome.served, outcome.output


@pytest.mark.slow
@pytest.mark.parametrize("target", ["main", "main:create_app()"])
def test_real_run_gunicorn_default_attribute_and_factory_call(project, target):
    port = free_port()
    factory = "\n\ndef create_app():\n    return application\n"
    project.write("main.py", (APP + INDEX).replace("app", "application") + factory)
    arguments = ["-m", "gunicorn", target, "-k", "uvicorn.workers.UvicornWorker", "-b", f"127.0.0.1:{port}"]
    outcome = run_server(arguments, project.root, port)
    assert outcome.served, outcome.output


@pytest.mark.slow
def test_real_run_string_loading_only_with_pythonpath(project):
    """hotopia: the warning's two launches, as they really end (the PYTHONPATH one serves, `-m` stops)."""
    port = free_port()
    project.write("server/src/core/settings.py", "RELOAD = False\n")
    project.write("server/src/app.py", APP + INDEX)
    project.write(
        "server/src/run.py",
        "import uvicorn\n\nfrom server.src.core.settings import RELOAD\n\nif __name__ == '__main__':\n"
        f'    uvicorn.run("app:app", host="127.0.0.1", port={port}, reload=RELOAD)\n',
    )
    with_pythonpath = run_server(["server/src/run.py"], project.root, port, env={"PYTHONPATH": str(project.root)})
    assert with_pythonpath.served, with_pythonpath.output
    as_module = run_server(["-m", "server.src.run"], project.root, port)
    assert not as_module.served and 'Could not import module "app"' in as_module.output


# cht42/fastapi-react-postgres-keycloak (backend/app/main.py): `from app.router import auth` then
# `uvicorn.run("main:app", reload=True)`; no project file in backend/. The image's WORKDIR is backend/ (compose
# sets `PYTHONPATH: .`) and its entrypoint runs `python app/main.py`: it serves (checked), while
# `python -m app.main` in backend/ fails to load "main". The folder `-m` runs from rescues the script launch
# as the workspace root does, so this is a warning naming both, not an error.
def test_script_launch_rescued_by_the_folder_its_package_is_in(project):
    (project.root / ".git").mkdir()
    project.write("backend/app/__init__.py")
    project.write("backend/app/router/__init__.py")
    project.write("backend/app/router/auth.py", "from fastapi import APIRouter\n\nrouter = APIRouter()\n")
    text = (
        "import uvicorn\n\nfrom app.router import auth\n\n" + APP + "app.include_router(auth.router)\n\n"
        'if __name__ == "__main__":\n    uvicorn.run("main:app", reload=True)\n'
    )
    [finding] = uvi002(project, text, name="backend/app/main.py")
    assert finding.severity.name == "WARNING"
    assert "loads with `PYTHONPATH=. python app/main.py`, not with `python -m app.main`" in finding.message
