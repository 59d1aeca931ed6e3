"""`uvicorn-lsp check` on command files: the walk finds them by name (hidden .github and .vscode
folders included), sniffs `*.conf` and extensionless scripts, and `--stdin-filename` picks the source."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from uvicorn_lsp.cli import fixing
from uvicorn_lsp.engine import source
from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.discovery import Discovery
from uvicorn_lsp.rules import RULES_BY_CODE

from .conftest import run_cli
from .test_fix import VARIANTS

RELOAD = "uvicorn main:app --reload"


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_walk_finds_and_sniffs_command_files(tmp_path):
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path, "Dockerfile", f"FROM python:3.12\nCOPY . .\nCMD {RELOAD} --host 0.0.0.0\n")
    write(tmp_path, "deploy/compose.prod.yaml", f"services:\n  web:\n    image: x\n    command: {RELOAD}\n")
    write(tmp_path, "Procfile", f"web: {RELOAD} --host 0.0.0.0\n")
    write(tmp_path, "deploy/api.service", f"[Service]\nExecStart={RELOAD}\n")
    write(tmp_path, "deploy/programs.conf", f"[program:api]\ncommand={RELOAD}\n")
    write(tmp_path, "deploy/nginx.conf", f"# {RELOAD}\nserver {{ listen 80; }}\n")
    write(tmp_path, "bin/serve", f"#!/usr/bin/env bash\nexec {RELOAD}\n")
    write(tmp_path, ".github/workflows/ci.yml", f"on: push\njobs:\n  a:\n    steps:\n      - run: {RELOAD}\n")
    write(tmp_path, ".vscode/launch.json", '{"configurations": [{"module": "uvicorn", "args": ["main:app"]}]}')
    write(tmp_path, ".git/Procfile", f"web: {RELOAD} --host 0.0.0.0\n")
    write(tmp_path, ".venv/Procfile", f"web: {RELOAD} --host 0.0.0.0\n")
    result = run_cli(tmp_path, "--format", "json", "--select", "UVI014", ".")
    found = sorted(
        (Path(item["filename"]).relative_to(tmp_path).as_posix(), item["code"]) for item in json.loads(result.stdout)
    )
    assert found == [
        ("Dockerfile", "UVI014"),
        ("Procfile", "UVI014"),
        ("deploy/api.service", "UVI014"),
        ("deploy/compose.prod.yaml", "UVI014"),
        ("deploy/programs.conf", "UVI014"),
    ], result.stderr
    assert result.returncode == 1
    walked = {Path(source.path).relative_to(tmp_path).as_posix() for source in Discovery(Settings()).find([tmp_path])}
    assert walked == {
        "Dockerfile",
        "Procfile",
        "pyproject.toml",
        "bin/serve",
        "deploy/api.service",
        "deploy/compose.prod.yaml",
        "deploy/programs.conf",
        ".github/workflows/ci.yml",
        ".vscode/launch.json",
    }


def test_stdin_filename_picks_the_source(tmp_path):
    text = f"FROM python:3.12\nCOPY . .\nCMD {RELOAD} --host 0.0.0.0\n".encode()
    as_dockerfile = run_cli(tmp_path, "--stdin-filename", "Dockerfile", "-", stdin=text)
    assert b"Dockerfile:3:22: UVI014" in as_dockerfile.stdout, as_dockerfile.stdout
    as_yaml = run_cli(tmp_path, "--stdin-filename", "notes.yaml", "-", stdin=text)
    assert as_yaml.returncode == 0 and b"UVI" not in as_yaml.stdout


@pytest.mark.parametrize("code", ["UVI014", "UVI015"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_fix_round_trip_on_a_dockerfile(cli, tmp_path, code, variant):
    """The documented Dockerfile in every on-disk variant: --diff predicts what --fix writes,
    only the edit changes, and the finding is gone."""
    rule = RULES_BY_CODE[code]
    original = VARIANTS[variant](textwrap.dedent(rule.doc.example).strip("\n") + "\n")
    path = tmp_path / "Dockerfile"
    path.write_bytes(original)
    diff = cli("--diff", "--select", code, "Dockerfile")
    assert diff.code == 1, diff.err
    assert path.read_bytes() == original
    fixed = cli("--fix", "--select", code, "Dockerfile")
    assert fixed.code == 0, fixed.out + fixed.err
    after = path.read_bytes()
    assert after != original
    assert diff.out == fixing.unified_diff("Dockerfile", source.decode_source(original), source.decode_source(after))
    assert cli("--select", code, "Dockerfile").code == 0
    before_lines, after_lines = source.decode_source(original).splitlines(), source.decode_source(after).splitlines()
    assert [line for line in before_lines if line not in after_lines] == [before_lines[-1]]


def test_a_compose_file_that_names_no_server_is_checked_through_its_image(tmp_path):
    """The pre-filter keeps compose files that build an image whose ENTRYPOINT or CMD starts uvicorn."""
    write(tmp_path, "app/main.py", "app = object()\n")
    write(tmp_path, "Dockerfile", 'FROM python:3.12\nWORKDIR /code\nCOPY ./app /code/app\nENTRYPOINT ["uvicorn"]\n')
    write(tmp_path, "compose.yaml", 'services:\n  web:\n    build: .\n    command: ["main:app"]\n')
    # A service with no command runs the image's start with its mounts: /code/app hidden under the mount.
    write(
        tmp_path,
        "deploy/Dockerfile",
        'FROM python:3.12\nWORKDIR /code\nCOPY . /code\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
    )
    write(
        tmp_path,
        "deploy/compose.yaml",
        "services:\n  web:\n    build: {context: .., dockerfile: deploy/Dockerfile}\n    volumes: ['../app:/code']\n",
    )
    write(tmp_path, ".dockerignore", "deploy\n")
    for cache in ((), ("--no-cache",)):
        result = run_cli(tmp_path, "--format", "json", *cache)
        assert [(item["filename"], item["code"]) for item in json.loads(result.stdout)] == [
            (str(tmp_path / "compose.yaml"), "UVI002"),
            (str(tmp_path / "deploy" / "compose.yaml"), "UVI002"),
        ], result.stderr
        assert result.returncode == 1


def test_a_crash_outside_the_rules_exits_2_with_a_report_line(tmp_path):
    """An exception in the command line's own machinery (here the file scan) is a failed run, not exit 1."""
    write(tmp_path, "main.py", "import uvicorn\nuvicorn.run('main:app')\n")
    crashing = (
        "import sys; from uvicorn_lsp.cli import entry, runner\n"
        "def scan(*args, **kwargs):\n    raise RuntimeError('scan broke')\n"
        "runner.scan = scan; sys.argv = ['uvicorn-lsp', 'check', '.']; entry()\n"
    )
    result = subprocess.run([sys.executable, "-c", crashing], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 2, result
    assert "RuntimeError: scan broke" in result.stderr and "please report" in result.stderr
    assert "All checks passed" not in result.stdout


def test_a_nul_in_a_commands_file_name_is_no_dependency(tmp_path):
    """`--env-file "a\\u0000b"` named a dependency the cache then stat()ed: ValueError, exit 2."""
    write(tmp_path, "main.py", "app = 1\n")
    command = '["uv", "run", "--env-file", "a\\u0000b", "uvicorn", "main:app", "--host", "0.0.0.0"]'
    write(tmp_path, "Dockerfile", f"FROM python:3.12\nWORKDIR /code\nCOPY . .\nCMD {command}\n")
    for cache in ((), ("--no-cache",)):
        result = run_cli(tmp_path, *cache)
        assert result.returncode == 0, result.stderr
