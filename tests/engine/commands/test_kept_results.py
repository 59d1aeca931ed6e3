"""What an edit leaves unchanged is kept (tokenized commands, their arguments and parses): the findings
of each edited text equal those of a check that starts with nothing kept."""

from __future__ import annotations

import dataclasses

import pytest

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.commands import shell
from uvicorn_lsp.engine.text_cache import TextCache
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES

SERVICE = """\
  svc{n}:
    build: .
    command: sh -c "uvicorn app.main:app --reload --port {port}{extra}"
    environment:
      WEB_CONCURRENCY: '{workers}'
    ports: ['{port}:{port}']
"""


def compose(ports: list[int], workers: list[int], extra: str = "") -> str:
    services = "".join(
        SERVICE.format(n=n, port=port, workers=count, extra=extra if n == 1 else "")
        for n, (port, count) in enumerate(zip(ports, workers, strict=True))
    )
    return "services:\n" + services


def findings(project, text: str) -> list[tuple]:
    path = project.write("compose.prod.yaml", text)
    result = checker.check_text(text, path, Workspace(project.root), ALL_RULES, True)
    return [dataclasses.astuple(finding) for finding in result.findings]


def test_edits_give_the_findings_of_a_check_with_nothing_kept(project, monkeypatch):
    project.write("app/__init__.py")
    project.write("app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write("Dockerfile", "FROM python:3.12\nWORKDIR /code\nCOPY . .\n")
    versions = [
        compose([8000, 8001, 8002], [1, 2, 1]),
        compose([8000, 8001, 8002], [1, 1, 1]),  # an environment edited: the same words parse otherwise
        compose([8000, 8005, 8002], [1, 1, 1], " --workers 2"),  # one command edited
        "\n" + compose([8000, 8005, 8002], [1, 1, 1], " --workers 2"),  # every line moved
        compose([8000, 8001, 8002], [1, 2, 1]),  # back to the first text
    ]
    warm = [findings(project, text) for text in versions]
    cold = []
    for text in versions:
        monkeypatch.setattr(shell, "_COMMANDS", TextCache(4096))
        cold.append(findings(project, text))
    assert warm == cold
    assert warm[0] != warm[1] and warm[1] != warm[2] and warm[2] != warm[3] and warm[4] == warm[0]
    assert any(finding[0] == "UVI003" for finding in warm[0]) and not any(finding[0] == "UVI003" for finding in warm[1])


def test_a_command_file_is_never_parsed_as_python(project, monkeypatch):
    """Its Python views are empty: a Dockerfile line such as `from app import x` in a RUN heredoc names nothing, and
    checking a command file costs no Python parse (UVI002 asked a compose file's "own imports" of one)."""
    import parso

    project.write("app/__init__.py")
    project.write("app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write("Dockerfile", "FROM python:3.12-slim\nWORKDIR /code\nCOPY . .\n")
    # A module that does not load: UVI002 asks whether the file's own imports show a project not in the workspace.
    text = "# from app import main\n" + compose([8000, 8001], [1, 4]).replace("app.main:app", "app.mian:app")
    parse = parso.Grammar.parse

    def parse_python(grammar, code, *args, **kwargs):
        if code == text:
            pytest.fail("a command file parsed as Python")
        return parse(grammar, code, *args, **kwargs)  # the project's modules

    monkeypatch.setattr(parso.Grammar, "parse", parse_python)
    path = project.write("compose.prod.yaml", text)
    result = checker.check_text(text, path, Workspace(project.root), ALL_RULES, True)
    assert not result.problems
    assert {finding.code for finding in result.findings} >= {"UVI002", "UVI014", "UVI003"}
