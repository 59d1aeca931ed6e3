"""engine/import_strings.py on command lines, in process: every command source, and positions inside
JSON escapes, shell quotes and `\\` continuations (the stdio tests cover the LSP side)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from uvicorn_lsp.engine import import_strings
from uvicorn_lsp.engine.commands import shell
from uvicorn_lsp.engine.commands.text import joined, span
from uvicorn_lsp.engine.model import Position, Range
from uvicorn_lsp.engine.source import split_lines
from uvicorn_lsp.engine.workspace import Workspace

CURSOR = "‸"
MAIN = """
from fastapi import FastAPI

app = FastAPI()


def create_app():
    return FastAPI()
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text(textwrap.dedent(MAIN).lstrip())
    (tmp_path / "logging.yaml").write_text("version: 1\n")
    return tmp_path


def context_at(root: Path, relative: str, marked: str):
    """The context of a file written with `‸` where the cursor is, and the cursor's position."""
    text = textwrap.dedent(marked).lstrip("\n").replace("{root}", str(root))
    before = text[: text.index(CURSOR)]
    position = Position(before.count("\n"), len(before) - (before.rfind("\n") + 1))
    text = text.replace(CURSOR, "")
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return import_strings.parse_syntax_only(text, path, Workspace(root)), position, text


def written(text: str, where: Range) -> str:
    """The file's text in a range (on one line)."""
    assert where.start.line == where.end.line, where
    return split_lines(text)[where.start.line][where.start.character : where.end.character]


DOCKERFILE = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY app /srv/app\n"
COMPOSE = "services:\n  web:\n    image: python:3.12\n    working_dir: /srv\n    volumes: ['.:/srv']\n"

# (file, text with the cursor in the app's attribute, what the completion's edit replaces as written)
ATTRIBUTE_CASES = [
    ("Dockerfile", DOCKERFILE + 'CMD ["uvicorn", "app.m\\u0061in:a‸p"]\n', "ap"),
    ("Dockerfile", DOCKERFILE + "CMD uvicorn \\\n    'app.main':a\\‸pp --reload\n", "a\\pp"),
    ("Dockerfile", DOCKERFILE + 'ENTRYPOINT ["uvicorn"]\nCMD ["app.main:a‸pp", "--port", "80"]\n', "app"),
    ("compose.yaml", COMPOSE + '    command: ["uvicorn", "app.main:‸app"]\n', "app"),
    ("compose.yaml", COMPOSE + '    command: uvicorn "app.main:a‸pp" --port 80\n', "app"),
    ("compose.yaml", COMPOSE + "    command:\n      - uvicorn\n      - 'app.main:app‸'\n", "app"),
    (
        ".github/workflows/serve.yml",
        "jobs:\n  serve:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
        "          pip install .\n          uvicorn app.main:a‸p --port 8000\n",
        "ap",
    ),
    ("Procfile", "web: uvicorn app.main:a‸p\n", "ap"),
    ("Makefile", "run:\n\t@cd . && uvicorn app.main:‸ --reload\n", ""),
    ("start.sh", '#!/bin/sh\ncd "$(dirname "$0")"\nexec uvicorn "app.main:app‸"\n', "app"),
    (
        ".vscode/launch.json",
        '{\n  // debug\n  "configurations": [\n    {"module": "uvicorn", "args": ["app.main:a‸pp", "--reload",],},\n  ],\n}\n',
        "app",
    ),
    ("pyproject.toml", '[tool.poe.tasks]\nserve = "uvicorn app.main:a‸pp --reload"\n', "app"),
    ("Procfile", "web: gunicorn -k uvicorn_worker.UvicornWorker 'app.main:create_a‸pp()'\n", "create_app"),
    (
        "serve",
        '#!/usr/bin/env bash\ncd "$(dirname "$0")"\nexec gunicorn app.main:a‸pp -k uvicorn_worker.UvicornWorker\n',
        "app",
    ),
]


@pytest.mark.parametrize(("relative", "marked", "replaced"), ATTRIBUTE_CASES)
def test_attribute_completion_in_every_source(root: Path, relative: str, marked: str, replaced: str):
    ctx, position, text = context_at(root, relative, marked)
    found = import_strings.complete(ctx, position).candidates
    assert [(c.label, c.detail) for c in found][:2] == [
        ("app", "FastAPI instance"),
        ("create_app", "factory → FastAPI"),
    ]
    assert {written(text, c.replace) for c in found} == {replaced}
    name = replaced.replace("\\", "")
    if name in ("app", "create_app"):  # a whole name: it leads to its definition
        definitions = import_strings.definitions(ctx, position)
        assert [(place.path, place.range.start.line) for place in definitions] == [
            (root / "app" / "main.py", 2 if name == "app" else 5)
        ]


def test_module_segment_spans_a_json_escape(root: Path):
    ctx, position, text = context_at(root, "Dockerfile", DOCKERFILE + 'CMD ["uvicorn", "app.m\\u00‸61in:app"]\n')
    found = import_strings.complete(ctx, position).candidates
    assert [c.label for c in found] == ["main"]
    assert written(text, found[0].replace) == "m\\u0061in"
    # Hover covers the whole string as written; rename of the attribute replaces it alone.
    where, markdown = import_strings.hover(ctx, position)
    assert written(text, where) == "app.m\\u0061in:app"
    assert "`/srv in the image`: loads `app/main.py` → `app`" in markdown


def test_flags_and_values(root: Path):
    ctx, position, text = context_at(root, "Dockerfile", DOCKERFILE + 'CMD ["uvicorn", "app.main:app", "--ws", "‸"]\n')
    values = import_strings.complete(ctx, position).candidates
    assert [c.label for c in values] == ["auto", "none", "websockets", "websockets-sansio", "wsproto"]
    assert {c.replace for c in values} == {Range(position, position)}  # between the element's quotes

    ctx, position, text = context_at(root, "Procfile", "web: uvicorn app.main:app --lifespan=o‸ff\n")
    values = import_strings.complete(ctx, position).candidates
    assert [c.label for c in values] == ["auto", "on", "off"] and {written(text, c.replace) for c in values} == {"off"}

    ctx, position, text = context_at(root, "Procfile", "web: uvicorn app.main:app --log-config logging.yaml --re‸\n")
    flags = [c.label for c in import_strings.complete(ctx, position).candidates]
    assert "--reload" in flags and "--reload-dir" in flags and "--log-config" not in flags
    [link] = import_strings.file_links(ctx)
    assert link.target == root / "logging.yaml" and written(text, link.range) == "logging.yaml"

    ctx, position, _ = context_at(root, "Procfile", "web: gunicorn app.main:app --wo‸\n")
    gunicorn = import_strings.complete(ctx, position).candidates
    assert {"--workers", "--worker-class"} <= {c.label for c in gunicorn}
    assert {c.detail for c in gunicorn} == {"gunicorn option"}
    ctx, position, _ = context_at(root, "Procfile", "web: fastapi run app/main.py --ho‸\n")
    assert "--host" in [c.label for c in import_strings.complete(ctx, position).candidates]
    # systemd and supervisord starts have no known working directory: no import string resolves there,
    # but their flags complete.
    ctx, position, _ = context_at(root, "api.service", "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --wor‸\n")
    assert "--workers" in [c.label for c in import_strings.complete(ctx, position).candidates]
    ctx, position, _ = context_at(root, "supervisord.conf", "[program:web]\ncommand=uvicorn app:app --loop u‸\n")
    loops = [c.label for c in import_strings.complete(ctx, position).candidates]
    assert loops == ["none", "auto", "asyncio", "uvloop", "zuvloop"]
    # No value is offered for a flag that takes a free text.
    ctx, position, _ = context_at(root, "Procfile", "web: uvicorn app.main:app --host ‸\n")
    assert import_strings.complete(ctx, position).candidates == []


def test_flag_hover_in_launch_json(root: Path):
    ctx, position, text = context_at(
        root,
        ".vscode/launch.json",
        '{"configurations": [{"module": "uvicorn", "args": ["app.main:app", "--rel‸oad"]}]}',
    )
    where, markdown = import_strings.hover(ctx, position)
    assert written(text, where) == "--reload"
    assert "`--reload` (parameter `reload`)" in markdown and "Enable auto-reload." in markdown
    assert "A switch: takes no value." in markdown


def test_string_hover_after_a_cd_the_analysis_cannot_follow(root: Path):
    """A command after `cd /app` starts in a folder not known here: the hover says so, in a command's terms
    (audit: it gave the Python reason, that the file edits sys.path)."""
    ctx, position, _ = context_at(
        root, "Dockerfile", DOCKERFILE + 'CMD ["sh", "-c", "cd /app && exec uvicorn app.main:a‸pp"]\n'
    )
    _, markdown = import_strings.hover(ctx, position)
    assert "the folder the command starts in" in markdown and "sys.path`" in markdown
    assert "edits" not in markdown


def test_nothing_outside_a_launch(root: Path):
    for relative, marked in [
        ("Dockerfile", DOCKERFILE + "RUN uvicorn app.main:a‸pp\n"),  # RUN starts nothing at run time
        ("Dockerfile", DOCKERFILE + 'CMD ["uvicorn", "app.main:app"]\nEXPOSE 8‸0\n'),
        ("Procfile", "w‸eb: uvicorn app.main:app\n"),
        ("Procfile", "web: uvicorn app.main:app\nworker: celery -A app.ta‸sks worker\n"),
        ("compose.yaml", 'services:\n  web:\n    image: "python:3.‸12"\n    command: ["uvicorn", "app.main:app"]\n'),
    ]:
        ctx, position, _ = context_at(root, relative, marked)
        assert import_strings.complete(ctx, position).candidates == [], marked
        assert import_strings.definitions(ctx, position) == [], marked
        assert import_strings.hover(ctx, position) is None, marked


def test_may_launch_is_a_cheap_filter():
    assert import_strings.may_launch("web: gunicorn app:app", Path("Procfile"))
    assert not import_strings.may_launch("web: gunicorn app:app", Path("run.py"))  # Python: uvicorn's calls only
    assert import_strings.may_launch("#!/bin/sh\nexec gunicorn app:app\n", Path("serve"))  # a script by its shebang
    assert not import_strings.may_launch("FROM python\nCMD python -m http.server", Path("Dockerfile"))
    # Per line: its block (continuation, indentation) names a server, or is a CMD after an ENTRYPOINT.
    dockerfile = 'FROM python\nWORKDIR /srv\nENTRYPOINT ["uvicorn"]\nCMD \\\n  ["app:app"]\nEXPOSE 80\n'
    found = [import_strings.may_launch_at(dockerfile, Path("Dockerfile"), line) for line in range(7)]
    assert found == [False, False, True, True, True, False, False]
    compose = "services:\n  web:\n    command:\n      - uvicorn\n      - app:app\nvolumes:\n  data:\n"
    found = [import_strings.may_launch_at(compose, Path("compose.yaml"), line) for line in range(7)]
    assert found == [True, True, True, True, True, False, False]
    assert import_strings.may_launch_at("import uvicorn\n\nx = 1\n", Path("run.py"), 2)  # Python: the file decides


def test_shell_word_value_places():
    """Each character of a word's value maps to where it is written: after quotes, escapes and a
    continuation joined by the source (two pieces of two lines)."""
    placed = joined([span(0, 4, "uvicorn 'app.'\"main\":a\\pp x"), span(1, 2, "yz")])
    words = shell.commands(placed)[0].words
    app = words[1].value_placed()
    assert app is not None and app.text == "app.main:app"
    assert [app.place(i).character for i in range(len(app.text))] == [13, 14, 15, 16, 19, 20, 21, 22, 24, 25, 27, 28]
    assert app.end == Position(0, 29)  # right after the last character, not after a closing quote
    joined_word = words[2].value_placed()
    assert joined_word is not None and joined_word.text == "xyz"
    assert [joined_word.place(i) for i in range(3)] == [Position(0, 30), Position(1, 2), Position(1, 3)]
    empty = shell.commands(span(0, 0, 'a ""'))[0].words[1].value_placed()
    assert empty is not None and empty.text == "" and empty.end == Position(0, 3)  # between the quotes


def test_file_that_include_settings_select(root: Path):
    """A file that `extend-include` alone selects is read as the check reads it (here: a shell script)."""
    (root / "pyproject.toml").write_text('[tool.uvicorn-lsp]\nextend-include = ["deploy/start-server"]\n')
    ctx, position, text = context_at(root, "deploy/start-server", "cd ..\nuvicorn app.main:a‸pp --reload\n")
    found = import_strings.complete(ctx, position).candidates
    assert [c.label for c in found][:2] == ["app", "create_app"] and written(text, found[0].replace) == "app"
