"""UVI015: a container start that listens on the loopback interface only."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine import syntax
from ..engine.commands import PLATFORM_SOURCES
from ..engine.commands.base import CommandContext
from ..engine.commands.plain import python_file_started_in_a_container
from ..engine.commands.recognise import (
    command_info,
    fastapi_subcommand,
    first,
    gunicorn_binds,
    launch_edits,
    program_argument,
)
from ..engine.context import RuleContext
from ..engine.launch import Entry, Launch, Server
from ..engine.model import Applicability, Finding, Fix, Range, Severity
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, elide, fit_message
from ..engine.source import node_range
from ..engine.uvicorn_facts import is_loopback


def check(ctx: RuleContext) -> Iterator[Finding]:
    if not isinstance(ctx, CommandContext):
        yield from _python_file_run_in_a_container(ctx)
        return
    for launch in ctx.launches:
        info = command_info(launch)
        if info is None or not info.container or launch.rejections:  # click stops it before it listens
            continue
        found = _loopback_bind(launch)
        if found is None:
            continue
        where, shown = found
        binds = gunicorn_binds(launch)
        if len(binds) > 1:
            # Moving one of several loopback binds to 0.0.0.0 may clash with another on the same port.
            edits, shown_fix = None, ""
        elif binds:  # gunicorn has no --host: its --bind takes HOST:PORT
            [bind] = binds
            port = str(first(bind.value)).rsplit(":", 1)[1]
            edits, shown_fix = launch.edits.set_option("bind", f"0.0.0.0:{port}"), f"`{bind.label} 0.0.0.0:{port}`"
        else:
            edits, shown_fix = launch.edits.set_option("host", "0.0.0.0"), "`--host 0.0.0.0`"
        fixes = [Fix(f"Listen on every interface: {shown_fix}", edits, Applicability.SAFE)] if edits else []
        if info.source_kind == "procfile":
            # Heroku's own help: a web process bound to localhost never binds $PORT for the router (R10).
            message = fit_message(
                "{shown} in {where}: the platform's router cannot reach it (Heroku: error R10); listen on 0.0.0.0",
                shown=shown,
                where=Quoted(info.where),
            )
        elif info.source_kind in PLATFORM_SOURCES:
            message = fit_message(
                "{shown} in {where}: the platform's router cannot reach it; listen on 0.0.0.0",
                shown=shown,
                where=Quoted(info.where),
            )
        else:
            # The terser wording keeps a compose service's "the image's start in service NAME" whole.
            message = fit_message(
                "{shown} in the container ({where}): a port published to it reaches nothing; listen on 0.0.0.0",
                "{shown} in the container ({where}): a published port reaches nothing; listen on 0.0.0.0",
                shown=shown,
                where=Quoted(info.where),
            )
        yield ctx.finding(RULE, message, where, fixes=fixes)


def _python_file_run_in_a_container(ctx: RuleContext) -> Iterator[Finding]:
    """`uvicorn.run(app, host="127.0.0.1")` (or with no host) in a file a Dockerfile starts (`CMD ["python",
    "main.py"]`): the same loopback inside the container, from the call the file makes when run as a script."""
    started_by: str | None = None
    for launch in ctx.launches:
        call = launch.call
        if launch.entry is not Entry.RUN or call is None or launch.option("uds") or launch.option("fd"):
            continue
        if not (syntax.is_under_main_guard(call.node) or syntax.enclosing_scope(call.node).type == "file_input"):
            continue  # in a function: whether running the file calls it is not known
        host = launch.option("host")
        if host is None and not launch.complete:
            continue  # `**options` may give a host
        if host is not None and not (host.value.known and is_loopback(str(first(host.value)))):
            continue
        started_by = started_by or python_file_started_in_a_container(ctx)
        if started_by is None:
            return
        shown = (
            f"`{elide(host.written, 40)}` is the loopback" if host is not None else "uvicorn.run() listens on 127.0.0.1"
        )
        edits = launch.edits.set_option("host", "0.0.0.0")
        fixes = [Fix('Listen on every interface: host="0.0.0.0"', edits, Applicability.SAFE)] if edits else []
        message = fit_message(
            "{shown}, and {where} runs this file in a container: a port published to it reaches nothing; "
            "listen on 0.0.0.0",
            shown=shown,
            where=Quoted(started_by),
        )
        yield ctx.finding(RULE, message, host.range if host is not None else _callee_range(call), fixes=fixes)


def _callee_range(call: syntax.CallSite) -> Range:
    """`uvicorn.run` of `uvicorn.run(app, ...)`."""
    return Range(node_range(call.node).start, node_range(call.callee_leaf).end)


def _loopback_bind(launch: Launch) -> tuple[Range, str] | None:
    """Where the launch binds the loopback only, and how a message says so; None when it does not or is unsure."""
    if launch.option("uds") is not None or launch.option("fd") is not None:
        return None  # a socket file or an inherited descriptor: no host at all
    host = launch.option("host")
    program = program_argument(launch)
    if launch.server is Server.GUNICORN:
        binds = gunicorn_binds(launch)
        if not binds or not all(bind.value.known for bind in binds):
            return None  # gunicorn's default may come from its config file or GUNICORN_CMD_ARGS
        addresses = [
            str(first(bind.value)).rsplit(":", 1)[0] if ":" in str(first(bind.value)) else "" for bind in binds
        ]
        if not all(is_loopback(address) for address in addresses):
            return None  # gunicorn listens on every --bind given: one of them is reachable
        bind = binds[-1]
        if len(binds) > 1:
            return bind.range, f"every --bind (last `{elide(bind.written, 30)}`) is loopback only"
        return bind.range, f"`{elide(bind.written, 40)}` listens on {addresses[-1]} only"
    if host is not None:
        if not host.value.known or not is_loopback(str(first(host.value))):
            return None
        return host.range, f"`{elide(host.written, 40)}` listens on the loopback interface only"
    if program is None or not launch.complete:
        return None
    if launch.server is Server.FASTAPI:
        subcommand = fastapi_subcommand(launch)
        if subcommand is None or subcommand.value != "dev":
            return None  # `fastapi run` listens on 0.0.0.0 by default
        return subcommand.range, "`fastapi dev` listens on 127.0.0.1 (its default host)"
    edits = launch_edits(launch)
    if edits is None:
        return None
    return program.range, "uvicorn listens on 127.0.0.1 (its default host)"


RULE = Rule(
    code="UVI015",
    name="container-listens-on-loopback",
    summary="A Dockerfile, compose, Procfile `web` or platform start that listens on 127.0.0.1 only: the published "
    "port (the platform's router) reaches nothing.",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.SAFE,),
    command_triggers=("fastapi", "gunicorn"),
    judges_commands=True,
    check=check,
    doc=RuleDoc(
        what="""
            Finds a Dockerfile `CMD`/`ENTRYPOINT`, or the command of a compose service with published
            `ports:`, that starts uvicorn without `--host` (uvicorn's default is 127.0.0.1), with a loopback
            `--host` (`127.0.0.1`, `localhost`, `::1`), with `fastapi dev` (127.0.0.1 too), or gunicorn with
            a loopback `--bind` (every one, when several are given: gunicorn listens on each). `UVICORN_HOST`
            set by `ENV` or `environment:` counts as `--host`.

            Services with `network_mode: host`, Unix sockets (`--uds`, `--fd`) and hosts only the shell
            knows (`--host $HOST`) are not reported, nor is a server with a neighbour that may be the one
            reaching it: a start that leaves a process in the background (`uvicorn ... & nginx`) or starts a
            reverse proxy (nginx, Caddy, Traefik, HAProxy, Envoy, Apache), and a Dockerfile whose project has a
            compose service sharing a network namespace (`network_mode: "service:proxy"`).

            A Python file that a Dockerfile's final stage runs (`CMD ["python", "main.py"]` on the file its
            `COPY` put there, or `python -m app.main` from its working directory) is judged the same way: its `uvicorn.run(...)` under the `__main__` guard (or at
            module level) without `host`, or with a loopback one. Not where `**options` may give a host, or
            the host is read at run time (`host=os.getenv("HOST", "127.0.0.1")`).

            A Procfile's `web` process (not in `Procfile.dev`) is judged the same way when its command reads
            `$PORT`, the port Heroku or Railway routes its traffic to: `web: uvicorn main:app --port $PORT`.
            A `web` process that does not read `$PORT` may be meant for a local process manager only. Railway's
            start command (`railway.json`, `railway.toml`) and a Render web service's `startCommand`
            (`render.yaml`) are judged the same way when they read `$PORT`.
        """,
        why="""
            Inside a container, 127.0.0.1 is the container's own loopback. Docker forwards a published port
            to the container's network interface, where nothing listens: requests fail with "connection
            reset" or "empty reply from server" while the logs show uvicorn running happily. A platform
            that runs a Procfile does the same: its router connects to `$PORT` on the dyno's own interface,
            and Heroku stops a web process that never binds it there ("Error R10 (Boot timeout) -> Web process
            failed to bind to $PORT within 60 seconds of launch").
        """,
        example="""
            # Dockerfile
            FROM python:3.12-slim
            WORKDIR /code
            COPY ./app /code/app
            CMD ["uvicorn", "app.main:app", "--port", "80"]
        """,
        use_instead="""
            # Dockerfile
            FROM python:3.12-slim
            WORKDIR /code
            COPY ./app /code/app
            CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "80"]
        """,
        fix="""
            Adds `--host 0.0.0.0` after the app (as a new exec-form element, list item or shell word, as the
            file writes arguments), or replaces the loopback address given to `--host`.
        """,
        fix_safety="""
            Safe: inside a container every interface is the container's own, and the published port is
            the only way in. UVI011 (bind all interfaces) never reports container starts.
        """,
        language="dockerfile",
    ),
)
