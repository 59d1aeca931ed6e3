"""UVI014: `--reload` (or `fastapi dev`) in a start meant for production."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.commands import start_files
from ..engine.commands.base import CommandContext, WorkingDirectory, is_under
from ..engine.commands.recognise import command_info, fastapi_subcommand, launch_edits
from ..engine.context import RuleContext
from ..engine.launch import Launch
from ..engine.model import Applicability, Finding, Fix, Severity
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message
from ..engine.uvicorn_facts import runs_workers


def check(ctx: RuleContext) -> Iterator[Finding]:
    if not isinstance(ctx, CommandContext):
        return  # Python launches are not judged: leave the file unparsed
    for launch in ctx.launches:
        info = command_info(launch)
        if info is None or not info.production or _runs_on_mounted_code(ctx, launch):
            continue
        subcommand = fastapi_subcommand(launch)
        reload = launch.option("reload")
        if subcommand is not None and subcommand.value == "dev" and not (reload and reload.value.truthy() is False):
            yield _fastapi_dev(ctx, launch, subcommand, info.where)
            continue
        if reload is None or reload.value.truthy() is not True:
            continue
        edits = launch.edits.remove_option(reload)
        # With --workers given, reload was hiding them: removing it starts them (state no longer shared,
        # N processes), a change beyond the reload (UVI003 judges the same edit so).
        applicability = Applicability.UNSAFE if runs_workers(launch) is not False else Applicability.SAFE
        fixes = [Fix(f"Remove `{reload.written}`", edits, applicability, preferred=True)] if edits else []
        server = launch.server.value
        message = fit_message(
            "`{reload}` in {where}, a production start: {server} restarts on every file change, "
            "and its watcher costs memory and CPU",
            reload=Quoted(reload.written),
            where=Quoted(info.where),
            server=server,
        )
        yield ctx.finding(RULE, message, reload.range, fixes=fixes)


def _runs_on_mounted_code(ctx: RuleContext, launch: Launch) -> bool:
    """A compose file or a `docker run -v` of the project mounts the code over the image's working directory
    (`.:/app`) or over a folder of code its COPY put there (`./app:/code/app`): the image is run on live code,
    as for hot reload in development."""
    edits = launch_edits(launch)
    for directory in edits.directories if edits is not None else ():
        if not isinstance(directory, WorkingDirectory) or directory.image is None:
            continue
        layout, folder = directory.image
        code = [
            target
            for target, host, is_folder in layout.copies
            if (is_folder or host.suffix == ".py") and is_under(target, folder)
        ]
        if any(start_files.mounted_by_the_project(ctx, place) for place in (folder, *code)):
            return True
    return False


def _fastapi_dev(ctx: RuleContext, launch: Launch, subcommand, where: str) -> Finding:
    command_edits = launch_edits(launch)
    edits = command_edits.replace_argument(subcommand, "run") if command_edits is not None else None
    fixes = []
    if edits:
        # `fastapi run` also listens on 0.0.0.0 where `dev` listened on 127.0.0.1 (unless --host says).
        binds_changed = launch.option("host") is None
        fixes.append(
            Fix(
                "Use `fastapi run`",
                edits,
                Applicability.UNSAFE if binds_changed else Applicability.SAFE,
                preferred=True,
            )
        )
    message = fit_message(
        "`fastapi dev` in {where}, a production start: it reloads on every file change "
        "and listens on 127.0.0.1 only; use `fastapi run`",
        where=Quoted(where),
    )
    return ctx.finding(RULE, message, subcommand.range, fixes=fixes)


RULE = Rule(
    code="UVI014",
    name="reload-in-production",
    summary="`--reload` or `fastapi dev` in a production start (Dockerfile, production compose file, Procfile "
    "`web`, systemd, supervisord, Railway, Render).",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.SAFE, Applicability.UNSAFE),
    triggers=(),  # command files only
    command_triggers=("uvicorn", "fastapi", "gunicorn"),
    judges_commands=True,
    check=check,
    doc=RuleDoc(
        what="""
            Finds `--reload` (and `UVICORN_RELOAD=true`, gunicorn's `--reload`) and `fastapi dev` in command
            lines that start the production server:

            - a Dockerfile's final-stage `CMD`/`ENTRYPOINT`, unless the file name (`Dockerfile.dev`), a folder
              of the project it sits in (`.devcontainer/`, `docker/local/`, `tests/`) or the stage name
              (`AS develop`) says dev, devcontainer, develop, local, debug or test, or the image runs on
              mounted code: it copies in no code (only its requirements), or a compose file or a script's
              `docker run -v` in the project mounts the code over its `WORKDIR` (`volumes: [".:/app"]`);
            - a compose file named for production (`compose.prod.yaml`, `docker-compose.production.yml`);
            - the `web` process of a Procfile (not of one named for development, such as `Procfile.dev`, or kept
              in such a folder), a systemd unit's `ExecStart=`, a supervisord `[program:x]`, Railway's start
              command (`railway.json`, `railway.toml`) and a Render service's `startCommand` (`render.yaml`);
            - a shell script that one of those starts runs: a Dockerfile's `ENTRYPOINT ["/entrypoint.sh"]` or
              `CMD ["sh", "start.sh"]` naming the file its `COPY` put there (the Dockerfile in the script's
              folder or above it), `web: sh bin/start.sh` in a Procfile, or a Railway or Render start command
              (`startCommand: sh start.sh`).

            A command run only on a condition (in an `if`, `case`, loop or function, or after
            `[ "$DEBUG" ] &&`) may be the development branch of the start: not reported. Plain compose files,
            Makefiles, other scripts, workflows and launch.json are development: not reported. Python launches
            are not judged by this rule.
        """,
        why="""
            Reload runs a file watcher that restarts the server on any change under the working directory
            (log files, uploads, caches), costs memory and CPU, and with uvicorn runs a single process: the
            `--workers` given next to it are ignored (UVI003). `fastapi dev` turns reload on and listens on
            127.0.0.1 only, which a container's published port cannot reach.
        """,
        example="""
            # Dockerfile
            FROM python:3.12-slim
            WORKDIR /code
            COPY ./app /code/app
            CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"]
        """,
        use_instead="""
            # Dockerfile
            FROM python:3.12-slim
            WORKDIR /code
            COPY ./app /code/app
            CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]
        """,
        fix="""
            Removes `--reload` (keeping the file's exec or shell form and its quoting), or replaces
            `fastapi dev` with `fastapi run`. Where both this rule and UVI003 report a command, this fix
            (drop the reload) is the preferred one.
        """,
        fix_safety="""
            Removing `--reload` is safe: the server stops restarting on file changes, as a production server
            should; unsafe next to `--workers` above 1, which reload was overriding: the workers start then. `fastapi dev` → `fastapi run` is unsafe when no `--host` is given: `fastapi run` listens
            on 0.0.0.0 instead of 127.0.0.1.
        """,
        notes="""
            The Python form, `uvicorn.run("main:app", reload=True)`, is not reported: a script cannot tell
            where it runs. Values the shell expands (`$RELOAD_FLAG`) are not reported.
        """,
        language="dockerfile",
    ),
)
