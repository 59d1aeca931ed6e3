"""`uvicorn-lsp check` on a generated tree of 10,000 Python files, next to the
floor (`grep -rl uvicorn`) and a Rust linter (`ruff check --select S104 --no-cache`).

    python bench/bench_tree.py [--files 10000] [--share 0.02] [--runs 5] [--keep DIR]

2 % of the files start an app with uvicorn.run (some wrong, some right); the
rest are ordinary modules of realistic sizes (20 to 800 lines, most near 120).
The tree has a `.gitignore` like GitHub's Python template (~80 patterns), so the
walk pays for git's ignore rules as it does in a real repository.

uvicorn-lsp is timed twice: a first run (its cache folder removed before each
run) and an unchanged re-run (the cache filled). Every command runs once to warm
the page cache, then `--runs` times, the commands taking turns so that load from
other processes on a shared machine hits them alike; the median wall time (and
CPU time) is reported. The walk alone (finding the files, honouring .gitignore)
is also timed in-process.

uvicorn-lsp runs with its bytecode cached, as installed (pip compiles it at install):
PYTHONDONTWRITEBYTECODE is dropped for it and the bytecode goes to a folder of the
bench (PYTHONPYCACHEPREFIX), written by the warm-up run, as are the code its classes
generate and parso's parser tables, which it keeps between runs (XDG_CACHE_HOME). `--no-bytecode` keeps the
environment as it is (then every run compiles the package's modules again).

Goals (issue 11): first run <= 1.5x ruff; unchanged re-run <= 1.0x ruff and <= 3x grep.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# What a Python project's .gitignore typically holds (GitHub's template, abridged), plus
# two patterns that hit files of the tree.
GITIGNORE = """\
__pycache__/
*.py[cod]
*$py.class
*.so
.Python
build/
develop-eggs/
dist/
downloads/
eggs/
.eggs/
lib/
lib64/
parts/
sdist/
var/
wheels/
share/python-wheels/
*.egg-info/
.installed.cfg
*.egg
MANIFEST
*.manifest
*.spec
pip-log.txt
pip-delete-this-directory.txt
htmlcov/
.tox/
.nox/
.coverage
.coverage.*
.cache
nosetests.xml
coverage.xml
*.cover
*.py,cover
.hypothesis/
.pytest_cache/
cover/
*.mo
*.pot
*.log
local_settings.py
db.sqlite3
db.sqlite3-journal
instance/
.webassets-cache
.scrapy
docs/_build/
.pybuilder/
target/
.ipynb_checkpoints
profile_default/
ipython_config.py
.python-version
celerybeat-schedule
celerybeat.pid
*.sage.py
.env
.venv
env/
venv/
ENV/
env.bak/
venv.bak/
.spyderproject
.spyproject
.ropeproject
/site
.mypy_cache/
.dmypy.json
dmypy.json
.pyre/
.pytype/
cython_debug/
pkg099/module09999.py
!pkg099/keep_*.py
"""

IMPORTS = [
    "os",
    "sys",
    "json",
    "logging",
    "typing",
    "dataclasses",
    "pathlib",
    "re",
    "itertools",
    "functools",
    "collections",
]

APP_MODULE = '''"""Service entry point {index}."""

import os

import uvicorn
from fastapi import FastAPI

app = FastAPI(title="service-{index}")


@app.get("/health")
def health() -> dict:
    return {{"status": "ok", "service": {index}}}


@app.get("/items/{{item_id}}")
def read_item(item_id: int, q: str | None = None) -> dict:
    return {{"item_id": item_id, "q": q}}


if __name__ == "__main__":
    {call}
'''

# What people write in the entry point: wrong (object with reload or workers),
# run-time dependent, and right.
CALLS = [
    'uvicorn.run(app, host="0.0.0.0", port=8000, reload=True)',
    "uvicorn.run(app, workers=4)",
    'uvicorn.run(app, reload=os.environ.get("RELOAD") == "1")',
    'uvicorn.run("main:app", host="127.0.0.1", port=8000, reload=True)',
    'uvicorn.run(app, host="127.0.0.1", port=8000)',
]


def ordinary_module(rng: random.Random, index: int) -> str:
    lines = [f'"""Module {index}: helpers for the domain model."""', ""]
    lines += [f"import {name}" for name in sorted(rng.sample(IMPORTS, rng.randint(2, 6)))]
    lines += ["", f"LIMIT_{index} = {rng.randint(1, 1000)}", ""]
    target_lines = min(800, max(20, int(rng.lognormvariate(4.8, 0.6))))
    block = 0
    while len(lines) < target_lines:
        block += 1
        if rng.random() < 0.4:
            lines += [
                "",
                f"class Record{block}:",
                f'    """A record of kind {block}."""',
                "",
                "    def __init__(self, name: str, value: int = 0) -> None:",
                "        self.name = name",
                "        self.value = value",
                "",
                "    def describe(self) -> str:",
                f'        return f"{{self.name}}={{self.value}} (kind {block})"',
                "",
            ]
        else:
            lines += [
                "",
                f"def compute_{block}(values: list[int], factor: int = {rng.randint(2, 9)}) -> int:",
                f'    """Fold the values of batch {block}."""',
                "    total = 0",
                "    for value in values:",
                "        if value % factor == 0:",
                "            total += value * factor",
                "        else:",
                "            total -= value",
                f"    return total + LIMIT_{index}",
                "",
            ]
    return "\n".join(lines) + "\n"


def generate(root: Path, files: int, share: float, seed: int = 6) -> int:
    """Write the tree; returns how many files call uvicorn.run."""
    rng = random.Random(seed)
    with_uvicorn = set(rng.sample(range(files), int(files * share)))
    root.mkdir(parents=True)
    (root / ".gitignore").write_text(GITIGNORE)
    per_package = 100
    for index in range(files):
        package = root / f"pkg{index // per_package:03d}"
        if index % per_package == 0:
            package.mkdir(parents=True)
            (package / "__init__.py").write_text("")
        if index in with_uvicorn:
            text = APP_MODULE.format(index=index, call=CALLS[index % len(CALLS)])
        else:
            text = ordinary_module(rng, index)
        (package / f"module{index:05d}.py").write_text(text)
    return len(with_uvicorn)


@dataclass
class Timing:
    wall: float  # median seconds
    cpu: float  # median user + system seconds of the command and its children


@dataclass
class Command:
    argv: list[str]
    prepare: Callable[[], None] = lambda: None  # run before each timed run, untimed


def installed_env(bytecode: Path) -> dict[str, str]:
    """The environment with uvicorn-lsp's bytecode cached (in `bytecode`, written by the warm-up run), as pip
    installs it, and its classes' generated code and parser tables as the run before left them."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    env["XDG_CACHE_HOME"] = str(bytecode)
    return env


def measure(commands: dict[str, Command], runs: int, cwd: Path, env: dict[str, str]) -> dict[str, Timing]:
    """Median of `runs` per command after one warm-up run each (which fills the page cache),
    the commands taking turns. CPU time is reported too: on a shared machine it moves less."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for round_number in range(runs + 1):
        for name, command in commands.items():
            command.prepare()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            finished = subprocess.run(
                command.argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
            )
            wall = time.perf_counter() - start
            # 0 or 1 (findings or matches, or none); anything else means the command did not run its job,
            # and its time would be a figure of nothing.
            if finished.returncode not in (0, 1):
                raise SystemExit(f"{name} exited with {finished.returncode}: {finished.stderr.decode()[-2000:]}")
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if round_number:  # the first round only warms up
                walls[name].append(wall)
                cpus[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {name: Timing(statistics.median(walls[name]), statistics.median(cpus[name])) for name in commands}


def measure_walk(tree: Path, runs: int) -> float:
    """Median seconds of finding the tree's files (scandir, excludes, .gitignore), in-process."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))
    from uvicorn_lsp.engine.config import Settings
    from uvicorn_lsp.engine.discovery import Discovery

    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        for _ in Discovery(Settings()).find([tree]):  # the walk goes on as its files are taken
            pass
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--share", type=float, default=0.02, help="share of files that call uvicorn.run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate into this (new) folder and keep it")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="leave PYTHONDONTWRITEBYTECODE as set (compile on every run)"
    )
    arguments = parser.parse_args()

    root = arguments.keep or Path(tempfile.mkdtemp(prefix="uvicorn-lsp-bench-"))
    try:
        calls = generate(root / "tree", arguments.files, arguments.share)
        size = sum(path.stat().st_size for path in (root / "tree").rglob("*.py"))
        print(f"tree: {arguments.files:,} files, {calls} with uvicorn.run, {size / 1e6:.1f} MB, a .gitignore")
        cache = root / "cache"
        ours = [sys.executable, "-m", "uvicorn_lsp", "check", "--quiet", "--cache-dir", str(cache), "tree"]
        commands = {
            "grep -rl uvicorn": Command(["grep", "-rl", "uvicorn", "tree"]),
            "ruff check --select S104": Command(
                [shutil.which("ruff") or "ruff", "check", "--select", "S104", "--no-cache", "--quiet", "tree"]
            ),
            "uvicorn-lsp first run": Command(ours, lambda: shutil.rmtree(cache, ignore_errors=True)),
            "uvicorn-lsp re-run": Command(ours),
        }
        env = dict(os.environ) if arguments.no_bytecode else installed_env(root / "bytecode")
        times = measure(commands, arguments.runs, root, env)
        walk = measure_walk(root / "tree", arguments.runs)
    finally:
        if arguments.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    floor = times["grep -rl uvicorn"]
    ruff = times["ruff check --select S104"]
    first, again = times["uvicorn-lsp first run"], times["uvicorn-lsp re-run"]
    # The machine is shared: the load says how far the figures are from an idle machine's.
    print("uvicorn-lsp's bytecode:", "as the environment says" if arguments.no_bytecode else "cached, as installed")
    print(f"load average (1, 5, 15 min) at the end: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    print(f"{'':<26} {'wall':>8}  {'cpu':>8}  wall vs grep")
    for name, timing in times.items():
        print(f"{name:<26} {timing.wall * 1000:6.0f} ms {timing.cpu * 1000:6.0f} ms  {timing.wall / floor.wall:5.1f}x")
    print(f"walk alone (in-process)    {walk * 1000:6.0f} ms")
    # The goals are on wall time; the CPU ratios say how much of a miss the machine's load may explain.
    print(f"first run / ruff = {first.wall / ruff.wall:.2f} (goal <= 1.5; cpu {first.cpu / ruff.cpu:.2f})")
    print(f"re-run / ruff    = {again.wall / ruff.wall:.2f} (goal <= 1.0; cpu {again.cpu / ruff.cpu:.2f})")
    print(f"re-run / grep    = {again.wall / floor.wall:.2f} (goal <= 3; cpu {again.cpu / floor.cpu:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
