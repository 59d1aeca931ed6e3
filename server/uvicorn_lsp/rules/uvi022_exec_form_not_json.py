"""UVI022: a Dockerfile start written as a list Docker cannot read as JSON (single quotes, a comment after it)."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.commands.base import CommandContext
from ..engine.commands.dockerfile import SERVER_PROGRAMS, ExecFormNotJson, exec_forms_not_json
from ..engine.context import RuleContext
from ..engine.model import Applicability, Finding, Fix, Severity
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message


def check(ctx: RuleContext) -> Iterator[Finding]:
    if not isinstance(ctx, CommandContext) or ctx.kind != "dockerfile":
        return
    for start in exec_forms_not_json(ctx.source.text):
        if not any(server in word for word in start.words for server in SERVER_PROGRAMS):
            continue  # a start that names no server of ours
        if start.first_word == "[":
            # `[ 'uvicorn', 'main:app' ]`: the shell's first word is its test command, which rejects the rest.
            message = fit_message(
                "{keyword} is not a JSON list{why}: Docker runs it with /bin/sh, whose test command `[` rejects it "
                "(exit status 2, 1 in busybox); write it in JSON",
                keyword=start.keyword,
                why=_why(start),
            )
        else:
            message = fit_message(
                "{keyword} is not a JSON list{why}: Docker runs it with /bin/sh, which finds no command `{word}` "
                "(exit status 127); write it in JSON",
                keyword=start.keyword,
                why=_why(start),
                word=Quoted(start.first_word),
            )
        fixes = [Fix(_fix_title(start), start.fix, Applicability.SAFE)] if start.fix else []
        yield ctx.finding(RULE, message, start.range, fixes=fixes)


def _why(start: ExecFormNotJson) -> str:
    reasons = ["single quotes"] if start.single_quotes else []
    if start.text_after:
        reasons.append("a comment after it" if start.text_after.startswith("#") else "text after it")
    return f" ({', '.join(reasons)})" if reasons else ""


def _fix_title(start: ExecFormNotJson) -> str:
    if start.list_is_json:
        return "Move the comment to its own line"
    return "Write the list in JSON, the comment on its own line" if start.text_after else "Write the list in JSON"


RULE = Rule(
    code="UVI022",
    name="exec-form-not-json",
    summary="A Dockerfile `CMD`/`ENTRYPOINT` list that is not JSON (single quotes, a comment after it): Docker runs "
    "it through /bin/sh, which fails (exit status 127, or 2 when the list opens with a blank).",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.SAFE,),
    triggers=(),  # Dockerfiles only
    command_triggers=SERVER_PROGRAMS,
    judges_commands=True,
    check=check,
    doc=RuleDoc(
        what="""
            Finds the `CMD` or `ENTRYPOINT` that starts a container (each stage's last one; a `CMD` only where
            no `ENTRYPOINT` takes it as arguments) written as a list that is not JSON, most often with single
            quotes (`CMD ['uvicorn', 'main:app']`) or with a comment after the list
            (`CMD ["uvicorn", "main:app"]  # the API`), when the list starts uvicorn, fastapi-cli, gunicorn or
            hypercorn.
        """,
        why="""
            Docker reads the exec form as a JSON array. Text that is not JSON is the shell form: Docker runs
            `/bin/sh -c "['uvicorn', 'main:app']"`, and the shell's first word is `[uvicorn,`, a command that
            does not exist. The container stops at once with `/bin/sh: 1: [uvicorn,: not found` and exit
            status 127; the build itself succeeds, so the mistake shows only when the container runs. A
            comment after the list does the same: Docker reads the whole rest of the line as the JSON array
            (only a line that starts with `#` is a comment), and the array followed by more text is not JSON.
            A list that opens with a blank (`CMD [ 'uvicorn', 'main:app' ]`) starts with the word `[`, the
            shell's test command, which rejects the rest (`[: uvicorn,: unexpected operator`): exit status 2
            (1 in busybox, the /bin/sh of Alpine images), and the server never starts either.
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
            Writes the same list in JSON (double quotes, escapes where JSON needs them) and moves a comment
            after it to its own line above the instruction. Offered when the instruction is on one line and
            what follows the list, if anything, is a comment.
        """,
        fix_safety="""
            Safe: the container runs the command the list spells out, which is what the file meant; nothing
            else changes.
        """,
        language="dockerfile",
    ),
)
