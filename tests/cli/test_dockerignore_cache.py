"""The result cache and `.dockerignore`: a Dockerfile's result depends on its build context's ignore
file, so creating, editing or deleting it analyses the Dockerfile again; otherwise it is reused."""

from __future__ import annotations

import json

import pytest

from .conftest import record_analysed, settle, write

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"
DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n'


@pytest.fixture
def analysed(monkeypatch) -> list[str]:
    """The Dockerfiles the engine analyses (cache misses), in order."""
    return record_analysed(monkeypatch, "Dockerfile")


def test_the_ignore_file_invalidates_the_dockerfile_result(cli, tmp_path, analysed):
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path, "main.py", APP)
    write(tmp_path, "Dockerfile", DOCKERFILE)
    settle()
    assert cli("--jobs", "1", "--select", "UVI002", ".").code == 0
    assert cli("--jobs", "1", "--select", "UVI002", ".").code == 0
    assert analysed == ["Dockerfile"], "the second run is served from the cache"

    write(tmp_path, ".dockerignore", "main.py\n")  # created
    settle()
    created = cli("--jobs", "1", "--select", "UVI002", ".")
    assert created.code == 1 and '"main:app" will not load' in created.out
    assert cli("--jobs", "1", "--select", "UVI002", ".").code == 1
    assert analysed == ["Dockerfile", "Dockerfile"]

    write(tmp_path, ".dockerignore", "tests\n")  # edited
    settle()
    assert cli("--jobs", "1", "--select", "UVI002", ".").code == 0
    write(tmp_path, ".dockerignore", "*.py\n")
    settle()
    assert cli("--jobs", "1", "--select", "UVI002", ".").code == 1
    (tmp_path / ".dockerignore").unlink()  # deleted
    settle()
    assert cli("--jobs", "1", "--select", "UVI002", ".").code == 0
    assert analysed == ["Dockerfile"] * 5


# Podman reads .containerignore before .dockerignore: creating, editing or deleting it analyses the Dockerfile again.
def test_the_containerignore_invalidates_the_dockerfile_result(cli, tmp_path, analysed):
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path, "main.py", APP)
    write(tmp_path, "Dockerfile", DOCKERFILE)
    write(tmp_path, ".dockerignore", "main.py\n")
    settle()

    def uvi002() -> list[str]:
        """The severities of UVI002's findings."""
        run = cli("--jobs", "1", "--select", "UVI002", "--format", "json", ".")
        return [finding["severity"] for finding in json.loads(run.out)]

    assert uvi002() == ["error"] and uvi002() == ["error"]
    assert analysed == ["Dockerfile"], "the second run is served from the cache"
    write(tmp_path, ".containerignore", "tests\n")  # created: podman build sends main.py, docker build does not
    settle()
    assert uvi002() == ["warning"] and uvi002() == ["warning"]
    write(tmp_path, ".containerignore", "*.py\n")  # edited: no builder sends it
    settle()
    assert uvi002() == ["error"]
    (tmp_path / ".containerignore").unlink()  # deleted: both read .dockerignore again
    settle()
    assert uvi002() == ["error"]
    assert analysed == ["Dockerfile"] * 4
