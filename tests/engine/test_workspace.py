"""Which Python environment a workspace analyses against."""

from __future__ import annotations

import json
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


def test_a_sys_path_asked_ahead_is_the_one_the_checks_get(tmp_path, monkeypatch):
    """The command line starts the question before reading the files; the first check collects that very
    subprocess (no second one), and the answer is what the interpreter prints."""
    from uvicorn_lsp.engine import workspace

    interpreter = str(tmp_path / "python")
    Path(interpreter).symlink_to(sys.executable)  # a name no other test asked about
    expected = subprocess.run(
        [interpreter, "-c", "import json, sys; print(json.dumps([p for p in sys.path if p]))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    started = []
    popen = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kwargs: started.append(args) or popen(*args, **kwargs))
    workspace.start_asking_sys_path(interpreter)
    workspace.start_asking_sys_path(interpreter)  # asked once
    assert workspace._sys_path_of(interpreter) == tuple(Path(entry) for entry in json.loads(expected))
    assert len(started) == 1 and not workspace._ASKED


def test_questions_asked_ahead_are_all_collected_before_a_fork(tmp_path):
    from uvicorn_lsp.engine import workspace

    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    workspace.start_asking_sys_path(str(broken))
    workspace.start_asking_sys_path(str(tmp_path / "missing" / "python"))
    workspace.collect_sys_paths()
    assert not workspace._ASKED
    assert workspace._sys_path_of(str(broken)) == () == workspace._sys_path_of(str(tmp_path / "missing" / "python"))


def test_settings_are_read_once_per_folder_with_static_files_and_afresh_otherwise(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.uvicorn-lsp]\nignore = ["UVI003"]\n')
    (tmp_path / "api").mkdir()
    static, fresh = Workspace(tmp_path, static_files=True), Workspace(tmp_path)
    for workspace in (static, fresh):
        settings, problems = workspace.settings_for(tmp_path / "api" / "main.py")
        assert not problems and not settings.is_enabled("UVI003", True, tmp_path / "api" / "main.py")
    (tmp_path / "pyproject.toml").write_text("[tool.uvicorn-lsp]\nignore = 3\n")
    settings, problems = static.settings_for(tmp_path / "api" / "other.py")  # same folder: read once per run
    assert not problems and not settings.is_enabled("UVI003", True, tmp_path / "api" / "other.py")
    problems.append("changed by the caller")
    assert static.settings_for(tmp_path / "api" / "other.py")[1] == []
    assert fresh.settings_for(tmp_path / "api" / "main.py")[1]  # the server reads the file as it is now
