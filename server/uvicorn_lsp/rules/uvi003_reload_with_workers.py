"""UVI003: reload together with several workers; uvicorn ignores the workers."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine import project
from ..engine.commands.recognise import command_info
from ..engine.context import RuleContext
from ..engine.launch import Launch, Option, Server, Setting
from ..engine.model import Applicability, Finding, Fix, Severity
from ..engine.rule import FixAvailability, Rule, RuleDoc


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        if not launch.spawns_processes() or launch.server is Server.GUNICORN:
            continue  # a Config run by Server ignores both (UVI006); gunicorn keeps its workers when reloading
        reload, workers = launch.option("reload"), launch.option("workers")
        debug = launch.option("debug") if _debug_reloads(ctx, launch) else None
        if reload is None:
            reload = debug
        if reload is None or workers is None:
            continue
        # Only a sure conflict: `reload=DEBUG, workers=4` is the usual dev/prod switch.
        if not (reload.value.truthy() and workers.value.int_above(1)):
            continue
        # In a production start reload is the mistake (UVI014): dropping it is the fix to take there.
        info = command_info(launch)
        production = launch.setting is Setting.PRODUCTION or (info is not None and info.production)
        fixes = [
            _removal(
                launch, workers, "Remove `{}` (uvicorn already runs one process)", Applicability.SAFE, not production
            ),
        ]
        # `reload=True, debug=True` before 0.19: without `reload`, `debug` still reloads and the workers stay ignored.
        if debug is None or debug is reload or debug.value.truthy() is False:
            fixes.append(
                _removal(
                    launch, reload, "Remove `{}` (run the workers, stop reloading)", Applicability.UNSAFE, production
                )
            )
        yield ctx.finding(
            RULE,
            f"{workers.written} is ignored because {reload.written} is set: "
            "uvicorn runs a single process when reloading",
            workers.range,
            fixes=[fix for fix in fixes if fix is not None],
        )


def _debug_reloads(ctx: RuleContext, launch: Launch) -> bool:
    """`debug=True` turns reload on in uvicorn before 0.19 (`should_reload` is `debug or reload`); later ones
    have no `debug` (UVI004)."""
    release = project.release(ctx.uvicorn_version_in(launch))
    return launch.option("debug") is not None and release is not None and release < (0, 19)


def _removal(launch: Launch, option: Option, title: str, applicability: Applicability, preferred: bool) -> Fix | None:
    edits = launch.edits.remove_option(option)
    if not edits:  # inside `**{...}` or the environment: left to the author
        return None
    return Fix(title.format(option.label), edits, applicability, preferred=preferred)


RULE = Rule(
    code="UVI003",
    name="reload-with-workers",
    summary="`reload` (`--reload`) together with `workers` > 1; uvicorn ignores the workers and runs one process.",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(
        Applicability.SAFE,
        Applicability.UNSAFE,
    ),
    check=check,
    judges_commands=True,
    doc=RuleDoc(
        what="""
            Finds `uvicorn.run(...)` calls where `reload` is true and `workers` is a number above 1,
            both known from the code (literals, constants, keys of a `**` dict literal).

            Values known only at run time stay silent: `reload=settings.debug, workers=4` is the usual
            way to reload in development and run workers in production. Where the project runs a uvicorn
            before 0.19, `debug=True` counts as `reload`: those versions reload on it.
        """,
        why="""
            Reloading and worker processes are two different supervisors and uvicorn picks only one.
            When `reload` is on, it logs `"workers" flag is ignored when reloading is enabled.` and runs a
            single server process that restarts on file changes (uvicorn 0.20 and later). Code that
            expects several workers (throughput, isolation) silently gets one.
        """,
        example="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", reload=True, workers=4)
        """,
        use_instead="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", reload=True)  # development
                # uvicorn.run("main:app", workers=4)  # production
        """,
        fix="""
            Two fixes: remove `workers` (preferred: the server keeps running as it does now, one
            reloading process) or remove `reload` (run the workers and stop reloading). Arguments that
            come from a `**{...}` dict get no fix; edit the dict. Before uvicorn 0.19, `debug=True` beside
            `reload=True` reloads on its own: removing `reload` would change nothing, so only the first is offered.
        """,
        fix_safety="""
            Removing `workers` is safe: uvicorn ignores it already, so nothing changes at run time.
            Removing `reload` is unsafe: the server stops reloading on changes and starts the workers,
            which changes how it runs.
        """,
        notes="""
            On a command line: `uvicorn main:app --reload --workers 4` (or `WEB_CONCURRENCY`). In a production
            start (a Dockerfile's final `CMD`) the preferred fix drops `--reload` instead (see UVI014).

            Only `uvicorn.run` is checked: a `uvicorn.Config` handed to `uvicorn.Server` ignores both
            options, which UVI006 reports.
        """,
        command_example="""
            # run.sh
            uvicorn main:app --reload --workers 4
        """,
        command_use_instead="""
            # run.sh
            uvicorn main:app --reload  # development; `--workers 4` without --reload in production
        """,
        command_language="sh",
    ),
)
