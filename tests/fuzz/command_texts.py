"""Seeded hostile command files for the fuzz suites: each source's real forms, cut, spliced and mutated.

Each kind of file is named as the engine recognises it (several per folder where the name allows it)."""

from __future__ import annotations

import random
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from uvicorn_lsp.rules import ALL_RULES

from .texts import EXAMPLES, mutate


@dataclass(frozen=True)
class Kind:
    """A source: the file name of case `number`, and real texts of it."""

    name: str
    file_name: str  # with {n}
    seeds: tuple[str, ...]


DOCKERFILES = (
    """\
# syntax=docker/dockerfile:1
ARG PY=3.12
FROM python:${PY}-slim AS build
WORKDIR /build
COPY requirements.txt .
RUN pip install -r requirements.txt
FROM python:3.12-slim
ENV WEB_CONCURRENCY=4 PYTHONUNBUFFERED=1 \\
    UVICORN_PORT=8000
WORKDIR /code
COPY --from=build /build /build
COPY --chown=app:app ./app /code/app
EXPOSE 8000
ENTRYPOINT ["tini", "--"]
CMD ["uvicorn", "app.main:app", "--reload", \\
     "--forwarded-allow-ips", "*", "--port", "${PORT}"]
""",
    """\
FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD uvicorn main:app --host 0.0.0.0 --reload --workers 4 --ssl-keyfile key.pem
""",
    """\
FROM python:3.12-slim
COPY <<EOF /app/start.sh
exec uvicorn main:app --host 0.0.0.0
EOF
CMD ["sh", "-c", "cd /app && exec gunicorn main:app -k uvicorn.workers.UvicornWorker -w 4"]
""",
)
COMPOSE = (
    """\
name: shop
x-common: &common
  build: .
  environment:
    WEB_CONCURRENCY: '4'
services:
  api:
    <<: *common
    command: uvicorn app.main:app --reload --port 8000
    ports:
      - "8000:8000"
    volumes:
      - .:/code
  admin:
    build:
      context: .
      dockerfile: Dockerfile
    command: ["gunicorn", "app.main:app", "-k", "uvicorn.workers.UvicornWorker"]
    working_dir: /code
    ports: ["8001:8001"]
  worker:
    image: python:3.12
    entrypoint: sh -c
    command:
      - "uvicorn main:app --host 127.0.0.1 --forwarded-allow-ips='*'"
""",
    """\
services:
  web:
    build: .
    command: >
      uvicorn main:app
      --host 0.0.0.0 --reload
    environment:
      - FORWARDED_ALLOW_IPS=*
      - PORT=$${PORT}
    ports:
      - 8080:8000
""",
)
PROCFILES = (
    "web: gunicorn main:app -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:$PORT\nworker: celery -A app worker\n",
)
MAKEFILES = (
    """\
.PHONY: run dev
PORT ?= 8000
run:
\tuvicorn main:app --reload --workers 4 --port $(PORT)
dev:
\t@cd src && \\
\t  python -m uvicorn app.main:app --reload-dir src
""",
)
SCRIPTS = (
    """\
#!/bin/sh
set -e
cd "$(dirname "$0")"
export UVICORN_HOST=0.0.0.0
exec env PYTHONUNBUFFERED=1 uvicorn main:app --factory --loop uvloop "$@"
""",
)
WORKFLOWS = (
    """\
on: push
jobs:
  smoke:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: backend
    steps:
      - uses: actions/checkout@v4
      - run: |
          uvicorn app.main:app --workers ${{ matrix.workers }} &
          uvicorn app.main:app --reload --workers 2
""",
)
LAUNCH_JSON = (
    """\
{
  // VS Code
  "version": "0.2.0",
  "configurations": [
    {
      "name": "API",
      "type": "debugpy",
      "request": "launch",
      "module": "uvicorn",
      "cwd": "${workspaceFolder}/src",
      "args": ["main:app", "--reload", "--workers", "2", "--host", "0.0.0.0 ",],
    },
  ]
}
""",
)
PYPROJECTS = (
    """\
[project]
name = "shop"

[tool.poe.tasks]
dev = "uvicorn shop.main:app --reload --workers 3"
serve = { cmd = "gunicorn shop.main:app -k uvicorn.workers.UvicornWorker" }

[tool.pdm.scripts]
start = "uvicorn 'shop.main:app' --ssl-certfile cert.pem"

[tool.taskipy.tasks]
run = "python -m uvicorn shop.main:app --reload"
""",
)
SUPERVISORD = (
    """\
[supervisord]
nodaemon=true

[program:api]
directory=/srv/app
command=uvicorn main:app --reload --host 0.0.0.0 --workers 4
environment=WEB_CONCURRENCY="2",PYTHONPATH="/srv"
""",
)
SYSTEMD = (
    """\
[Unit]
Description=API

[Service]
WorkingDirectory=/srv/app
Environment="UVICORN_RELOAD=true"
ExecStart=/srv/venv/bin/uvicorn main:app --reload \\
    --proxy-headers --forwarded-allow-ips *
Restart=always
""",
)


def _documented(first_line: str) -> tuple[str, ...]:
    """The rules' documented command-line examples whose first line names this kind of file."""
    found = []
    for rule in ALL_RULES:
        for text in (rule.doc.command_example, rule.doc.command_use_instead):
            text = textwrap.dedent(text).lstrip("\n")
            if text.startswith(first_line):
                found.append(text)
        if rule.doc.language == "dockerfile" and first_line == "# Dockerfile":
            found += [textwrap.dedent(rule.doc.example), textwrap.dedent(rule.doc.use_instead)]
    return tuple(found)


def _shipped(*names: str) -> tuple[str, ...]:
    return tuple((EXAMPLES / "docker" / name).read_text(encoding="utf-8") for name in names)


KINDS = (
    Kind("dockerfile", "Dockerfile.{n}", DOCKERFILES + _documented("# Dockerfile") + _shipped("Dockerfile")),
    Kind("compose", "docker-compose.{n}.yml", COMPOSE + _shipped("compose.prod.yaml")),
    Kind("procfile", "Procfile.{n}", PROCFILES + _documented("# Procfile")),
    Kind("makefile", "{n}.mk", MAKEFILES),
    Kind("shell", "{n}.sh", SCRIPTS + _documented("# run.sh")),
    Kind("workflow", ".github/workflows/{n}.yml", WORKFLOWS),
    Kind("launch.json", "launch{n}/.vscode/launch.json", LAUNCH_JSON),
    Kind("pyproject", "project{n}/pyproject.toml", PYPROJECTS),
    Kind("supervisord", "{n}.conf", SUPERVISORD),
    Kind("systemd", "{n}.service", SYSTEMD),
)
# What command lines are made of: quotes, continuations, variables, chains, YAML and JSON syntax.
COMMAND_PIECES = [
    '"',
    "'",
    "\\\n",
    "$PORT",
    "${PORT:-8000}",
    "$(make var)",
    "${{ matrix.x }}",
    " --reload",
    " --workers 4",
    " --host 0.0.0.0",
    " --ssl-keyfile key.pem",
    " && ",
    "; ",
    " | ",
    " # noqa: UVI014",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "\n  - ",
    "\t",
    " uvicorn main:app",
    "sh -c '",
    "exec ",
    "env A=1 ",
    "<<EOF\n",
    "&anchor ",
    "*anchor",
    "!!binary ",
    "\n---\n",
    ",",
]


def _mutated(rng: random.Random, text: str, corpus: list[str]) -> str:
    if rng.random() < 0.3:
        cut = rng.randint(0, len(text))
        return text[:cut] + rng.choice(COMMAND_PIECES) + text[cut:]
    return mutate(rng, text, corpus)


def command_cases(seed: int, per_kind: int) -> Iterator[tuple[Kind, str]]:
    """`per_kind` texts of each kind: the seeds as they are, then each changed once (many still
    parse, so fixes apply), then chains of changes (mostly broken)."""
    rng = random.Random(seed)
    for kind in KINDS:
        corpus = list(kind.seeds)
        yield from ((kind, text) for text in corpus)
        for _ in range(per_kind // 2):
            yield kind, _mutated(rng, rng.choice(corpus), corpus)
        text = rng.choice(corpus)
        for number in range(per_kind - per_kind // 2):
            if number % 20 == 0:
                text = rng.choice(corpus)
            text = _mutated(rng, text, corpus)
            yield kind, text


def write_cases(folder: Path, seed: int, per_kind: int) -> list[tuple[Kind, Path]]:
    """The cases written under `folder`, each named as its kind wants."""
    written = []
    for number, (kind, text) in enumerate(command_cases(seed, per_kind)):
        path = folder / kind.file_name.format(n=f"case{number:04}")
        path.parent.mkdir(parents=True, exist_ok=True)
        # newline="" keeps every line ending as generated; surrogatepass keeps odd text writable.
        with path.open("w", encoding="utf-8", errors="surrogatepass", newline="") as file:
            file.write(text)
        written.append((kind, path))
    return written
