"""Procfile, Makefile, scripts, systemd, supervisord, launch.json and pyproject task runners."""

from __future__ import annotations

from pathlib import PurePath

import pytest
import tomllib

from uvicorn_lsp.engine import commands
from uvicorn_lsp.engine.commands import jsonc
from uvicorn_lsp.engine.commands.text import lines_span
from uvicorn_lsp.engine.launch import Server, Setting
from uvicorn_lsp.engine.model import Position
from uvicorn_lsp.engine.source import split_lines

from ...conftest import apply_edits
from .helpers import launches, roots, text_at


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Dockerfile", "dockerfile"),
        ("api.Dockerfile", "dockerfile"),
        ("Dockerfile.prod", "dockerfile"),
        ("Containerfile", "dockerfile"),
        ("compose.yaml", "compose"),
        ("docker-compose.override.yml", "compose"),
        ("compose.prod.yml", "compose"),
        (".github/workflows/ci.yaml", "workflow"),
        ("Procfile", "procfile"),
        ("Procfile.dev", "procfile"),
        ("GNUmakefile", "makefile"),
        ("rules.mk", "makefile"),
        ("start.sh", "shell"),
        (".vscode/launch.json", "launch.json"),
        ("deploy/api.service", "systemd"),
        ("supervisord.conf", "supervisord"),
        ("pyproject.toml", "pyproject"),
        ("settings.json", None),
        ("workflows/ci.yml", None),
        ("main.py", None),
    ],
)
def test_source_by_name(name, kind):
    assert commands.source_kind(PurePath("/p") / name) == kind


def test_sniffed_sources():
    assert commands.source_kind(PurePath("/p/app.conf"), b"[supervisord]\n[program:web]\ncommand=x\n") == "supervisord"
    assert commands.source_kind(PurePath("/p/app.conf"), b"server { listen 80; }\n") is None
    assert commands.source_kind(PurePath("/p/serve"), b"#!/usr/bin/env bash\nexec uvicorn x:y\n") == "shell"
    assert commands.source_kind(PurePath("/p/serve"), b"#!/usr/bin/env python3\n") is None


def test_procfile_web_is_production_and_positions_exact(project):
    project.write(
        "Procfile", "web: uvicorn main:app --host 0.0.0.0 --port $PORT --reload\nworker: uvicorn main:app --reload\n"
    )
    web, worker = launches(project, "Procfile")
    assert web.edits.info.production and not worker.edits.info.production
    assert web.setting is Setting.CONTAINER
    assert text_at(project, "Procfile", web.option("reload").range) == "--reload"
    assert web.option("port").value.known is False
    assert roots(web) == [(project.root,)]


def test_makefile_recipes_with_prefixes_continuations_and_cd(project):
    (project.root / "backend").mkdir()
    project.write(
        "Makefile",
        "PORT := 8000\n"
        "serve:\n"
        "\t@cd backend && uvicorn app.main:app \\\n"
        "\t\t--reload --port $(PORT)\n"
        "other: ; true\n"
        "not_a_recipe = uvicorn nothing:here\n",
    )
    [launch] = launches(project, "Makefile")
    assert text_at(project, "Makefile", launch.option("reload").range) == "--reload"
    assert launch.option("reload").range.start.line == 3
    assert launch.option("port").value.known is False
    assert roots(launch) == [(project.root / "backend",)]


def test_script_folder_after_cd_dirname(project):
    project.write(
        "scripts/serve.sh", '#!/bin/sh\nset -e\ncd "$(dirname "$0")/.."\nexec uvicorn app.main:app --workers 2\n'
    )
    [launch] = launches(project, "scripts/serve.sh")
    assert roots(launch) == [(project.root,)]
    assert launch.option("workers").value.candidates == (2,)


def test_script_without_cd_is_judged_from_every_start(project):
    project.write("pyproject.toml", "[project]\nname = 'x'\n")
    project.write("scripts/serve", "#!/bin/bash\nuvicorn app.main:app\n")
    [launch] = launches(project, "scripts/serve")
    # One unknown start: a string loads if it loads from either folder.
    assert [path.roots[:2] for path in launch.search_paths] == [(project.root / "scripts", project.root)]


def test_script_cd_to_unknown_place_is_not_judged(project):
    project.write("serve.sh", "cd $APP_HOME\nuvicorn app.main:app\n")
    [launch] = launches(project, "serve.sh")
    assert launch.search_paths == []


def test_systemd_exec_start_and_environment(project):
    project.write(
        "api.service",
        '[Unit]\nDescription=api\n\n[Service]\nEnvironment=WEB_CONCURRENCY=4 "UVICORN_RELOAD=1"\n'
        "WorkingDirectory=/srv/api\nExecStart=-/srv/api/.venv/bin/uvicorn app.main:app \\\n  --reload\n",
    )
    [launch] = launches(project, "api.service")
    assert launch.setting is Setting.PRODUCTION and launch.edits.info.production
    assert text_at(project, "api.service", launch.option("reload").range) == "--reload"
    assert launch.search_paths == []


def test_supervisord_program(project):
    project.write(
        "supervisord.conf",
        "[supervisord]\nnodaemon=true\n\n[program:api]\ncommand=uvicorn app.main:app --reload ; dev only\n"
        'directory=/srv\nenvironment=WEB_CONCURRENCY="2",OTHER="%(ENV_X)s"\n',
    )
    [launch] = launches(project, "supervisord.conf")
    assert text_at(project, "supervisord.conf", launch.option("reload").range) == "--reload"
    assert launch.option("workers").value.candidates == (2,)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("api.service", "[Service]\nExecStart=/bin/bash -c 'SCRIPT'\n"),
        ("supervisord.conf", "[program:api]\ncommand=bash -c 'SCRIPT'\n"),
    ],
)
def test_a_unit_or_program_running_a_shell_script_has_each_start_of_it(project, name, text):
    """`bash -c 'if ...; then uvicorn ...; else python -m uvicorn ...; fi'` starts either (audit: wushizhifu's
    unit, whose else branch had no hover, definition or finding); the one command is still one start."""
    script = "if [ -x .venv/bin/uvicorn ]; then .venv/bin/uvicorn main:app; else python3 -m uvicorn main:app; fi"
    project.write(name, text.replace("SCRIPT", script))
    assert [launch.app.value.source for launch in launches(project, name)] == ["main:app", "main:app"]
    project.write(name, text.replace("'SCRIPT'", "uvicorn main:app ; echo started").replace("bash -c ", ""))
    assert len(launches(project, name)) == 1


def test_launch_json_with_comments_trailing_commas_and_cwd(project):
    text = project.write(
        ".vscode/launch.json",
        """
        {
          // debug the API
          "version": "0.2.0",
          "configurations": [
            {
              "name": "API",
              "type": "debugpy",
              "module": "uvicorn",
              "cwd": "${workspaceFolder}/backend",
              "env": {"WEB_CONCURRENCY": "3"},
              "args": ["app.main:app", /* inline */ "--reload", "--port", "8\\u0030",],
            },
            {"name": "other", "module": "pytest", "args": ["-x"]},
          ],
        }
        """,
    ).read_text()
    [launch] = launches(project, ".vscode/launch.json")
    assert launch.server is Server.UVICORN
    assert text_at(project, ".vscode/launch.json", launch.option("port").range) == '"--port", "8\\u0030"'
    assert launch.option("port").value.candidates == (80,)
    assert launch.option("workers").value.candidates == (3,)
    assert roots(launch) == [(project.root / "backend",)]
    fixed = apply_edits(text, launch.edits.remove_option(launch.option("reload")))
    assert '"args": ["app.main:app", "--port", "8\\u0030",]' in fixed
    lines = split_lines(fixed)
    jsonc.parse(lines_span(lines, Position(0, 0), Position(len(lines) - 1, len(lines[-1]))), comments=True)


def test_pyproject_task_runners(project):
    project.write(
        "pyproject.toml",
        """
        [project]
        name = "x"
        dependencies = ["uvicorn"]

        [tool.poe.tasks]
        serve = "uvicorn app.main:app --reload"
        prod = { cmd = "uvicorn app.main:app --workers 4", help = "uvicorn --reload" }

        [tool.poe.tasks.dev]
        help = "uvicorn --not-this"
        cmd = "uvicorn app.main:app --relaod"

        [tool.pdm.scripts]
        start = "python -m uvicorn app.main:app --port \\"80\\""

        [tool.taskipy.tasks]
        web = 'uvicorn app.main:app --reload'

        [tool.hatch.envs.default.scripts]
        serve = ["uvicorn app.main:app --workers 2"]
        """,
    )
    tomllib.loads((project.root / "pyproject.toml").read_text())
    found = launches(project, "pyproject.toml")
    assert len(found) == 6
    assert text_at(project, "pyproject.toml", found[0].option("reload").range) == "--reload"
    assert found[1].option("workers").value.candidates == (4,)
    assert found[2].rejections[0].option.name == "--relaod"
    assert text_at(project, "pyproject.toml", found[3].option("port").range) == '--port \\"80\\"'
    assert found[5].option("workers").value.candidates == (2,)
    assert all(launch.setting is Setting.DEVELOPMENT for launch in found)


def test_task_runner_placeholders_and_taskipy_settings(project):
    """Audit: the runners replace pdm's `{args:default}` and taskipy's `{name}` (with `use_vars`) before the
    command runs, and taskipy's `[tool.taskipy.settings] cwd` moves every task (real runs: `pdm run serve`,
    `task dev` serve). Placeholders are unknown values; without `use_vars` taskipy passes `{app}` as it is."""
    project.write("backend/__init__.py", "")
    project.write("backend/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    text = """\
[project]
name = "x"
dependencies = ["uvicorn"]

[tool.taskipy.settings]
cwd = "backend"

[tool.taskipy.variables]
app = "backend.main:app"

[tool.taskipy.tasks]
dev = "uvicorn main:app"
vars = { cmd = "uvicorn {app}", use_vars = true, cwd = "." }
plain = { cmd = "uvicorn {app}", cwd = "." }

[tool.pdm.scripts]
serve = "uvicorn {args:backend.main:app}"
"""
    project.write("pyproject.toml", text)
    tomllib.loads(text)
    dev, with_variables, plain, serve = launches(project, "pyproject.toml")
    assert roots(dev) == [(project.root / "backend",)]
    assert with_variables.app is not None and with_variables.app.value.candidates is None
    assert serve.app is not None and serve.app.value.candidates is None
    [finding] = project.check("pyproject.toml", codes=("UVI002",))
    assert finding.range.start.line == 13  # `plain`: taskipy runs `uvicorn {app}` as written


def test_task_tables_in_dotted_keys(project):
    """Audit 50b: `dev.cmd = "..."` with `dev.cwd = "backend"` in `[tool.poe.tasks]` is poe's `[tool.poe.tasks.dev]`
    table in dotted keys (pdm's `start.working_dir`, taskipy's `dev.use_vars` alike): the task runs in backend/
    (real run: `poe dev` serves `main:app` from backend/, was a wrong UVI002 error), and `dev.help` is no command."""
    project.write("backend/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    text = """\
[project]
name = "x"
dependencies = ["uvicorn"]

[tool.poe.tasks]
dev.help = "uvicorn main:app with --reload"
dev.cmd = "uvicorn main:app --reload"
dev.cwd = "backend"
root.cmd = "uvicorn main:app"

[tool.pdm.scripts]
start.cmd = "uvicorn main:app"
start.working_dir = "backend"

[tool.taskipy.variables]
app = "main:app"

[tool.taskipy.tasks]
web.cmd = "uvicorn {app}"
web.use_vars = true
web.cwd = "backend"
"""
    project.write("pyproject.toml", text)
    tomllib.loads(text)
    dev, root, start, web = launches(project, "pyproject.toml")
    assert roots(dev) == [(project.root / "backend",)]
    assert roots(start) == [(project.root / "backend",)]
    assert roots(root) == [(project.root,)]
    assert web.app is not None and web.app.value.candidates is None
    [finding] = project.check("pyproject.toml", codes=("UVI002",))
    assert finding.range.start.line == 8  # `root`: no folder of its own, main.py is not beside the pyproject


def test_bad_inputs_have_no_launches(project):
    project.write(".vscode/launch.json", '{"configurations": [{"module": "uvicorn", "args": ["a:b", ')
    assert launches(project, ".vscode/launch.json") == []
    project.write("Procfile", "web:\n:\n\n")
    assert launches(project, "Procfile") == []


def test_jsonc_noqa_covers_its_line_or_the_next():
    from uvicorn_lsp.engine.commands.base import CommandSource
    from uvicorn_lsp.engine.model import Range

    source = CommandSource(
        '{"args": [\n  // noqa: UVI004\n  "--relaod",\n  "--x", // noqa\n  "--y"\n]}', None, jsonc=True
    )

    def suppressed(code: str, line: int) -> bool:
        return source.is_suppressed(code, Range.of((line, 2), (line, 6)))

    assert suppressed("UVI004", 2) and not suppressed("UVI002", 2)
    assert suppressed("UVI002", 3) and not suppressed("UVI004", 4)
    hashed = CommandSource("CMD uvicorn main:app --reload  # noqa: UVI014\n", None)
    assert hashed.is_suppressed("UVI014", Range.of((0, 22), (0, 30)))


def test_cd_into_a_missing_folder_is_not_judged(project):
    project.write("Makefile", "serve:\n\tcd generated && uvicorn app.main:app\n")
    [launch] = launches(project, "Makefile")
    assert launch.search_paths == []
