"""UVI024: an ASGI app started by gunicorn without a uvicorn worker class."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.model import Applicability, Severity
from uvicorn_lsp.engine.rule import MESSAGE_LIMIT
from uvicorn_lsp.rules.uvi024_asgi_app_on_wsgi_worker import RULE

from ..conftest import apply_edits

CODE = "UVI024"
FASTAPI_APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


@pytest.fixture(scope="module")
def with_uvicorn_worker(tmp_path_factory) -> Settings:
    """An analysed environment where the uvicorn-worker package is installed (its metadata folder is what is read)."""
    folder = tmp_path_factory.mktemp("venv-uvicorn-worker")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    [site_packages] = folder.glob("lib/python*/site-packages")
    (site_packages / "uvicorn_worker-0.4.0.dist-info").mkdir()
    (site_packages / "uvicorn_worker-0.4.0.dist-info" / "METADATA").write_text("Name: uvicorn-worker\nVersion: 0.4.0\n")
    return Settings(python=str(folder / "bin" / "python"))


def findings(project, name, text, settings=None):
    project.write(name, textwrap.dedent(text))
    return project.check(name, settings, codes=(CODE,))


def test_procfile_start_of_a_fastapi_app(project, without_uvicorn):
    project.write("main.py", FASTAPI_APP)
    [finding] = findings(project, "Procfile", "web: gunicorn main:app --bind 0.0.0.0:$PORT\n", without_uvicorn)
    assert finding.severity is Severity.ERROR
    assert (finding.range.start.line, finding.range.start.character, finding.range.end.character) == (0, 14, 22)
    assert finding.message == (
        '"main:app" is a FastAPI app (ASGI); gunicorn\'s default worker serves WSGI: every request answers 500 '
        "(TypeError: missing 'send'); use a uvicorn worker class"
    )
    assert finding.fixes == []  # uvicorn-worker is not installed where the analysis runs


def test_the_fix_adds_the_uvicorn_worker_when_it_is_installed(project, with_uvicorn_worker):
    project.write("main.py", FASTAPI_APP)
    [finding] = findings(project, "Procfile", "web: gunicorn main:app --bind 0.0.0.0:$PORT\n", with_uvicorn_worker)
    [fix] = finding.fixes
    assert fix.applicability is Applicability.UNSAFE
    fixed = apply_edits((project.root / "Procfile").read_text(), fix.edits)
    assert fixed == "web: gunicorn main:app --worker-class uvicorn_worker.UvicornWorker --bind 0.0.0.0:$PORT\n"
    project.write("Procfile", fixed)
    assert project.check("Procfile", with_uvicorn_worker, codes=(CODE,)) == []
    # The same in a Dockerfile's exec form: a JSON element per word.
    project.write("Dockerfile", 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "main:app"]\n')
    [finding] = project.check("Dockerfile", with_uvicorn_worker, codes=(CODE,))
    fixed = apply_edits((project.root / "Dockerfile").read_text(), finding.fixes[0].edits)
    assert 'CMD ["gunicorn", "main:app", "--worker-class", "uvicorn_worker.UvicornWorker"]' in fixed


@pytest.mark.parametrize(
    ("definition", "framework"),
    [
        (FASTAPI_APP, "FastAPI"),
        ("import fastapi\napp = fastapi.FastAPI()\n", "FastAPI"),
        ("from starlette.applications import Starlette\napp = Starlette()\n", "Starlette"),
        ("from litestar import Litestar\napp = Litestar([])\n", "Litestar"),
        ("from quart import Quart\napp = Quart(__name__)\n", "Quart"),
        ("import falcon.asgi\napp = falcon.asgi.App()\n", "Falcon"),
        ("from django.core.asgi import get_asgi_application\napp = get_asgi_application()\n", "Django"),
    ],
)
def test_asgi_frameworks_by_their_definition(project, without_uvicorn, definition, framework):
    project.write("web.py", definition)
    [finding] = findings(project, "run.sh", "#!/bin/sh\nexec gunicorn -w 2 web:app\n", without_uvicorn)
    assert finding.message.startswith(f'"web:app" is a {framework} app (ASGI)')


def test_sources_and_spellings(project):
    project.write("api/__init__.py")
    project.write("api/main.py", FASTAPI_APP)
    project.write("api/asgi.py", "from api.main import app\n\napplication = app\n")
    project.write(
        "compose.yaml",
        """
        services:
          web:
            build: .
            command: gunicorn api.main:app -b 0.0.0.0:8000 --timeout 60
        """,
    )
    project.write("Dockerfile", "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD gunicorn api.main:app\n")
    project.write("Makefile", "serve:\n\tgunicorn --bind=0.0.0.0:8000 api.main:app\n")
    assert len(project.check("compose.yaml", codes=(CODE,))) == 1
    assert len(project.check("Dockerfile", codes=(CODE,))) == 1
    assert len(project.check("Makefile", codes=(CODE,))) == 1
    # The object imported into another module, found by jedi's inference.
    [finding] = findings(project, "Procfile", "web: gunicorn api.asgi:application\n")
    assert finding.message.startswith('"api.asgi:application" is a FastAPI app')


@pytest.mark.parametrize(
    ("command", "worker", "fixed"),
    [
        (
            "gunicorn main:app --workers 2 --threads 8 --worker-class gthread",
            "gthread",
            "gunicorn main:app --workers 2 --threads 8 --worker-class uvicorn_worker.UvicornWorker",
        ),
        ("gunicorn main:app -kgthread", "gthread", "gunicorn main:app -kuvicorn_worker.UvicornWorker"),
        ("gunicorn -k sync main:app", "sync", "gunicorn -k uvicorn_worker.UvicornWorker main:app"),
        (
            "gunicorn main:app --worker-class=gunicorn.workers.gthread.ThreadWorker",
            "gthread",
            "gunicorn main:app --worker-class=uvicorn_worker.UvicornWorker",
        ),
    ],
)
def test_gunicorns_own_wsgi_workers_named(project, with_uvicorn_worker, command, worker, fixed):
    """`-k gthread` (or `sync`) serves WSGI like the default: real run (gunicorn 27.0, FastAPI 0.165) answers 500 with
    `TypeError: FastAPI.__call__() missing 1 required positional argument: 'send'`."""
    project.write("main.py", FASTAPI_APP)
    [finding] = findings(project, "run.sh", f"#!/bin/sh\n{command}\n", with_uvicorn_worker)
    assert finding.severity is Severity.ERROR and len(finding.message) <= MESSAGE_LIMIT
    assert f"gunicorn's {worker} worker serves WSGI: every request answers 500" in finding.message
    [fix] = finding.fixes
    assert apply_edits((project.root / "run.sh").read_text(), fix.edits) == f"#!/bin/sh\n{fixed}\n"


@pytest.mark.parametrize(
    "command",
    [
        # A worker class named, other than gunicorn's sync and gthread.
        "gunicorn main:app -k uvicorn_worker.UvicornWorker",
        "gunicorn main:app -k uvicorn.workers.UvicornWorker",
        "gunicorn main:app --worker-class=gevent",
        "gunicorn main:app -k eventlet",
        "gunicorn main:app -k asgi",
        "gunicorn main:app -k $WORKER",
        # A configuration that may name one.
        "gunicorn main:app -c gunicorn_conf.py",
        "gunicorn main:app --config=python:settings.gunicorn",
        "gunicorn main:app -cgunicorn_conf.py",
        "GUNICORN_CMD_ARGS='-k uvicorn_worker.UvicornWorker' gunicorn main:app",
        # Options the analysis does not know (an abbreviation argparse accepts), and starts that serve nothing.
        "gunicorn main:app --worker-cl uvicorn_worker.UvicornWorker",
        "gunicorn --check-config main:app",
        "gunicorn --print-config main:app",
        # The app known only at run time, or named by a call whose result is not followed.
        "gunicorn $APP_MODULE",
        "gunicorn main:create_app()",
        # Not the app: a module that does not load is UVI002's.
        "gunicorn mian:app",
    ],
)
def test_silent_where_the_worker_class_or_the_app_is_not_known(project, command):
    project.write("main.py", FASTAPI_APP + "\n\ndef create_app():\n    return FastAPI()\n")
    assert findings(project, "run.sh", f"#!/bin/sh\n{command}\n") == []


def test_silent_with_a_gunicorn_conf_py_where_the_command_runs(project):
    project.write("main.py", FASTAPI_APP)
    project.write("Procfile", "web: gunicorn main:app\n")
    assert len(project.check("Procfile", codes=(CODE,))) == 1
    project.write("gunicorn.conf.py", 'worker_class = "uvicorn_worker.UvicornWorker"\n')
    assert project.check("Procfile", codes=(CODE,)) == []


def test_silent_with_gunicorn_cmd_args_in_the_image_or_service(project):
    project.write("main.py", FASTAPI_APP)
    project.write(
        "Dockerfile",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
        'ENV GUNICORN_CMD_ARGS="-k uvicorn_worker.UvicornWorker"\nCMD ["gunicorn", "main:app"]\n',
    )
    assert project.check("Dockerfile", codes=(CODE,)) == []
    project.write(
        "compose.yaml",
        """
        services:
          web:
            image: python:3.12-slim
            working_dir: /app
            volumes: [".:/app"]
            command: gunicorn main:app
            environment:
              GUNICORN_CMD_ARGS: --worker-class uvicorn_worker.UvicornWorker
          env:
            image: python:3.12-slim
            working_dir: /app
            volumes: [".:/app"]
            command: gunicorn main:app
            env_file: web.env
          plain:
            image: python:3.12-slim
            working_dir: /app
            volumes: [".:/app"]
            command: gunicorn main:app
        """,
    )
    [finding] = project.check("compose.yaml", codes=(CODE,))
    assert finding.range.start.line == 18  # service plain's command alone


@pytest.mark.parametrize(
    "command",
    [
        # `--capture-output` is a switch: the app after it is gunicorn's APP_MODULE, not the switch's value.
        "gunicorn --capture-output main:app --bind 0.0.0.0:$PORT",
        # `--bind=0.0.0.0:$PORT`: only the value expands, the word is still the option (real run, gunicorn 23.0).
        "gunicorn --bind=0.0.0.0:$PORT main:app",
        "gunicorn --capture-output --bind=0.0.0.0:$PORT main:app",
    ],
)
def test_the_app_after_a_switch_or_an_expanded_option_value(project, command):
    project.write("main.py", FASTAPI_APP)
    [finding] = findings(project, "Procfile", f"web: {command}\n")
    assert finding.message.startswith('"main:app" is a FastAPI app')


def test_a_uvicorn_worker_after_capture_output_is_the_worker_class(project):
    project.write("main.py", FASTAPI_APP)
    command = "web: gunicorn main:app --capture-output -k uvicorn_worker.UvicornWorker --bind 0.0.0.0:$PORT\n"
    assert findings(project, "Procfile", command) == []
    assert project.check("Procfile", codes=("UVI014",)) == []
    # The switch no longer hides the next word: `--reload` after it is seen.
    project.write("Procfile", command.replace("--capture-output", "--capture-output --reload"))
    assert [finding.code for finding in project.check("Procfile", codes=("UVI014",))] == ["UVI014"]


@pytest.mark.parametrize(
    "web",
    [
        # WSGI apps: gunicorn's own worker serves them.
        "from flask import Flask\napp = Flask(__name__)\n",
        "import falcon\napp = falcon.App()\n",
        "from django.core.wsgi import get_wsgi_application\napp = get_wsgi_application()\n",
        # Wrapped for WSGI.
        "from a2wsgi import ASGIMiddleware\nfrom fastapi import FastAPI\napp = ASGIMiddleware(FastAPI())\n",
        # A factory: gunicorn serves the function itself (it calls only `module:factory()`).
        "from fastapi import FastAPI\n\ndef app():\n    return FastAPI()\n",
        # Bound twice: which one runs is not known.
        "import os\nfrom flask import Flask\nfrom fastapi import FastAPI\napp = Flask('x')\n"
        "if os.environ.get('ASGI'):\n    app = FastAPI()\n",
        # A framework the analysis does not know to be ASGI.
        "from robyn import Robyn\napp = Robyn(__file__)\n",
    ],
)
def test_silent_for_apps_not_known_to_be_asgi(project, web):
    project.write("web.py", web)
    assert findings(project, "Procfile", "web: gunicorn web:app\n") == []


def test_a_long_import_string_is_elided_within_the_limit(project):
    module = "company_internal.platform_services.customer_accounts.api.v2.main"
    path = module.replace(".", "/")
    for depth in range(module.count(".")):
        project.write("/".join(path.split("/")[: depth + 1]) + "/__init__.py")
    project.write(f"{path}.py", "from starlette.applications import Starlette\napp = Starlette()\n")
    [finding] = findings(project, "Procfile", f"web: gunicorn {module}:app\n")
    assert len(finding.message) <= MESSAGE_LIMIT and "Starlette app (ASGI)" in finding.message


def test_documented_example(project):
    project.write("main.py", textwrap.dedent(RULE.doc.example_module))
    assert len(findings(project, "Procfile", RULE.doc.example)) == 1
    assert findings(project, "Procfile", RULE.doc.use_instead) == []


def test_a_bind_gunicorn_refuses_is_uvi004s_not_a_500(project):
    """`"0.0.0.0:${PORT:-8000}"` in an exec form: gunicorn stops at its --bind ("'${PORT' is not a valid port
    number", exit status 1) before serving anything, so no request answers 500; UVI004 says why it stops (its
    command triggers include gunicorn: the Dockerfile names neither uvicorn nor fastapi)."""
    project.write("main.py", FASTAPI_APP)
    project.write(
        "Dockerfile",
        'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "main:app", "--bind", "0.0.0.0:${PORT:-8000}"]\n',
    )
    [finding] = project.check("Dockerfile")
    assert finding.code == "UVI004" and "'${PORT' is not a valid port number" in finding.message
    # The refused bind before a good one stops gunicorn all the same (real run, gunicorn 23.0: exit status 1).
    project.write(
        "Dockerfile",
        'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "main:app", "-b", "0.0.0.0:$PORT", "-b", '
        '"[::]:8000"]\n',
    )
    [finding] = project.check("Dockerfile")
    assert finding.code == "UVI004" and "'$PORT' is not a valid port number" in finding.message
