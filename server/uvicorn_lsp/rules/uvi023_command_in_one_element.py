"""UVI023: a Dockerfile start whose JSON list holds the whole command in its first element."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.commands.base import CommandContext
from ..engine.commands.dockerfile import SERVER_PROGRAMS, commands_in_one_element
from ..engine.context import RuleContext
from ..engine.model import Applicability, Finding, Fix, Severity
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message


def check(ctx: RuleContext) -> Iterator[Finding]:
    if not isinstance(ctx, CommandContext) or ctx.kind != "dockerfile":
        return
    for start in commands_in_one_element(ctx.source.text):
        if not _starts_a_server(start.element.split()):
            continue  # a start that names no server of ours
        message = fit_message(
            '{keyword}\'s first element holds the whole command: no program is named "{element}" '
            "(exit status 127); split it{shell}",
            keyword=start.keyword,
            element=Quoted(start.element),
            shell="" if start.fix else ' or use ["sh", "-c", "..."]',
        )
        # Alone, the element is the command a shell would have split; with more elements after it, those were
        # written for what the first one meant, which the split may not be (`["uvicorn main:app", "run", ...]`).
        applicability = Applicability.UNSAFE if start.followed else Applicability.SAFE
        fixes = [Fix("Split the command into one element per word", start.fix, applicability)] if start.fix else []
        yield ctx.finding(RULE, message, start.range, fixes=fixes)


def _starts_a_server(words: list[str]) -> bool:
    """`uvicorn ...`, `/venv/bin/gunicorn ...`, `python -m uvicorn ...`."""
    program = words[0].rsplit("/", 1)[-1]
    return program in SERVER_PROGRAMS or (program.startswith("python") and words[1:3] == ["-m", "uvicorn"])


RULE = Rule(
    code="UVI023",
    name="command-in-one-element",
    summary='A Dockerfile `CMD`/`ENTRYPOINT` list whose first element is the whole command (`["uvicorn main:app"]`): '
    "Docker finds no program of that name (exit status 127).",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.SAFE, Applicability.UNSAFE),
    triggers=(),  # Dockerfiles only
    command_triggers=SERVER_PROGRAMS,
    judges_commands=True,
    check=check,
    doc=RuleDoc(
        what="""
            Finds the `CMD` or `ENTRYPOINT` that starts a container (each stage's last one; a `CMD` only where
            no `ENTRYPOINT` takes it as arguments) written as a JSON list whose first element holds several
            words, the first of them uvicorn, fastapi-cli, gunicorn, hypercorn or `python -m uvicorn`:
            `CMD ["uvicorn main:app --host 0.0.0.0"]`, or `CMD ["uvicorn main:app", "--port", "80"]`.
        """,
        why="""
            The exec form runs its first element as the program, as it is: no shell splits it into words.
            Docker looks on PATH for a file named `uvicorn main:app --host 0.0.0.0`, finds none, and the
            container stops at once (`exec: "uvicorn main:app --host 0.0.0.0": executable file not found in
            $PATH`, exit status 127). The build succeeds: the mistake shows only when the container runs.
        """,
        example="""
            # Dockerfile
            FROM python:3.12-slim
            WORKDIR /app
            COPY . .
            CMD ["uvicorn main:app --host 0.0.0.0 --port 80"]
        """,
        use_instead="""
            # Dockerfile
            FROM python:3.12-slim
            WORKDIR /app
            COPY . .
            CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "80"]
        """,
        fix="""
            Splits the element into one element per word, when the element is only words separated by
            blanks. An element a shell would read more into (`$PORT`, quotes, `&&`, a leading `NAME=value`)
            gets no fix: write `["sh", "-c", "exec uvicorn main:app --port $PORT"]` or the shell form.
        """,
        fix_safety="""
            Safe when the element is the list's only one: the container runs the command the element spells out,
            word by word, as a shell would have split it. Unsafe when more elements follow it: they were written
            for what the first element meant, and the split command may still refuse them.
        """,
        language="dockerfile",
    ),
)
