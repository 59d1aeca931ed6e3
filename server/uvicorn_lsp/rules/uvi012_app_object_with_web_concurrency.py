"""UVI012: an app object without reload/workers still exits where WEB_CONCURRENCY is set (off by default)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from ..engine import app_kinds
from ..engine.context import RuleContext
from ..engine.launch import Entry, Launch
from ..engine.model import Applicability, Finding, Severity
from ..engine.option_files import read_text_start, referenced_file
from ..engine.rule import FixAvailability, Rule, RuleDoc, elide
from ..engine.uvicorn_facts import supervision_conditions
from .app_object import app_object_finding

# python-dotenv syntax: optional `export`, optional quotes; the last assignment wins.
_WEB_CONCURRENCY_LINE = re.compile(r"^\s*(?:export\s+)?WEB_CONCURRENCY\s*=\s*[\"']?\s*(\d+)", re.MULTILINE)


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        if launch.entry is not Entry.RUN or launch.app is None or not launch.app.editable:
            continue
        definite, conditional = supervision_conditions(launch)
        if definite or conditional:
            continue  # reload or workers of its own: UVI001's case
        if not _reads_web_concurrency(launch):
            continue
        app = app_kinds.classify_app(ctx, launch.app.node)
        if app.kind is not app_kinds.AppKind.OBJECT:
            continue
        from_env_file = _env_file_workers(ctx, launch)
        if from_env_file is not None:
            definite = [from_env_file]
        else:
            # Some hosting platforms set it: the rule page says which.
            conditional = ["when WEB_CONCURRENCY is above 1"]
        finding = app_object_finding(ctx, RULE, launch, app, definite, conditional)
        finding.severity = RULE.severity  # an opt-in hint, even when the env file makes it certain
        if len(finding.fixes) > 1:
            # The code runs today with every launch; one import string keeps only one of them working.
            finding.fixes = [dataclasses.replace(fix, applicability=Applicability.UNSAFE) for fix in finding.fixes]
        yield finding


def _reads_web_concurrency(launch: Launch) -> bool:
    """uvicorn reads WEB_CONCURRENCY only when `workers` is not passed or is None."""
    workers = launch.value("workers")
    return workers is None or workers.all(lambda value: value is None) is True


def _env_file_workers(ctx: RuleContext, launch: Launch) -> str | None:
    """`WEB_CONCURRENCY=4 in '.env'` when the env_file sets it above 1."""
    env_file = launch.option("env_file")
    named = referenced_file(ctx, env_file) if env_file is not None else None
    if named is None:
        return None
    name, path = named
    if path is None:
        return None
    text = read_text_start(path)
    values = _WEB_CONCURRENCY_LINE.findall(text or "")
    if not values or int(values[-1]) <= 1:
        return None
    return f"WEB_CONCURRENCY={values[-1]} in {elide(name, 32)!r}"


RULE = Rule(
    code="UVI012",
    name="app-object-with-web-concurrency",
    summary="An app object passed to `uvicorn.run` without `workers` still exits with status 3 wherever `WEB_CONCURRENCY` is above 1.",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(
        Applicability.SAFE,
        Applicability.UNSAFE,
    ),
    on_by_default=False,
    check=check,
    doc=RuleDoc(
        what="""
            Finds `uvicorn.run(app)` where `app` is the application object and neither `reload` nor
            `workers` is set (or `workers=None`), the calls UVI001 leaves alone. When an `env_file=` the
            rule can read sets `WEB_CONCURRENCY` above 1, the message says so.

            Off by default: most deployments never set the variable. Turn it on with
            `extend-select = ["UVI012"]` when the code runs on a platform you do not control.
        """,
        why="""
            When `workers` is not passed, uvicorn takes the worker count from the `WEB_CONCURRENCY`
            environment variable, which some hosting platforms set for every process. With a value
            above 1 the call needs worker processes, which can only import the app from an import
            string: uvicorn logs "You must pass the application as an import string to enable 'reload'
            or 'workers'." and exits with status 3. The same code that runs on a laptop fails on the
            platform. A `.env` file passed as `env_file=` is loaded before that check and can set the
            variable too. An explicit `workers=` wins over the variable.
        """,
        example="""
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()

            if __name__ == "__main__":
                uvicorn.run(app)
        """,
        use_instead="""
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()

            if __name__ == "__main__":
                uvicorn.run("main:app")
        """,
        fix="""
            The UVI001 fix: replaces the app object with the import string that loads it (one fix per way
            the script may be launched; with `factory=True` for a factory call). See UVI001.
        """,
        fix_safety="""
            Safe, as for UVI001: uvicorn then imports the module again by name, which runs its top-level
            code once more in that process; code under `if __name__ == "__main__":` is not re-run.
            Unsafe for a script inside a package: the code works today with `python pkg/main.py` and
            with `python -m pkg.main`, and each import string keeps only one of them working.
        """,
        notes="Passing `workers=1` also keeps the variable out, but then the server cannot be scaled by it.",
        notebooks="As UVI001: reported without the import-string fix, since uvicorn cannot import a notebook.",
        python_only="the `uvicorn` command always gets the app as an import string.",
    ),
)
