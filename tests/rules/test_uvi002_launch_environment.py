"""UVI002 on command lines whose environment may set PYTHONPATH from somewhere other than the command:
a Makefile's exports, an env file a runner or VS Code loads, a task runner's `env`. PYTHONPATH puts more
folders on sys.path, so a module missing from the working directory may still load: no error then.
Each case has its control, the same project without that environment, where the error stands."""

from __future__ import annotations

import pytest

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


def _errors(project, relative: str) -> list:
    return [finding for finding in project.check(relative, codes=("UVI002",)) if finding.severity.name == "ERROR"]


@pytest.fixture
def src_app(project):
    """`main.py` in `src/`, started as `main:app` from the project folder: loads only with src on PYTHONPATH."""
    project.write("src/main.py", APP)
    return project


@pytest.mark.parametrize(
    "header",
    [
        "export PYTHONPATH=src\n",
        "export PYTHONPATH := $(CURDIR)/src\n",
        "PYTHONPATH = src\nexport PYTHONPATH\n",
        "PYTHONPATH ?= src\n.EXPORT_ALL_VARIABLES:\n",
        "include .env\nexport\n",
        "include .env\nexport $(shell sed 's/=.*//' .env)\n",
        "run: export PYTHONPATH=src\n",  # target-specific (real run: serves)
        "run dev: private export PYTHONPATH := $(CURDIR)/src\n",
        "%: export PYTHONPATH += src\n",
    ],
)
def test_makefile_that_exports_pythonpath_to_its_recipes(src_app, header):
    src_app.write("Makefile", header + "\nrun:\n\tuvicorn main:app --reload\n")
    assert _errors(src_app, "Makefile") == []


@pytest.mark.parametrize(
    "header",
    [
        "",
        "PYTHONPATH = src\n",
        "include .env\n",
        "export PORT=8000\n",
        "run: PYTHONPATH = src\n",
        # a value computed by make exports that variable only, not PYTHONPATH
        "export UID=$(shell id -u)\n",
        "export GID := $(shell id -g)\n",
    ],
)
def test_makefile_without_pythonpath_in_the_recipes_environment_still_errs(src_app, header):
    src_app.write("Makefile", header + "\nrun:\n\tuvicorn main:app --reload\n")
    [finding] = _errors(src_app, "Makefile")
    assert '"main:app" will not load: module not found' in finding.message


@pytest.mark.parametrize(
    ("env_file", "errors"),
    [("PYTHONPATH=src\n", 0), ("export PYTHONPATH=./src\n", 0), ("DATABASE_URL=sqlite://\n", 1), (None, 1)],
)
def test_pipenv_run_loads_the_env_file(src_app, env_file, errors):
    if env_file is not None:
        src_app.write(".env", env_file)
    src_app.write("Procfile", "web: pipenv run uvicorn main:app --host 0.0.0.0\n")
    assert len(_errors(src_app, "Procfile")) == errors


@pytest.mark.parametrize(
    ("command", "errors"),
    [
        ("uv run --env-file dev.env uvicorn main:app", 0),
        ("uv run --env-file=dev.env uvicorn main:app", 0),
        ("uv run --env-file missing.env uvicorn main:app", 0),  # not in the checkout: may set anything
        ("uv run --env-file $ENV_FILE uvicorn main:app", 0),
        ("uv run --env-file other.env uvicorn main:app", 1),
    ],
)
def test_uv_run_env_file(src_app, command, errors):
    src_app.write("dev.env", "PYTHONPATH=src\n")
    src_app.write("other.env", "PORT=8000\n")
    src_app.write("Procfile", f"web: {command}\n")
    assert len(_errors(src_app, "Procfile")) == errors


LAUNCH_JSON = """\
{{"configurations": [
  {{"name": "api", "type": "debugpy", "request": "launch", "module": "uvicorn", "args": ["main:app"]{extra}}}
]}}
"""


@pytest.mark.parametrize(
    ("extra", "dotenv", "errors"),
    [
        ("", "PYTHONPATH=src\n", 0),  # the debugger's default envFile
        ("", "PORT=1\n", 1),
        ("", None, 1),
        (', "envFile": "${workspaceFolder}/dev.env"', None, 0),  # named, not in the checkout
        (', "envFile": "${workspaceFolder}/.env"', "PORT=1\n", 1),
    ],
)
def test_launch_json_env_file(src_app, extra, dotenv, errors):
    if dotenv is not None:
        src_app.write(".env", dotenv)
    src_app.write(".vscode/launch.json", LAUNCH_JSON.format(extra=extra))
    assert len(_errors(src_app, ".vscode/launch.json")) == errors


@pytest.mark.parametrize(
    ("settings", "dotenv", "errors"),
    [
        ('{"python.envFile": "${workspaceFolder}/dev.env"}', {"dev.env": "PYTHONPATH=src\n"}, 0),
        (
            '{\n  // comments, as VS Code allows\n  "python.envFile": "${workspaceFolder}/dev.env",\n}',
            {"dev.env": "PYTHONPATH=src\n"},
            0,
        ),
        ('{"python.envFile": "${workspaceFolder}/dev.env"}', {"dev.env": "PORT=1\n", ".env": "PYTHONPATH=src\n"}, 1),
        ('{"python.envFile": "${env:HOME}/project.env"}', {}, 0),  # only known where it runs
        ('{"editor.tabSize": 4}', {"dev.env": "PYTHONPATH=src\n"}, 1),  # the default `.env` then: not there
    ],
)
def test_launch_json_env_file_from_the_python_env_file_setting(src_app, settings, dotenv, errors):
    """Without `envFile` the debugger loads the file `python.envFile` names (the launch resolver of
    vscode-python-debugger reads that setting; `${workspaceFolder}/.env` is only its default)."""
    for name, text in dotenv.items():
        src_app.write(name, text)
    src_app.write(".vscode/settings.json", settings)
    src_app.write(".vscode/launch.json", LAUNCH_JSON.format(extra=""))
    assert len(_errors(src_app, ".vscode/launch.json")) == errors


@pytest.mark.parametrize(
    ("tables", "errors"),
    [
        ('[tool.poe.tasks.dev]\ncmd = "uvicorn main:app"\nenv = { PYTHONPATH = "src" }\n', 0),
        ('[tool.poe]\nenvfile = ".env"\n[tool.poe.tasks]\ndev = "uvicorn main:app"\n', 0),
        ('[tool.pdm.scripts]\ndev = {cmd = "uvicorn main:app", env = {PYTHONPATH = "src"}}\n', 0),
        ('[tool.pdm.scripts]\n_.env_file = ".env"\ndev = "uvicorn main:app"\n', 0),
        (
            '[tool.hatch.envs.default.env-vars]\nPYTHONPATH = "src"\n[tool.hatch.envs.default.scripts]\ndev = "uvicorn main:app"\n',
            0,
        ),
        ('[tool.poe.tasks.dev]\ncmd = "uvicorn main:app"\nenv = { PORT = "8000" }\n', 1),
        ('[tool.pdm.scripts]\n_.env_file = "other.env"\ndev = "uvicorn main:app"\n', 1),
        # the command's own assignment reaches that command only
        ('[tool.poe.tasks]\nok = "env PYTHONPATH=src uvicorn main:app"\ndev = "uvicorn main:app"\n', 1),
    ],
)
def test_task_runner_environment(src_app, tables, errors):
    src_app.write(".env", "PYTHONPATH=src\n")
    src_app.write("other.env", "PORT=8000\n")
    src_app.write("pyproject.toml", '[project]\nname = "p"\nversion = "0"\n\n' + tables)
    assert len(_errors(src_app, "pyproject.toml")) == errors


@pytest.mark.parametrize(
    ("files", "errors"),
    [
        ({".envrc": "export PYTHONPATH=$PWD/src\n"}, 0),
        ({".envrc": "dotenv\n", ".env": "PYTHONPATH=src\n"}, 0),
        ({".envrc": "dotenv\n", ".env": "PORT=8000\n"}, 1),
        ({".envrc": "export PORT=8000\n", ".env": "PYTHONPATH=src\n"}, 1),  # .env not loaded
        ({}, 1),
    ],
)
def test_direnv_sets_the_developers_shell(src_app, files, errors):
    for name, text in files.items():
        src_app.write(name, text)
    src_app.write("Makefile", "run:\n\tuvicorn main:app\n")
    src_app.write("scripts/serve.sh", "cd ..\nuvicorn main:app\n")
    assert len(_errors(src_app, "Makefile")) == errors
    assert len(_errors(src_app, "scripts/serve.sh")) == errors


@pytest.mark.parametrize(("dotenv", "errors"), [("PYTHONPATH=src\n", 0), ("PORT=8000\n", 1)])
def test_procfile_runners_load_the_env_file_beside_it(src_app, dotenv, errors):
    src_app.write(".env", dotenv)
    src_app.write("Procfile", "web: uvicorn main:app --host 0.0.0.0 --port $PORT\n")
    assert len(_errors(src_app, "Procfile")) == errors


@pytest.mark.parametrize(
    ("config", "environment", "errors"),
    [
        ('chdir = "src"\n', "", 0),  # gunicorn reads ./gunicorn.conf.py on its own
        (None, "GUNICORN_CMD_ARGS='--chdir src' ", 0),
        (None, "", 1),
    ],
)
def test_gunicorn_default_configuration(src_app, config, environment, errors):
    if config is not None:
        src_app.write("gunicorn.conf.py", config)
    src_app.write("Procfile", f"web: {environment}gunicorn main:app -k uvicorn_worker.UvicornWorker\n")
    assert len(_errors(src_app, "Procfile")) == errors


@pytest.mark.parametrize(("header", "errors"), [(".ONESHELL:\n", 0), ("", 1)])
def test_makefile_one_shell_recipe_after_cd(src_app, header, errors):
    """Under .ONESHELL the recipe's `cd src` moves the shell uvicorn starts in; without it each line has its own."""
    src_app.write("Makefile", header + "run:\n\tcd src\n\tuvicorn main:app\n\nother:\n\tuvicorn main:app\n")
    assert len(_errors(src_app, "Makefile")) == errors + 1  # `other` starts in the Makefile's folder


@pytest.mark.parametrize(("header", "errors"), [(".ONESHELL:\n", 0), ("", 1)])
@pytest.mark.parametrize("sets", ["export PYTHONPATH=src", "set -a; . ./.env; set +a"])
def test_makefile_one_shell_recipe_after_setting_pythonpath(src_app, header, errors, sets):
    """Under .ONESHELL a line's `export PYTHONPATH=src` (or a sourced .env setting it) holds for the next
    lines: `main:app` serves (real run, make 4.3); without it each line has its own shell and exits 3."""
    src_app.write(".env", "export PYTHONPATH=src\n")
    src_app.write("Makefile", header + f"run:\n\t{sets}\n\tuvicorn main:app\n\nother:\n\tuvicorn main:app\n")
    assert len(_errors(src_app, "Makefile")) == errors + 1  # `other` has no PYTHONPATH


@pytest.mark.parametrize(
    ("sourcing", "written", "errors"),
    [
        ("source .env", "export PYTHONPATH=backend\n", 0),
        ("set -a; . ./.env; set +a", "PYTHONPATH=backend\n", 0),
        ("source .env", None, 0),  # kept out of the repository: it may set anything
        ('source "$ENV_FILE"', None, 0),
        ("export $(grep -v '^#' .env | xargs)", "PYTHONPATH=backend\n", 0),
        ('eval "$(cat .env)"', "PYTHONPATH=backend\n", 0),
        ("source <(sed 's/^/export /' .env)", "PYTHONPATH=backend\n", 0),
        ("source .env", "DEBUG=1\n", 1),  # read: it sets no PYTHONPATH
        ("source .venv/bin/activate", None, 1),  # a virtualenv's activation does not set it
    ],
)
def test_script_that_sources_an_env_file(project, sourcing, written, errors):
    """A script that sources a dotenv file before uvicorn gets the PYTHONPATH it sets: `backend.main`'s
    `from domain.models import X` then finds backend/domain (real run: serves with `export PYTHONPATH=backend`
    in .env, `No module named 'domain'` without; audit)."""
    project.write("backend/main.py", "from domain.models import X\n" + APP)
    project.write("backend/domain/__init__.py", "")
    project.write("backend/domain/models.py", "X = 1\n")
    if written is not None:
        project.write(".env", written)
    project.write("run.sh", f'#!/bin/bash\ncd "$(dirname "$0")"\n{sourcing}\nuvicorn backend.main:app\n')
    assert len(_errors(project, "run.sh")) == errors


@pytest.mark.parametrize(
    ("env_file", "written", "errors"),
    [
        ("env_file: .env", "PYTHONPATH=/code/app\n", 0),
        ("env_file: .env", "DEBUG=1\n", 1),
        ("env_file: .env", None, 0),  # kept out of the repository: it may set anything
        ("env_file: [./config/.env]", None, 0),
        ("env_file:\n      - path: .env\n        required: false", None, 1),  # optional, absent: nothing loaded
    ],
)
def test_compose_env_file_may_set_pythonpath(project, env_file, written, errors):
    """compose loads a service's env_file into its environment (`environment:` over it): PYTHONPATH set there
    makes `main:app` load from /code/app (real run: it serves with it, exits 3 without; audit)."""
    project.write("backend/app/main.py", APP)
    project.write("backend/Dockerfile", "FROM python:3.12-slim\nWORKDIR /code\nCOPY ./app /code/app\n")
    if written is not None:
        project.write(".env", written)
    project.write(
        "compose.yaml",
        f"services:\n  api:\n    build: ./backend\n    {env_file}\n    command: uvicorn main:app --host 0.0.0.0\n",
    )
    assert len(_errors(project, "compose.yaml")) == errors


@pytest.fixture
def backend(project):
    """A project in `backend/` whose package `app` imports from there, or once the project is installed."""
    project.write("backend/app/__init__.py")
    project.write("backend/app/main.py", APP)
    project.write(
        "backend/pyproject.toml",
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "svc"\nversion = "0.1"\n[tool.setuptools.packages.find]\ninclude = ["app*"]\n',
    )
    return project


@pytest.mark.parametrize(
    ("install", "errors"),
    [
        ("pip install -e ./backend", 0),
        ("pip install fastapi", 1),
        ("cd backend && pip install .", 0),  # real run: serves from the top after it
        ("cd backend; python -m pip install -e '.[dev]'", 0),
        ("pip install -e backend", 0),  # an existing folder given to -e is a path to pip
        ("pip install backend/", 0),
        ("pip install backend", 1),  # a bare name is a requirement on the index (real run: PyPI's `backend`)
        ("cd frontend && pip install .", 1),  # no project there
        ("cd $SERVICE && pip install .", 1),  # a folder not followed
    ],
)
def test_a_sub_folder_project_the_file_installs_imports_from_anywhere(backend, install, errors):
    """`pip install -e ./backend` puts its packages on sys.path (real run: `uvicorn app.main:app` from the top
    serves after it, exits 1 without; audit)."""
    backend.write("Makefile", f"install:\n\t{install}\n\nrun:\n\tuvicorn app.main:app\n")
    assert len(_errors(backend, "Makefile")) == errors
    backend.write(
        "Dockerfile",
        f'FROM python:3.12-slim\nWORKDIR /repo\nCOPY . .\nRUN {install}\nCMD ["uvicorn", "app.main:app"]\n',
    )
    assert len(_errors(backend, "Dockerfile")) == errors


@pytest.mark.parametrize(
    ("requirements", "errors"),
    [("-e ./backend\n", 0), ("fastapi\n./backend  # the service\n", 0), ("fastapi\nbackend\n", 1)],
)
def test_a_sub_folder_project_a_requirement_file_installs_imports_from_anywhere(backend, requirements, errors):
    """A requirements.txt listing `./backend` installs its project wherever pip installs the file: the one a
    Procfile's or Railway's platform installs by itself, the one a Render buildCommand names (real run: pip takes
    `./backend` from the folder it runs in; `uvicorn app.main:app` from the top then serves)."""
    backend.write("requirements.txt", requirements)
    backend.write("Procfile", "web: uvicorn app.main:app --host 0.0.0.0 --port $PORT\n")
    assert len(_errors(backend, "Procfile")) == errors
    backend.write("railway.toml", '[deploy]\nstartCommand = "uvicorn app.main:app --host 0.0.0.0 --port $PORT"\n')
    assert len(_errors(backend, "railway.toml")) == errors
    backend.write(
        "render.yaml",
        "services:\n  - type: web\n    name: api\n    runtime: python\n"
        "    buildCommand: pip install -r requirements.txt\n"
        "    startCommand: uvicorn app.main:app --host 0.0.0.0 --port $PORT\n",
    )
    assert len(_errors(backend, "render.yaml")) == errors


WORKFLOW = "on: push\njobs:\n  serve:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"


@pytest.mark.parametrize(
    ("step", "errors"),
    [
        ('echo "PYTHONPATH=$PWD/backend" >> $GITHUB_ENV', 0),
        ("cat ci.env >> $GITHUB_ENV", 0),  # variables not named here
        ('echo "DEBUG=1" >> "$GITHUB_ENV"', 1),
    ],
)
def test_a_workflow_step_exporting_pythonpath_to_the_later_steps(backend, step, errors):
    """A line appended to $GITHUB_ENV sets the variable for every later step of the job (real run with the
    runner's steps simulated: serves with it; audit)."""
    backend.write(".github/workflows/ci.yml", WORKFLOW + f"      - run: {step}\n      - run: uvicorn app.main:app &\n")
    assert len(_errors(backend, ".github/workflows/ci.yml")) == errors


def test_a_workflow_checking_out_into_a_folder(backend):
    """`actions/checkout` with `path: repo` puts the repository in $GITHUB_WORKSPACE/repo, where working-directory
    starts (audit: `repo/backend` was taken as a folder of the repository)."""
    steps = (
        "        with:\n          path: repo\n"
        "      - run: uvicorn app.main:app &\n        working-directory: repo/backend\n"
        "      - run: uvicorn app.main:app &\n        working-directory: repo\n"
        "      - run: uvicorn app.main:app &\n"  # $GITHUB_WORKSPACE, outside the repository: not known
    )
    backend.write(".github/workflows/ci.yml", WORKFLOW + steps)
    assert [finding.range.start.line for finding in _errors(backend, ".github/workflows/ci.yml")] == [10]


def test_an_absolute_app_dir_outside_the_project_is_not_known_on_this_host(project):
    """A script an image runs (ENTRYPOINT ["/app/sh/app.sh"]) names the image's folders: `--app-dir /app/src`
    is /app/src there (real run in the image's layout: serves; audit: fastapi-chat)."""
    project.write("src/main.py", APP)
    project.write("Dockerfile", 'FROM python:3.10\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["/app/sh/app.sh"]\n')
    project.write("sh/app.sh", "#!/bin/bash\nuvicorn main:app --app-dir /app/src --host=0.0.0.0\n")
    assert _errors(project, "sh/app.sh") == []
    project.write("sh/app.sh", f"#!/bin/bash\nuvicorn main:app --app-dir {project.root}/lib --host=0.0.0.0\n")
    [error] = _errors(project, "sh/app.sh")  # inside the project: known, and missing
    assert "will not load" in error.message


@pytest.mark.parametrize(
    ("export", "errors"),
    [
        ('export PYTHONPATH="$(dirname "$0")/lib"', 0),
        ('export PYTHONPATH="$PWD/lib:${PYTHONPATH-}"', 0),
        ('export PORT="$1"', 1),
    ],
)
def test_a_script_exporting_pythonpath_from_a_value_known_when_it_runs(project, export, errors):
    """The value is the shell's to work out; PYTHONPATH is set all the same (real run: `sh a/b/start.sh` serves;
    audit: codegen_orchestrator's start script)."""
    project.write("requirements.txt", "fastapi\n")
    project.write("a/b/lib/pkg/main.py", APP)
    project.write("a/b/start.sh", f"#!/bin/sh\n{export}\nexec uvicorn pkg.main:app\n")
    assert len(_errors(project, "a/b/start.sh")) == errors


@pytest.mark.parametrize(
    ("before", "errors"),
    [
        ('echo "Disabled now"\nexit\n', 0),  # real run: exits 0, uvicorn never starts (audit: StarletteStarter)
        ("exec python worker.py\n", 0),
        ("exec >> /tmp/log 2>&1\n", 1),  # redirects the shell's output, which goes on
        ("die() { echo failed; exit 1; }\n", 1),  # a function's exit, run only when called
        ('[ -n "$SKIP" ] && exit 0\n', 1),  # only on some condition
    ],
)
def test_a_script_ends_at_its_exit_or_exec(project, before, errors):
    project.write("main.py", APP)
    project.write("run.sh", before + "uvicorn nomod:app\n")
    assert len(_errors(project, "run.sh")) == errors


@pytest.mark.parametrize(
    ("env", "app", "errors"),
    [
        ("ENV PYTHONPATH=/app", "mian:app", 1),  # the working directory again: the typo still fails
        ("ENV PYTHONPATH=/app", "main:app", 0),
        ("ENV PYTHONPATH=/app/src", "core:app", 1),  # a folder the image does not have adds nothing
        ("ENV PYTHONPATH=/app/pkg", "core:app", 0),  # pkg/core.py found through PYTHONPATH
        ("ENV PYTHONPATH=/opt/lib", "mian:app", 0),  # a folder no COPY fills: the base image's, not known
        ("ENV PYTHONPATH=${PYTHONPATH}:/app", "mian:app", 0),  # a value known only in the built image
    ],
)
def test_an_image_pythonpath_is_read_from_its_env(project, env, app, errors):
    """The Dockerfile's ENV gives PYTHONPATH its value, so sys.path is known (real run, uvicorn 0.54:
    `PYTHONPATH=/app uvicorn mian:app` in /app exits 3, "Could not import module"; audit: miniAF, FinControl)."""
    project.write("main.py", APP)
    project.write("pkg/core.py", APP)
    project.write("Dockerfile", f'FROM python:3.12\n{env}\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "{app}"]\n')
    assert len(_errors(project, "Dockerfile")) == errors


def test_a_compose_service_pythonpath_over_the_image_code_it_mounts(project):
    project.write("backend/main.py", APP)
    project.write("backend/Dockerfile", "FROM python:3.12\nENV PYTHONPATH=/app\nWORKDIR /app\nCOPY . .\n")
    compose = (
        "services:\n  api:\n    build: ./backend\n    volumes:\n      - ./backend:/app\n"
        "    command: uvicorn app.main:app --reload\n"
    )
    project.write("compose.yaml", compose)
    [error] = _errors(project, "compose.yaml")
    assert "will not load" in error.message
    project.write("compose.yaml", compose.replace("    command:", "    env_file: .env\n    command:"))
    assert _errors(project, "compose.yaml") == []  # the env file (not in the checkout) may set PYTHONPATH


def test_a_virtual_uv_project_is_not_installed_so_its_name_is_no_module(project):
    """uv.lock lists the project itself, `source = { virtual = "." }` when it has no build backend: `uv run`
    installs its dependencies, not the project, so `template.main` (the project's name, not a folder) fails
    (audit: ModuleNotFoundError under `uv run`). An editable project is installed: not judged from its name."""
    project.write("pyproject.toml", '[project]\nname = "template"\nversion = "0.1.0"\ndependencies = ["uvicorn"]\n')
    project.write("src/backend/main.py", APP)
    project.write("Makefile", "run:\n\tuv run uvicorn template.main:app --reload --port 8000\n")
    lock = '[[package]]\nname = "template"\nversion = "0.1.0"\nsource = {{ {} = "." }}\n'
    project.write("uv.lock", lock.format("virtual"))
    [finding] = _errors(project, "Makefile")
    assert "No module named 'template'" in finding.message
    project.write("uv.lock", lock.format("editable"))
    assert _errors(project, "Makefile") == []


@pytest.mark.parametrize(
    ("recipe", "judged"),
    [
        ("pdm run -p src uvicorn main:app", False),  # pdm's -p is --project: src's environment, maybe installed
        ("pdm run --project src uvicorn main:app", False),
        ("uv run -p 3.12 uvicorn main:app", True),  # uv's -p is --python: the same folder, the same error
    ],
)
def test_a_runner_of_another_project_is_not_judged(src_app, recipe, judged):
    src_app.write("Makefile", f"run:\n\t{recipe}\n")
    assert len(_errors(src_app, "Makefile")) == (1 if judged else 0)
