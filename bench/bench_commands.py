"""Edit latency on command-line files (issue 12) through a real stdio session, and the engine alone.

    python bench/bench_commands.py [--edits 60]

- didChange → publishDiagnostics on a 300-line Dockerfile and a 300-line compose file: p50, p90
- check_text in-process on the same texts (no LSP): p50
Goal: p50 <= 10 ms for both files through the server.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_lsp import SERVER, edit_latencies, open_document, start, stop
from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES


def dockerfile(lines: int = 300) -> str:
    head = ["FROM python:3.12-slim AS build", "WORKDIR /build", "COPY requirements.txt .", ""]
    body = [f"RUN echo step {n} && pip --version  # build step {n}" for n in range(lines - len(head) - 9)]
    tail = [
        "",
        "FROM python:3.12-slim",
        "ENV WEB_CONCURRENCY=4 PYTHONUNBUFFERED=1",
        "WORKDIR /code",
        "COPY requirements.txt .",
        "COPY ./app /code/app",
        "EXPOSE 8000",
        'CMD ["uvicorn", "app.main:app", "--reload", \\',
        '     "--forwarded-allow-ips", "*", "--port", "8000"]',
    ]
    return "\n".join(head + body + tail) + "\n"


def compose(lines: int = 300) -> str:
    out = ["services:"]
    services = max(1, lines // 10)
    for n in range(services):
        out += [
            f"  svc{n}:",
            "    build: .",
            f"    command: uvicorn app.main:app --reload --port {8000 + n}",
            "    environment:",
            f"      WEB_CONCURRENCY: '{n % 4 + 1}'",
            "      LOG_LEVEL: info",
            "    ports:",
            f"      - '{9000 + n}:{8000 + n}'",
            "    labels:",
            f"      owner: team{n}",
        ]
    return "\n".join(out) + "\n"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def measure(root: Path, name: str, text: str, line: int, edits: int) -> list[float]:
    path = root / name
    path.write_text(text)
    client = await start(SERVER, root, {})
    try:
        uri = open_document(client, path, text)
        await client.wait_version(uri, 1)
        await edit_latencies(client, uri, line, 6, 2)  # warm up
        return await edit_latencies(client, uri, line, edits, 8)
    finally:
        await stop(client)


def engine_only(root: Path, name: str, text: str, runs: int = 50) -> float:
    workspace = Workspace(root)
    path = root / name
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = checker.check_text(text, path, workspace, ALL_RULES)
        times.append((time.perf_counter() - started) * 1000)
    assert result.findings, f"no findings in {name}: the bench would measure nothing"
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=60)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "app").mkdir()
        (root / "app" / "__init__.py").write_text("")
        (root / "app" / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
        (root / "requirements.txt").write_text("fastapi\n")
        cases = [("Dockerfile", dockerfile(), 10), ("compose.prod.yaml", compose(), 9)]
        for name, text, line in cases:
            assert text.count("\n") >= 300, name
            latencies = asyncio.run(measure(root, name, text, line, options.edits))
            print(
                f"{name:18} {text.count(chr(10))} lines  didChange→diagnostics p50 {statistics.median(latencies):6.2f} ms"
                f"  p90 {percentile(latencies, 0.9):6.2f} ms   engine check_text p50 {engine_only(root, name, text):6.2f} ms"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
