"""What UVI001 and UVI012 share: the finding for an app object uvicorn must import by string."""

from __future__ import annotations

from ..engine import app_kinds, app_location
from ..engine.context import RuleContext, RuleIdentity
from ..engine.launch import Launch, Setting
from ..engine.model import Finding, Severity
from ..engine.rule import Quoted, fit_message
from ..engine.source import node_range


def app_object_finding(
    ctx: RuleContext,
    rule: RuleIdentity,
    launch: Launch,
    app: app_kinds.AppClass,
    definite: list[str],
    conditional: list[str],
) -> Finding:
    """The finding and its import-string fixes, for the app object of a Python launch."""
    assert launch.app is not None
    app_node = launch.app.node
    target = app_location.find_app_target(ctx, app_node)
    choices = app_location.import_strings(ctx, target)
    # uvicorn cannot import a notebook: no import string names an app defined in one.
    notebook = launch.setting is Setting.NOTEBOOK
    fixes = [] if notebook else app_location.import_string_fixes(launch, target, choices)
    status = ctx.failure_status(launch)
    severity = Severity.ERROR if definite else Severity.WARNING
    # "with reload=True" when the call surely spawns processes, "when RELOAD is true" when it may.
    when = f"with {' and '.join(definite)}" if definite else " or ".join(conditional)
    example = choices[0].value if choices else "module:app"

    described = launch.described
    if notebook:
        message = fit_message(
            "{described} gets {app} {when}: uvicorn exits with status {status}; "
            "a notebook cannot be imported: move the app to a .py module",
            described=described,
            app=Quoted(app.description),
            when=when,
            status=str(status),
        )
    elif target.problem:
        # Nothing importable names it: the rule page says how to define the app instead.
        message = fit_message(
            "{described} {when} exits with status {status}: no import string can name the app ({problem})",
            described=described,
            when=when,
            status=str(status),
            problem=target.problem,
        )
    elif target.caveat:
        # The import string loads an app without the guarded block's changes: the caveat says which.
        message = fit_message(
            '{described} {when} exits with status {status}; use "{example}", and {caveat}',
            '{described} {when} exits with status {status}; use "{example}", but {caveat_short}',
            described=described,
            when=when,
            status=str(status),
            example=Quoted(example),
            caveat=target.caveat,
            caveat_short=target.caveat_short or target.caveat,
        )
    else:
        message = fit_message(
            '{described} gets {app} {when}: uvicorn exits with status {status}; pass an import string such as "{example}"',
            '{described} gets {app} {when}: it exits with status {status}; pass "{example}"',
            described=described,
            app=Quoted(app.description),
            when=when,
            status=str(status),
            example=Quoted(example),
        )
    return ctx.finding(rule, message, node_range(app_node), severity=severity, fixes=fixes)
