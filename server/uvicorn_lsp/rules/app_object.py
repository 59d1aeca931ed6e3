"""What UVI001 and UVI012 share: the finding for an app object uvicorn must import by string."""

from __future__ import annotations

from ..engine import apps
from ..engine.context import RuleContext, RuleIdentity
from ..engine.launch import Launch, Setting
from ..engine.model import Finding, Severity
from ..engine.source import node_range


def app_object_finding(
    ctx: RuleContext,
    rule: RuleIdentity,
    launch: Launch,
    app: apps.AppClass,
    definite: list[str],
    conditional: list[str],
) -> Finding:
    """The finding and its import-string fixes, for the app object of a Python launch."""
    assert launch.app is not None
    app_node = launch.app.node
    target = apps.find_app_target(ctx, app_node)
    choices = apps.import_strings(ctx, target)
    # uvicorn cannot import a notebook: no import string names an app defined in one.
    notebook = launch.setting is Setting.NOTEBOOK
    fixes = [] if notebook else apps.import_string_fixes(launch, target, choices)
    example = choices[0].value if choices and not notebook else "module:app"
    needs = f'uvicorn can only {_what(definite + conditional)} from an import string such as "{example}"'
    status = ctx.failure_status
    if definite:
        message = f"{launch.described} gets {app.description} with {' and '.join(definite)}: {needs}, and exits at startup with status {status}"
        severity = Severity.ERROR
    else:
        message = f"{launch.described} gets {app.description}; {' or '.join(conditional)}, it exits at startup with status {status}: {needs}"
        severity = Severity.WARNING
    if target.caveat:
        message += f". Note: {target.caveat}"
    if notebook:
        message += ". A notebook cannot be imported: move the app to a .py module and pass its import string"
    elif target.problem:
        message += (
            f". No import string can name it: {target.problem}. Define the app at module level"
            " (or a module-level factory that takes no arguments, with factory=True)"
        )
    return ctx.finding(rule, message, node_range(app_node), severity=severity, fixes=fixes)


def _what(causes: list[str]) -> str:
    reload = any("reload" in cause for cause in causes)
    workers = any("workers" in cause or "WORKERS" in cause for cause in causes)
    if reload and workers:
        return "reload or start workers"
    return "start workers" if workers else "reload"
