from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import uvicorn

from uvicorn_lsp.engine.model import Applicability, Severity
from uvicorn_lsp.engine.uvicorn_facts import CONFIG_PARAMETERS, RUN_PARAMETERS

from ..conftest import apply_edits
from .helpers import apply_fix, rule_findings

CODE = "UVI004"


findings = rule_findings(CODE)


def test_built_in_tables_match_the_installed_uvicorn():
    assert uvicorn.__version__ == "0.54.0"
    assert RUN_PARAMETERS == tuple(inspect.signature(uvicorn.run).parameters)
    assert sorted(CONFIG_PARAMETERS) == sorted(
        p for p in inspect.signature(uvicorn.Config.__init__).parameters if p != "self"
    )


@pytest.mark.parametrize(
    ("code", "unknown"),
    [
        ('import uvicorn\nuvicorn.run("main:app", relaod=True)\n', "relaod"),
        ('import uvicorn as uv\nuv.run("main:app", wokers=2)\n', "wokers"),
        ('from uvicorn import run\nrun("main:app", colour=True)\n', "colour"),
        ('from uvicorn import Config\nConfig("main:app", app_dir="src")\n', "app_dir"),
        ('import uvicorn\nuvicorn.run("main:app", timeout_notify=30)\n', "timeout_notify"),
        ('import uvicorn\nuvicorn.run("main:app", **{"prot": 8000})\n', "prot"),
        ('import uvicorn\nopts = dict(hots="0.0.0.0")\nuvicorn.run("main:app", **opts)\n', "hots"),
    ],
)
def test_unknown_keywords_are_errors(project, code, unknown):
    [finding] = findings(project, code)
    assert finding.severity is Severity.ERROR
    assert f"`{unknown}`" in finding.message and "TypeError" in finding.message


def test_message_names_the_function_that_takes_it(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.Config("main:app", app_dir="src")\n')
    assert "only uvicorn.run() takes it" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app", host="0.0.0.0", port=8000, reload=True, http2=True)\n',
        'import uvicorn\nuvicorn.run(app="main:app", app_dir="src", factory=True)\n',
        'import uvicorn\nuvicorn.Config("main:app", 8000)\n',
        'import uvicorn\nuvicorn.Config("main:app", timeout_notify=30, callback_notify=None)\n',
        'import uvicorn\nuvicorn.run("main:app", **options)\n',
        "import uvicorn\nuvicorn.run(*args)\n",
        # Not uvicorn's.
        'from subprocess import run\nrun(["ls"], check=True)\n',
        "import dataclasses\nclass Config:\n    def __init__(self, **kw): ...\nConfig(debug=True)\n",
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []


def test_typo_fix_renames_the_keyword(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", relaod=True, port=8000)\n')
    assert "did you mean `reload`?" in finding.message
    [fix] = finding.fixes
    fixed = apply_fix(project, "main.py", fix, CODE)
    assert 'uvicorn.run("main:app", reload=True, port=8000)' in fixed


def test_no_rename_onto_a_keyword_already_passed(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", reload=False, relaod=True)\n')
    assert "did you mean" in finding.message and finding.fixes == []


def test_far_from_any_name_gets_no_fix(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", banana=1)\n')
    assert "did you mean" not in finding.message and finding.fixes == []


def test_debug_with_an_import_string_prefers_reload(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", debug=True)\n')
    assert "0.19" in finding.message
    remove, to_reload = finding.fixes
    assert to_reload.preferred and not remove.preferred
    assert 'uvicorn.run("main:app", reload=True)' in apply_fix(project, "main.py", to_reload, CODE)
    project.write("main.py", 'import uvicorn\nuvicorn.run("main:app", debug=True)\n')
    assert 'uvicorn.run("main:app")' in apply_fix(project, "main.py", remove, CODE)


def test_debug_with_an_app_object_is_only_removed(project):
    code = "import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nuvicorn.run(app, debug=True)\n"
    [finding] = findings(project, code)
    [remove] = finding.fixes
    assert remove.preferred
    assert "uvicorn.run(app)" in apply_fix(project, "main.py", remove, CODE)


def test_debug_false_is_only_removed(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", debug=False)\n')
    assert [fix.title for fix in finding.fixes] == ["Remove `debug`"]


def test_extra_positional_arguments(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", "0.0.0.0", 8000)\n')
    assert "2 more positional arguments" in finding.message
    assert (finding.range.start.character, finding.range.end.character) == (24, 39)


def test_without_uvicorn_installed_the_built_in_table_is_used(project, without_uvicorn):
    code = 'import uvicorn\nuvicorn.run("main:app", relaod=True, http2=True)\nuvicorn.Config("m:a", app_dir=".")\n'
    found = findings(project, code, settings=without_uvicorn)
    assert [f.message.split(":")[0] for f in found] == [
        "uvicorn.run() has no parameter `relaod`",
        "uvicorn.Config() has no parameter `app_dir`",
    ]


def test_installed_signature_wins_over_the_table(project, with_fake_uvicorn):
    settings = with_fake_uvicorn("0.99.0", "def run(app, *, host='127.0.0.1', brand_new=False):\n    pass\n")
    found = findings(project, 'import uvicorn\nuvicorn.run("main:app", brand_new=True, port=1)\n', settings)
    assert [f.message.split(":")[0] for f in found] == ["uvicorn.run() has no parameter `port`"]


def test_old_uvicorn_with_kwargs_accepts_everything(project, with_fake_uvicorn):
    settings = with_fake_uvicorn("0.17.6", "def run(app, **kwargs):\n    pass\n")
    assert findings(project, 'import uvicorn\nuvicorn.run("main:app", debug=True)\n', settings) == []


def test_uvicorn_0_12_layout_forwarding_kwargs_to_config_accepts_everything(project, with_fake_uvicorn):
    """uvicorn 0.12.2: `run(app, **kwargs)` in main.py hands the keywords to Config; jedi's signature
    inference followed them into Config and reported host/port/reload/workers as TypeErrors."""
    settings = with_fake_uvicorn("0.12.2", "from uvicorn.config import Config\nfrom uvicorn.main import run\n")
    package = Path(settings.python).parents[1].glob("lib/python*/site-packages/uvicorn")
    [folder] = list(package)
    (folder / "main.py").write_text(
        "from uvicorn.config import Config\n\n\ndef run(app, **kwargs):\n    config = Config(app, **kwargs)\n"
    )
    (folder / "config.py").write_text(
        "class Config:\n    def __init__(self, app, host='127.0.0.1', port=8000, timeout_notify=30, callback_notify=None):\n"
        "        pass\n"
    )
    code = 'import uvicorn\nuvicorn.run("main:app", host="0.0.0.0", port=8000, reload=True, workers=2)\n'
    assert findings(project, code, settings=settings) == []
    config = 'import uvicorn\nuvicorn.Config("main:app", hots="0.0.0.0")\n'
    assert [f.message.split(":")[0] for f in findings(project, config, settings=settings)] == [
        "uvicorn.Config() has no parameter `hots`"
    ]


def test_unreadable_installed_signature_says_nothing(project, with_fake_uvicorn):
    settings = with_fake_uvicorn("0.40.0", "run = None\n")
    assert findings(project, 'import uvicorn\nuvicorn.run("main:app", relaod=True)\n', settings) == []


def test_debug_with_an_app_object_is_not_told_to_reload(project):
    found = findings(
        project, "import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nuvicorn.run(app, debug=True)\n"
    )
    assert "remove it (reload=True needs an import string)" in found[0].message


_DEBUG = "uvicorn.run() has no `debug` parameter since uvicorn 0.19"


@pytest.mark.parametrize(
    ("declaration", "python_reported", "command_reported"),
    [
        (("requirements.txt", "uvicorn==0.18.3\n"), [], False),
        # Every uvicorn from 0.19 on refuses debug=: that much is known of these versions (audit60d).
        (("pyproject.toml", '[tool.poetry.dependencies]\nuvicorn = "^0.20.0"\n'), [_DEBUG], False),
        (("uv.lock", '[[package]]\nname = "uvicorn"\nversion = "0.29.0"\n'), [_DEBUG], False),
        (("requirements.txt", "uvicorn @ https://example.com/uvicorn.whl\n"), [], False),
        (("requirements.txt", "uvicorn[standard]>=0.40\n"), [_DEBUG, "uvicorn.run() has no parameter `relaod`"], True),
        (("requirements.txt", "fastapi\n"), [_DEBUG, "uvicorn.run() has no parameter `relaod`"], True),
        # fastapi[all]==0.85.0 installs uvicorn 0.18.3, which reloads on debug=True and --debug (audit, real run).
        (("requirements.txt", "fastapi[all]==0.85.0\n"), [], False),
    ],
)
def test_without_uvicorn_a_version_the_table_does_not_admit_is_not_judged(
    project, without_uvicorn, declaration, python_reported, command_reported
):
    """The built-in table is uvicorn 0.54's: a project pinned elsewhere runs another signature and CLI
    (uvicorn 0.18.3 takes debug=True and has no --timeout-graceful-shutdown): nothing is known, nothing said,
    but for debug=, which no uvicorn since 0.19 takes."""
    project.write(*declaration)
    project.write("Procfile", "web: uvicorn main:app --timeout-graceful-shutdown 5 --relaod\n")
    code = 'import uvicorn\nuvicorn.run("main:app", debug=True, relaod=True)\n'
    python = findings(project, code, settings=without_uvicorn)
    command = project.check("Procfile", without_uvicorn, codes=(CODE,))
    assert [f.message.split(":")[0] for f in python] == python_reported
    assert [f.message.split(": ")[1].split(";")[0] for f in command] == (
        ["No such option '--relaod'"] if command_reported else []
    )


def test_installed_version_outside_the_declared_one_is_not_judged(project, with_fake_uvicorn):
    """An editor's environment with uvicorn 0.29 for a project locked to 0.54: 0.29's signature is not the one
    that runs."""
    settings = with_fake_uvicorn("0.29.0", "def run(app, *, host='127.0.0.1', port=8000):\n    pass\n")
    code = 'import uvicorn\nuvicorn.run("main:app", timeout_worker_healthcheck=5)\n'
    assert [f.message.split(":")[0] for f in findings(project, code, settings)] == [
        "uvicorn.run() has no parameter `timeout_worker_healthcheck`"
    ]
    project.write("uv.lock", '[[package]]\nname = "uvicorn"\nversion = "0.54.0"\n')
    assert findings(project, code, settings) == []
    project.write("uv.lock", '[[package]]\nname = "uvicorn"\nversion = "0.29.0"\n')
    assert len(findings(project, code, settings)) == 1


FAKE_CLI = """
import click


@click.command()
@click.argument("app")
@click.option("--host", type=str, default="127.0.0.1")
@click.option("--port", type=int, default=8000)
def main(app, host, port):
    pass
"""


@pytest.mark.parametrize(("requirements", "image_judged"), [(None, False), ("uvicorn==0.29.0\n", True)])
def test_a_container_runs_the_uvicorn_it_installs(project, with_fake_uvicorn, requirements, image_judged):
    """An image or dyno installs uvicorn from the project's declaration (the newest without one), not the
    analysed environment's 0.29: its options are judged only when the declaration pins that version."""
    settings = with_fake_uvicorn("0.29.0", "def run(app, *, host='127.0.0.1', port=8000):\n    pass\n")
    [site_packages] = Path(settings.python).parents[1].glob("lib/python*/site-packages")
    (site_packages / "uvicorn" / "main.py").write_text(FAKE_CLI)
    if requirements:
        project.write("requirements.txt", requirements)
    command = "uvicorn main:app --host 0.0.0.0 --timeout-worker-healthcheck"
    install = "RUN pip install -r requirements.txt" if requirements else "RUN pip install uvicorn"
    project.write("Dockerfile", f"FROM python:3.11\nWORKDIR /app\nCOPY . .\n{install}\nCMD {command}\n")
    project.write("Procfile", f"web: {command}\n")
    project.write("Makefile", f"run:\n\t{command}\n")
    reported = {
        name: len(project.check(name, settings, codes=(CODE,))) for name in ("Dockerfile", "Procfile", "Makefile")
    }
    assert reported == {"Dockerfile": int(image_judged), "Procfile": int(image_judged), "Makefile": 1}


@pytest.mark.parametrize(
    ("base", "install", "reported"),
    [
        ("python:3.8-slim", "RUN pip install -r requirements.txt", True),
        # The base ships uvicorn (0.11.5 in this 2020 tag): pip leaves it, and 0.11 takes --debug (audit).
        ("tiangolo/uvicorn-gunicorn-fastapi:python3.8-slim-2020-06-06", "RUN pip install -r requirements.txt", False),
        ("tiangolo/uvicorn-gunicorn-fastapi:python3.8", "RUN pip install uvicorn==0.54.0", True),  # pinned: known
    ],
)
def test_an_image_on_a_base_that_may_ship_uvicorn_keeps_it_where_the_install_admits_it(
    project, without_uvicorn, base, install, reported
):
    project.write("requirements.txt", "fastapi\nuvicorn\n")
    project.write("app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    command = '["uvicorn", "app.main:app", "--host", "0.0.0.0", "--debug"]'
    project.write(
        "Dockerfile", f"FROM {base}\nCOPY requirements.txt .\n{install}\nCOPY ./app /app/app\nCMD {command}\n"
    )
    assert len(project.check("Dockerfile", without_uvicorn, codes=(CODE,))) == int(reported)


@pytest.mark.parametrize(
    ("base", "reported"),
    [("python:3.8-slim", True), ("tiangolo/uvicorn-gunicorn-fastapi:python3.8-slim-2020-06-06", False)],
)
def test_a_compose_service_built_on_a_base_that_may_ship_uvicorn(project, without_uvicorn, base, reported):
    project.write("requirements.txt", "fastapi\nuvicorn\n")
    project.write("app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write(
        "Dockerfile", f"FROM {base}\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n"
    )
    command = "uvicorn app.main:app --host 0.0.0.0 --debug"
    project.write("compose.yaml", f"services:\n  web:\n    build: .\n    command: {command}\n")
    assert len(project.check("compose.yaml", without_uvicorn, codes=(CODE,))) == int(reported)


def test_the_other_entry_is_named_only_when_that_version_takes_the_keyword(project, with_fake_uvicorn):
    """uvicorn 0.20 has timeout_graceful_shutdown in neither run() nor Config(): no "only run() takes it"."""
    settings = with_fake_uvicorn(
        "0.20.0",
        "def run(app, *, port=8000):\n    pass\n\n\nclass Config:\n    def __init__(self, app, port=8000):\n        pass\n",
    )
    [finding] = findings(project, 'import uvicorn\nuvicorn.Config("main:app", timeout_graceful_shutdown=5)\n', settings)
    assert finding.message == "uvicorn.Config() has no parameter `timeout_graceful_shutdown`: TypeError at startup"


@pytest.mark.parametrize(
    ("launch", "expected"),
    [
        ('uvicorn.run("main:app", loop="uvloopp")', 'loop="uvloopp": no such event loop in uvicorn'),
        ('uvicorn.run("main:app", http="h111")', 'http="h111": no such HTTP implementation in uvicorn'),
        ('uvicorn.run("main:app", ws="websocket")', 'ws="websocket": no such WebSocket implementation in uvicorn'),
    ],
)
def test_an_implementation_name_uvicorn_does_not_know(project, launch, expected):
    [finding] = findings(project, f"import uvicorn\n{launch}\n")
    assert finding.message.startswith(expected) and "nor an import string: uvicorn stops at startup" in finding.message
    assert "did you mean" in finding.message and finding.fixes[0].applicability is Applicability.UNSAFE


@pytest.mark.parametrize(
    ("start", "reported"),
    [("server.run()", True), ("asyncio.run(server.serve())", False)],
)
def test_a_loop_name_on_a_config_counts_where_uvicorn_makes_the_loop(project, start, reported):
    """Server.run() sets up the loop `loop=` names; an awaited server runs on the loop already running and uvicorn
    never reads `loop` (real runs, 0.20 and 0.54: loop="trio" serves under `asyncio.run(server.serve())`)."""
    code = f'import asyncio, uvicorn\nserver = uvicorn.Server(uvicorn.Config("main:app", loop="trio"))\n{start}\n'
    assert bool(findings(project, code)) is reported


@pytest.mark.parametrize(
    "launch",
    [
        'uvicorn.run("main:app", loop="auto", http="httptools", ws="wsproto")',
        'uvicorn.run("main:app", loop="none", ws="none")',
        'uvicorn.run("main:app", loop="custom.loops:factory", http="custom.http:Protocol")',  # import strings
        'uvicorn.run("main:app", http="h111", reload=True)',  # each process fails its own way: not followed
    ],
)
def test_known_implementations_and_import_strings_pass(project, launch):
    assert findings(project, f"import uvicorn\n{launch}\n") == []


@pytest.mark.parametrize(
    ("install", "reported"),
    [
        ("COPY docs docs\nRUN pip install -r docs/requirements.txt", False),  # uvicorn==0.13.3 takes --debug
        ('RUN pip install --no-cache-dir "uvicorn==0.13.3" fastapi', False),
        ("RUN pip install uvicorn fastapi", True),
    ],
)
def test_a_container_runs_the_uvicorn_its_image_installs(project, install, reported):
    """The image installs docs/requirements.txt (uvicorn 0.13.3, where `--debug` exists): no requirements file
    beside the compose file says so (audit: ElGamal, two wrong errors)."""
    project.write("docs/requirements.txt", "fastapi==0.63.0\nuvicorn==0.13.3\n")
    project.write("server_app/__init__.py")
    project.write("server_app/main.py", "app = object()\n")
    project.write("Dockerfile", f"FROM python:3.8.5\nWORKDIR /home/project/\n{install}\n")
    project.write(
        "docker-compose.yaml",
        "services:\n  server:\n    build: .\n    volumes:\n      - ./server_app:/home/project/server_app\n"
        '    command: "uvicorn server_app.main:app --host 0.0.0.0 --reload --debug"\n',
    )
    found = project.check("docker-compose.yaml", codes=("UVI004",))
    assert len(found) == int(reported)


@pytest.mark.parametrize(
    ("services", "reported"),
    [
        # `image: elgamal` alone runs the image the other service builds (audit: ElGamal's middleware service).
        ("  server: {build: ., image: elgamal, command: CMD}\n  middleware: {image: elgamal, command: CMD}\n", 0),
        # An image pulled from elsewhere: what it installs is not known.
        ("  api: {image: org/api, command: CMD}\n", 0),
        ("  server: {build: ., image: elgamal, command: CMD}\n  api: {image: other, command: CMD}\n", 0),
    ],
)
def test_a_service_running_an_image_is_judged_with_what_that_image_installs(project, services, reported):
    project.write("docs/requirements.txt", "fastapi==0.63.0\nuvicorn==0.13.3\n")
    project.write("main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write("Dockerfile", "FROM python:3.8\nWORKDIR /home/project\nCOPY docs docs\n"
                  "RUN pip install -r docs/requirements.txt\nCOPY . .\n")  # fmt: skip
    command = '"uvicorn main:app --host 0.0.0.0 --debug"'
    project.write("compose.yaml", "services:\n" + services.replace("CMD", command))
    assert len(project.check("compose.yaml", codes=("UVI004",))) == reported


def test_a_pulled_image_takes_the_version_the_project_pins(project):
    project.write("requirements.txt", "uvicorn==0.54.0\n")  # the analysed one: its options are known
    project.write("compose.yaml", 'services:\n  api: {image: org/api, command: "uvicorn main:app --debug"}\n')
    [finding] = project.check("compose.yaml", codes=("UVI004",))
    assert "--debug" in finding.message


def test_an_unknown_lifespan_value_in_python(project):
    """Python passes `lifespan` to Config as it is: a value outside auto/on/off stops it with KeyError (audit)."""
    project.write(
        "main.py", 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", lifespan="of")\n'
    )
    [finding] = project.check("main.py", codes=("UVI004",))
    assert "KeyError: 'of'" in finding.message and "did you mean `off`?" in finding.message
    project.write(
        "main.py", 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", lifespan="off")\n'
    )
    assert project.check("main.py", codes=("UVI004",)) == []


@pytest.mark.parametrize(
    ("command", "reported"),
    [
        ('["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "${PORT}"]', True),  # exec form: no shell expands it
        ('["uvicorn", "main:app", "--workers", "many"]', True),
        ('["uvicorn", "main:app", "--port"]', True),  # no value at all
        ('["uvicorn", "main:app", "--relaod"]', False),  # an option another version may have
        ("uvicorn main:app --port ${PORT}", False),  # shell form: the shell expands it
    ],
)
def test_every_uvicorn_refuses_a_word_for_an_integer_flag(project, command, reported):
    """The project runs uvicorn 0.22, not the analysed one; --port, --workers and the other integer flags take an
    integer in every release (real runs of 0.11.8 to 0.54.0: exit status 2), so that refusal is said anyway
    (audit: streamfinity-fastapi's exec-form CMD with "${PORT}")."""
    project.write("main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write("pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.11"\nuvicorn = "^0.22.0"\n')
    project.write("Dockerfile", f"FROM python:3.11\nWORKDIR /app\nCOPY . .\nENV PORT=8000\nCMD {command}\n")
    found = project.check("Dockerfile", codes=("UVI004",))
    assert len(found) == int(reported), found
    if reported:
        assert "exits with status 2" in found[0].message


GUNICORN_IMAGE = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD {cmd}\n"
FASTAPI_APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


@pytest.mark.parametrize(
    ("cmd", "expected"),
    [
        # After an option: argparse has no positional left for it ("unrecognized arguments", exit status 2).
        (
            '["gunicorn", "main:app", "-k", "uvicorn_worker.UvicornWorker", "--bind 0.0.0.0:80"]',
            [
                (
                    "UVI004",
                    "the gunicorn command exits with status 2 before starting: unrecognized arguments: "
                    "--bind 0.0.0.0:80; put the flag and its value in separate elements",
                ),
            ],
        ),
        # Next to the app: one more APP_MODULE argument, ignored; gunicorn starts its sync worker (UVI024).
        (
            '["gunicorn", "main:app", "--worker-class uvicorn_worker.UvicornWorker", "-b", "0.0.0.0:80"]',
            [
                (
                    "UVI004",
                    "--worker-class uvicorn_worker.UvicornWorker is one word: gunicorn ignores it (an argument "
                    "after the app); put the flag and its value apart",
                ),
                ("UVI024", None),
            ],
        ),
        # vue3-fastapi-boilerplate: the TLS files are ignored, gunicorn serves plain HTTP on 443.
        (
            '["gunicorn", "-w 4", "-k uvicorn_worker.UvicornWorker", "main:app", "--certfile /etc/x.crt", "--bind", "0.0.0.0:443"]',
            [
                (
                    "UVI004",
                    "--certfile /etc/x.crt is one word: gunicorn ignores it (an argument after the app); put "
                    "the flag and its value apart",
                )
            ],
        ),
        ('["gunicorn", "main:app", "-k", "uvicorn_worker.UvicornWorker", "--bind=0.0.0.0:80"]', []),
        ('["gunicorn", "main:app", "-k uvicorn_worker.UvicornWorker", "-b 0.0.0.0:80"]', []),  # short: attached
        ('["gunicorn", "--worker-class uvicorn_worker.UvicornWorker", "main:app"]', []),  # taken for the app itself
    ],
)
def test_a_gunicorn_option_and_its_value_in_one_element(project, cmd, expected):
    """Real runs: tests/realrun/test_gunicorn_failures_realrun.py (argparse reads such a word alike, Python 3.8-3.13)."""
    project.write("main.py", FASTAPI_APP)
    project.write("requirements.txt", "fastapi\nuvicorn-worker\ngunicorn\n")
    project.write("Dockerfile", GUNICORN_IMAGE.format(cmd=cmd))
    findings = project.check("Dockerfile", codes=("UVI004", "UVI024"))
    said = sorted((f.code, f.message if f.code == "UVI004" else None) for f in findings)
    assert said == sorted(expected), said
    for finding in findings:
        if finding.code == "UVI004":
            [fix] = finding.fixes
            fixed = apply_edits((project.root / "Dockerfile").read_text(), fix.edits)
            assert not any(f'"{word}' in fixed for word in ("--bind ", "--worker-class ", "--certfile ")), fixed


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        # The common copy of a uvicorn command: gunicorn has --bind, not --host and --port.
        (
            "Procfile",
            "web: gunicorn main:app -w 2 -k uvicorn_worker.UvicornWorker --host 0.0.0.0 --port $PORT\n",
            ["--host", "--port"],
        ),
        # LlamaIndexAPI's docker-entrypoint.sh: the flag written with its value, `=`.
        (
            "run.sh",
            "#!/bin/sh\nexec gunicorn -k uvicorn_worker.UvicornWorker app.main:app --loop=asyncio\n",
            ["--loop=asyncio"],
        ),
        # The flag is literal though its value expands.
        ("run.sh", "#!/bin/sh\ngunicorn main:app -k uvicorn_worker.UvicornWorker --port=$PORT\n", ["--port=$PORT"]),
        # gunicorn's own options, and `--root-path`, which gunicorn 27 has.
        (
            "run.sh",
            "#!/bin/sh\ngunicorn main:app -k uvicorn_worker.UvicornWorker -w 2 --log-level info --root-path /api\n",
            [],
        ),
        # --version prints and exits before the parser looks at the rest.
        ("run.sh", "#!/bin/sh\ngunicorn --version main:app --host 0.0.0.0\n", []),
    ],
)
def test_a_uvicorn_flag_given_to_gunicorn(project, source, text, expected):
    """Real runs: tests/realrun/test_gunicorn_failures_realrun.py; "unrecognized arguments", exit status 2, for each
    flag of GUNICORN_LACKS_UVICORN_FLAGS with gunicorn 20.1, 21.2, 23.0 and 27.0."""
    project.write("main.py", FASTAPI_APP)
    project.write("requirements.txt", "fastapi\nuvicorn-worker\ngunicorn\n")
    project.write(source, text)
    findings = project.check(source, codes=("UVI004",))
    assert [f.message.split("unrecognized arguments: ")[1].split(";")[0] for f in findings] == expected, findings
    for finding in findings:
        assert finding.message.startswith("the gunicorn command exits with status 2 before starting"), finding.message
        assert "it is uvicorn's" in finding.message and not finding.fixes


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        (
            "Dockerfile",
            GUNICORN_IMAGE.format(
                cmd='["gunicorn", "--bind", "0.0.0.0:${PORT:-8000}", "-k", "uvicorn_worker.UvicornWorker", "main:app"]'
            ),
            "'${PORT' is not a valid port number",
        ),
        (
            "run.sh",
            "#!/bin/sh\ngunicorn main:app -k uvicorn_worker.UvicornWorker --bind '0.0.0.0:$PORT'\n",
            "'$PORT' is not",
        ),
        # The shell expands it: nothing to say.
        ("run.sh", "#!/bin/sh\ngunicorn main:app -k uvicorn_worker.UvicornWorker --bind 0.0.0.0:$PORT\n", None),
        (
            "Dockerfile",
            GUNICORN_IMAGE.format(cmd="gunicorn main:app -k uvicorn_worker.UvicornWorker -b 0.0.0.0:$PORT"),
            None,
        ),
        # Compose puts the host's PORT in before gunicorn sees it.
        (
            "compose.yaml",
            "services:\n  web:\n    build: .\n    command: [gunicorn, -b, '0.0.0.0:${PORT}', -k, uvicorn_worker.UvicornWorker, main:app]\n",
            None,
        ),
        # A Unix socket names no port.
        ("Dockerfile", GUNICORN_IMAGE.format(cmd='["gunicorn", "-b", "unix:/run/$APP.sock", "main:app"]'), None),
        # gunicorn reads every --bind, in order: one it refuses stops it though a good one follows (real run, 23.0).
        (
            "Dockerfile",
            GUNICORN_IMAGE.format(cmd='["gunicorn", "main:app", "-b", "0.0.0.0:$PORT", "-b", "[::]:8000"]'),
            "'$PORT' is not",
        ),
    ],
)
def test_a_gunicorn_port_no_shell_expands(project, source, text, expected):
    """Real runs: tests/realrun/test_gunicorn_failures_realrun.py ("Error: '$PORT' is not a valid port number.", exit
    status 1, gunicorn 20.1, 21.2, 23.0 and 27.0)."""
    project.write("main.py", FASTAPI_APP)
    project.write("requirements.txt", "fastapi\nuvicorn-worker\ngunicorn\n")
    project.write(source, text)
    findings = project.check(source, codes=("UVI004",))
    if expected is None:
        assert findings == [], findings
        return
    [finding] = findings
    assert "the gunicorn command stops at startup (exit status 1): " in finding.message, finding.message
    assert expected in finding.message and not finding.fixes, finding.message
