"""The repository works as a pre-commit hook: `pre-commit try-repo` fails on a
bad file, and passes once `uvicorn-lsp check --fix` has fixed it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import APP_FIXED, APP_WITH_RELOAD

REPOSITORY = Path(__file__).resolve().parents[2]
# What pip needs to install the hook from a copy of this repository.
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "server")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def committed_copy_of_this_repository(target: Path) -> Path:
    """try-repo installs the repository's HEAD: commit the working tree in a copy,
    so uncommitted changes are what gets tested."""
    target.mkdir()
    for name in PACKAGE_FILES:
        source = REPOSITORY / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", ".")
    git(target, "commit", "-q", "-m", "snapshot")
    return target


def try_repo(scratch: Path, hook_repository: Path, home: Path) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repository),
            "uvicorn-lsp",
            "--all-files",
            "--color",
            "never",
        ],
        cwd=scratch,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _hook_and_scratch_repositories(tmp_path: Path) -> tuple[Path, Path]:
    """A committed copy of this repository (the hook's) and an empty git repository to commit in."""
    hook_repository = committed_copy_of_this_repository(tmp_path / "hook")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    git(scratch, "init", "-q")
    return hook_repository, scratch


@pytest.mark.slow
def test_hook_fails_on_a_bad_file_then_passes_after_fix(tmp_path):
    hook_repository, scratch = _hook_and_scratch_repositories(tmp_path)
    (scratch / "main.py").write_text(APP_WITH_RELOAD)
    (scratch / "notes.txt").write_text("uvicorn.run(app, reload=True) in a text file is not checked\n")
    git(scratch, "add", ".")

    failing = try_repo(scratch, hook_repository, tmp_path / "pre-commit-home")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "uvicorn-lsp" in failing.stdout and "Failed" in failing.stdout
    assert "main.py:7:17: UVI001 [*]" in failing.stdout

    fixed = subprocess.run(
        [sys.executable, "-m", "uvicorn_lsp", "check", "--fix", "main.py"],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
    )
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (scratch / "main.py").read_text() == APP_FIXED
    git(scratch, "add", ".")

    passing = try_repo(scratch, hook_repository, tmp_path / "pre-commit-home")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout


# One file of every kind `check .` reads by name, and files it leaves alone.
WALKED = (
    "main.py", "stubs/app.pyi", "nb.ipynb", "Dockerfile", "backend/Dockerfile.prod", "api.dockerfile", "Containerfile",
    "compose.yaml", "docker-compose.prod.yml", ".github/workflows/ci.yml", "Procfile", "Makefile", "deploy/run.mk",
    "scripts/start.sh", ".vscode/launch.json", "deploy/app.service", "supervisord.conf", "pyproject.toml",
    "railway.toml", "render.yaml",
)  # fmt: skip
NOT_WALKED = ("notes.txt", "README.md", "package.json", "k8s/deploy.yaml", "poetry.lock", "composer.yaml")


def test_the_hook_is_given_the_files_check_reads(tmp_path):
    """pre-commit passes the hook only the staged files its `files` pattern selects: those `check .` reads by name,
    command files included (a commit that breaks a Dockerfile's CMD fails the hook as `check .` fails)."""
    from ruamel.yaml import YAML

    from uvicorn_lsp.engine.config import Settings
    from uvicorn_lsp.engine.discovery import Discovery

    [hook] = YAML(typ="safe").load((REPOSITORY / ".pre-commit-hooks.yaml").read_text())
    selected = re.compile(hook["files"])
    for relative in (*WALKED, *NOT_WALKED):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("uvicorn main:app\n")
    walked = {os.path.relpath(source.path, tmp_path) for source in Discovery(Settings()).find([tmp_path])}
    assert walked == set(WALKED)
    assert [relative for relative in (*WALKED, *NOT_WALKED) if selected.search(relative)] == list(WALKED)


@pytest.mark.slow
def test_hook_fails_on_a_dockerfile_whose_cmd_does_not_load(tmp_path):
    """The hook is given the Dockerfile too: its CMD names a module the image does not hold (`check .` says so)."""
    hook_repository, scratch = _hook_and_scratch_repositories(tmp_path)
    (scratch / "main.py").write_text(APP_FIXED)
    (scratch / "Dockerfile").write_text(
        'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "mian:app", "--host", "0.0.0.0"]\n'
    )
    git(scratch, "add", ".")
    failing = try_repo(scratch, hook_repository, tmp_path / "pre-commit-home")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert 'Dockerfile:4:17: UVI002 "mian:app" will not load' in failing.stdout
