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
    workspace.start_asking_sys_path(workspace.asking(interpreter))
    workspace.start_asking_sys_path(workspace.asking(interpreter))  # asked once
    assert workspace._sys_path_of(workspace.asking(interpreter)) == tuple(Path(entry) for entry in json.loads(expected))
    assert len(started) == 1 and not workspace._ASKED


def test_questions_asked_ahead_are_all_collected_before_a_fork(tmp_path):
    from uvicorn_lsp.engine import workspace

    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    broken_question, missing = workspace.asking(str(broken)), workspace.asking(str(tmp_path / "missing" / "python"))
    workspace.start_asking_sys_path(broken_question)
    workspace.start_asking_sys_path(missing)
    workspace.collect_sys_paths()
    assert not workspace._ASKED
    assert workspace._sys_path_of(broken_question) == () == workspace._sys_path_of(missing)


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


# -- never running a program the project holds -------------------------------------------------------------------


def fake_python(path: Path, marker: Path) -> Path:
    """A program named like an interpreter that a repository could commit: running it leaves `marker`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    path.chmod(0o755)
    return path


def test_a_committed_interpreter_is_never_run(tmp_path):
    """`.venv/bin/python` as a file of the repository (no venv behind it): asking it for sys.path would run the
    repository's code. Nothing is run; the check goes on with nothing installed, and says why once."""
    (tmp_path / ".git").mkdir()
    marker = tmp_path.parent / f"{tmp_path.name}-ran"
    fake_python(tmp_path / ".venv" / "bin" / "python", marker)
    workspace = Workspace(tmp_path)
    assert workspace.interpreter_sys_path == () == workspace.interpreter_sys_path
    assert isinstance(workspace.environment, SameEnvironment) and workspace.grammar is not None
    [problem] = workspace.problems
    assert "not running" in problem.message and "a program the project holds" in problem.message
    assert not marker.exists()


def test_the_projects_python_setting_is_not_run_but_the_users_is(tmp_path):
    marker = tmp_path.parent / f"{tmp_path.name}-ran"
    fake_python(tmp_path / "tools" / "python", marker)
    (tmp_path / "pyproject.toml").write_text('[tool.uvicorn-lsp]\npython = "tools/python"\n')
    assert Workspace(tmp_path).interpreter_sys_path == ()
    assert not marker.exists()
    # The editor's (or command line's) own setting is the user's choice: that one is asked.
    assert Workspace(tmp_path, Settings(python=str(tmp_path / "tools" / "python"))).interpreter_sys_path == ()
    assert marker.exists()


def test_a_copied_venv_in_the_project_is_read_through_its_base_python(tmp_path):
    """A venv whose interpreter is a copy inside the project (`venv --copies`, Windows): its base Python (pyvenv.cfg's
    `home`) is asked for the standard library, the venv's site-packages and their .pth folders are read here, and
    no line of a .pth file is run."""
    (tmp_path / ".git").mkdir()
    marker = tmp_path.parent / f"{tmp_path.name}-ran"
    venv = tmp_path / ".venv"
    fake_python(venv / "bin" / "python", marker)
    base = Path(sys._base_executable).resolve()
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    (venv / "pyvenv.cfg").write_text(
        f"home = {base.parent}\ninclude-system-site-packages = false\nversion = {version}.0\n"
    )
    site = venv / "lib" / f"python{version}" / "site-packages"
    (site / "fastapi").mkdir(parents=True)
    (tmp_path / "src").mkdir()
    (site / "project.pth").write_text(f"{tmp_path / 'src'}\n# a comment\nimport os; open({str(marker)!r}, 'w')\n")
    paths = Workspace(tmp_path).interpreter_sys_path
    assert site in paths and tmp_path / "src" in paths
    assert any(path.name == "lib-dynload" for path in paths)  # the base's standard library
    assert not any(path.name == "site-packages" and not path.is_relative_to(venv) for path in paths)
    assert not marker.exists()
    assert isinstance(Workspace(tmp_path).environment, SameEnvironment)


def test_a_linked_venv_in_the_project_is_asked_itself(tmp_path, venv):
    """`python -m venv` links bin/python to an installed Python outside the project: that one is run."""
    (tmp_path / ".venv").symlink_to(venv, target_is_directory=True)
    paths = Workspace(tmp_path).interpreter_sys_path
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert tmp_path / ".venv" / "lib" / version / "site-packages" in paths, paths
