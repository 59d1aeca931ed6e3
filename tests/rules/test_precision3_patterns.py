"""Project shapes of the third precision audit whose verdicts a real launch decided (tests/realrun/
test_precision3_realrun.py runs them): the rule verdicts, without starting servers."""

from __future__ import annotations

import pytest

from ..conftest import Project

HATCH_SRC = """
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "acme-backend"
version = "0.1.0"

[tool.hatch.build.targets.wheel]
packages = ["src/app"]
"""

WORKFLOW = """
on: push
jobs:
  smoke:
    runs-on: ubuntu-latest
    steps:
      - run: pip install -e .
      - run: uvicorn {spec} --port 8000 &
"""


@pytest.mark.parametrize(
    ("name", "text"),
    [("Procfile", "web: uvicorn {spec} --host 0.0.0.0 --port $PORT\n"), (".github/workflows/smoke.yml", WORKFLOW)],
)
def test_package_installed_by_the_build_backend_loads_from_the_root(project, name, text):
    """hatch installs src/app (the project is named acme-backend): `app.main:app` loads from the root once
    installed, so only a string that names nothing in the package is an error."""
    project.write("pyproject.toml", HATCH_SRC)
    project.write("src/app/__init__.py")
    project.write("src/app/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    project.write(name, text.format(spec="app.main:app"))
    assert project.check(name, codes=("UVI002",)) == []
    project.write(name, text.format(spec="app.mian:app"))
    [finding] = project.check(name, codes=("UVI002",))
    assert finding.severity.name == "ERROR" and '"app.mian:app" will not load' in finding.message


def test_uv_workspace_member_runs_from_the_workspace_root(project):
    """`uv run --package billing uvicorn billing.main:app` from the root of a uv workspace: uv installs the
    members (checked with uv 0.13: it serves), so the string loads though billing lives in packages/billing/src."""
    project.write("pyproject.toml", '[project]\nname = "platform"\n[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    project.write(
        "packages/billing/pyproject.toml",
        '[project]\nname = "billing"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    )
    project.write("packages/billing/src/billing/__init__.py")
    project.write("packages/billing/src/billing/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    project.write("Makefile", "billing:\n\tuv run --package billing uvicorn billing.main:app --reload\n")
    assert project.check("Makefile", codes=("UVI002",)) == []
    project.write("Makefile", "billing:\n\tuv run --package billing uvicorn billing.mian:app --reload\n")
    assert [finding.code for finding in project.check("Makefile", codes=("UVI002",))] == ["UVI002"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Procfile", "web: uvicorn {module}.main:app --host 0.0.0.0 --port $PORT\n"),
        ("run.sh", "#!/bin/sh\npip install -r requirements.txt\nexec uvicorn {module}.main:app\n"),
        ("serve.py", 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("{module}.main:app", workers=2)\n'),
    ],
)
def test_package_of_a_declared_distribution_is_installed_where_the_project_runs(project, name, text):
    """requirements.txt pins acme-api (a service published as a package): `acme_api.main:app` loads wherever
    the requirements are installed, though not in the analysed environment; another name is still an error."""
    project.write("requirements.txt", "acme-api==1.4.2\nuvicorn\n")
    project.write(name, text.format(module="acme_api"))
    assert project.check(name, codes=("UVI002",)) == []
    project.write(name, text.format(module="acme_apii"))
    [finding] = project.check(name, codes=("UVI002",))
    assert "No module named 'acme_apii'" in finding.message


def test_a_workspace_without_python_or_requirements_does_not_tell_what_is_installed(project):
    """A lone start script of an app installed from elsewhere (`pip install open-webui` on the server): whether
    it loads depends on that machine (audit); with the project's requirements or code at hand, it is judged."""
    project.write("start.sh", "#!/bin/sh\nuvicorn open_webui.main:app --host 0.0.0.0 --port 8080\n")
    assert project.check("start.sh", codes=("UVI002",)) == []
    project.write("requirements.txt", "fastapi\n")
    [finding] = project.check("start.sh", codes=("UVI002",))
    assert "No module named 'open_webui'" in finding.message
    (project.root / "requirements.txt").unlink()
    project.write("app/main.py", "app = object()\n")
    assert [finding.code for finding in project.check("start.sh", codes=("UVI002",))] == ["UVI002"]


def test_a_launch_under_which_the_app_module_cannot_import_its_siblings_is_not_judged(project):
    """`main.py` imports `helpers` as a top-level module: only `python svc/api/entrypoint.py` (svc/api on
    sys.path) can serve it, so `"main:app"` failing under `python -m api.entrypoint` says nothing (audit:
    federal-budget-summarizer). Without that import, the other launch could serve it and the warning stays."""
    project.write("svc/api/__init__.py")
    project.write("svc/api/helpers.py", "NAME = 'api'\n")
    project.write(
        "svc/api/entrypoint.py", 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app")\n'
    )
    project.write(
        "svc/api/main.py", "from fastapi import FastAPI\nfrom helpers import NAME\n\napp = FastAPI(title=NAME)\n"
    )
    assert project.check("svc/api/entrypoint.py", codes=("UVI002",)) == []
    project.write("svc/api/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    [finding] = project.check("svc/api/entrypoint.py", codes=("UVI002",))
    assert "not with `python -m api.entrypoint`" in finding.message


def test_a_launch_json_module_keeps_the_working_directory_on_sys_path(project):
    """VS Code's debugger runs `"module": "uvicorn"` as `python -m` does (debugpy's run_module puts the working
    directory first), so `--app-dir ..` adds a folder and takes none away (audit: fantasy; served for real
    under debugpy)."""
    project.write("services/__init__.py")
    project.write("services/api/__init__.py")
    project.write("services/api/main.py", "app = object()\n")
    configuration = '{"name": "API", "type": "debugpy", "request": "launch", "module": "uvicorn", "args": %s}'
    for args in ('["services.api.main:app", "--app-dir", ".."]', '["services.api.mian:app", "--app-dir", ".."]'):
        project.write(".vscode/launch.json", '{"configurations": [%s]}' % (configuration % args))
        found = [finding.code for finding in project.check(".vscode/launch.json", codes=("UVI002",))]
        assert found == ([] if "main:app" in args else ["UVI002"]), args


@pytest.mark.parametrize("top", [".git/HEAD", "pyproject.toml"])
def test_a_script_of_a_service_folder_that_is_itself_the_package(project, top):
    """webapp/svc has its own pyproject.toml (a uv workspace member, the workspace folder a check of it takes) and
    is the package `svc` its image runs from webapp/: the script's start folder is a guess, and the module is
    there above it (audit: concrete; served for real in the image's layout). A downloaded archive has no .git:
    the workspace's top pyproject.toml bounds the folders looked in instead (audit 30d: the UVI002 was an error)."""
    project.write(
        top, "ref: refs/heads/main\n" if top == ".git/HEAD" else "[tool.uv.workspace]\nmembers = ['webapp/*']\n"
    )
    project.write("webapp/svc/pyproject.toml", "[project]\nname = 'svc'\n")
    project.write("webapp/svc/__init__.py")
    project.write("webapp/svc/server.py", "app = object()\n")
    service = Project(project.root / "webapp/svc")
    for module, reported in (("svc.server", []), ("svc.sever", ["UVI002"])):
        service.write("scripts/start.sh", f"#!/bin/sh\nuv run gunicorn {module}:app -k uvicorn_worker.UvicornWorker\n")
        assert [finding.code for finding in service.check("scripts/start.sh", codes=("UVI002",))] == reported
