"""Project shapes of the third precision audit whose verdicts a real launch decided (tests/realrun/
test_precision3_realrun.py runs them): the rule verdicts, without starting servers."""

from __future__ import annotations

import pytest

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
