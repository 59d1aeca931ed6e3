"""UVI001: an app object passed to uvicorn.run with reload or workers."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine import app_kinds
from ..engine.context import RuleContext
from ..engine.launch import Entry
from ..engine.model import Applicability, Finding, Severity
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message
from ..engine.uvicorn_facts import supervision_conditions
from .app_object import app_object_finding


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        if launch.entry is not Entry.RUN or launch.app is None or not launch.app.editable:
            continue
        definite, conditional = supervision_conditions(launch)
        if not definite and not conditional:
            continue
        app = app_kinds.classify_app(ctx, launch.app.node)
        if app.kind is app_kinds.AppKind.MAYBE_OBJECT:
            # The callee cannot be read: it may as well return an import string.
            message = fit_message(
                "{described} gets {app}, unreadable here: if it is an app object, uvicorn exits with status "
                "{status} ({causes} needs an import string)",
                described=launch.described,
                app=Quoted(app.description),
                status=str(ctx.failure_status(launch)),
                causes=" and ".join(definite + conditional),
            )
            yield ctx.finding(RULE, message, launch.app.where_value, severity=Severity.INFORMATION)
        elif app.kind is app_kinds.AppKind.OBJECT:
            yield app_object_finding(ctx, RULE, launch, app, definite, conditional)


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
            the call fails. A conditional app (`"main:app" if reload else app`) is reported only when both
            branches are app objects: uvicorn gets one of them, often the string exactly when it reloads.
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
            (adds routes or middleware, sets state) or calls something before the launch that may
            (`setup()`; printing and logging aside): the imported app would lack those changes, so the
            message names the line to move to module level. No fix at all when the app is only created
            under the guard.
        """,
        notebooks="""
            Reported as in a Python file, without the import-string fix: uvicorn cannot import a notebook, so
            no import string names its app. The message says to move the app to a `.py` module.
        """,
        python_only="the `uvicorn` command always gets the app as an import string.",
    ),
)
