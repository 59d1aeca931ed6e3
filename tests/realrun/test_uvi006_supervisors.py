"""UVI006 against real uvicorn: Config + Server driven through uvicorn's own supervisors, as
uvicorn.run does, really reloads and runs workers (UVI006 stays silent); Server.run() alone does
neither (UVI006 reports it); and inside a coroutine, the uvicorn.run the old advice named stops
the event loop's other tasks."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import free_port

pytestmark = pytest.mark.slow

PROGRAM = """
import os

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import ChangeReload, Multiprocess

app = FastAPI()


@app.get("/")
def index():
    return {{"version": {version}, "pid": os.getpid()}}


if __name__ == "__main__":
    config = uvicorn.Config("main:app", port={port}, {options})
    server = uvicorn.Server(config=config)
{start}
"""

# uvicorn.run's own body (uvicorn 0.54, uvicorn/main.py).
LIKE_UVICORN_RUN = """\
    if config.should_reload:
        sock = config.bind_socket()
        ChangeReload(config, target=server.run, sockets=[sock]).run()
    elif config.workers > 1:
        sock = config.bind_socket()
        Multiprocess(config, sockets=[sock]).run()
    else:
        server.run()"""

SERVER_ALONE = "    server.run()"

SERVER_PROCESS = re.compile(r"Started server process \[(\d+)\]")


@contextmanager
def started(cwd: Path) -> Iterator[Callable[[], str]]:
    """Run `python main.py` in its own session; yields a function returning its output so far.
    Stopped by its process group on exit, so reloader and worker children go with it."""
    log = cwd / "server.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "main.py"],
            cwd=cwd,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        yield log.read_text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(condition: Callable[[], object], output: Callable[[], str], timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s; output:\n{output()}")


def answer(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, OSError):
        return None


def write_program(project, port: int, options: str, start: str, version: int = 1) -> None:
    project.write("main.py", PROGRAM.format(port=port, options=options, start=start, version=version))


def test_multiprocess_like_uvicorn_run_starts_the_workers_and_uvi006_is_silent(project):
    port = free_port()
    write_program(project, port, "workers=2", LIKE_UVICORN_RUN)
    assert project.check("main.py", codes=("UVI006",)) == []
    with started(project.root) as output:
        wait_for(lambda: answer(port), output)
        workers = wait_for(
            lambda: len(set(SERVER_PROCESS.findall(output()))) >= 2 and SERVER_PROCESS.findall(output()), output
        )
    assert len(set(workers)) == 2 and "Started parent process" in output(), output()


def test_server_run_alone_serves_from_one_process_and_uvi006_reports_workers(project):
    port = free_port()
    write_program(project, port, "workers=2", SERVER_ALONE)
    [finding] = project.check("main.py", codes=("UVI006",))
    assert finding.message.startswith("workers=2 is ignored")
    with started(project.root) as output:
        served = wait_for(lambda: answer(port), output)
        time.sleep(2)  # time enough for a second worker, were one started
        assert set(SERVER_PROCESS.findall(output())) == {str(served["pid"])}, output()
        assert "Started parent process" not in output()


def test_reloader_like_uvicorn_run_reloads_on_a_change_and_uvi006_is_silent(project):
    port = free_port()
    write_program(project, port, "reload=True", LIKE_UVICORN_RUN)
    assert project.check("main.py", codes=("UVI006",)) == []
    with started(project.root) as output:
        first = wait_for(lambda: answer(port), output)
        assert first["version"] == 1
        write_program(project, port, "reload=True", LIKE_UVICORN_RUN, version=2)
        second = wait_for(lambda: (answer(port) or {}).get("version") == 2 and answer(port), output)
    assert second["pid"] != first["pid"] and "detected changes" in output(), output()


GATHERED = """
import asyncio
from pathlib import Path

import uvicorn
from fastapi import FastAPI

app = FastAPI()


async def tick():
    while True:
        with Path("ticks").open("a") as ticks:
            ticks.write("tick\\n")
        await asyncio.sleep(0.2)


async def main():
    ticking = asyncio.create_task(tick())
    await asyncio.sleep(0.5)
{start}


if __name__ == "__main__":
    asyncio.run(main())
"""

SERVE_IN_THE_LOOP = """\
    config = uvicorn.Config("main:app", port={port}, workers=2)
    server = uvicorn.Server(config)
    await asyncio.gather(server.serve(), ticking)"""

# What advice to use uvicorn.run would have the program do.
RUN_IN_THE_LOOP = """\
    uvicorn.run("main:app", port={port}, workers=2)"""


def ticks_go_on(ticks: Path) -> bool:
    before = len(ticks.read_text().splitlines())
    time.sleep(1.2)
    return len(ticks.read_text().splitlines()) > before


def test_uvicorn_run_inside_the_loop_stops_the_other_task(project):
    """Why UVI006 never advises uvicorn.run inside a coroutine: the other tasks stop."""
    port = free_port()
    ticks = project.root / "ticks"
    project.write("main.py", GATHERED.format(start=SERVE_IN_THE_LOOP.format(port=port)))
    [finding] = project.check("main.py", codes=("UVI006",))
    assert "uvicorn.run" not in finding.message and "outside the event loop" in finding.message
    with started(project.root) as output:
        wait_for(lambda: "Uvicorn running on" in output(), output)
        assert ticks_go_on(ticks), output()

    ticks.unlink()
    project.write("main.py", GATHERED.format(start=RUN_IN_THE_LOOP.format(port=port)))
    with started(project.root) as output:
        wait_for(lambda: "Uvicorn running on" in output(), output)
        assert not ticks_go_on(ticks), output()
