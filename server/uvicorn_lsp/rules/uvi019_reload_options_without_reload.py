"""UVI019: reload_dirs, reload_includes, reload_excludes or reload_delay without reload."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..engine import project
from ..engine.context import RuleContext
from ..engine.launch import Launch, Option
from ..engine.model import Applicability, Finding, Fix, Severity, Tag
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message
from ..engine.uvicorn_facts import refuses_missing_reload_dirs, runs_workers

# uvicorn warns about these three (config.py, "not all conditions are met"); reload_delay it ignores silently.
_WARNED = ("reload_dirs", "reload_includes", "reload_excludes")
_RELOAD_OPTIONS = (*_WARNED, "reload_delay")
# The release whose Config first warns about them (0.14 and before ignore them without a word).
_WARNS_SINCE = (0, 15)
# How close a name must be to `reload` to be taken for it misspelt (UVI004's cutoff for its suggestions).
_NEAR = 0.75


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        given = [option for name in _RELOAD_OPTIONS if (option := launch.option(name)) is not None]
        # `reload_dirs=None` is the default spelled out: nothing to say about it.
        given = [option for option in given if option.value.all(lambda value: value is None) is not True]
        if not given or _may_reload(launch) is not False:
            continue
        reload = launch.edits.spell("reload", True)
        if launch.spawns_processes():
            advice = "remove it, or turn reload on"
        else:
            advice = f"remove it ({launch.described} run by uvicorn.Server never reloads)"
        version = ctx.uvicorn_version_in(launch)
        release = project.release(version)
        warns = release is None or release >= _WARNS_SINCE
        for option in given:
            # uvicorn's warning ("... not all conditions are met") is quoted on the rule page.
            warned = option.name in _WARNED and warns
            effect = "uvicorn ignores it with a warning" if warned else "uvicorn ignores it silently"
            if launch.call is None and option.name == "reload_dirs" and refuses_missing_reload_dirs(version):
                # The command line checks the folder first, reload or not (UVI020 reports a missing one).
                effect += " if the folder exists (exit status 2 if not)"
            message = fit_message(
                "{option} does nothing without {reload}: {effect}; {advice}",
                option=Quoted(option.written),
                reload=reload,
                effect=effect,
                advice=advice,
            )
            yield ctx.finding(RULE, message, option.range, fixes=_fixes(launch, option, reload))


def _may_reload(launch: Launch) -> bool | None:
    """False when the launch surely does not reload; None when it may (a run-time value, unread `**` options,
    a misspelt reload that UVI004 reports)."""
    reload = launch.option("reload")
    written = [
        *launch.options,
        *(rejection.option.name.lstrip("-").replace("-", "_") for rejection in launch.rejections),
    ]
    if "debug" in written:
        # uvicorn before 0.19 reloads an import string on debug=True and `--debug` (real run: 0.18.3 watches the
        # --reload-dir); UVI004 reports it in later ones, whose command line rejects it.
        return None
    if any(_misspells_reload(name) for name in written):
        return None  # `relaod=True`: once UVI004's fix is taken it reloads, and these options are the user's
    if reload is None:
        return False if launch.complete else None
    truthy = reload.value.truthy()
    return None if truthy is None else truthy


def _misspells_reload(name: str) -> bool:
    return name != "reload" and difflib.SequenceMatcher(None, name, "reload").ratio() >= _NEAR


def _fixes(launch: Launch, option: Option, reload: str) -> list[Fix]:
    fixes = []
    removal = launch.edits.remove_option(option)
    if removal:
        fixes.append(Fix(f"Remove {option.label}", removal, Applicability.SAFE))
    if _can_reload(launch):
        addition = launch.edits.set_option("reload", True)
        if addition:
            fixes.append(Fix(f"Turn reload on ({reload})", addition, Applicability.UNSAFE))
    return fixes


def _can_reload(launch: Launch) -> bool:
    """Whether adding reload makes the launch reload: only uvicorn.run and the command line
    supervise, only an import string can be reloaded, and reload would drop the workers."""
    app = launch.app
    is_string = app is not None and (app.value.is_string or app.value.all(lambda value: isinstance(value, str)) is True)
    return launch.spawns_processes() and is_string and runs_workers(launch) is False


RULE = Rule(
    code="UVI019",
    name="reload-options-without-reload",
    summary="`reload_dirs`, `reload_includes`, `reload_excludes` or `reload_delay` without `reload`; uvicorn ignores them.",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.SAFE, Applicability.UNSAFE),
    tags=(Tag.UNNECESSARY,),
    check=check,
    judges_commands=True,
    doc=RuleDoc(
        what="""
            Finds launches that pass `reload_dirs`, `reload_includes`, `reload_excludes` or
            `reload_delay` (`--reload-dir`, `--reload-include`, `--reload-exclude`, `--reload-delay` on a
            command line) while reload is surely off: `reload` not given, or given a false value.

            A `reload` known only at run time (`reload=settings.debug`) is the usual development switch
            and stays silent, as do options given as `None`. Editors grey the options out (the
            "unnecessary" tag).
        """,
        why="""
            Only the reloader reads these options. Without `reload` uvicorn serves normally and drops
            them: for the first three it logs `WARNING: Current configuration will not reload as not all
            conditions are met, please refer to documentation.` (since 0.15; before, nothing), and
            `reload_delay` it ignores without a word. Whoever wrote them expected the server to restart on
            changes, and it does not.
        """,
        example="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", reload_dirs=["src"])
        """,
        use_instead="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", reload=True, reload_dirs=["src"])
        """,
        fix="""
            Two fixes, neither preferred, since only you know which was meant: remove the option, or
            turn reload on (`reload=True`, `--reload`). Turning reload on is offered only where it can
            work: `uvicorn.run` or the command line (a `uvicorn.Config` run by `uvicorn.Server` never
            reloads), an app given as an import string, and no `workers` above 1 (reload would drop them).
            Options from a `**` mapping get no removal fix; edit the mapping.
        """,
        fix_safety="""
            Removing the option is safe: uvicorn ignores it already. Turning reload on is unsafe: the
            server then runs under the reloader and restarts on file changes.
        """,
        command_example="""
            # run.sh
            uvicorn main:app --reload-dir src
        """,
        command_use_instead="""
            # run.sh
            uvicorn main:app --reload --reload-dir src
        """,
        command_language="sh",
    ),
)
