"""UVI001: an app object passed to uvicorn.run with reload or workers."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine import apps
from ..engine.context import RuleContext
from ..engine.model import Applicability, Finding, Severity
from ..engine.rule import FixAvailability, Rule, RuleDoc
from ..engine.source import node_range
from ..engine.syntax import Argument, CallSite


def supervision_conditions(ctx: RuleContext, call: CallSite) -> tuple[list[str], list[str]]:
    """What makes uvicorn.run spawn processes: (definite causes, conditions).

    Definite causes read like `reload=True`; conditions like `when RELOAD is true`.
    uvicorn tests `config.reload or config.workers > 1` (uvicorn-facts.md)."""
    definite: list[str] = []
    conditional: list[str] = []
    reload = ctx.argument(call, "reload")
    if reload is not None:
        value = ctx.evaluator.evaluate(reload.value)
        truthy = value.truthy()
        if truthy:
            definite.append(_shown("reload", reload, value.source))
        elif truthy is None:
            conditional.append(value.describe_condition("is true"))
    workers = ctx.argument(call, "workers")
    if workers is not None:
        value = ctx.evaluator.evaluate(workers.value)
        above = value.int_above(1)
        if above:
            definite.append(_shown("workers", workers, value.source))
        elif above is None and value.all(lambda v: v is None or (isinstance(v, int) and v <= 1)) is not True:
            conditional.append(value.describe_condition("is more than 1"))
    return definite, conditional


def _shown(name: str, argument, source: str) -> str:
    return f"{name}={source}" + (" (from ** unpacking)" if argument.from_dict else "")


def run_calls_with_app(ctx: RuleContext) -> Iterator[tuple[CallSite, Argument, list[str], list[str]]]:
    """Each uvicorn.run call with an app argument, and what makes it spawn processes."""
    for call in ctx.calls_to("uvicorn.run"):
        argument = ctx.argument(call, "app", 0)
        if argument is not None and not argument.from_dict:
            yield call, argument, *supervision_conditions(ctx, call)


def check(ctx: RuleContext) -> Iterator[Finding]:
    for call, argument, definite, conditional in run_calls_with_app(ctx):
        if not definite and not conditional:
            continue
        app = apps.classify_app(ctx, argument.value)
        if app.kind is not apps.AppKind.OBJECT:
            continue
        yield app_object_finding(ctx, RULE, call, argument.value, app, definite, conditional)


def app_object_finding(
    ctx, rule, call, app_node, app: apps.AppClass, definite: list[str], conditional: list[str]
) -> Finding:
    """The finding and its import-string fixes; shared with UVI012."""
    target = apps.find_app_target(ctx, app_node)
    choices = apps.import_strings(ctx, target)
    fixes = apps.import_string_fixes(ctx, call, app_node, target, choices)
    example = choices[0].value if choices else "module:app"
    needs = f'uvicorn can only {_what(definite + conditional)} from an import string such as "{example}"'
    status = apps.startup_failure_status(ctx)
    if definite:
        message = f"uvicorn.run() gets {app.description} with {' and '.join(definite)}: {needs}, and exits at startup with status {status}"
        severity = Severity.ERROR
    else:
        message = f"uvicorn.run() gets {app.description}; {' or '.join(conditional)}, it exits at startup with status {status}: {needs}"
        severity = Severity.WARNING
    if target.caveat:
        message += f". Note: {target.caveat}"
    if target.problem:
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


RULE = Rule(
    code="UVI001",
    name="app-object-with-reload",
    summary="The app is passed as an object to `uvicorn.run` with `reload` or `workers`; uvicorn exits with status 3.",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(
        Applicability.SAFE,
        Applicability.UNSAFE,
    ),
    check=check,
    doc=RuleDoc(
        what="""
            Finds `uvicorn.run(app, reload=True)` and `uvicorn.run(app, workers=N)` (N > 1) where `app`
            is the application object (a FastAPI or Starlette instance, an ASGI function, the result of a
            factory call) rather than an import string such as `"main:app"`.

            It follows values: literals, names whose every assignment is a constant, and keys of a dict
            literal unpacked with `**`. When `reload` or `workers` come from something only known at run
            time (an environment variable, a settings object), the finding is a warning that says when
            the call fails.
        """,
        why="""
            With reload or several workers uvicorn starts child processes, and each child must import the
            application itself; an object cannot be handed over. uvicorn checks this before it starts
            anything: it logs "You must pass the application as an import string to enable 'reload' or
            'workers'." and exits with status 3 (status 1 before uvicorn 0.50). The server never starts.
        """,
        example="""
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()

            if __name__ == "__main__":
                uvicorn.run(app, reload=True)
        """,
        use_instead="""
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()

            if __name__ == "__main__":
                uvicorn.run("main:app", reload=True)
        """,
        fix="""
            Replaces the app argument with the import string that loads it in a fresh process:

            - an app defined at module level in this file: `"<module>:app"`;
            - an app imported from another module: the module where it is defined;
            - an attribute of a module-level object: `"<module>:container.app"`;
            - a call of a module-level factory without arguments: `"<module>:create_app"` and `factory=True`.

            The module name depends on how the script is launched. For a file inside a package
            (`pkg/main.py`), `python pkg/main.py` needs `"main:app"` and `python -m pkg.main` needs
            `"pkg.main:app"`: both fixes are offered, titled with their launch. The `-m` form is preferred
            when the file uses relative imports, is a `__main__.py`, or a `[project.scripts]` entry point
            points into its package.

            No fix is offered when nothing importable names the app (an app created inside a function, a
            factory that needs arguments, a lambda); the message says what to change.
        """,
        fix_safety="""
            Safe: uvicorn then imports the module again in the child process, which runs the module's
            top-level code a second time; code under `if __name__ == "__main__":` is not re-run. Choose the
            fix that matches how you launch the script. Unsafe when the guarded block itself uses the app
            (adds routes or middleware, sets state): the imported app would lack those changes, so the
            message names the line to move to module level. No fix at all when the app is only created
            under the guard.
        """,
    ),
)
