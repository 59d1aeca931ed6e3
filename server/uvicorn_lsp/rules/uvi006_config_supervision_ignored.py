"""UVI006: reload/workers on a uvicorn.Config that uvicorn.Server runs: both ignored."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine import apps, syntax
from ..engine.context import RuleContext
from ..engine.launch import Entry, Launch
from ..engine.model import Finding, Severity
from ..engine.rule import Rule, RuleDoc

_SERVER_METHODS = ("run", "serve")


def check(ctx: RuleContext) -> Iterator[Finding]:
    configs = {
        id(launch.call.node): launch for launch in ctx.launches if launch.entry is Entry.CONFIG and launch.call
    }
    if not configs:
        return
    reported: set[int] = set()
    for server in ctx.calls_to("uvicorn.Server"):
        method = _method_called_on(ctx, server)
        config_argument = ctx.argument(server, "config", 0)
        if method is None or config_argument is None:
            continue
        config = _config_call(ctx, config_argument.value, configs)
        if config is None or id(config) in reported:
            continue
        reported.add(id(config))
        yield from _ignored_options(ctx, config, method)


def _method_called_on(ctx: RuleContext, server: syntax.CallSite) -> str | None:
    """`run` or `serve` when the Server built by this call is started with it, else None.

    Read from the syntax: `Server(config).run()`, or `server = Server(config)`
    then `server.run()` / `await server.serve()` in the same scope. A server
    whose `run` is handed to a supervisor (`Multiprocess(config, target=server.run, ...)`)
    uses reload/workers and is not matched."""
    chained = _attribute_call_after(server.trailer)
    if chained is not None:
        return chained
    statement = server.node.parent
    if (
        statement.type != "expr_stmt"
        or statement.children[-1] is not server.node
        or statement.children[0].type != "name"
    ):
        return None
    target = statement.children[0]
    scope = syntax.enclosing_scope(target)
    for leaf in ctx.source.used_names.get(target.value, ()):
        if leaf is target or syntax.enclosing_scope(leaf) is not scope:
            continue
        # `server.run()` and `await server.serve()`; `target=server.run` has no call.
        method = _attribute_call_after(leaf) if leaf.parent.type in ("atom_expr", "power") else None
        if method is not None:
            return method
    return None


def _attribute_call_after(node) -> str | None:
    """For `<node>.run()` / `<node>.serve()`, the method name."""
    attribute = node.get_next_sibling()
    call = attribute.get_next_sibling() if attribute is not None else None
    if attribute is None or call is None or attribute.type != "trailer" or call.type != "trailer":
        return None
    name = attribute.children[1] if attribute.children[0].value == "." else None
    if name is not None and name.value in _SERVER_METHODS and call.children[0].value == "(":
        return name.value
    return None


def _config_call(ctx: RuleContext, node, configs: dict[int, Launch]) -> Launch | None:
    """The uvicorn.Config launch `node` is, or the one a plain name is bound to."""
    if id(node) in configs:
        return configs[id(node)]
    if node.type == "name":
        assigned = ctx.evaluator.assignments(node)
        if assigned and len(assigned) == 1:
            return configs.get(id(assigned[0]))
    return None


def _ignored_options(ctx: RuleContext, config: Launch, method: str) -> Iterator[Finding]:
    settings = []
    for name in ("reload", "workers"):
        option = config.option(name)
        if option is None:
            continue
        value = option.value
        # Whatever a run-time value turns out to be, the server ignores it.
        ignored = value.truthy() is not False if name == "reload" else value.int_above(1) is not False
        if ignored:
            settings.append((name, option, value.source))
    if not settings:
        return
    app_text = apps.as_import_string(ctx, config.app.node) if config.app else '"module:app"'
    for name, argument, source in settings:
        # One option per suggestion: reload and workers do not combine (UVI003).
        message = (
            f"{name}={source} is ignored: uvicorn.Server(config).{method}() never reloads or starts workers, "
            f"only uvicorn.run() does; use uvicorn.run({app_text}, {name}={source}) with the config's other "
            "options (reload and workers need the app as an import string)"
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

            `reload=False` and `workers=1` are left alone. Values known only at run time are reported,
            because the server ignores them whatever they turn out to be.
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
            The message shows the `uvicorn.run` call to use instead.
        """,
        fix_safety="No fix is offered.",
        notes="""
            A server whose `run` is passed to uvicorn's own supervisors
            (`Multiprocess(config, target=server.run, ...)`, `ChangeReload(...)`) does use reload and
            workers and is not reported.
        """,
    ),
)
