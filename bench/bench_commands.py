"""Edit latency on command-line files (issue 12) through a real stdio session, and the engine alone.

    python bench/bench_commands.py [--edits 60]

- didChange → publishDiagnostics on a 300-line Dockerfile and two 300-line compose files (a hostile
  one: 30 services that all start uvicorn, 82 findings; a realistic one: 14 services, 3 start a server): p50, p90,
  and beside it the p50 of bench_lsp's minimal pygls server publishing about as many diagnostics (the floor)
- check_text in-process on the same files, each run with another edit and no previous result (no LSP: the whole file
  is checked, where the server judges only the compose service an edit changed): CPU p10 and p50 (p10 stands for
  an idle machine when other processes share the cores; `--engine-only` skips the server)
- with --tree: `uvicorn-lsp check` on bench_tree's 10,000-file tree, then on the same tree with
  200 command files added (Dockerfiles, compose files, scripts, workflows, Procfiles; a quarter
  start uvicorn): the median wall and CPU time of each, and the ratio
Goals: p50 <= 10 ms for each file through the server; the tree with command files <= 1.10x.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import bench_tree
from bench_lsp import FLOOR_SERVER, SERVER, edit_latencies, open_document, start, stop
from uvicorn_lsp.engine import checker, commands
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


_DATA_SERVICES = {
    "postgres": ("postgres:16-alpine", 5432, ["pg_isready", "-U", "app"]),
    "redis": ("redis:7-alpine", 6379, ["redis-cli", "ping"]),
    "rabbitmq": ("rabbitmq:3-management", 5672, ["rabbitmq-diagnostics", "-q", "ping"]),
    "minio": ("minio/minio:latest", 9000, ["curl", "-f", "http://localhost:9000/minio/health/live"]),
    "mailhog": ("mailhog/mailhog:v1.0.1", 8025, ["wget", "-q", "--spider", "http://localhost:8025"]),
    "prometheus": ("prom/prometheus:v2.51.0", 9090, ["wget", "-q", "--spider", "http://localhost:9090/-/ready"]),
    "grafana": ("grafana/grafana:10.4.1", 3000, ["wget", "-q", "--spider", "http://localhost:3000/api/health"]),
    "nginx": ("nginx:1.25-alpine", 80, ["wget", "-q", "--spider", "http://localhost/healthz"]),
}
# (service, command): the app's own processes, built from the project's Dockerfile.
_APP_SERVICES = [
    ("api", "uvicorn app.main:app --host 0.0.0.0 --port 8000 --reload --proxy-headers"),
    ("api-admin", "gunicorn app.main:app -k uvicorn_worker.UvicornWorker -w 4 -b 0.0.0.0:8001"),
    ("api-internal", "uvicorn app.main:app --port 8002 --workers 2"),
    ("worker", "celery -A app.tasks worker --loglevel=info --concurrency=4"),
    ("beat", "celery -A app.tasks beat --loglevel=info"),
    ("migrate", "alembic upgrade head"),
]


def realistic_compose() -> str:
    """A compose file as projects write them: 14 services (databases, queues, monitoring, the app's
    processes built from the project's Dockerfile), 3 of which start uvicorn or gunicorn."""
    out = ["name: shop", "", "x-logging: &logging", "  driver: json-file", "  options:", "    max-size: 10m", ""]
    out += ["services:"]
    for name, (image, port, test) in _DATA_SERVICES.items():
        out += [
            f"  {name}:",
            f"    image: {image}",
            "    environment:",
            f"      {name.upper()}_USER: app",
            f"      {name.upper()}_PASSWORD: ${{{name.upper()}_PASSWORD:-secret}}",
            "    ports:",
            f'      - "{port}:{port}"',
            "    volumes:",
            f"      - {name}-data:/var/lib/{name}",
            "    healthcheck:",
            "      test: [" + ", ".join(f'"{word}"' for word in ["CMD", *test]) + "]",
            "      interval: 10s",
            "      retries: 5",
            "    logging: *logging",
            "    networks: [backend]",
            "",
        ]
    for index, (name, command) in enumerate(_APP_SERVICES):
        out += [
            f"  {name}:",
            "    build:",
            "      context: .",
            "      dockerfile: Dockerfile",
            f"    command: {command}",
            "    env_file: .env" if index == 3 else "    restart: unless-stopped",
            "    environment:",
            "      DATABASE_URL: postgresql://app:${POSTGRES_PASSWORD:-secret}@postgres:5432/app",
            "      REDIS_URL: redis://redis:6379/0",
            "      LOG_LEVEL: info",
            "    ports:",
            f'      - "{8000 + index}:{8000 + index}"',
            "    volumes:",
            "      - ./app:/code/app",
            "      - static:/code/static",
            "    depends_on:",
            "      postgres:",
            "        condition: service_healthy",
            "      redis:",
            "        condition: service_healthy",
            "    healthcheck:",
            f'      test: ["CMD", "curl", "-f", "http://localhost:{8000 + index}/health"]',
            "      interval: 15s",
            "    logging: *logging",
            "    networks: [backend]",
            "",
        ]
    out += ["volumes:"] + [f"  {name}-data:" for name in _DATA_SERVICES] + ["  static:", ""]
    out += ["networks:", "  backend:", "    driver: bridge"]
    return "\n".join(out) + "\n"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# The floor's diagnostics: the words findings are on in these files (about as many as ours).
FLOOR_PATTERN = r"\buvicorn\b|--reload|--workers|--port|--host|--forwarded-allow-ips"


async def measure(root: Path, name: str, text: str, line: int, edits: int, server: list[str] = SERVER) -> list[float]:
    path = root / name
    path.write_text(text)
    client = await start(server, root, {})
    try:
        uri = open_document(client, path, text)
        await client.wait_version(uri, 1)
        await edit_latencies(client, uri, line, 6, 2)  # warm up
        return await edit_latencies(client, uri, line, edits, 8)
    finally:
        await stop(client)


def edited(text: str, line: int, count: int) -> list[str]:
    """`count` versions of the text, each with another comment at the end of `line` (as typing makes
    them: caches kept by text see a new text every time)."""
    lines = text.split("\n")
    return ["\n".join(lines[:line] + [f"{lines[line]}  # edit {n}"] + lines[line + 1 :]) for n in range(count)]


def engine_only(root: Path, name: str, text: str, line: int, runs: int = 50) -> list[float]:
    """CPU ms of each check_text of an edited text, as the server runs it (a newer text may stop it,
    a time budget)."""
    workspace = Workspace(root)
    path = root / name
    times = []
    for version in edited(text, line, runs):
        started = time.process_time()  # CPU time: on a shared machine wall time measures the neighbours
        result = checker.check_text(version, path, workspace, ALL_RULES, True, lambda: False, 5.0)
        times.append((time.process_time() - started) * 1000)
    assert result.findings, f"no findings in {name}: the bench would measure nothing"
    return times


def launches_only(root: Path, name: str, text: str, line: int, runs: int = 50) -> float:
    """CPU ms to read the launches of an edited text (the source's own cost, no rule)."""
    workspace = Workspace(root)
    path = root / name
    settings, _ = workspace.settings_for(path)
    kind = commands.source_kind(path)
    assert kind is not None
    times = []
    for version in edited(text, line, runs):
        started = time.process_time()
        assert commands.context_for(kind, version, path, workspace, settings).launches
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


_COMMAND_FILES = {
    "Dockerfile": "FROM python:3.12-slim\nWORKDIR /code\nCOPY . .\nRUN pip install -r requirements.txt\nCMD {cmd}\n",
    "compose.yaml": "services:\n  web:\n    build: .\n    command: {cmd}\n    ports: ['80:80']\n",
    "run.sh": '#!/bin/sh\nset -e\ncd "$(dirname "$0")"\nexec {cmd}\n',
    "Procfile": "web: {cmd}\nworker: celery -A tasks worker\n",
    ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {cmd}\n",
}


def add_command_files(tree: Path, count: int = 200) -> None:
    """`count` command files in the tree's packages; one in four starts uvicorn, the rest something else."""
    names = list(_COMMAND_FILES)
    for index in range(count):
        name = names[index % len(names)]
        folder = tree / f"pkg{index % 100:03d}" / f"deploy{index // 100}"
        cmd = "uvicorn app.main:app --reload --port 80" if index % 4 == 0 else "python -m http.server 80"
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_COMMAND_FILES[name].format(cmd=cmd))


def tree_ratio(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        plain, mixed = Path(folder) / "plain", Path(folder) / "mixed"
        bench_tree.generate(plain, 10_000, 0.02)
        bench_tree.generate(mixed, 10_000, 0.02)
        add_command_files(mixed)
        check = [sys.executable, "-m", "uvicorn_lsp", "check", "--exit-zero", "--no-cache", "."]
        timings = bench_tree.measure(
            {
                "python only": bench_tree.Command(check[:-1] + [str(plain)]),
                "with 200 command files": bench_tree.Command(check[:-1] + [str(mixed)]),
            },
            runs,
            Path(folder),
            bench_tree.installed_env(Path(folder) / "bytecode"),
        )
        base = timings["python only"]
        for name, timing in timings.items():
            print(
                f"{name:24} wall {timing.wall:6.2f} s  cpu {timing.cpu:6.2f} s  ({timing.wall / base.wall:.2f}x wall)"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--tree", action="store_true", help="also time check on the 10,000-file tree")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engine-only", action="store_true", help="only the in-process figures (no server)")
    options = parser.parse_args()
    if options.tree:
        tree_ratio(options.runs)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "app").mkdir()
        (root / "app" / "__init__.py").write_text("")
        (root / "app" / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
        (root / "requirements.txt").write_text("fastapi\n")
        (root / "floor_server.py").write_text(FLOOR_SERVER)
        os.environ["FLOOR_PATTERN"] = FLOOR_PATTERN
        floor_command = [sys.executable, str(root / "floor_server.py")]
        # The hostile compose file (30 starts, 82 findings) and a realistic one; both build from the Dockerfile.
        cases = [
            ("Dockerfile", dockerfile(), 10),
            ("compose.prod.yaml", compose(), 9),
            ("docker-compose.prod.yml", realistic_compose(), 171),
        ]
        for name, text, line in cases:
            assert text.count("\n") >= 300, name
            server = ""
            if not options.engine_only:
                latencies = asyncio.run(measure(root, name, text, line, options.edits))
                floor = asyncio.run(measure(root, name, text, line, options.edits, floor_command))
                server = (
                    f"didChange→diagnostics p50 {statistics.median(latencies):6.2f} ms"
                    f"  p90 {percentile(latencies, 0.9):6.2f} ms"
                    f"  (pygls floor p50 {statistics.median(floor):5.2f} ms)   "
                )
            engine = engine_only(root, name, text, line, 200)
            print(
                f"{name:23} {text.count(chr(10))} lines  {server}engine check_text CPU p10 {percentile(engine, 0.1):6.2f}"
                f" p50 {statistics.median(engine):6.2f} ms  launches alone CPU p50 {launches_only(root, name, text, line):6.2f} ms"
            )
    print(f"load average (1, 5, 15 min) at the end: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
