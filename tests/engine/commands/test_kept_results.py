"""What an edit leaves unchanged is kept (tokenized commands, their arguments and parses): the findings
of each edited text equal those of a check that starts with nothing kept."""

from __future__ import annotations

import dataclasses

import pytest

from uvicorn_lsp.engine import carry_over, checker
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


# Service lines a keystroke may leave behind (each replaces one line of a service, at its indentation).
EDITED_LINES = [
    "command: uvicorn app.main:app --reload --workers 2",
    "command: uvicorn app.mian:app",
    "command: fastapi dev app/main.py",
    "command: [uvicorn, app.main:app, --host, 0.0.0.0]",
    "command: uvicorn app.main:app --forwarded-allow-ips '*' --port 80",
    "# command: uvicorn app.main:app",
    "environment: {WEB_CONCURRENCY: '4'}",
    "working_dir: /srv",
    "ports: ['80:80']",
    "network_mode: host",
    "volumes: ['./app:/code/app']",
    "env_file: .env",
    "build: ./other",
    "image: python:3.12",
    "command: uvicorn app.main:app --ssl-keyfile key.pem",
]


@pytest.mark.parametrize("seed", range(3))
def test_a_keystroke_in_one_service_judges_it_alone_and_finds_what_a_whole_check_finds(project, seed):
    """The part-wise check of a compose file (`carry_over.changed_part`): the findings of the other services are
    kept, those of the edited one found again; each result equals a check of the whole file with nothing kept."""
    import random

    rng = random.Random(seed)
    project.write("app/__init__.py")
    project.write("app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write("Dockerfile", 'FROM python:3.12\nWORKDIR /code\nCOPY . .\nCMD ["uvicorn", "app.main:app"]\n')
    services = compose([8000, 8001, 8002, 8003], [1, 2, 1, 4]).replace("    build: .\n", "    <<: *common\n", 2)
    text = "name: shop\nx-common: &common\n  build: .\n  restart: always\n" + services + "volumes:\n  data: {}\n"
    path = project.write("compose.prod.yaml", text)
    workspace = Workspace(project.root)
    result = checker.check_text(text, path, workspace, ALL_RULES, True)
    lines = text.split("\n")
    fields = [n for n, line in enumerate(lines) if line.startswith("    ") and not line.startswith("     ")]
    judged_alone = 0
    for _ in range(30):
        edited = list(lines)
        edited[rng.choice(fields)] = "    " + rng.choice(EDITED_LINES)
        for version in ("\n".join(edited), text):  # typed, then undone
            basis = result.basis
            result = checker.check_text(version, path, workspace, ALL_RULES, True, previous=result)
            fresh = checker.check_text(version, path, Workspace(project.root), ALL_RULES, True)
            assert [dataclasses.astuple(f) for f in result.findings] == [dataclasses.astuple(f) for f in fresh.findings]
            judged_alone += (
                isinstance(basis, carry_over.PartsBasis)
                and isinstance(result.basis, carry_over.PartsBasis)
                and carry_over.changed_part(basis, result.basis) is not None
            )
    assert judged_alone > 30


def test_services_that_share_an_anchor_are_checked_whole(project):
    text = "x-base: &base\n  build: .\nservices:\n  a:\n    <<: *base\n    command: uvicorn app.main:app\n"
    assert commands_parts(text) == [(3, 7)]  # an anchor before the services: each reads the same lines
    assert commands_parts("services:\n  a:\n    command: uvicorn m:app\n  b:\n    command: uvicorn n:app\n") == [
        (1, 3),
        (3, 6),  # to the end: the last line is the empty one after the last line break
    ]
    assert commands_parts("services:\n  a: &a\n    command: uvicorn m:app\n  b: *a\n") is None
    assert commands_parts("services:\n  a:\n    extends: {service: b}\n  b:\n    command: x\n") is None
    # `b` runs the image `a` builds: an edit of `a` changes what `b` runs.
    shared = "services:\n  a:\n    build: .\n    image: api\n  b:\n    image: api\n    command: uvicorn m:app\n"
    assert commands_parts(shared) is None
    assert commands_parts(shared.replace("image: api\n    command", "image: other\n    command")) == [(1, 4), (4, 8)]


def commands_parts(text: str):
    from uvicorn_lsp.engine import commands

    return commands.independent_parts("compose", text.split("\n"))
