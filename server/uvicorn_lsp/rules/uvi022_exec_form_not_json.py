"""UVI022: a Dockerfile start written as a list Docker cannot read as JSON (single quotes)."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.commands.base import CommandContext
from ..engine.commands.dockerfile import misquoted_exec_forms
from ..engine.context import RuleContext
from ..engine.model import Applicability, Finding, Fix, Severity
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message

_SERVERS = ("uvicorn", "fastapi", "gunicorn", "hypercorn")


def check(ctx: RuleContext) -> Iterator[Finding]:
    if not isinstance(ctx, CommandContext) or ctx.kind != "dockerfile":
        return
    for start in misquoted_exec_forms(ctx.source.text):
        if not any(server in word for word in start.words for server in _SERVERS):
            continue  # a start that names no server of ours
        message = fit_message(
            "{keyword} is not a JSON list{why}: Docker runs it with /bin/sh, which finds no command `{word}` "
            "(exit status 127); write it in JSON",
            keyword=start.keyword,
            why=" (single quotes)" if start.single_quotes else "",
            word=Quoted(start.first_word),
        )
        fixes = [Fix("Write the list in JSON", (start.as_json,), Applicability.SAFE)] if start.as_json else []
        yield ctx.finding(RULE, message, start.range, fixes=fixes)


RULE = Rule(
    code="UVI022",
    name="exec-form-not-json",
    summary="A Dockerfile `CMD`/`ENTRYPOINT` list written with single quotes is not JSON: Docker runs it through "
    "/bin/sh, which fails (exit status 127).",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.SAFE,),
    triggers=(),  # Dockerfiles only
    command_triggers=_SERVERS,
    judges_commands=True,
    check=check,
    doc=RuleDoc(
        what="""
            Finds the `CMD` or `ENTRYPOINT` that starts a container (each stage's last one; a `CMD` only where
            no `ENTRYPOINT` takes it as arguments) written as a list that is not JSON, most often with single
            quotes (`CMD ['uvicorn', 'main:app']`), when the list starts uvicorn, fastapi-cli, gunicorn or
            hypercorn.
        """,
        why="""
            Docker reads the exec form as a JSON array. Text that is not JSON is the shell form: Docker runs
            `/bin/sh -c "['uvicorn', 'main:app']"`, and the shell's first word is `[uvicorn,`, a command that
            does not exist. The container stops at once with `/bin/sh: 1: [uvicorn,: not found` and exit
            status 127; the build itself succeeds, so the mistake shows only when the container runs.
        """,
        example="""
            # Dockerfile
            FROM python:3.12-slim
            WORKDIR /app
            COPY . .
            CMD ['uvicorn', 'main:app', '--host', '0.0.0.0']
        """,
        use_instead="""
            # Dockerfile
            FROM python:3.12-slim
            WORKDIR /app
            COPY . .
            CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
        """,
        fix="""
            Writes the same list in JSON (double quotes, escapes where JSON needs them). Offered when the
            instruction is on one line.
        """,
        fix_safety="""
            Safe: the container runs the command the list spells out, which is what the file meant; nothing
            else changes.
        """,
        language="dockerfile",
    ),
)
