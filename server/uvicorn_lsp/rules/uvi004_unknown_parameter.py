"""UVI004: a keyword uvicorn.run / uvicorn.Config does not take, or extra positional arguments."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..engine import apps
from ..engine.context import RuleContext
from ..engine.model import Applicability, Finding, Fix, Range, Severity, TextEdit
from ..engine.rule import FixAvailability, Rule, RuleDoc
from ..engine.source import node_range
from ..engine.syntax import Argument, CallSite, argument_removal

# uvicorn 0.54's signatures (main.py:503-557, config.py), used when the analysed
# environment has this version or no uvicorn at all for jedi to read.
TABLE_VERSION = "0.54.0"
RUN_PARAMETERS = (
    "app",
    "host",
    "port",
    "uds",
    "fd",
    "loop",
    "http",
    "http2",
    "ws",
    "ws_max_size",
    "ws_max_queue",
    "ws_ping_interval",
    "ws_ping_timeout",
    "ws_per_message_deflate",
    "lifespan",
    "interface",
    "reload",
    "reload_dirs",
    "reload_includes",
    "reload_excludes",
    "reload_delay",
    "workers",
    "env_file",
    "log_config",
    "log_level",
    "access_log",
    "proxy_headers",
    "server_header",
    "date_header",
    "forwarded_allow_ips",
    "root_path",
    "limit_concurrency",
    "backlog",
    "limit_max_requests",
    "limit_max_requests_jitter",
    "timeout_keep_alive",
    "timeout_graceful_shutdown",
    "timeout_worker_healthcheck",
    "ssl_keyfile",
    "ssl_certfile",
    "ssl_keyfile_password",
    "ssl_version",
    "ssl_cert_reqs",
    "ssl_ca_certs",
    "ssl_ciphers",
    "ssl_context_factory",
    "headers",
    "use_colors",
    "app_dir",
    "factory",
    "h11_max_incomplete_event_size",
    "reset_contextvars",
)
CONFIG_PARAMETERS = tuple(name for name in RUN_PARAMETERS if name != "app_dir") + ("timeout_notify", "callback_notify")

_BUILT_IN = {"uvicorn.run": RUN_PARAMETERS, "uvicorn.Config": CONFIG_PARAMETERS}
_SHOWN = {"uvicorn.run": "uvicorn.run()", "uvicorn.Config": "uvicorn.Config()"}


def check(ctx: RuleContext) -> Iterator[Finding]:
    for call in ctx.calls_to("uvicorn.run", "uvicorn.Config"):
        parameters = _parameters(ctx, call)
        if parameters is None:
            continue
        for argument in _keyword_arguments(ctx, call):
            if argument.name not in parameters:
                yield _unknown_keyword(ctx, call, argument, parameters)
        if call.qualname == "uvicorn.run" and len(call.positional) > 1 and not call.star_args:
            yield _extra_positional(ctx, call)


def _parameters(ctx: RuleContext, call: CallSite) -> frozenset[str] | None:
    """The installed signature's parameter names; None when it takes any keyword."""
    version = apps.installed_uvicorn_version(ctx)
    # The table is uvicorn 0.54's; only another installed version needs jedi to read its signature.
    installed = None if version in (None, TABLE_VERSION) else ctx.resolver.installed_parameters(call.qualname)
    names = installed or _BUILT_IN[call.qualname]
    # uvicorn before 0.18 declared `run(app, **kwargs)`: every keyword passed the call.
    return None if "kwargs" in names else frozenset(names)


def _keyword_arguments(ctx: RuleContext, call: CallSite) -> Iterator[Argument]:
    yield from call.keywords.values()
    for star in call.star_args:
        if star.children[0].value == "**":
            for key, value in ctx.evaluator.dict_keywords(star.children[1]) or ():
                yield Argument(value, star, name=key, from_dict=True)


def _unknown_keyword(ctx: RuleContext, call: CallSite, argument: Argument, parameters: frozenset[str]) -> Finding:
    shown = _SHOWN[call.qualname]
    where = argument.range
    if argument.name == "debug":
        app = ctx.argument(call, "app", 0)
        object_app = app is not None and apps.classify_app(ctx, app.value).kind is apps.AppKind.OBJECT
        advice = (
            "remove it (reload=True would need the app as an import string)"
            if object_app
            else "use reload=True, or remove it"
        )
        message = (
            f"{shown} has no `debug` parameter since uvicorn 0.19 (TypeError at startup); "
            f"it used to turn on reload for an import string: {advice}"
        )
        return ctx.finding(RULE, message, where, fixes=_debug_fixes(ctx, call, argument))
    message = f"{shown} has no parameter `{argument.name}`: it raises TypeError at startup"
    other = "uvicorn.Config" if call.qualname == "uvicorn.run" else "uvicorn.run"
    if argument.name in _BUILT_IN[other]:
        message += f" (only {_SHOWN[other]} takes it)"
    close = difflib.get_close_matches(argument.name, sorted(parameters), n=1, cutoff=0.75)
    if not close:
        return ctx.finding(RULE, message, where)
    suggestion = close[0]
    message += f"; did you mean `{suggestion}`?"
    fixes = _rename(call, argument, suggestion, f"Rename `{argument.name}` to `{suggestion}`", preferred=True)
    return ctx.finding(RULE, message, where, fixes=fixes)


def _debug_fixes(ctx: RuleContext, call: CallSite, argument: Argument) -> list[Fix]:
    if argument.from_dict:
        return []
    fixes = [Fix("Remove `debug`", (TextEdit(argument_removal(argument), ""),), Applicability.UNSAFE)]
    debug_value = ctx.evaluator.evaluate(argument.value)
    app = ctx.argument(call, "app", 0)
    app_kind = apps.classify_app(ctx, app.value).kind if app is not None else apps.AppKind.UNKNOWN
    # uvicorn 0.18 ignored debug's reload for an app object (it cannot reload one):
    # there removal keeps the old behaviour, and reload=True would exit at startup.
    if debug_value.truthy() is not False and app_kind is not apps.AppKind.OBJECT:
        fixes += _rename(
            call, argument, "reload", "Replace `debug` with `reload`", preferred=app_kind is apps.AppKind.STRING
        )
    if not any(fix.preferred for fix in fixes):
        fixes[0] = Fix(fixes[0].title, fixes[0].edits, fixes[0].applicability, preferred=True)
    return fixes


def _rename(call: CallSite, argument: Argument, new_name: str, title: str, preferred: bool) -> list[Fix]:
    """Rename a keyword written in the call; nothing for `**` dicts or when the name is taken."""
    if argument.from_dict or new_name in call.keywords:
        return []
    edit = TextEdit(node_range(argument.node.children[0]), new_name)
    return [Fix(title, (edit,), Applicability.UNSAFE, preferred=preferred)]


def _extra_positional(ctx: RuleContext, call: CallSite) -> Finding:
    extra = call.positional[1:]
    where = Range(node_range(extra[0].node).start, node_range(extra[-1].node).end)
    message = (
        f"uvicorn.run() takes only the app positionally; {len(extra)} more positional "
        f"argument{'s' if len(extra) > 1 else ''} raise TypeError at startup: pass them by keyword (port=8000)"
    )
    return ctx.finding(RULE, message, where)


RULE = Rule(
    code="UVI004",
    name="unknown-parameter",
    summary="A keyword `uvicorn.run`/`uvicorn.Config` does not take, or extra positional arguments; TypeError at startup.",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.UNSAFE,),
    check=check,
    doc=RuleDoc(
        what="""
            Checks every keyword passed to `uvicorn.run(...)` and `uvicorn.Config(...)`, also the keys
            of a `**{...}` dict literal, against the signature of the uvicorn installed in the analysed
            environment. When uvicorn is not installed there, it uses the parameters of uvicorn 0.54.

            It also finds positional arguments after the app in `uvicorn.run("main:app", 8000)`.
            `debug=` gets its own message: it was removed in uvicorn 0.19.
        """,
        why="""
            Python rejects the call before uvicorn does anything: `TypeError: run() got an unexpected
            keyword argument 'relaod'`. Options are added and removed between uvicorn versions (`debug`
            went in 0.19, `http2` came in 0.53), so code copied from an older tutorial or written for a
            newer uvicorn fails at startup. Every parameter of `uvicorn.run` except the app is
            keyword-only, so a port passed positionally fails the same way. `uvicorn.Config` has no
            `app_dir`, and `uvicorn.run` has no `timeout_notify` or `callback_notify`.

            Before 0.19, `debug=True` turned on reload, but only when the app was an import string.
        """,
        example="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", relaod=True, debug=True)
        """,
        use_instead="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", reload=True)
        """,
        fix="""
            For a keyword close to a real parameter name, renames it (`relaod` → `reload`). For
            `debug=...`, offers to remove it, or to replace it with `reload=...` (preferred when the app
            is an import string, which is when debug used to reload; not offered for an app object,
            which cannot be reloaded). No fix for keywords inside a `**` dict, for a rename to a keyword
            the call already has, or for extra positional arguments.
        """,
        fix_safety="""
            Unsafe: each fix guesses what the author meant, and the call that used to fail at startup
            now runs with the option as renamed or without it.
        """,
        notes="""
            A uvicorn older than 0.18 declares `run(app, **kwargs)`: no keyword is checked then.
        """,
    ),
)
