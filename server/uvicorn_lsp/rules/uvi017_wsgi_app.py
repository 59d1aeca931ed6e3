"""UVI017: a WSGI app (Flask, Bottle, Falcon, Django's WSGI handler) served by uvicorn as ASGI."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine import edits
from ..engine.app_frameworks import django_asgi_counterpart, wsgi_app
from ..engine.context import RuleContext
from ..engine.launch import Launch
from ..engine.model import Applicability, Finding, Fix, Severity
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, elide, fit_message
from ..engine.source import node_code

_WRAPPER = "WsgiToAsgi"


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        if not launch.served_by_uvicorn:
            continue  # gunicorn's own workers serve WSGI apps
        interface = launch.option("interface")
        if interface is not None and interface.value.all(lambda value: value in ("auto", "asgi2", "asgi3")) is not True:
            continue  # interface="wsgi", or a value known only at run time
        if interface is None and not launch.complete:
            continue
        app = wsgi_app(ctx, launch)
        if app is None or launch.app is None:
            continue
        fixes = []
        if app.factory:  # what a factory returns is made at run time: nothing here to serve or wrap instead
            remedy = (
                "return get_asgi_application() instead"
                if app.framework.name == "Django"
                else "wrap what it returns in asgiref's WsgiToAsgi"
            )
        elif app.framework.name == "Django":
            counterpart = django_asgi_counterpart(ctx, app)
            remedy = (
                f'serve its ASGI app "{elide(counterpart, 40)}"'
                if counterpart
                else "serve its ASGI app (get_asgi_application())"
            )
            replacement = launch.edits.replace_app(counterpart) if counterpart else None
            if replacement:
                fixes.append(Fix(f'Serve "{counterpart}"', replacement, Applicability.UNSAFE))
        else:
            remedy = "wrap it in asgiref's WsgiToAsgi"  # the rule page names a2wsgi too
            wrap = _wrap_fix(ctx, launch) if app.string is None else None  # a string names, it cannot be wrapped
            if wrap is not None:
                fixes.append(wrap)
        # ASGI 3 calls app(scope, receive, send); ASGI 2 (what uvicorn guesses for these classes) app(scope).
        asgi3 = interface is not None and interface.value.all(lambda value: value == "asgi3") is True
        error = "takes 3 positional arguments but 4 were given" if asgi3 else "missing 'start_response'"
        message = fit_message(
            "{app} {is_or_returns} {framework} app (WSGI): every request answers 500 (TypeError: {error}); {remedy}",
            app=Quoted(app.shown),
            is_or_returns="returns a" if app.factory else "is a",
            framework=app.framework.name,
            error=error,
            remedy=remedy,
        )
        yield ctx.finding(RULE, message, launch.app.where_value, fixes=fixes)


def _wrap_fix(ctx: RuleContext, launch: Launch) -> Fix | None:
    """`WsgiToAsgi(app)` in place of an app object, when asgiref is installed in the analysed environment."""
    app = launch.app
    node = app.node if app is not None else None
    if app is None or node is None or not app.editable or ctx.workspace.distribution_version("asgiref") is None:
        return None
    wrapper = edits.free_name(ctx.source, _WRAPPER)
    if wrapper is None and ctx.imports.qualify(_WRAPPER) != f"asgiref.wsgi.{_WRAPPER}":
        return None  # the name means something else in this file
    changes = [edits.replace(node, f"{_WRAPPER}({node_code(node)})")]
    if wrapper is not None:
        changes.insert(0, edits.insert_import(ctx.source, f"from asgiref.wsgi import {_WRAPPER}"))
    return Fix(f"Wrap it: {_WRAPPER}({node_code(node)})", tuple(changes), Applicability.UNSAFE)


RULE = Rule(
    code="UVI017",
    name="wsgi-app",
    summary="A WSGI app (Flask, Bottle, Falcon, Django's `get_wsgi_application()`) is served by uvicorn; every request fails.",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.UNSAFE,),
    check=check,
    judges_commands=True,
    doc=RuleDoc(
        what="""
            Finds launches whose app is a WSGI app: a `Flask(...)`, a `Bottle()` (or `bottle.default_app()`),
            a Falcon `falcon.App()` (not `falcon.asgi.App`), or Django's `get_wsgi_application()`. The app
            is followed to the statement that defines it: an object in the same file, an object imported
            from elsewhere (when jedi can infer its type), or the target of an import string (also on
            command lines). A name alone never decides: `"mysite.wsgi:application"` is reported because
            `mysite/wsgi.py` binds `application = get_wsgi_application()`, not because of its name.
            A plain `def` that takes no argument is an app factory uvicorn calls (with `factory=True` or
            `--factory`, and without, after a warning): the app is what it returns, when every `return`
            gives such an app (`return app` after `app = Flask(__name__)` in it); no fix is offered there.

            Silent with `interface="wsgi"` (`--interface wsgi`), with an `interface` known only at run
            time, and for apps already wrapped for ASGI (`WsgiToAsgi(app)`, `WSGIMiddleware(app)`). A gunicorn
            command counts only with a uvicorn worker class (`-k uvicorn_worker.UvicornWorker`): its default
            worker serves WSGI apps, as does any class it names.
        """,
        why="""
            uvicorn calls the app the ASGI way, `app(scope, receive, send)` (a class whose `__call__` is
            not a coroutine is taken for ASGI 2 and called with `scope` alone). A WSGI app expects
            `(environ, start_response)`, so the server starts and logs nothing wrong, and every request
            answers 500 Internal Server Error with `TypeError: Flask.__call__() missing 1 required
            positional argument: 'start_response'` in the log.
        """,
        example="""
            import uvicorn
            from flask import Flask

            app = Flask(__name__)

            if __name__ == "__main__":
                uvicorn.run(app)
        """,
        use_instead="""
            import uvicorn
            from asgiref.wsgi import WsgiToAsgi
            from flask import Flask

            app = Flask(__name__)
            asgi_app = WsgiToAsgi(app)

            if __name__ == "__main__":
                uvicorn.run(asgi_app)
        """,
        fix="""
            For Django's `"mysite.wsgi:application"`, when the project's `mysite/asgi.py` binds the same name
            to `get_asgi_application()`: serves `"mysite.asgi:application"` instead.

            For an app object of the other frameworks, when `asgiref` is installed in the analysed
            environment: wraps it, `uvicorn.run(WsgiToAsgi(app))`, importing `WsgiToAsgi` from
            `asgiref.wsgi`. An import string gets no fix (the wrapper has to be bound in the module it
            names); the message names the adapters (`asgiref.wsgi.WsgiToAsgi`, `a2wsgi.WSGIMiddleware`).
        """,
        fix_safety="""
            Unsafe: Django's ASGI handler runs the same project in an event loop, and `WsgiToAsgi` runs the
            WSGI app in a thread pool; middleware or views that rely on WSGI-only behaviour may act
            differently, and `asgiref` must be among the deployed requirements.
        """,
        command_example="""
            # run.sh
            uvicorn main:app
        """,
        command_use_instead="""
            # run.sh
            uvicorn main:asgi_app
        """,
        command_language="sh",
    ),
)
