"""Hosting platforms' start commands: Railway (railway.json, railway.toml) and Render (render.yaml)."""

from __future__ import annotations

from pathlib import PurePath

import pytest

from uvicorn_lsp.engine import commands
from uvicorn_lsp.engine.launch import Setting
from uvicorn_lsp.engine.model import Severity

from ...conftest import apply_edits
from .helpers import launches, roots, text_at

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


@pytest.mark.parametrize("name", ["railway.json", "railway.toml", "render.yaml"])
def test_platform_files_are_sources_by_name(name):
    assert commands.source_kind(PurePath("/p/backend") / name) == name
    assert commands.source_kind(PurePath("/p/railway-backend.toml")) is None


def test_railway_toml_start_command_runs_in_the_services_root_as_production(project):
    project.write("requirements.txt", "fastapi\nuvicorn\n")
    project.write(
        "railway.toml",
        '[build]\nbuilder = "NIXPACKS"\n\n[deploy]\n'
        'startCommand = "uvicorn main:app --host 0.0.0.0 --port $PORT --reload"  # dev flag left in\n'
        'healthcheckPath = "/health"\n',
    )
    [launch] = launches(project, "railway.toml")
    assert launch.edits.info.production and launch.edits.info.container
    assert launch.setting is Setting.CONTAINER
    assert text_at(project, "railway.toml", launch.option("reload").range) == "--reload"
    assert launch.option("port").value.known is False
    assert roots(launch) == [(project.root,)]


def test_railway_json_decodes_escapes_and_follows_cd(project):
    (project.root / "backend").mkdir()
    project.write(
        "railway.json",
        '{\n  "$schema": "https://railway.com/railway.schema.json",\n'
        '  "deploy": {"startCommand": "cd backend && uvicorn \\"app.main:app\\" --port $PORT --workers 2"}\n}\n',
    )
    [launch] = launches(project, "railway.json")
    assert launch.app.value.candidates == ("app.main:app",)
    assert text_at(project, "railway.json", launch.option("workers").range) == "--workers 2"
    assert roots(launch) == [(project.root / "backend",)]


def test_a_railway_file_beside_no_python_app_is_read_by_a_service_rooted_elsewhere(project):
    """windowsill-api: the top's railway.toml starts `uvicorn main:app`, api/main.py; Railway's root directory is
    api/ (set in the dashboard, which the config file does not follow): it serves there."""
    project.write("api/main.py", APP)
    project.write("api/requirements.txt", "fastapi\nuvicorn\n")
    project.write(
        "railway.toml", '[build]\nbuilder = "nixpacks"\n\n[deploy]\nstartCommand = "uvicorn main:app --port $PORT"\n'
    )
    [launch] = launches(project, "railway.toml")
    assert launch.search_paths == []  # where it starts is not known
    assert project.check("railway.toml", codes=("UVI002",)) == []
    # A `cd` into a folder there shows the command starts in the file's folder.
    project.write("railway.toml", '[deploy]\nstartCommand = "cd api && uvicorn other:app --port $PORT"\n')
    [launch] = launches(project, "railway.toml")
    assert roots(launch) == [(project.root / "api",)]
    [finding] = project.check("railway.toml", codes=("UVI002",))
    assert finding.severity is Severity.ERROR
    # Beside a Python app the builders find, the service starts in the file's folder.
    project.write("requirements.txt", "fastapi\nuvicorn\n")
    project.write("railway.toml", '[deploy]\nstartCommand = "uvicorn main:app --port $PORT"\n')
    [finding] = project.check("railway.toml", codes=("UVI002",))
    assert finding.severity is Severity.ERROR


def test_a_railway_file_below_the_repositorys_top_starts_where_it_is_not_known(project):
    """PulseOps' backend/railway.toml: `uvicorn backend.main:app`, backend/main.py beside it. Railway reads a config
    file there only where the dashboard names its path, and the service's root directory is set apart from it: at
    the repository's top (as here) the string loads, in backend/ it does not. Not judged from the file's folder."""
    (project.root / ".git").mkdir()
    project.write("requirements.txt", "fastapi\nuvicorn\n")
    project.write("backend/__init__.py", "")
    project.write("backend/main.py", APP)
    start = '[build]\nbuilder = "NIXPACKS"\n\n[deploy]\nstartCommand = "uvicorn backend.main:app --port $PORT"\n'
    project.write("backend/railway.toml", start)
    [launch] = launches(project, "backend/railway.toml")
    assert launch.search_paths == [] and launch.edits.info.production
    assert project.check("backend/railway.toml", codes=("UVI002",)) == []
    # What needs no folder is still judged there: uvicorn's default host.
    [finding] = project.check("backend/railway.toml", codes=("UVI015",))
    assert "the platform's router cannot reach it" in finding.message
    # The same file at the top: the service starts there.
    project.write("railway.toml", start.replace("backend.main", "main"))
    [finding] = project.check("railway.toml", codes=("UVI002",))
    assert finding.severity is Severity.ERROR


@pytest.mark.parametrize(
    ("config", "dockerfile"),
    [
        ('{"build": {"builder": "DOCKERFILE"}, "deploy": {"startCommand": "uvicorn main:app"}}', False),
        ('{"build": {"dockerfilePath": "backend/Dockerfile"}, "deploy": {"startCommand": "uvicorn main:app"}}', False),
        ('{"deploy": {"startCommand": "uvicorn main:app"}}', True),  # Railway then builds the Dockerfile
        # Railway builds a Dockerfile it finds whatever builder is named (its config reference says so).
        ('{"build": {"builder": "NIXPACKS"}, "deploy": {"startCommand": "uvicorn main:app"}}', True),
    ],
)
def test_a_railway_service_built_from_a_dockerfile_starts_without_a_shell_in_the_image(project, config, dockerfile):
    """The command runs in the image's WORKDIR (no folder to look in here), and without a shell. Beside a
    Dockerfile, with no builder named here, the dashboard may name one (Railpack runs the command in a shell);
    with another builder named, Railway still builds the Dockerfile ("Railway will always build with a Dockerfile
    if it finds one"): not judged."""
    project.write("railway.json", config)
    if dockerfile:
        project.write("Dockerfile", 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD ["uvicorn", "main:app"]\n')
        assert launches(project, "railway.json") == []
        return
    [launch] = launches(project, "railway.json")
    assert launch.search_paths == [] and launch.edits.info.production


@pytest.mark.parametrize(
    ("start", "reported"),
    [
        ("python -m uvicorn main:app --host 0.0.0.0 --port $PORT", True),  # leo's railway.json
        ("uvicorn main:app --host 0.0.0.0 --port ${PORT:-8000}", True),
        ("sh -c 'uvicorn main:app --host 0.0.0.0 --port ${PORT:-8000}'", False),  # a shell expands it
        ("uvicorn main:app --host 0.0.0.0 --port 8000", False),
    ],
)
def test_a_dockerfile_built_railway_start_gets_port_as_written(project, start, reported):
    """Railway runs a Dockerfile-built service's start command in exec form: `$PORT` reaches uvicorn as written."""
    project.write("Dockerfile", 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "main:app"]\n')
    project.write("railway.toml", f'[build]\nbuilder = "DOCKERFILE"\n\n[deploy]\nstartCommand = "{start}"\n')
    found = project.check("railway.toml", codes=("UVI004",))
    assert [finding.severity for finding in found] == ([Severity.ERROR] if reported else [])
    if reported:
        assert "is not a valid integer (exec form: no shell expands `$`)" in found[0].message


def test_a_railway_file_without_a_start_command_or_broken_has_no_launch(project):
    project.write("railway.json", '{"deploy": {"startCommand": ')
    assert launches(project, "railway.json") == []
    project.write("railway.toml", '[deploy]\nhealthcheckPath = "/"\n')
    assert launches(project, "railway.toml") == []


def test_render_services_start_in_their_root_dir(project):
    (project.root / "backend").mkdir()
    project.write(
        "render.yaml",
        "services:\n"
        "  - type: web\n    name: api\n    runtime: python\n    rootDir: backend\n"
        "    startCommand: uvicorn main:app --host 0.0.0.0 --port $PORT\n"
        "  - type: worker\n    name: jobs\n    env: python\n    startCommand: uvicorn other:app\n"
        "  - type: web\n    name: image\n    runtime: docker\n    startCommand: uvicorn main:app\n"
        "  - type: web\n    name: elsewhere\n    runtime: python\n    rootDir: $DIR\n    startCommand: uvicorn x:app\n",
    )
    api, jobs, elsewhere = launches(project, "render.yaml")
    assert roots(api) == [(project.root / "backend",)] and api.edits.info.container
    assert roots(jobs) == [(project.root,)] and not jobs.edits.info.container
    assert jobs.edits.info.production
    assert elsewhere.search_paths == []  # a root folder only the platform knows: no folder to look in


def test_a_render_services_fields_merged_from_an_anchor_count(project):
    """A service's rootDir (and runtime, envVars) given by a mapping merged into it (`<<: *common`) is where its
    start runs: `uvicorn main:app` with backend/main.py serves there. Services merged from one another start the
    same command once."""
    project.write("backend/main.py", APP)
    project.write(
        "render.yaml",
        "x-common: &common\n  runtime: python\n  rootDir: backend\n"
        "services:\n  - type: web\n    name: api\n    <<: *common\n"
        "    startCommand: uvicorn main:app --host 0.0.0.0 --port $PORT\n",
    )
    [launch] = launches(project, "render.yaml")
    assert roots(launch) == [(project.root / "backend",)]
    assert project.check("render.yaml", codes=("UVI002",)) == []
    project.write(
        "render.yaml",
        "services:\n  - &api\n    type: web\n    name: api\n    runtime: python\n"
        "    startCommand: uvicorn main:app --host 0.0.0.0 --port $PORT\n"
        "  - <<: *api\n    name: api-copy\n"
        "  - <<: *api\n    name: api-backend\n    rootDir: backend\n",
    )
    top, backend = launches(project, "render.yaml")
    assert roots(top) == [(project.root,)] and roots(backend) == [(project.root / "backend",)]


def test_a_start_command_the_platform_runs_in_the_wrong_folder_is_an_error(project):
    project.write("backend/main.py", APP)
    project.write(
        "render.yaml",
        "services:\n  - type: web\n    name: api\n    runtime: python\n"
        "    startCommand: uvicorn main:app --host 0.0.0.0 --port $PORT\n",
    )
    [finding] = project.check("render.yaml", codes=("UVI002",))
    assert finding.severity is Severity.ERROR and "exit status 3" in finding.message
    project.write(
        "render.yaml",
        "services:\n  - type: web\n    name: api\n    runtime: python\n    rootDir: backend\n"
        "    startCommand: uvicorn main:app --host 0.0.0.0 --port $PORT\n",
    )
    assert project.check("render.yaml", codes=("UVI002",)) == []


def test_a_render_yaml_away_from_the_repositorys_top_starts_where_it_is_not_known(project):
    """spendguard-sidecar's deploy/render.yaml: `uvicorn app.main:app`, app/ at the top. As a Blueprint its
    services start at the repository's top (rootDir is relative to it), not in deploy/; set up in the dashboard,
    wherever the dashboard says."""
    project.write("app/__init__.py", "")
    project.write("app/main.py", APP)
    service = "services:\n  - type: web\n    name: api\n    runtime: python\n"
    project.write("deploy/render.yaml", service + "    startCommand: uvicorn app.main:app --port $PORT\n")
    [launch] = launches(project, "deploy/render.yaml")
    assert launch.search_paths == []
    assert project.check("deploy/render.yaml", codes=("UVI002",)) == []
    # The same file at the top of a repository: its services start there.
    (project.root / ".git").mkdir()
    project.write("render.yaml", service + "    rootDir: app\n    startCommand: uvicorn app.main:app --port $PORT\n")
    [finding] = project.check("render.yaml", codes=("UVI002",))
    assert finding.severity is Severity.ERROR
    project.write("render.yaml", service + "    startCommand: uvicorn app.main:app --port $PORT\n")
    assert project.check("render.yaml", codes=("UVI002",)) == []
    # Below the repository's top (.git above the workspace), a render.yaml is not judged from its folder.
    project.write("backend/render.yaml", service + "    startCommand: uvicorn main:app --port $PORT\n")
    [launch] = launches(project, "backend/render.yaml")
    assert launch.search_paths == []


@pytest.mark.parametrize("setting", ["value: backend", "value: /opt/render/project/src/backend", "sync: false"])
def test_a_render_services_env_vars_are_set_where_its_start_command_runs(project, setting):
    """`envVars: [{key: PYTHONPATH, value: backend}]` puts backend/ on sys.path: `uvicorn main:app` from the
    repository imports backend/main.py (a value set in the dashboard may do the same)."""
    project.write("backend/main.py", APP)
    service = (
        "services:\n  - type: web\n    name: api\n    runtime: python\n"
        "    startCommand: uvicorn main:app --host 0.0.0.0 --port $PORT\n"
    )
    project.write("render.yaml", service + f"    envVars:\n      - key: PYTHONPATH\n        {setting}\n")
    assert project.check("render.yaml", codes=("UVI002",)) == []
    project.write("render.yaml", service + "    envVars:\n      - key: PYTHON_VERSION\n        value: 3.12.0\n")
    [finding] = project.check("render.yaml", codes=("UVI002",))
    assert finding.severity is Severity.ERROR


@pytest.mark.parametrize(
    ("groups", "errors"),
    [
        ("", 0),  # a group the dashboard defines may set PYTHONPATH
        ("envVarGroups:\n  - name: shared\n    envVars:\n      - key: PYTHONPATH\n        value: backend\n", 0),
        ("envVarGroups:\n  - name: shared\n    envVars:\n      - key: DEBUG\n        value: '1'\n", 1),
    ],
)
def test_a_render_services_linked_env_group_sets_its_variables(project, groups, errors):
    """`envVars: [{fromGroup: shared}]` sets the group's variables: those `envVarGroups:` gives it in the file,
    or any at all for a group defined in the dashboard (then whether `main` imports is not known)."""
    project.write("backend/main.py", APP)
    project.write(
        "render.yaml",
        groups + "services:\n  - type: web\n    name: api\n    runtime: python\n"
        "    startCommand: uvicorn main:app --host 0.0.0.0 --port $PORT\n    envVars:\n      - fromGroup: shared\n",
    )
    assert len(project.check("render.yaml", codes=("UVI002",))) == errors


def test_a_render_service_runs_the_uvicorn_its_root_dir_declares(project):
    """Render builds the service in its rootDir (`pip install -r requirements.txt` there): backend/ pins uvicorn
    0.28.1, which exits with status 1 on a failed start (3 from 0.29 on)."""
    project.write("backend/main.py", "x = 1\n")
    project.write("backend/requirements.txt", "fastapi\nuvicorn==0.28.1\n")
    project.write(
        "render.yaml",
        "services:\n  - type: web\n    name: api\n    runtime: python\n    rootDir: backend\n"
        "    startCommand: uvicorn main:app --host 0.0.0.0 --port $PORT\n",
    )
    [finding] = project.check("render.yaml", codes=("UVI002",))
    assert finding.message.endswith("(exit status 1)")


def test_a_routed_web_start_on_the_loopback_is_reported_with_the_platforms_router(project):
    project.write("main.py", APP)
    project.write("railway.toml", '[deploy]\nstartCommand = "uvicorn main:app --port $PORT"\n')
    [finding] = project.check("railway.toml", codes=("UVI015",))
    assert "Railway's start command: the platform's router cannot reach it" in finding.message
    fixed = apply_edits((project.root / "railway.toml").read_text(), finding.best_fix.edits)
    assert fixed == '[deploy]\nstartCommand = "uvicorn main:app --host 0.0.0.0 --port $PORT"\n'
    # Not reading $PORT, the start may be reached some other way: not said.
    project.write("railway.toml", '[deploy]\nstartCommand = "uvicorn main:app --port 8000"\n')
    assert project.check("railway.toml", codes=("UVI015",)) == []


def test_noqa_in_railway_toml_and_render_yaml(project):
    project.write("main.py", APP)
    project.write("railway.toml", '[deploy]\nstartCommand = "uvicorn main:app --port $PORT"  # noqa: UVI015\n')
    assert project.check("railway.toml", codes=("UVI015",)) == []
    project.write(
        "render.yaml",
        "services:\n  - type: web\n    name: api\n    startCommand: uvicorn main:app --port $PORT  # noqa: UVI015\n",
    )
    assert project.check("render.yaml", codes=("UVI015",)) == []


@pytest.mark.parametrize(
    ("name", "config"),
    [
        (
            "render.yaml",
            "services:\n  - type: web\n    name: api\n    runtime: python\n    startCommand: sh start.sh\n",
        ),
        ("railway.toml", '[deploy]\nstartCommand = "./start.sh"\n'),
    ],
)
def test_a_script_a_platform_start_runs_is_a_production_start(project, name, config):
    """As a script a Dockerfile or a Procfile's web process runs: its --reload is UVI014's."""
    project.write("main.py", APP)
    project.write("requirements.txt", "fastapi\nuvicorn\n")
    project.write("start.sh", "#!/bin/sh\nexec uvicorn main:app --host 0.0.0.0 --port $PORT --reload\n")
    assert project.check("start.sh", codes=("UVI014",)) == []
    project.write(name, config)
    [finding] = project.check("start.sh", codes=("UVI014",))
    assert f"the script run by {name}'s start command" in finding.message
    # A Railway service built from its Dockerfile runs the command in the image: the Dockerfile says what runs.
    project.write("railway.toml", '[build]\nbuilder = "DOCKERFILE"\n[deploy]\nstartCommand = "./start.sh"\n')
    if name == "railway.toml":
        assert project.check("start.sh", codes=("UVI014",)) == []
