"""UVI006: reload/workers on a uvicorn.Config that uvicorn.Server runs: both ignored."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine import app_location
from ..engine.context import RuleContext
from ..engine.launch import Entry, Launch
from ..engine.model import Finding, Severity
from ..engine.rule import Quoted, Rule, RuleDoc, fit_message
from ..engine.server_starts import ServerStart, server_starts

# uvicorn's own supervisors, by what they honour: the reloaders restart the server on changes,
# Multiprocess starts `config.workers` processes (uvicorn.run picks one of them from the config).
# By the names the package and its modules export (watchgodreload: older uvicorn releases).
_RELOADERS = (
    "uvicorn.supervisors.ChangeReload",
    "uvicorn.supervisors.BaseReload",
    "uvicorn.supervisors.basereload.BaseReload",
    "uvicorn.supervisors.statreload.StatReload",
    "uvicorn.supervisors.watchfilesreload.WatchFilesReload",
    "uvicorn.supervisors.watchgodreload.WatchGodReload",
)
_MULTIPROCESS = ("uvicorn.supervisors.Multiprocess", "uvicorn.supervisors.multiprocess.Multiprocess")


def check(ctx: RuleContext) -> Iterator[Finding]:
    configs = {id(launch.call.node): launch for launch in ctx.launches if launch.entry is Entry.CONFIG and launch.call}
    if not configs:
        return
    supervised = _supervised_options(ctx, configs)
    reported: set[int] = set()
    for server in ctx.calls_to("uvicorn.Server"):
        # A `serve()` nobody awaits starts nothing (UVI025).
        start = next((start for start in server_starts(ctx, server) if not start.never_runs), None)
        config_argument = ctx.argument(server, "config", 0)
        if start is None or config_argument is None:
            continue
        config = _config_call(ctx, config_argument.value, configs)
        if config is None or id(config) in reported:
            continue
        reported.add(id(config))
        yield from _ignored_options(ctx, config, start, supervised.get(id(config), set()))


def _supervised_options(ctx: RuleContext, configs: dict[int, Launch]) -> dict[int, set[str]]:
    """For each config handed to uvicorn's supervisors (as `uvicorn.run` does), the options they honour."""
    honoured: dict[int, set[str]] = {}
    for names, option in ((_RELOADERS, "reload"), (_MULTIPROCESS, "workers")):
        for supervisor in ctx.calls_to(*names):
            argument = ctx.argument(supervisor, "config", 0)
            config = _config_call(ctx, argument.value, configs) if argument is not None else None
            if config is not None:
                honoured.setdefault(id(config), set()).add(option)
    return honoured


def _config_call(ctx: RuleContext, node, configs: dict[int, Launch]) -> Launch | None:
    """The uvicorn.Config launch `node` is, or the one a plain name is bound to."""
    if id(node) in configs:
        return configs[id(node)]
    if node.type == "name":
        assigned = ctx.evaluator.assignments(node)
        if assigned and len(assigned) == 1:
            return configs.get(id(assigned[0]))
    return None


def _ignored_options(ctx: RuleContext, config: Launch, start: ServerStart, supervised: set[str]) -> Iterator[Finding]:
    settings = []
    for name in ("reload", "workers"):
        option = config.option(name)
        if option is None or name in supervised:
            continue
        value = option.value
        # Only a value known to turn the option on: a parameter or a run-time switch may never be on.
        ignored = value.truthy() is True if name == "reload" else value.int_above(1) is True
        if ignored:
            settings.append((name, option, value.source))
    if not settings:
        return
    app_text = app_location.as_import_string(ctx, config.app.node) if config.app else '"module:app"'
    for name, argument, source in settings:
        never = "reloads" if name == "reload" else "starts workers"
        if start.in_coroutine:
            # uvicorn.run starts its own event loop: inside this one it fails, and it would block the others.
            message = fit_message(
                "{name}={source} is ignored: server.{method}() in this event loop never {never}; "
                "drop it, or supervise outside the event loop (the uvicorn command)",
                name=name,
                source=Quoted(source),
                method=start.method,
                never=never,
            )
        else:
            # One option per suggestion: reload and workers do not combine (UVI003).
            message = fit_message(
                "{name}={source} is ignored: Server.{method}() never {never}, only uvicorn.run() does; "
                "use uvicorn.run({app}, {name}={source}) with the config's other options",
                name=name,
                source=Quoted(source),
                method=start.method,
                never=never,
                app=Quoted(app_text),
            )
        yield ctx.finding(RULE, message, argument.range)


RULE = Rule(
    code="UVI006",
    name="config-supervision-ignored",
    summary="`reload` or `workers` on a `uvicorn.Config` run by `uvicorn.Server(config).run()`/`serve()` are silently ignored.",
    severity=Severity.WARNING,
    check=check,
    doc=RuleDoc(
        what="""
            Finds `reload=` and `workers=` passed to a `uvicorn.Config(...)` whose config is handed to
            `uvicorn.Server(...)` and started with `.run()` or `.serve()`: inline
            (`uvicorn.Server(uvicorn.Config(...)).run()`) or through plain names assigned once
            (`config = uvicorn.Config(...)`, `server = uvicorn.Server(config)`, `server.run()` or
            `await server.serve()`).

            A `serve()` written as a statement without `await` starts nothing at all (UVI025 reports it);
            it is not taken for a start here.

            Only values known to turn the option on are reported (`reload=True`, `workers=4`, a
            constant holding them). `reload=False`, `workers=1` and values known only at run time (a
            function parameter, an environment variable) are left alone: the program may never turn
            them on.
        """,
        why="""
            Reloading and worker processes are supervisors that only `uvicorn.run` (and the `uvicorn`
            command) start around the server. `Server.run` and `Server.serve` run one server in the
            current process and never look at `config.reload` or `config.workers`. The config even logs
            "Will watch for changes in these directories" when reload is set, yet nothing reloads; with
            workers, one process serves.
        """,
        example="""
            import uvicorn

            if __name__ == "__main__":
                config = uvicorn.Config("main:app", reload=True, workers=4)
                uvicorn.Server(config).run()
        """,
        use_instead="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", reload=True)
        """,
        fix="""
            None: moving to `uvicorn.run` changes how the program starts (it needs the app as an
            import string, and an embedding program may rely on `serve()` inside its own event loop).
            The message shows the `uvicorn.run` call to use instead. Inside an `async def` it does
            not: `uvicorn.run` starts an event loop of its own, which fails inside a running one or
            blocks its other tasks, so the message says to drop the option or to supervise from
            outside the event loop (the `uvicorn` command).
        """,
        fix_safety="No fix is offered.",
        notes="""
            A config handed to uvicorn's own supervisors as `uvicorn.run` does
            (`ChangeReload(config, target=server.run, sockets=[sock])` when `config.should_reload`,
            `Multiprocess(config, sockets=[sock])` when `config.workers > 1`, else `server.run()`)
            does reload and start workers: a reloader makes `reload` count, `Multiprocess` makes
            `workers` count, and what they honour is not reported.
        """,
        python_only="`uvicorn.Config` and `uvicorn.Server` exist only in Python code; the `uvicorn` command supervises.",
    ),
)
