"""Third precision audit: shapes where the analysed environment or the installed project decides the verdict.
Each is judged by the real command line (`uvicorn-lsp check --format json`) and launched for real: where the
check is silent the launch serves, where it reports the launch fails.

- A project pinned to uvicorn 0.18.3 (its own `.venv`, or no uvicorn where the check runs): `debug=True` and
  `reload_dirs` serve with reload, and `uvicorn.workers` is not deprecated there.
- An installable project named `acme-backend` whose package is `src/app`: once installed (editable), a
  Procfile's `uvicorn app.main:app` loads from the root.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import APP_HEAD, Outcome, free_port, run_server

pytestmark = pytest.mark.slow

OLD_UVICORN = "0.18.3"


def make_venv(folder: Path, *pip_arguments: str) -> Path:
    """A virtual environment that sees our site-packages (fastapi, gunicorn, uvicorn 0.54) below its own."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(folder)], check=True)
    python = folder / "bin" / "python"
    if pip_arguments:
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *pip_arguments],
            check=True,
            timeout=300,
        )
    return python


@pytest.fixture(scope="module")
def old_uvicorn(tmp_path_factory) -> Path:
    """uvicorn 0.18.3 (its own click/h11 come from ours) in front of our 0.54."""
    python = make_venv(tmp_path_factory.mktemp("uvicorn-0.18.3"), "--no-deps", f"uvicorn=={OLD_UVICORN}")
    version = subprocess.run([str(python), "-c", "import uvicorn; print(uvicorn.__version__)"], capture_output=True)
    assert version.stdout.decode().strip() == OLD_UVICORN
    return python


@pytest.fixture(scope="module")
def without_uvicorn(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("no-uvicorn")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return folder / "bin" / "python"


def check(root: Path, *paths: str) -> list[dict]:
    """`uvicorn-lsp check --format json` as a user runs it, from the project folder."""
    completed = subprocess.run(
        [sys.executable, "-m", "uvicorn_lsp", "check", "--no-cache", "--format", "json", *paths],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"},
    )
    assert completed.returncode in (0, 1), completed.stderr
    return json.loads(completed.stdout)


def launch(
    python: Path, args: list[str], cwd: Path, port: int, env: dict | None = None, timeout: float = 20.0
) -> Outcome:
    """run_server with another interpreter: the started python replaces itself (same process, same session)."""
    switch = f"import os, sys; os.execv({str(python)!r}, [{str(python)!r}, *sys.argv[1:]])"
    return run_server(["-c", switch, *args], cwd, port, timeout=timeout, env=env)


DEBUG_RUN = (
    APP_HEAD + '\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port}, debug=True, reload_dirs=["."])\n'
)


def test_debug_and_reload_dirs_serve_with_a_pinned_old_uvicorn(tmp_path, old_uvicorn, without_uvicorn):
    """uvicorn 0.18.3 reloads on debug=True: UVI004 and UVI019 say nothing, whether the analysed environment
    is the project's .venv with 0.18.3 or one without uvicorn beside `uvicorn==0.18.3` in requirements.txt."""
    port = free_port()
    (tmp_path / "main.py").write_text(DEBUG_RUN.format(port=port))
    (tmp_path / ".venv").symlink_to(old_uvicorn.parents[1])
    assert [row["code"] for row in check(tmp_path)] == []
    outcome = launch(old_uvicorn, ["main.py"], tmp_path, port)
    assert outcome.served and "Started reloader process" in outcome.output, outcome.output

    (tmp_path / ".venv").unlink()
    (tmp_path / ".venv").symlink_to(without_uvicorn.parents[1])
    (tmp_path / "requirements.txt").write_text(f"fastapi\nuvicorn=={OLD_UVICORN}\n")
    assert [row["code"] for row in check(tmp_path)] == []


def test_the_command_line_debug_flag_reloads_with_old_uvicorn(tmp_path, old_uvicorn):
    """`--debug` turns reload on in uvicorn 0.18.3: the --reload-dir is watched, so UVI019 says nothing (its
    removal would make the reloader watch the whole folder; audit)."""
    port = free_port()
    (tmp_path / "main.py").write_text(APP_HEAD.format())
    (tmp_path / "app").mkdir()
    command = ["main:app", "--debug", "--reload-dir", "app", "--port", str(port)]
    (tmp_path / "Procfile").write_text(f"web: uvicorn {' '.join(command)}\n")
    (tmp_path / "requirements.txt").write_text(f"fastapi\nuvicorn=={OLD_UVICORN}\n")
    outcome = launch(old_uvicorn, ["-m", "uvicorn", *command], tmp_path, port)
    assert outcome.served and "Will watch for changes in these directories" in outcome.output, outcome.output
    assert str(tmp_path / "app") in outcome.output
    assert [row["code"] for row in check(tmp_path, "Procfile")] == []


def test_debug_reloads_instead_of_starting_the_workers_with_old_uvicorn(tmp_path, old_uvicorn):
    """uvicorn 0.18.3 with debug=True and workers=2 starts the reloader, not the workers: UVI003 says so."""
    port = free_port()
    run = f'\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port}, debug=True, workers=2)\n'
    (tmp_path / "main.py").write_text(APP_HEAD.format() + run)
    (tmp_path / "requirements.txt").write_text(f"fastapi\nuvicorn=={OLD_UVICORN}\n")
    outcome = launch(old_uvicorn, ["main.py"], tmp_path, port)
    assert outcome.served and "Started reloader process" in outcome.output, outcome.output
    assert "Started parent process" not in outcome.output
    assert [row["code"] for row in check(tmp_path)] == ["UVI003"]


def test_debug_with_uvicorn_0_54_is_a_type_error_the_check_reports(tmp_path):
    port = free_port()
    (tmp_path / "main.py").write_text(DEBUG_RUN.format(port=port))
    (tmp_path / "requirements.txt").write_text("fastapi\nuvicorn>=0.30\n")
    assert [row["code"] for row in check(tmp_path)] == ["UVI004"]
    outcome = run_server(["main.py"], tmp_path, port)
    assert not outcome.served and "unexpected keyword argument 'debug'" in outcome.output


@pytest.mark.parametrize("pinned", [True, False])
def test_uvicorn_workers_is_deprecated_only_from_0_30(tmp_path, old_uvicorn, pinned):
    """With DeprecationWarning made an error, gunicorn's `-k uvicorn.workers.UvicornWorker` serves under
    uvicorn 0.18.3 (UVI009 silent) and fails to boot under 0.54 (UVI009 reports)."""
    port = free_port()
    (tmp_path / "main.py").write_text(APP_HEAD.format())
    command = ["main:app", "-k", "uvicorn.workers.UvicornWorker", "-b", f"127.0.0.1:{port}"]
    (tmp_path / "Procfile").write_text(f"web: gunicorn {' '.join(command)}\n")
    if pinned:
        (tmp_path / "requirements.txt").write_text(f"gunicorn\nuvicorn=={OLD_UVICORN}\n")
    python = old_uvicorn if pinned else Path(sys.executable)
    outcome = launch(
        python, ["-m", "gunicorn", *command], tmp_path, port, env={"PYTHONWARNINGS": "error::DeprecationWarning"}
    )
    assert outcome.served is pinned, outcome.output
    assert [row["code"] for row in check(tmp_path)] == ([] if pinned else ["UVI009"])


ACME_PYPROJECT = """
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "acme-backend"
version = "0.1.0"

[tool.setuptools.packages.find]
where = ["src"]
"""


@pytest.mark.parametrize("package", ["app", "company/api"])  # a regular package; a namespace package
def test_installed_package_named_apart_from_its_project_loads_from_the_root(tmp_path, tmp_path_factory, package):
    """`pip install -e .` of acme-backend installs src/app (or the namespace package src/company): the
    Procfile's `app.main:app` serves from the root (no finding, also where the check runs without the install,
    as a lint job does); `app.mian:app` fails there and is an error."""
    (tmp_path / "pyproject.toml").write_text(ACME_PYPROJECT)
    (tmp_path / "src" / package).mkdir(parents=True)
    if package == "app":
        (tmp_path / "src" / "app" / "__init__.py").write_text("")
    (tmp_path / "src" / package / "main.py").write_text(APP_HEAD.format())
    python = make_venv(tmp_path_factory.mktemp("acme-venv"), "--no-deps", "-e", str(tmp_path))
    port = free_port()
    dotted = package.replace("/", ".")
    for spec, serves in ((f"{dotted}.main:app", True), (f"{dotted}.mian:app", False)):
        (tmp_path / "Procfile").write_text(f"web: uvicorn {spec} --port {port}\n")
        outcome = launch(python, ["-m", "uvicorn", spec, "--port", str(port)], tmp_path, port)
        assert outcome.served is serves, outcome.output
        findings = check(tmp_path, "Procfile")
        assert [row["code"] for row in findings] == ([] if serves else ["UVI002"])


def test_image_installing_the_newest_uvicorn_is_not_judged_by_an_old_host_environment(tmp_path, old_uvicorn):
    """`RUN pip install uvicorn` puts the newest uvicorn in the image, which serves --timeout-graceful-shutdown;
    the project's .venv (0.18.3) rejects it (exit 2) but is not what the image runs: UVI004 says nothing there,
    and reports the same command in a Makefile run with that .venv."""
    port = free_port()
    (tmp_path / "main.py").write_text(APP_HEAD.format())
    (tmp_path / ".venv").symlink_to(old_uvicorn.parents[1])
    arguments = ["main:app", "--port", str(port), "--timeout-graceful-shutdown", "5"]
    command = " ".join(["uvicorn", *arguments])
    (tmp_path / "Dockerfile").write_text(
        f"FROM python:3.11-slim\nWORKDIR /app\nRUN pip install fastapi uvicorn\nCOPY . .\nCMD {command}\n"
    )
    (tmp_path / "Makefile").write_text(f"run:\n\t{command}\n")
    assert run_server(["-m", "uvicorn", *arguments], tmp_path, port).served  # the image's newest uvicorn
    host = launch(old_uvicorn, ["-m", "uvicorn", *arguments], tmp_path, port)
    assert host.exit_code == 2 and "No such option" in host.output
    # click stops at the unknown option: one error (its value is not also reported as an extra argument).
    assert sorted((row["filename"].rsplit("/", 1)[-1], row["code"]) for row in check(tmp_path)) == [
        ("Makefile", "UVI004")
    ]


def test_an_integer_flag_given_a_word_fails_with_the_pinned_old_uvicorn_too(tmp_path, old_uvicorn):
    """The project pins uvicorn 0.18.3, not the analysed 0.54, yet `--port '${PORT}'` (an exec-form CMD: no shell
    expands it) exits with status 2 under both: UVI004 reports it (audit: streamfinity-fastapi)."""
    port = free_port()
    (tmp_path / "main.py").write_text(APP_HEAD.format())
    (tmp_path / "requirements.txt").write_text(f"fastapi\nuvicorn=={OLD_UVICORN}\n")
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nENV PORT=8000\n"
        'CMD ["uvicorn", "main:app", "--port", "${PORT}"]\n'
    )
    for python in (old_uvicorn, Path(sys.executable)):
        outcome = launch(python, ["-m", "uvicorn", "main:app", "--port", "${PORT}"], tmp_path, port)
        assert outcome.exit_code == 2 and "Invalid value for '--port'" in outcome.output
    assert [(row["code"], row["location"]["row"]) for row in check(tmp_path)] == [("UVI004", 6)]


@pytest.fixture(scope="module")
def uv(tmp_path_factory) -> Path:
    """uv itself, from PyPI (its wheel holds the binary)."""
    python = make_venv(tmp_path_factory.mktemp("uv"), "uv")
    return python.parent / "uv"


def test_uv_workspace_member_serves_from_the_workspace_root(tmp_path, uv):
    """`uv run --package billing uvicorn billing.main:app` from a uv workspace's root: uv installs the member
    (src/billing) editable, so it serves and UVI002 says nothing, without the environment where the check runs;
    a misspelled module fails the same way and is reported."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "platform"\nversion = "0.1.0"\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    )
    member = tmp_path / "packages" / "billing"
    (member / "src" / "billing").mkdir(parents=True)
    (member / "pyproject.toml").write_text(ACME_PYPROJECT.replace("acme-backend", "billing"))
    (member / "src" / "billing" / "__init__.py").write_text("")
    (member / "src" / "billing" / "main.py").write_text(APP_HEAD.format())
    environment = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(tmp_path / ".venv-uv")}
    # The environment sees our site-packages (fastapi, uvicorn): nothing but the members comes from PyPI.
    subprocess.run(
        [
            str(uv),
            "venv",
            "-q",
            "--system-site-packages",
            "--python",
            sys.executable,
            environment["UV_PROJECT_ENVIRONMENT"],
        ],
        cwd=tmp_path,
        check=True,
        env=environment,
    )
    subprocess.run(
        [str(uv), "sync", "-q", "--all-packages", "--inexact"], cwd=tmp_path, check=True, env=environment, timeout=300
    )
    port = free_port()
    for spec, serves in (("billing.main:app", True), ("billing.mian:app", False)):
        command = ["run", "--no-sync", "--package", "billing", "python", "-m", "uvicorn", spec, "--port", str(port)]
        (tmp_path / "Makefile").write_text(f"billing:\n\tuv {' '.join(command)}\n")
        outcome = launch(
            uv, command, tmp_path, port, env={"UV_PROJECT_ENVIRONMENT": environment["UV_PROJECT_ENVIRONMENT"]}
        )
        assert outcome.served is serves, outcome.output
        assert [row["code"] for row in check(tmp_path, "Makefile")] == ([] if serves else ["UVI002"])


def test_failing_workers_keep_an_old_uvicorn_running(tmp_path, old_uvicorn):
    """Under uvicorn 0.18.3 workers that cannot import the app leave the parent running without serving
    (0.54 stops with exit status 0): UVI002's consequence names what the pinned version does."""
    port = free_port()
    (tmp_path / "main.py").write_text(
        APP_HEAD.format() + f'\nif __name__ == "__main__":\n    uvicorn.run("main:ap", port={port}, workers=2)\n'
    )
    (tmp_path / ".venv").symlink_to(old_uvicorn.parents[1])
    [finding] = check(tmp_path)
    assert finding["code"] == "UVI002"
    assert "; the workers fail to start and uvicorn keeps running without serving." in finding["message"]
    outcome = launch(old_uvicorn, ["main.py"], tmp_path, port, timeout=8)
    assert not outcome.served and outcome.exit_code is None, outcome.output
    assert 'Attribute "ap" not found in module "main"' in outcome.output


def test_declared_distribution_serves_where_its_requirements_are_installed(tmp_path, tmp_path_factory):
    """requirements.txt pins acme-api, a service published as a package (built here from another folder):
    after `pip install -r requirements.txt` the Procfile's `acme_api.main:app` serves from the project, though
    the analysed environment lacks it (no finding); `acme_apii.main:app` is still an error."""
    source = tmp_path_factory.mktemp("acme-api-source")
    (source / "pyproject.toml").write_text(ACME_PYPROJECT.replace("acme-backend", "acme-api"))
    (source / "src" / "acme_api").mkdir(parents=True)
    (source / "src" / "acme_api" / "__init__.py").write_text("")
    (source / "src" / "acme_api" / "main.py").write_text(APP_HEAD.format())
    (tmp_path / "requirements.txt").write_text(f"acme-api @ {source.as_uri()}\nuvicorn\n")
    python = make_venv(tmp_path_factory.mktemp("acme-api-venv"), "--no-deps", "-r", str(tmp_path / "requirements.txt"))
    (tmp_path / "requirements.txt").write_text("acme-api==0.1.0\nuvicorn\n")  # as published
    port = free_port()
    for spec, serves in (("acme_api.main:app", True), ("acme_apii.main:app", False)):
        (tmp_path / "Procfile").write_text(f"web: uvicorn {spec} --port {port}\n")
        outcome = launch(python, ["-m", "uvicorn", spec, "--port", str(port)], tmp_path, port)
        assert outcome.served is serves, outcome.output
        assert [row["code"] for row in check(tmp_path, "Procfile")] == ([] if serves else ["UVI002"])


ON_EVENT_APP = """
from fastapi import FastAPI

app = FastAPI()
state = {}


@app.on_event("startup")
async def startup():
    state["ready"] = True


@app.get("/")
def index():
    assert state["ready"]
    return {"ok": True}
"""


@pytest.fixture(scope="module")
def fastapi_0_95(tmp_path_factory) -> Path:
    """FastAPI 0.95.2 with the Starlette and pydantic it takes, in front of ours."""
    return make_venv(tmp_path_factory.mktemp("fastapi-0.95"), "fastapi==0.95.2")


def test_on_event_is_not_deprecated_in_a_pinned_fastapi_0_95(tmp_path, fastapi_0_95):
    """Under fastapi 0.95.2 (pinned) on_event runs without a DeprecationWarning, made an error here: UVI010
    says nothing; with the newest FastAPI (ours) the same app fails to import with it and UVI010 reports."""
    port = free_port()
    (tmp_path / "main.py").write_text(ON_EVENT_APP)
    strict = {"PYTHONWARNINGS": "error::DeprecationWarning"}
    args = ["-m", "uvicorn", "main:app", "--port", str(port)]
    (tmp_path / "requirements.txt").write_text("fastapi==0.95.2\nuvicorn\n")
    assert [row["code"] for row in check(tmp_path)] == []
    assert launch(fastapi_0_95, args, tmp_path, port, env=strict).served
    (tmp_path / "requirements.txt").write_text("fastapi>=0.104\nuvicorn\n")
    assert [row["code"] for row in check(tmp_path)] == ["UVI010"]
    outcome = run_server(args, tmp_path, port, env=strict)
    assert not outcome.served and "on_event is deprecated" in outcome.output
