"""UVI024: an ASGI app (FastAPI, Starlette, Litestar, Quart...) served by gunicorn's own WSGI worker."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.app_frameworks import asgi_app
from ..engine.commands.recognise import first, gunicorn_binds, gunicorn_port_refusal
from ..engine.context import RuleContext
from ..engine.launch import Server
from ..engine.model import Applicability, Finding, Fix, Severity
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message

_UVICORN_WORKER = "uvicorn_worker.UvicornWorker"
_WORKER_DISTRIBUTION = "uvicorn-worker"
# gunicorn's own worker classes that serve WSGI and import wherever gunicorn does (gevent and eventlet need their
# packages: without them gunicorn stops instead), by the names `-k` takes.
_WSGI_WORKERS = {
    "sync": "sync",
    "gunicorn.workers.sync.SyncWorker": "sync",
    "gthread": "gthread",
    "gunicorn.workers.gthread.ThreadWorker": "gthread",
}


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        if launch.server is not Server.GUNICORN or launch.app is None:
            continue
        if launch.settings_beyond_command or not launch.complete:
            continue  # a config file or GUNICORN_CMD_ARGS may name a worker class
        named = launch.option("worker_class") is not None
        worker = _WSGI_WORKERS.get(launch.worker_class or "") if named else "default"
        if worker is None:
            continue  # a worker class of uvicorn's, another ASGI one, or one the analysis does not know
        if launch.option("check_config") is not None or launch.option("print_config") is not None:
            continue  # it exits before serving
        if any(bind.value.known and gunicorn_port_refusal(str(first(bind.value))) for bind in gunicorn_binds(launch)):
            continue  # gunicorn stops at a --bind before serving anything (UVI004 says so)
        app = asgi_app(ctx, launch)
        if app is None:
            continue
        fixes = []
        if ctx.workspace.distribution_version(_WORKER_DISTRIBUTION) is not None:
            edits = launch.edits.set_option("worker_class", _UVICORN_WORKER)
            if edits:
                fixes.append(Fix(f"Serve it with `-k {_UVICORN_WORKER}`", edits, Applicability.UNSAFE))
        message = fit_message(
            "{app} is a {framework} app (ASGI); gunicorn's {worker} worker serves WSGI: every request answers 500 "
            "(TypeError: missing 'send'); use a uvicorn worker class",
            "{app} is a {framework} app (ASGI); gunicorn's {worker} worker serves WSGI: every request answers 500; "
            "use a uvicorn worker class",
            app=Quoted(app.shown),
            framework=app.framework.name,
            worker=worker,
        )
        yield ctx.finding(RULE, message, launch.app.where_value, fixes=fixes)


RULE = Rule(
    code="UVI024",
    name="asgi-app-on-wsgi-worker",
    summary="An ASGI app (FastAPI, Starlette, Litestar, Quart...) started by gunicorn without a uvicorn worker class; "
    "every request fails.",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.UNSAFE,),
    triggers=(),  # command files only
    command_triggers=("gunicorn",),
    judges_commands=True,
    check=check,
    doc=RuleDoc(
        what="""
            Finds gunicorn command lines (in a Procfile, Dockerfile, compose file, Makefile, script, CI
            workflow...) that name no worker class, or gunicorn's own `sync` or `gthread`, and serve an ASGI
            app: a `FastAPI()`, a `Starlette()`, a `Litestar()`, a `Quart()`, Falcon's `falcon.asgi.App()` or Django's `get_asgi_application()`. The
            app is followed as UVI017 follows it: the import string (`main:app`, or `main` for gunicorn's
            `application`) to the module it loads from where the command runs, and the statement there that
            binds the name, or the type jedi infers for it. A name alone never decides.

            Silent where gunicorn may get its worker class from elsewhere, or the analysis cannot see enough:
            `-k`/`--worker-class` with any other value (`gevent` and `eventlet` serve WSGI too, but stop gunicorn
            where their package is missing), a configuration file (`-c`/`--config`, a `gunicorn.conf.py` in the folder the command runs in, which
            gunicorn reads by default, or a folder the analysis cannot see), `GUNICORN_CMD_ARGS` in the
            command's environment (`ENV`, `environment:`, `GUNICORN_CMD_ARGS=... gunicorn`), a compose
            `env_file`, an option the analysis does not know, `--check-config` and `--print-config` (which
            exit without serving), an app named by a call (`main:create_app()`: what it returns is not
            followed) and an app known only at run time (`gunicorn $APP`).
        """,
        why="""
            gunicorn's default worker class, `sync`, serves WSGI: it calls the app as
            `app(environ, start_response)`. An ASGI app takes `(scope, receive, send)`, so gunicorn starts,
            logs nothing wrong, and every request answers 500 Internal Server Error with
            `TypeError: FastAPI.__call__() missing 1 required positional argument: 'send'` in its log. A uvicorn
            worker class (`-k uvicorn_worker.UvicornWorker`) runs the app in uvicorn, as ASGI.
        """,
        example_module="""
            # main.py
            from fastapi import FastAPI

            app = FastAPI()
        """,
        example="""
            # Procfile
            web: gunicorn main:app --bind 0.0.0.0:$PORT
        """,
        use_instead="""
            # Procfile (pip install uvicorn-worker)
            web: gunicorn main:app --bind 0.0.0.0:$PORT -k uvicorn_worker.UvicornWorker
        """,
        language="text",
        fix="""
            Adds `--worker-class uvicorn_worker.UvicornWorker` after the app (or puts it in place of `sync` or
            `gthread`), when the `uvicorn-worker` package
            is installed in the analysed environment. Without it there is no fix: the class would not import
            where the analysis runs, so nothing shows it will where the server runs. `uvicorn.workers.UvicornWorker`
            is never written: it still works, but has been deprecated since uvicorn 0.30 (UVI009). gunicorn 27 has
            its own ASGI worker too (`-k asgi`), but gunicorn 23 stops on it with exit status 1, and which gunicorn
            runs is not known: the fix does not choose it.
        """,
        fix_safety="""
            Unsafe: the app then runs in uvicorn's event loop, one process per worker, instead of gunicorn's
            synchronous worker (settings of the sync worker such as `--threads` no longer apply), and the
            `uvicorn-worker` package must be among the deployed requirements, beside uvicorn.
        """,
        notes="""
            Only what the project's files show is read: an environment they do not show (a platform's config
            vars, a shell profile, the `.env` a Procfile runner loads, a systemd `EnvironmentFile=`) could still
            set `GUNICORN_CMD_ARGS`. Real runs (gunicorn 20.1, 23.0 and 27.0) answer 500 on every request for each
            framework listed, and serve with `-k uvicorn_worker.UvicornWorker`.
        """,
    ),
)
