"""`uvicorn-lsp check` on a generated tree of 10,000 Python files, next to the
floor (`grep -rl uvicorn`) and a Rust linter (`ruff check --select S104`).

    python bench/bench_tree.py [--files 10000] [--share 0.02] [--runs 5] [--keep DIR]

2 % of the files start an app with uvicorn.run (some wrong, some right); the
rest are ordinary modules of realistic sizes (20 to 800 lines, most near 120).
Every command runs once to warm the page cache, then `--runs` times; the
median wall time (and CPU time, steadier on a shared machine) is reported.
ruff runs with --no-cache because uvicorn-lsp keeps no cache either.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

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


def measure(command: list[str], runs: int, cwd: Path) -> Timing:
    """Median of `runs` after one warm-up run (which fills the page cache).

    CPU time is reported too: on a shared machine it moves less than wall time."""
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return Timing(statistics.median(walls), statistics.median(cpus))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--share", type=float, default=0.02, help="share of files that call uvicorn.run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate into this (new) folder and keep it")
    arguments = parser.parse_args()

    root = arguments.keep or Path(tempfile.mkdtemp(prefix="uvicorn-lsp-bench-"))
    try:
        calls = generate(root / "tree", arguments.files, arguments.share)
        size = sum(path.stat().st_size for path in (root / "tree").rglob("*.py"))
        print(f"tree: {arguments.files:,} files, {calls} with uvicorn.run, {size / 1e6:.1f} MB")
        commands = {
            "grep -rl uvicorn": ["grep", "-rl", "uvicorn", "tree"],
            "uvicorn-lsp check": [sys.executable, "-m", "uvicorn_lsp", "check", "--quiet", "tree"],
            "ruff check --select S104": [
                shutil.which("ruff") or "ruff",
                "check",
                "--select",
                "S104",
                "--no-cache",
                "--quiet",
                "tree",
            ],
        }
        times = {name: measure(command, arguments.runs, root) for name, command in commands.items()}
    finally:
        if arguments.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    floor = times["grep -rl uvicorn"]
    ours = times["uvicorn-lsp check"]
    ruff = times["ruff check --select S104"]
    print(f"{'':<26} {'wall':>8}  {'cpu':>8}  wall vs grep")
    for name, timing in times.items():
        print(f"{name:<26} {timing.wall * 1000:6.0f} ms {timing.cpu * 1000:6.0f} ms  {timing.wall / floor.wall:5.1f}x")
    print(
        f"uvicorn-lsp / grep = {ours.wall / floor.wall:.2f} (goal <= 3)   uvicorn-lsp / ruff = {ours.wall / ruff.wall:.2f} (goal < 1)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
