"""uvicorn's option table (read from its main.py) and click's parsing of a command line."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from uvicorn_lsp.engine.commands.options import BUILTIN, read_table, table_for
from uvicorn_lsp.engine.commands.recognise import Argument, parse
from uvicorn_lsp.engine.model import Range

INSTALLED = importlib.util.find_spec("uvicorn")


@pytest.mark.skipif(INSTALLED is None, reason="needs an installed uvicorn to read")
def test_builtin_table_is_what_uvicorn_0_54_declares():
    main = Path(INSTALLED.origin).parent / "main.py"
    read = read_table(main, "0.54.0")
    assert read is not None
    assert sorted(read.options, key=lambda spec: spec.name) == sorted(BUILTIN.options, key=lambda spec: spec.name)


def test_another_version_is_read_from_its_source(tmp_path):
    (tmp_path / "uvicorn").mkdir()
    (tmp_path / "uvicorn" / "config.py").write_text('LOOPS = {"auto": 1, "asyncio": 2}\n')
    (tmp_path / "uvicorn" / "main.py").write_text(
        "import click\nfrom uvicorn.config import LOOPS\n"
        "LOOP_CHOICES = click.Choice(list(LOOPS.keys()))\n"
        '@click.command()\n@click.argument("app")\n'
        '@click.option("--loop", type=LOOP_CHOICES)\n'
        '@click.option("--debug", is_flag=True)\n'
        '@click.option("--workers", type=click.IntRange(1))\n'
        "def main(app, loop, debug, workers): ...\n"
    )
    table = table_for([tmp_path], "0.10.0")
    assert table.version == "0.10.0"
    assert table.by_flag("--loop").choices == ("auto", "asyncio")
    assert table.by_flag("--debug").kind == "flag" and table.by_flag("--workers").kind == "int"
    assert table.by_flag("--reload") is None


def test_unreadable_main_falls_back_to_the_builtin_table(tmp_path):
    (tmp_path / "uvicorn").mkdir()
    (tmp_path / "uvicorn" / "main.py").write_text("def main(:\n")
    assert table_for([tmp_path], "9.9") is BUILTIN
    assert table_for([], None) is BUILTIN


def command(*words: str):
    where = Range.of((0, 0), (0, 1))
    return parse([Argument(word, where) for word in words], BUILTIN, {})


def test_click_refusals_exit_2():
    parsed = command("uvicorn", "main:app", "--reload=1", "--workers", "many", "--lifespan", "maybe", "extra")
    messages = [rejection.message for rejection in parsed.rejections]
    assert messages == [
        "Option '--reload' does not take a value",
        "Invalid value for '--workers': 'many' is not a valid integer",
        "Invalid value for '--lifespan': 'maybe' is not one of 'auto', 'on', 'off'",
        "Got unexpected extra argument (extra)",
    ]
    missing = command("uvicorn", "main:app", "--port")
    assert missing.rejections[0].message == "Option '--port' requires an argument"


def test_values_become_uvicorn_parameters():
    parsed = command(
        "uvicorn", "--reload-dir", "a", "main:app", "--reload-dir=b", "--ws-per-message-deflate", "off", "--factory"
    )
    assert parsed.app.value.candidates == ("main:app",)
    assert parsed.options["reload_dirs"].value.candidates == (["a", "b"],)
    assert parsed.options["ws_per_message_deflate"].value.candidates == (False,)
    assert parsed.options["factory"].value.candidates == (True,)
    assert not parsed.rejections
    after_dashes = command("uvicorn", "--", "--weird:app")
    assert after_dashes.app.value.candidates == ("--weird:app",) and not after_dashes.rejections


def test_one_element_with_a_space_is_an_unknown_option():
    [rejection] = command("uvicorn", "main:app", "--host 0.0.0.0").rejections
    assert rejection.message == "No such option '--host 0.0.0.0'" and rejection.near == ("--host",)


def test_not_a_server():
    assert command("python", "manage.py", "runserver") is None
    assert command("python", "-m", "http.server") is None
    assert command("fastapi", "deploy") is None
    assert command("hatch", "run", "dev:serve") is None


def test_gunicorn_worker_class_is_set_in_every_spelling():
    from uvicorn_lsp.engine.commands.recognise import CommandEdits, CommandInfo, Form

    for words, expected in (
        (("gunicorn", "-k", "uvicorn.workers.UvicornWorker", "main:app"), "uvicorn_worker.UvicornWorker"),
        (("gunicorn", "-kuvicorn.workers.UvicornWorker", "main:app"), "-kuvicorn_worker.UvicornWorker"),
        (
            ("gunicorn", "--worker-class=uvicorn.workers.UvicornWorker", "main:app"),
            "--worker-class=uvicorn_worker.UvicornWorker",
        ),
    ):
        parsed = command(*words)
        assert parsed.worker_class == "uvicorn.workers.UvicornWorker" and parsed.app.value.candidates == ("main:app",)
        edits = CommandEdits(parsed, Form(), CommandInfo("test"), BUILTIN, True)
        [edit] = edits.set_option("worker_class", "uvicorn_worker.UvicornWorker")
        assert edit.new_text == expected
