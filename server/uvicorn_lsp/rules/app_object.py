"""What UVI001 and UVI012 share: the finding for an app object uvicorn must import by string."""

from __future__ import annotations

from ..engine import app_kinds, app_location
from ..engine.context import RuleContext, RuleIdentity
from ..engine.launch import Launch, Setting
from ..engine.model import Finding, Severity
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
    status = ctx.failure_status
    causes = " and ".join(definite) if definite else " or ".join(conditional)
    subject = f"{launch.described} gets {app.description}"
    if notebook:
        fails = f"uvicorn exits with status {status}, and a notebook cannot be imported: move the app to a .py module"
    elif target.problem:
        # Nothing importable names it: the rule page says how to define the app instead.
        fails = f"uvicorn exits with status {status}, and no import string can name it: {target.problem}"
    else:
        example = choices[0].value if choices else "module:app"
        fails = f'uvicorn exits with status {status}; pass an import string such as "{example}"'
    if definite:
        message = f"{subject} with {causes}: {fails}"
        severity = Severity.ERROR
    else:
        message = f"{subject}; {causes}, {fails}"
        severity = Severity.WARNING
    if target.caveat:
        message += f" ({target.caveat})"
    return ctx.finding(rule, message, node_range(app_node), severity=severity, fixes=fixes)
