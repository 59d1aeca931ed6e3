"""The persistent cache of `check`: an unchanged file is not analysed again, and any change
to what its result depends on (its content, a module it names or looked for, the settings,
the environment) analyses it again. A damaged cache is ignored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from uvicorn_lsp.cli import cache as cache_module
from uvicorn_lsp.cli import runner

from .conftest import APP_FIXED, APP_WITH_RELOAD, record_analysed, run_cli, settle, write

CACHE_FILE = Path(cache_module.FOLDER_NAME) / "cache-v1.bin"


@pytest.fixture
def analysed(monkeypatch) -> list[str]:
    """The main.py files the engine analyses (cache misses), in order; other files (pyproject.toml, api.py...) may interest some rule too."""
    return record_analysed(monkeypatch, "main.py")


def test_an_unchanged_file_is_not_analysed_again(cli, tmp_path, analysed):
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    write(tmp_path, "other.py", "x = 1\n")
    settle()
    first = cli("--jobs", "1", ".")
    assert analysed == ["main.py"] and (tmp_path / CACHE_FILE).is_file()
    second = cli("--jobs", "1", ".")
    assert analysed == ["main.py"], "served from the cache"
    assert (second.code, second.out, second.err) == (first.code, first.out, first.err)
    assert cli("--jobs", "1", "--format", "json", ".").out.count('"UVI001"') == 1
    assert "UVI001" in cli("--jobs", "1", "--format", "sarif", ".").out


def test_content_change_analyses_again(cli, tmp_path, analysed):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    settle()
    assert cli("--jobs", "1", ".").code == 1
    write(tmp_path, "main.py", APP_FIXED)
    assert cli("--jobs", "1", ".").code == 0
    assert analysed == ["main.py", "main.py"]


def test_a_module_appearing_invalidates_will_not_load(cli, tmp_path, analysed):
    """The result depends on where `mian` was looked for and not found."""
    write(tmp_path, "main.py", APP_FIXED.replace('"main:app"', '"mian:app"'))
    settle()
    before = cli("--jobs", "1", "--select", "UVI002", ".")
    assert before.code == 1 and '"mian:app" will not load' in before.out
    write(tmp_path, "mian.py", "from main import app\n")
    after = cli("--jobs", "1", "--select", "UVI002", ".")
    assert (after.code, after.out) == (0, "All checks passed!\n")
    assert analysed == ["main.py", "main.py"]


def test_a_requirements_file_appearing_invalidates_version_verdicts(cli, tmp_path, analysed):
    """The result depends on the project's declared uvicorn: a requirements file created since (under any
    name) changes the uvicorn that runs. `debug=` is refused by today's uvicorn and taken by 0.18.3."""
    (tmp_path / ".git").mkdir()
    write(
        tmp_path, "main.py", 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", debug=True)\n'
    )
    settle()
    before = cli("--jobs", "1", "--select", "UVI004", ".")
    assert before.code == 1 and "no `debug` parameter" in before.out
    write(tmp_path, "requirements-prod.txt", "uvicorn==0.18.3\n")
    assert cli("--jobs", "1", "--select", "UVI004", ".").code == 0
    assert analysed == ["main.py", "main.py"]


def test_a_module_changing_invalidates(cli, tmp_path, analysed):
    write(tmp_path, "main.py", APP_FIXED.replace('"main:app"', '"api:application"'))
    write(tmp_path, "api.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    settle()
    assert cli("--jobs", "1", "--select", "UVI002", ".").code == 1
    assert cli("--jobs", "1", "--select", "UVI002", ".").code == 1
    write(tmp_path, "api.py", "from fastapi import FastAPI\n\napplication = FastAPI()\n")
    assert cli("--jobs", "1", "--select", "UVI002", ".").code == 0
    assert analysed == ["main.py", "main.py"]


def test_a_file_created_in_a_project_folder_invalidates(cli, tmp_path, analysed):
    """Rules look through the project's folders (a requirements file two levels down declaring uvloop, a
    .gitignore, a package moved): a file created in one, three levels down at most, re-checks (audit)."""
    (tmp_path / ".git").mkdir()
    write(
        tmp_path,
        "main.py",
        'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", loop="uvloop")\n',
    )
    (tmp_path / "deploy" / "api").mkdir(parents=True)
    settle()
    assert cli("--jobs", "1", "--select", "UVI018", ".").code == 1
    write(tmp_path, "deploy/api/requirements.txt", "uvloop\n")
    assert cli("--jobs", "1", "--select", "UVI018", ".").code == 0
    assert analysed == ["main.py", "main.py"]


def test_an_app_renamed_in_place_and_back_is_judged_again(cli, tmp_path, analysed):
    """The module a name is imported from is a dependency even while it does not bind the name: an editor's
    in-place save of `app` renamed, then renamed back, brings UVI001 back (audit: Spotify-to-mp3)."""
    write(tmp_path, "web/__init__.py", "")
    main = write(tmp_path, "web/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    write(
        tmp_path,
        "run.py",
        'import uvicorn\nfrom web.main import app\n\nif __name__ == "__main__":\n    uvicorn.run(app, workers=2)\n',
    )
    settle()
    assert cli("--jobs", "1", "--select", "UVI001", ".").code == 1
    for text in (
        "from fastapi import FastAPI\n\napplication = FastAPI()\n",
        "from fastapi import FastAPI\n\napp = FastAPI()\n",
    ):
        with open(main, "r+") as file:  # the same file, rewritten: its folder does not change
            file.truncate(0)
            file.write(text)
        settle()
        cli("--jobs", "1", "--select", "UVI001", ".")
    assert cli("--jobs", "1", "--select", "UVI001", ".").code == 1


def test_settings_change_analyses_again(cli, tmp_path, analysed):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    write(tmp_path, "pyproject.toml", "[tool.uvicorn-lsp]\n")
    settle()
    assert cli("--jobs", "1", ".").code == 1
    assert cli("--jobs", "1", "--ignore", "UVI001", ".").code == 0
    write(tmp_path, "pyproject.toml", '[tool.uvicorn-lsp]\nignore = ["UVI001"]\n')
    assert cli("--jobs", "1", ".").code == 0
    assert analysed == ["main.py", "main.py", "main.py"]


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_a_damaged_cache_is_ignored(cli, tmp_path, analysed, damage):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    settle()
    first = cli("--jobs", "1", ".")
    stored = (tmp_path / CACHE_FILE).read_bytes()
    # None: one byte flipped in the middle, which only the checksum can tell.
    middle = len(stored) // 2
    damaged = stored[:middle] + bytes([stored[middle] ^ 0xFF]) + stored[middle + 1 :] if damage is None else damage
    (tmp_path / CACHE_FILE).write_bytes(damaged)
    again = cli("--jobs", "1", ".")
    assert (again.code, again.out, again.err) == (first.code, first.out, first.err)
    assert analysed == ["main.py", "main.py"]


@pytest.mark.parametrize("nanoseconds", [2**63 + 5 * 10**17, -(10**18)])
def test_files_dated_past_2262_or_before_1970_are_cached_and_checked(cli, tmp_path, analysed, nanoseconds):
    """Their times in nanoseconds do not fit a signed 64-bit integer, or are negative."""
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    write(tmp_path, "other.py", "x = 1\n")
    settle()
    first = cli("--jobs", "1", ".")
    for name in ("main.py", "other.py"):
        os.utime(tmp_path / name, ns=(nanoseconds, nanoseconds))
    again = cli("--jobs", "1", ".")
    assert (again.code, again.out, again.err) == (first.code, first.out, first.err)
    assert cli("--jobs", "1", ".").out == first.out


def test_an_unwritable_cache_folder_is_not_fatal(cli, tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    write(tmp_path, "blocked", "a file where the cache folder would go\n")
    run = cli("--cache-dir", "blocked/cache", ".")
    assert run.code == 1 and run.err == ""


def test_no_cache_reads_and_writes_nothing(cli, tmp_path, analysed):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    settle()
    cli("--no-cache", ".")
    assert not (tmp_path / cache_module.FOLDER_NAME).exists()
    cli(".")
    cli("--no-cache", ".")
    assert analysed == ["main.py", "main.py", "main.py"]


def test_cache_dir_flag_and_setting(cli, tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    cli("--cache-dir", "elsewhere", ".")
    assert (tmp_path / "elsewhere" / "cache-v1.bin").is_file()
    write(tmp_path, "pyproject.toml", '[tool.uvicorn-lsp]\ncache-dir = "build/lint-cache"\n')
    cli(".")
    assert (tmp_path / "build" / "lint-cache" / "cache-v1.bin").is_file()
    assert not (tmp_path / cache_module.FOLDER_NAME).exists()
    assert (tmp_path / "build" / "lint-cache" / ".gitignore").read_text().endswith("*\n")


def test_fix_applies_fixes_the_cache_knows_about(cli, tmp_path, analysed):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    settle()
    assert cli(".").code == 1
    fixed = cli("--fix", ".")
    assert fixed.code == 0 and "1 fixed" in fixed.out
    assert (tmp_path / "main.py").read_text() == APP_FIXED
    assert cli(".").code == 0
    assert analysed == ["main.py", "main.py", "main.py"]


def test_results_from_worker_processes_are_cached(tmp_path):
    """--jobs 2 over enough files for a pool: the parent stores, the next run reads, same output."""
    for index in range(runner.MIN_FILES_FOR_POOL + 2):
        write(tmp_path, f"svc{index}/main.py", APP_WITH_RELOAD)
    settle()
    first = run_cli(tmp_path, "--jobs", "2", "--format", "json", ".")
    second = run_cli(tmp_path, "--jobs", "2", "--format", "json", ".")
    assert first.returncode == second.returncode == 1
    assert json.loads(first.stdout) == json.loads(second.stdout)
    assert len(json.loads(second.stdout)) == runner.MIN_FILES_FOR_POOL + 2


def test_the_analysed_environment_is_part_of_the_key(tmp_path):
    """A package installed into the analysed environment changes what loads: analysed again."""
    site = tmp_path / "site"
    site.mkdir()
    cache = cache_module.Cache(tmp_path / "cache")
    before = cache.environment_key("/usr/bin/python3", "test", lambda: [site])
    assert cache.environment_key("/usr/bin/python3", "test", lambda: [site]) == before
    time.sleep(0.01)
    (site / "newpkg").mkdir()
    assert cache_module.Cache(tmp_path / "cache").environment_key("/usr/bin/python3", "test", lambda: [site]) != before


IMPORTS_PROBE = """
import sys
from uvicorn_lsp.cli import main
code = main(["check", *sys.argv[1:]])
heavy = (
    "parso",
    "jedi",
    "pathspec",
    "multiprocessing",
    "difflib",
    "uvicorn_lsp.rules",
    "uvicorn_lsp.engine.module_index",
    "uvicorn_lsp.engine.notebooks",
    "uvicorn_lsp.engine.source",
    "uvicorn_lsp.cli.fixing",
)
print("imported:", [name for name in heavy if name in sys.modules], file=sys.stderr)
sys.exit(code)
"""


def test_an_unchanged_rerun_imports_neither_engine_nor_pathspec_and_a_changed_gitignore_counts(tmp_path):
    """The rules, parso and pathspec (whose .gitignore translations the cache keeps, by text) are
    imported only when something changed, and the fixing and notebook code only when needed;
    a .gitignore edited since is translated again."""
    write(tmp_path, ".gitignore", "build/\n")
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    write(tmp_path, "build/lib/main.py", APP_WITH_RELOAD)
    settle()

    def probe() -> tuple[int, str, str]:
        completed = subprocess.run(
            [sys.executable, "-c", IMPORTS_PROBE, "--jobs", "1", "."],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return completed.returncode, completed.stdout, completed.stderr.strip().splitlines()[-1]

    code, out, imported = probe()
    assert code == 1 and out.count("UVI001") == 1 and "main.py" in out and "build" not in out
    assert "pathspec" in imported and "parso" in imported
    assert probe() == (code, out, "imported: []")
    write(tmp_path, ".gitignore", "build/\nmain.py\n")
    settle()
    code, out, imported = probe()
    assert (code, out.strip()) == (0, "All checks passed!") and "pathspec" in imported


def test_a_check_never_runs_an_interpreter_the_repository_holds(tmp_path):
    """A pull request can commit `.venv/bin/python` as a script: `check` (the CI job linting it) asks it nothing,
    runs without the packages it would name, and says so; the findings come all the same."""
    (tmp_path / ".git").mkdir()
    marker = tmp_path.parent / f"{tmp_path.name}-ran"
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\ntouch {marker}\n")
    python.chmod(0o755)
    (tmp_path / "main.py").write_text(
        'import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\nif __name__ == "__main__":\n'
        "    uvicorn.run(app, reload=True)\n"
    )
    for _ in range(2):  # the first run fills the cache, the second reads it
        result = run_cli(tmp_path, "main.py", "--format", "json")
        assert json.loads(result.stdout)[0]["code"] == "UVI001", result.stderr
        assert b"a program the project holds" in result.stderr and result.returncode == 1
    assert not marker.exists()
