"""Which Python environment a workspace analyses against."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from jedi.api.environment import SameEnvironment

from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.workspace import Workspace


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("env") / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return folder


def test_python_setting_wins(tmp_path, venv, monkeypatch):
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    interpreter, reason = Workspace(tmp_path, Settings(python=str(venv / "bin" / "python"))).choose_interpreter()
    assert interpreter == str(venv / "bin" / "python") and reason == "the `python` setting"


def test_python_setting_may_name_the_environment_folder(tmp_path, venv):
    interpreter, _ = Workspace(tmp_path, Settings(python=str(venv))).choose_interpreter()
    assert interpreter == str(venv / "bin" / "python")


def test_pyproject_python_setting(tmp_path, venv):
    (tmp_path / "pyproject.toml").write_text(f'[tool.uvicorn-lsp]\npython = "{venv / "bin" / "python"}"\n')
    interpreter, reason = Workspace(tmp_path).choose_interpreter()
    assert interpreter == str(venv / "bin" / "python") and reason == "the `python` setting"


@pytest.mark.parametrize("name", [".venv", "venv"])
def test_project_environment_folder(tmp_path, venv, name, monkeypatch):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    (tmp_path / name).symlink_to(venv, target_is_directory=True)
    interpreter, reason = Workspace(tmp_path).choose_interpreter()
    assert interpreter == str(tmp_path / name / "bin" / "python") and reason == f"{name} in the workspace"


def test_virtual_env_variable(tmp_path, venv, monkeypatch):
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    assert Workspace(tmp_path).choose_interpreter() == (str(venv / "bin" / "python"), "VIRTUAL_ENV")


def test_own_interpreter_last(tmp_path, monkeypatch):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    workspace = Workspace(tmp_path)
    assert workspace.choose_interpreter()[0] is None
    assert isinstance(workspace.environment, SameEnvironment)


def test_broken_interpreter_is_a_message_and_falls_back(tmp_path):
    workspace = Workspace(tmp_path, Settings(python=str(tmp_path / "no" / "python")))
    assert isinstance(workspace.environment, SameEnvironment)
    assert "cannot use the Python interpreter" in workspace.problems[0].message


def test_symlinked_venv_is_not_our_own_environment(tmp_path, monkeypatch):
    """A venv made with symlinks runs our binary but sees its own site-packages."""
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    folder = tmp_path / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--symlinks", str(folder)], check=True)
    assert (folder / "bin" / "python").resolve() == Path(sys.executable).resolve()
    environment = Workspace(tmp_path).environment
    assert not isinstance(environment, SameEnvironment)
    assert Path(environment.path) == folder


def test_an_environment_above_the_project_up_to_the_repository(tmp_path, venv, monkeypatch):
    """A uv or Poetry workspace: one .venv at the repository's top for the projects below it; nothing
    above the repository counts."""
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    repo = tmp_path / "repo"
    service = repo / "services" / "auth"
    service.mkdir(parents=True)
    (repo / ".git").mkdir()
    (repo / ".venv").symlink_to(venv, target_is_directory=True)
    interpreter, reason = Workspace(service).choose_interpreter()
    assert interpreter == str(repo / ".venv" / "bin" / "python") and reason == str(repo / ".venv")

    (repo / ".venv").unlink()
    (tmp_path / ".venv").symlink_to(venv, target_is_directory=True)  # above the repository
    assert Workspace(service).choose_interpreter()[0] is None
