"""No input crashes the engine: half-typed code, odd bytes, huge files."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.source import MAX_SOURCE_CHARS
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES

SAMPLE = """import os
import uvicorn as uv
from fastapi import FastAPI
from uvicorn import Config, Server

app = FastAPI()

@app.on_event("startup")
async def start():
    pass

def create_app():
    return FastAPI()

options = {"reload": True, "workers": 2}

if __name__ == "__main__":
    uv.run(app, reload=True, workers=int(os.getenv("W", "1")), **options)  # noqa: UVI003
    server = Server(Config(create_app(), reload=True, forwarded_allow_ips="*", ssl_keyfile="k.pem"))
    server.run()
    uv.run(f"main:{'app'}", host="0.0.0.0", debug=True, relaod=True)
"""


def _no_internal_errors(result: checker.CheckResult) -> None:
    assert not [p for p in result.problems if "internal error" in p.message], result.problems


def test_every_prefix_of_a_file_being_typed(tmp_path):
    """Simulates typing the file character by character (every 3rd prefix)."""
    path = tmp_path / "main.py"
    workspace = Workspace(tmp_path)
    for end in range(0, len(SAMPLE), 3):
        _no_internal_errors(checker.check_text(SAMPLE[:end], path, workspace, ALL_RULES, use_diff_cache=True))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "uvicorn",
        "uvicorn.run(",
        "uvicorn.run(app, **",
        "import uvicorn\nuvicorn.run(*)",
        "\x00uvicorn\x00",
        "import uvicorn\nuvicorn.run(app, reload=((((((((((((True))))))))))))",
        "import uvicorn\nuvicorn.run(" + "[" * 500 + "]" * 500 + ", reload=True)",
        "import uvicorn\nx = " + " + ".join(["1"] * 3000) + "\nuvicorn.run(x, reload=True)",
        "import uvicorn\r\nuvicorn.run(app,\rreload=True)\n",
        "\ufeffimport uvicorn\nuvicorn.run(app, reload=True)",
        "import uvicorn\n\tif True:\n  uvicorn.run(app, reload=True)",
        "import uvicorn\nuvicorn.run(app, reload=True)\u2028\x0c\x0b",
    ],
)
def test_odd_inputs(tmp_path, text):
    _no_internal_errors(checker.check_text(text, tmp_path / "odd.py", Workspace(tmp_path), ALL_RULES))


def test_invalid_utf8_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "bad.py"
    path.write_bytes(b"import uvicorn\nx = '\xff\xfe'\n")
    result = checker.check_file(path, Workspace(tmp_path), ALL_RULES)
    assert result.findings == []
    assert "cannot decode" in result.problems[0].message


def test_pep263_cookie_is_honoured(tmp_path):
    path = tmp_path / "latin.py"
    path.write_bytes(
        b"# -*- coding: latin-1 -*-\nimport uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nx = '\xe9'; uvicorn.run(app, reload=True)\n"
    )
    result = checker.check_file(path, Workspace(tmp_path), ALL_RULES)
    [finding] = [f for f in result.findings if f.code == "UVI001"]
    assert finding.range.start.character == len("x = 'é'; uvicorn.run(")


def test_huge_file_is_skipped_with_a_message(tmp_path):
    text = "import uvicorn\n" + "#" * MAX_SOURCE_CHARS
    result = checker.check_text(text, tmp_path / "huge.py", Workspace(tmp_path), ALL_RULES)
    assert result.findings == [] and "larger than" in result.problems[0].message


def test_unreadable_file(tmp_path):
    result = checker.check_file(tmp_path / "missing.py", Workspace(tmp_path), ALL_RULES)
    assert "cannot read" in result.problems[0].message


@pytest.mark.parametrize(
    "text",
    [
        "import asyncio\nasyncio.run(main())\n",
        # A router: `fastapi` selects rules in command files (`fastapi run`), never a parse of Python.
        "from fastapi import APIRouter\n\nrouter = APIRouter()\n\ngunicorn_note = 'see docs'\n",
    ],
)
def test_file_without_trigger_is_not_parsed(tmp_path, monkeypatch, text):
    from uvicorn_lsp.engine import source

    def fail(*args, **kwargs):
        raise AssertionError("parsed a file that never mentions uvicorn")

    monkeypatch.setattr(source.SourceFile, "tree", property(fail))
    assert checker.check_text(text, tmp_path / "x.py", Workspace(tmp_path), ALL_RULES).findings == []


def test_keyword_whose_name_is_an_expression_is_no_internal_error(tmp_path):
    """Found by the CLI fuzz: `relo/d_dirs=[...]` parses as an argument whose "name" is a term."""
    text = '\n  limportuvicorn\n\n \x00 if __name__ == "__main__,:\n   uvicorn.run("main:app", reload=True, relo/d_dirs=["src"])'
    _no_internal_errors(checker.check_text(text, tmp_path / "main.py", Workspace(tmp_path), ALL_RULES))


def test_on_event_app_on_a_line_parso_recovers_is_no_internal_error(tmp_path):
    """Found by the CLI fuzz: U+2028, NEL and form feeds leave the app's statement without a line of its own."""
    text = (
        "\x0c            from fastapi import FastAPI\u2028\x85            app = FastAPI()\u2028\u2028\r\n"
        '            @app.on_event("startup")\n            async def connect():\x0c                ...\u2028\x0b\u2028'
        '            @app.on_event("shutdown")\n            def disconnect():\n                ...\x0b        \x0b'
    )
    _no_internal_errors(checker.check_text(text, tmp_path / "main.py", Workspace(tmp_path), ALL_RULES))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("run.sh", "uvicorn main:app --app-dir sr\x00c\n"),
        ("Procfile", "web: cd a\x00b && uvicorn main:app --reload\n"),
        ("Procfile", "web: uv run --env-file .e\x00nv uvicorn main:app\n"),
        ("Dockerfile", "FROM python:3.12\nWORKDIR /co\x00de\nCOPY . .\nCMD uvicorn main:app\n"),
        ("Dockerfile", "FROM python:3.12\nCOPY ./a\x00pp /app\nWORKDIR /app\nCMD uvicorn main:app\n"),
        ("run.sh", "uvicorn main:app --log-config lo\x00g.yaml --ssl-keyfile k\x00.pem --ssl-certfile c.pem\n"),
    ],
)
def test_a_nul_in_a_path_a_command_names_is_no_internal_error(tmp_path, name, text):
    """No file system holds such a path (os.stat raises ValueError, not OSError): it is a folder or file
    that is not there."""
    (tmp_path / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    path = tmp_path / name
    result = checker.check_text(text, path, Workspace(tmp_path), ALL_RULES, True)
    assert result.problems == []


def test_an_import_string_that_is_no_distribution_name_is_no_internal_error(tmp_path):
    """UVI002 asks whether the project declares the string's top-level name as a distribution: a name
    with regex syntax in it (`mai**n`, typed in a Procfile) is matched as text."""
    (tmp_path / "requirements.txt").write_text("gunicorn\nuvicorn-worker\n")
    text = "web: gunicorn mai**n:app -k uvicorn_worker.UvicornWorker\nrun: uvicorn (app:app --reload\n"
    result = checker.check_text(text, tmp_path / "Procfile", Workspace(tmp_path), ALL_RULES, True)
    assert result.problems == []
