from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.model import Severity
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES
from uvicorn_lsp.rules.uvi018_implementation_not_installed import RULE

from .helpers import rule_findings

CODE = "UVI018"


@pytest.fixture
def environment(with_fake_uvicorn):
    """An analysed environment with uvicorn and, as dist-info folders, the named packages."""

    def make(*installed: str):
        settings = with_fake_uvicorn("0.54.0", "def run(app, **options): ...\n")
        [site_packages] = Path(settings.python).parents[1].glob("lib/python*/site-packages")
        for name in installed:
            (site_packages / f"{name}-1.0.dist-info").mkdir()
        return settings

    return make


findings = rule_findings(CODE)


def test_documented_example(project, environment):
    found = findings(project, textwrap.dedent(RULE.doc.example), settings=environment())
    assert [finding.severity for finding in found] == [Severity.ERROR, Severity.ERROR]
    assert "No module named 'uvloop'" in found[0].message and "uvicorn[standard]" in found[0].message
    assert "No module named 'httptools'" in found[1].message


@pytest.mark.parametrize(
    ("option", "module", "requirement"),
    [
        ('loop="uvloop"', "uvloop", "add `uvicorn[standard]`"),
        ('http="httptools"', "httptools", "add `uvicorn[standard]`"),
        ('ws="websockets"', "websockets", "add `uvicorn[standard]`"),
        ('ws="websockets-sansio"', "websockets", "add `uvicorn[standard]`"),
        ('ws="wsproto"', "wsproto", "add `wsproto`"),
    ],
)
def test_each_implementation(project, environment, option, module, requirement):
    code = f'import uvicorn\nuvicorn.run("main:app", {option})\n'
    [finding] = findings(project, code, settings=environment())
    assert f"No module named '{module}'" in finding.message and requirement in finding.message
    assert findings(project, code, settings=environment(module)) == []


def test_reload_keeps_the_parent_running(project, environment):
    [finding] = findings(
        project, 'import uvicorn\nuvicorn.run("main:app", loop="uvloop", reload=True)\n', environment()
    )
    assert "the reloader keeps running and nothing is served" in finding.message


@pytest.mark.parametrize(
    "options",
    ['loop="auto"', 'loop="asyncio", http="h11", ws="none"', "loop=LOOP", 'loop="uvloop" if FAST else "asyncio"'],
)
def test_no_finding_for_values_that_need_nothing_or_are_unknown(project, environment, options):
    code = f'import os, uvicorn\nLOOP = os.environ["LOOP"]\nFAST = os.environ.get("FAST")\nuvicorn.run("main:app", {options})\n'
    assert findings(project, code, settings=environment()) == []


SERVED_FROM_A_CONFIG = """\
import asyncio
import threading

import uvicorn

config = uvicorn.Config("main:app", loop="uvloop")
server = uvicorn.Server(config)


def start():
    {start}
"""


@pytest.mark.parametrize(
    ("start", "reported"),
    [
        ("server.run()", True),
        ('uvicorn.Server(uvicorn.Config("main:app", loop="uvloop")).run()', True),
        ("asyncio.run(server.serve())", False),
        ('asyncio.run(uvicorn.Server(uvicorn.Config("main:app", loop="uvloop")).serve())', False),
        ("threading.Thread(target=server.run).start()", True),  # Server.run() in the thread
        ("return server", False),  # started elsewhere: whether uvicorn makes the loop is not known
    ],
)
def test_loop_only_where_uvicorn_makes_the_loop(project, environment, start, reported):
    """Server.run() makes the loop `loop=` names (uvloop imported: exit status 1 without it); a server awaited with
    serve() runs on the caller's loop and uvicorn never reads `loop` (real runs, 0.20 to 0.54: served)."""
    found = findings(project, SERVED_FROM_A_CONFIG.format(start=start), settings=environment())
    assert bool(found) is reported
    assert all("No module named 'uvloop'" in finding.message for finding in found)


def test_http_is_loaded_by_serve_too(project, environment):
    # Config.load() imports the protocol's module, which serve() runs: httptools is needed either way.
    code = (
        'import asyncio, uvicorn\nasyncio.run(uvicorn.Server(uvicorn.Config("main:app", http="httptools")).serve())\n'
    )
    [finding] = findings(project, code, settings=environment())
    assert "No module named 'httptools'" in finding.message


def test_no_finding_when_uvicorn_is_not_installed_there(project, without_uvicorn):
    assert findings(project, 'import uvicorn\nuvicorn.run("main:app", loop="uvloop")\n', without_uvicorn) == []


@pytest.mark.parametrize(
    ("pinned", "reported"),
    [("0.11.8", []), ("0.17.6", ["uvloop", "httptools"]), ("0.40.0", ["uvloop", "httptools", "websockets"])],
)
def test_what_the_pinned_uvicorn_needs_beside_it(project, environment, pinned, reported):
    """uvicorn 0.11 itself required uvloop and httptools; 0.17 has no "websockets-sansio" (it stops with a
    KeyError, which no package helps): neither is a missing package there (audit)."""
    project.write("requirements.txt", f"uvicorn=={pinned}\nfastapi\n")
    code = 'import uvicorn\nuvicorn.run("main:app", loop="uvloop", http="httptools", ws="websockets-sansio")\n'
    found = findings(project, code, settings=environment("fastapi"))
    assert [finding.message.split("'")[1] for finding in found] == reported


@pytest.mark.parametrize(("pinned", "reported"), [("0.11.8", ["wsproto"]), ("0.12.0", ["websockets", "wsproto"])])
def test_websockets_came_with_uvicorn_before_0_12(project, environment, pinned, reported):
    """uvicorn 0.11.8 requires websockets==8.* on every platform: `--ws websockets` serves there (run with
    Python 3.8); since 0.12 it comes with uvicorn[standard] only. wsproto was never required (audit)."""
    project.write("requirements.txt", f"uvicorn=={pinned}\nfastapi\n")
    project.write("run.sh", "#!/bin/sh\nuvicorn main:app --ws websockets\n")
    project.write("wsproto.sh", "#!/bin/sh\nuvicorn main:app --ws wsproto\n")
    settings = environment("fastapi")
    found = [*project.check("run.sh", settings, codes=(CODE,)), *project.check("wsproto.sh", settings, codes=(CODE,))]
    assert [finding.message.split("'")[1] for finding in found] == reported


def test_command_lines_in_this_environment_but_not_in_containers(project, environment):
    settings = environment()
    project.write("run.sh", "#!/bin/sh\nuvicorn main:app --loop uvloop --ws wsproto\n")
    found = project.check("run.sh", settings, codes=(CODE,))
    assert [finding.message.split(": No module")[0] for finding in found] == ["--loop uvloop", "--ws wsproto"]
    project.write("Dockerfile", 'FROM python:3.12\nCMD ["uvicorn", "main:app", "--loop", "uvloop"]\n')
    assert project.check("Dockerfile", settings, codes=(CODE,)) == []


@pytest.mark.parametrize(
    ("file", "text", "silent"),
    [
        ("pyproject.toml", '[project]\nname = "p"\ndependencies = ["fastapi[standard]>=0.110"]\n', True),
        ("requirements.txt", "fastapi[all]==0.115.0\n", True),
        ("requirements.txt", "fastapi[standard-no-fastapi-cloud-cli]\n", True),
        ("requirements.txt", "fastapi-cli[standard]\n", True),
        ("requirements.txt", "fastapi==0.115.0\nuvicorn\n", False),
        ("requirements.txt", "fastapi-slim[standard]\n", False),
    ],
)
def test_requirements_that_bring_uvicorn_standard(project, environment, file, text, silent):
    """fastapi's standard, all and standard-no-fastapi-cloud-cli extras require uvicorn[standard]."""
    project.write(file, text)
    code = 'import uvicorn\nuvicorn.run("main:app", loop="uvloop", http="httptools", ws="wsproto")\n'
    found = findings(project, code, settings=environment("fastapi", "fastapi_cli", "fastapi_slim"))
    # wsproto never comes with uvicorn[standard].
    assert [finding.message.split(":")[0] for finding in found] == (
        ['ws="wsproto"'] if silent else ['loop="uvloop"', 'http="httptools"', 'ws="wsproto"']
    )


@pytest.mark.parametrize(
    ("script", "errors"),
    [
        ("pip install -r requirements-server.txt\nuvicorn main:app --loop uvloop\n", 0),
        ("uv sync --frozen\nuvicorn main:app --loop uvloop\n", 0),
        ("poetry install\npoetry run uvicorn main:app --loop uvloop\n", 0),
        ("uvicorn main:app --loop uvloop\n", 1),
    ],
)
def test_command_file_that_installs_packages_itself(project, environment, script, errors):
    """The script sets up its own environment (from a file the project may not hold): not the analysed one."""
    project.write("run.sh", "#!/bin/sh\n" + script)
    assert len(project.check("run.sh", environment(), codes=(CODE,))) == errors


@pytest.mark.parametrize(
    ("option", "module", "distribution"),
    [
        ('env_file=".env"', "dotenv", "python_dotenv"),
        ('log_config="logging.yaml"', "yaml", "PyYAML"),
        ('log_config="logging.YML"', "yaml", "PyYAML"),
    ],
)
def test_file_options_whose_reader_is_missing(project, environment, option, module, distribution):
    """uvicorn imports python-dotenv for `env_file` and PyYAML for a YAML `log_config` when it starts: without
    them it stops (ModuleNotFoundError, or 0.54's ImportError "Install the PyYAML package"), exit status 1."""
    code = f'import uvicorn\nuvicorn.run("main:app", {option})\n'
    [finding] = findings(project, code, settings=environment())
    assert f"No module named '{module}'" in finding.message and "or `uvicorn[standard]`" in finding.message
    assert findings(project, code, settings=environment(distribution)) == []
    project.write("requirements.txt", "uvicorn[standard]\n")
    assert findings(project, code, settings=environment()) == []


@pytest.mark.parametrize(
    "option",
    [
        'log_config="logging.ini"',
        'log_config="logging.json"',
        "log_config=LOGGING",
        'log_config={"version": 1}',
        "env_file=None",
    ],
)
def test_file_options_that_need_no_package(project, environment, option):
    code = f'import uvicorn\nLOGGING = {{"version": 1}}\nuvicorn.run("main:app", {option})\n'
    assert findings(project, code, settings=environment()) == []


def test_file_options_on_a_command_line(project, environment):
    project.write("run.sh", "#!/bin/sh\nuvicorn main:app --env-file .env --log-config log.yml\n")
    found = project.check("run.sh", environment(), codes=(CODE,))
    assert [finding.message.split(": No module")[0] for finding in found] == ["--env-file .env", "--log-config log.yml"]


def test_a_declared_requirement_that_brings_python_dotenv(project, environment):
    """pydantic-settings requires python-dotenv: a project declaring it has dotenv where it runs."""
    project.write("requirements.txt", "fastapi\nuvicorn\npydantic-settings\n")
    code = 'import uvicorn\nuvicorn.run("main:app", env_file=".env")\n'
    assert findings(project, code, settings=environment()) == []


def test_silent_where_the_analysed_environment_lacks_a_declared_distribution(project, environment):
    """A requirement may bring the package along (supabase requires websockets): an environment that lacks one of
    the project's declared distributions is not the one it runs in, and says nothing of what that one holds."""
    project.write("requirements.txt", "fastapi\nuvicorn\nsupabase\nredis; python_version < '3.8'\n-e .\n")
    code = 'import uvicorn\nuvicorn.run("main:app", ws="websockets")\n'
    assert findings(project, code, settings=environment("fastapi")) == []
    # With every declared distribution installed (the one behind a marker need not be), it is the project's own.
    [finding] = findings(project, code, settings=environment("fastapi", "supabase"))
    assert "No module named 'websockets'" in finding.message


def test_requirements_the_repository_installs_above_a_service_with_a_project_file_of_its_own(project, environment):
    """backend/pyproject.toml holding only tool settings makes backend/ the project root, but the repository's
    requirements.txt is what `pip install -r requirements.txt; cd backend && python main.py` installs: uvicorn's
    standard extra brings uvloop, and the real run serves (its version is looked for there too)."""
    (project.root / ".git").mkdir()
    project.write("requirements.txt", "fastapi\nuvicorn[standard]\n")
    project.write("backend/pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    path = project.write("backend/main.py", 'import uvicorn\nuvicorn.run("main:app", loop="uvloop")\n')
    service = Workspace(project.root / "backend", environment())
    assert [finding for finding in checker.check_file(path, service, ALL_RULES).findings if finding.code == CODE] == []
    # Declared nowhere up to the repository's top, the analysed environment (holding what it declares) runs it.
    project.write("requirements.txt", "fastapi\nuvicorn\n")
    service = Workspace(project.root / "backend", environment("fastapi"))
    [finding] = [finding for finding in checker.check_file(path, service, ALL_RULES).findings if finding.code == CODE]
    assert "No module named 'uvloop'" in finding.message
