"""--jobs: the same answers from worker processes; the progress bar."""

from __future__ import annotations

import io
import random
import subprocess
import sys

import pytest

from uvicorn_lsp.cli import runner

from .conftest import APP_WITH_RELOAD, run_cli, write


def make_project(root, count: int) -> None:
    for index in range(count):
        write(
            root,
            f"svc{index:02d}/main.py",
            APP_WITH_RELOAD if index % 3 else APP_WITH_RELOAD.replace("reload=True", "workers=4"),
        )
        write(root, f"svc{index:02d}/other.py", "def f():\n    return 1\n")


def test_jobs_give_the_same_output_as_one_process(tmp_path):
    make_project(tmp_path, runner.MIN_FILES_FOR_POOL + 4)
    one = run_cli(tmp_path, "--jobs", "1", "--format", "json", ".")
    two = run_cli(tmp_path, "--jobs", "2", "--format", "json", ".")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and one.stdout.count(b'"code": "UVI001"') == runner.MIN_FILES_FOR_POOL + 4
    assert one.stderr == two.stderr == b""


def test_fix_with_jobs_fixes_every_file(tmp_path):
    make_project(tmp_path, runner.MIN_FILES_FOR_POOL + 2)
    completed = run_cli(tmp_path, "--jobs", "2", "--fix", "--select", "UVI001", ".")
    assert completed.returncode == 0, completed.stdout
    assert completed.stdout.decode().startswith(
        f"Found {runner.MIN_FILES_FOR_POOL + 2} problems ({runner.MIN_FILES_FOR_POOL + 2} fixed"
    )
    assert all('"main:app"' in path.read_text() for path in tmp_path.glob("svc*/main.py"))


def test_only_files_with_a_trigger_word_are_analysed(tmp_path):
    """A Python file by the words that select rules in Python: a router naming fastapi only is not analysed,
    while a command file's `fastapi run` is."""
    write(tmp_path, "a.py", "import uvicorn\n")
    write(tmp_path, "b.py", "import os\n")
    write(tmp_path, "c.py", "# -*- coding: latin-1 -*-\n# caf\xe9 served by uvicorn\n", encoding="latin-1")
    write(tmp_path, "routes.py", "from fastapi import APIRouter\n\nrouter = APIRouter()\n")
    write(tmp_path, "Procfile", "web: fastapi run main.py\n")
    from uvicorn_lsp.cli.cache import Cache, RuleSet
    from uvicorn_lsp.cli.file_check import Mode
    from uvicorn_lsp.engine.config import Settings
    from uvicorn_lsp.engine.discovery import Discovery

    problems = []
    rules = RuleSet.from_registry()
    jobs = list(runner.scan(Discovery(Settings()).find([tmp_path]), problems, rules, Cache(None), None, [], Mode()))
    assert [job.source.path for job in jobs] == [str(tmp_path / name) for name in ("Procfile", "a.py", "c.py")]
    assert problems == []


@pytest.mark.parametrize("size", [0, 1, 100_000, 200_000])
def test_read_bytes_reads_the_whole_file_whatever_size_the_stat_said(tmp_path, size):
    """The size a stat gave only sizes the first read: a file that grew or shrank since is read whole."""
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "f.py"
    path.write_bytes(data)
    for stat_size in (None, 0, size // 2, size, size + 10):
        assert runner.read_bytes(str(path), stat_size) == data


@pytest.mark.parametrize(
    "triggers",
    [
        (b"fastapi", b"gunicorn", b"on_event", b"uvicorn"),
        (b"uvicorn", b"uvicorn.run", b"run"),
        (b"abcdefg", b"xbcdefy"),
    ],
)
def test_prefilter_says_what_a_search_for_every_trigger_word_says(triggers):
    """The shared pieces only spare searches: seeded random texts spliced from pieces of the words."""
    prefilter = runner.Prefilter(triggers)
    assert all(any(piece in trigger for piece in prefilter.pieces) for trigger in triggers)
    rng = random.Random(5)
    fragments = [trigger[start:end] for trigger in triggers for start in range(3) for end in (-2, -1, None)]
    fragments += [b" ", b"\n", b"icorn", b"x"]
    mentioning = 0
    for _ in range(3000):
        data = b"".join(rng.choice(fragments) for _ in range(rng.randint(0, 8)))
        expected = any(trigger in data for trigger in triggers)
        assert prefilter.mentions_trigger(data) is expected, data
        mentioning += expected
    assert 300 < mentioning < 2700  # both answers were tested often


def test_the_trigger_words_uvicorn_and_gunicorn_are_searched_for_once():
    from uvicorn_lsp.cli.cache import RuleSet

    pieces = runner.Prefilter(RuleSet.from_registry().triggers).pieces
    assert b"icorn" in pieces and b"uvicorn" not in pieces and b"gunicorn" not in pieces


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    make_project(tmp_path, runner.MIN_FILES_FOR_POOL)
    completed = run_cli(tmp_path, "--format", "json", ".")
    assert completed.stderr == b""


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_once_the_run_is_long():
    terminal = FakeTerminal()
    progress = runner.Progress(terminal, delay=0, width=4)
    progress.total = 4
    progress.advance(1)
    progress.advance(3)
    progress.close()
    assert terminal.getvalue() == "\r[#...] 1/4 files\r[####] 4/4 files\r\x1b[K"


def test_no_progress_bar_for_short_runs():
    terminal = FakeTerminal()
    progress = runner.Progress(terminal, delay=60)
    progress.total = 4
    progress.advance(4)
    progress.close()
    assert terminal.getvalue() == ""


def test_no_progress_bar_off_a_terminal():
    stream = io.StringIO()
    progress = runner.Progress(stream, delay=0)
    progress.total = 4
    progress.advance(4)
    progress.close()
    assert stream.getvalue() == ""


POOL_PROBE = """
import concurrent.futures
import sys
from uvicorn_lsp.cli import main

started = []
real_pool = concurrent.futures.ProcessPoolExecutor
def counting_pool(*args, **kwargs):
    started.append(args[0])
    return real_pool(*args, **kwargs)
concurrent.futures.ProcessPoolExecutor = counting_pool  # the runner imports it when it starts a pool
main(["check", "--quiet", *sys.argv[1:]])
print("pools:", started, file=sys.stderr)
"""


def test_pool_starts_only_for_enough_files(tmp_path):
    make_project(tmp_path / "big", runner.MIN_FILES_FOR_POOL)
    make_project(tmp_path / "small", runner.MIN_FILES_FOR_POOL - 1)

    def pools(*args: str) -> str:
        completed = subprocess.run(
            [sys.executable, "-c", POOL_PROBE, *args], cwd=tmp_path, capture_output=True, text=True, check=True
        )
        return completed.stderr.strip().splitlines()[-1]

    assert pools("--jobs", "2", "big") == "pools: [2]"
    assert pools("--jobs", "2", "small") == "pools: []"
    assert pools("--jobs", "1", "big") == "pools: []"
