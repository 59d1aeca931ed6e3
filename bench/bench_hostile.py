"""Linear cost on hostile modules: one valid module of 2,500 / 10,000 / 40,000 lines full of the
shapes the rules look at (uvicorn calls, `__main__` guards, factories, `**options` helpers,
constants, dicts unpacked with `**`, routes on the app), checked in-process with every rule, as the
command line checks a file (the cycle collector paused; the language server keeps it running).

    python bench/bench_hostile.py [--sizes 2500,10000,40000] [--runs 3]

Prints the median check time per size and the ratio 40k / 10k. Goals (issue 11): the 40,000-line
check costs <= 5x the 10,000-line one and finishes in <= 10 s on the 2-core machine. Exits 1 when
a goal is missed, so it can gate a change.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from uvicorn_lsp.engine.checker import check_text  # noqa: E402
from uvicorn_lsp.engine.collector import collector_paused  # noqa: E402
from uvicorn_lsp.engine.workspace import Workspace  # noqa: E402
from uvicorn_lsp.rules import ALL_RULES  # noqa: E402

HEADER = """\
import os
import uvicorn
from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter()
RELOAD = os.getenv("RELOAD") == "1"
WORKERS = 4
OPTIONS = {"reload": True, "port": 8000}
"""

# One block of about 50 lines; `{n}` makes every name in it unique.
BLOCK = """

@app.get("/items/{n}")
def read_{n}(item: int = 0):
    return {{"item": item, "n": {n}}}


def create_app_{n}():
    application = FastAPI(title="app {n}")
    application.include_router(router)
    return application


def serve_{n}(**options):
    uvicorn.run(app, host="127.0.0.1", **options)


CONSTANT_{n} = "main:app"
SETTINGS_{n} = {{"workers": WORKERS, "reload": RELOAD}}


def start_{n}():
    config = uvicorn.Config("main:app", reload=True, workers=2)
    server = uvicorn.Server(config)
    server.run()


def helper_{n}(value):
    total = 0
    for index in range(value):
        total += index * {n}
    return total


if __name__ == "__main__":
    serve_{n}(reload=True, port={n})
    uvicorn.run(create_app_{n}(), reload=RELOAD, workers=WORKERS)
    uvicorn.run(CONSTANT_{n}, **SETTINGS_{n})
    uvicorn.run("main:ap", forwarded_allow_ips="*", ssl_keyfile="key.pem", relaod=True)
    app.state.value_{n} = helper_{n}({n})
"""


def hostile_module(lines: int) -> str:
    blocks = []
    count = HEADER.count("\n")
    n = 0
    while count < lines:
        block = BLOCK.format(n=n)
        blocks.append(block)
        count += block.count("\n")
        n += 1
    return HEADER + "".join(blocks)


def time_check(text: str, folder: Path, runs: int) -> tuple[float, int]:
    path = folder / "main.py"
    path.write_text(text)
    times = []
    findings = 0
    for _ in range(runs):
        workspace = Workspace(folder)  # nothing cached from the run before
        start = time.perf_counter()
        with collector_paused():  # as the command line checks a file (runner.check_one)
            result = check_text(text, path, workspace, ALL_RULES, use_diff_cache=True)
        times.append(time.perf_counter() - start)
        findings = len(result.findings)
        assert not [problem for problem in result.problems if "internal error" in problem.message], result.problems
    return statistics.median(times), findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2500,10000,40000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--max-ratio", type=float, default=5.0, help="fail above this 40k/10k ratio (CI: a looser guard on shape)"
    )
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    medians = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            text = hostile_module(size)
            median, findings = time_check(text, Path(folder), arguments.runs)
            medians[size] = median
            print(f"{text.count(chr(10)):>7,} lines: {median:8.2f} s  ({findings:,} findings)")
    if 10000 in medians and 40000 in medians:
        ratio = medians[40000] / medians[10000]
        print(f"40k / 10k: {ratio:.1f}x (goal <= 5x); 40k: {medians[40000]:.1f} s (goal <= 10 s)")
        return 0 if ratio <= arguments.max_ratio and medians[40000] <= 10 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
