"""UVI011: the server binds to every network interface (off by default)."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.context import RuleContext
from ..engine.model import Finding, Severity
from ..engine.rule import Rule, RuleDoc
from ..engine.syntax import Argument, CallSite

ALL_INTERFACES = ("0.0.0.0", "::")


def all_interfaces_host(ctx: RuleContext, call: CallSite) -> Argument | None:
    """The `host=` argument when it surely binds every interface; shared with UVI007."""
    host = ctx.argument(call, "host", 1 if call.qualname == "uvicorn.Config" else None)
    if host is None:
        return None
    return host if ctx.evaluator.evaluate(host.value).all(lambda value: value in ALL_INTERFACES) else None


def check(ctx: RuleContext) -> Iterator[Finding]:
    for call in ctx.calls_to("uvicorn.run", "uvicorn.Config"):
        host = all_interfaces_host(ctx, call)
        if host is None:
            continue
        shown = host.value.get_code().strip()
        message = (
            f"host={shown} accepts connections on every network interface, not only from this machine; "
            "bind to 127.0.0.1 unless the server must be reachable from other hosts"
        )
        yield ctx.finding(RULE, message, host.range)


RULE = Rule(
    code="UVI011",
    name="bind-all-interfaces",
    summary='`host="0.0.0.0"` or `"::"`: the server listens on every network interface.',
    severity=Severity.INFORMATION,
    on_by_default=False,
    check=check,
    doc=RuleDoc(
        what="""
            Finds `uvicorn.run(...)` and `uvicorn.Config(...)` calls whose `host` is `"0.0.0.0"` (every
            IPv4 interface) or `"::"` (every IPv6 interface, and IPv4 too on most systems). Values known
            only at run time are not reported.

            Off by default, like ruff's S104 and SonarQube's S8392: inside a container binding every
            interface is usually what you want. Turn it on with `extend-select = ["UVI011"]`.
        """,
        why="""
            uvicorn's default host is `127.0.0.1`: only programs on the same machine can connect. Binding
            every interface exposes the server to every network the machine is on (office Wi-Fi, a
            public cloud address), often a development server with reload, debug pages or no
            authentication.
        """,
        example="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", host="0.0.0.0")
        """,
        use_instead="""
            import os

            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", host=os.getenv("HOST", "127.0.0.1"))
        """,
        fix="None: which interfaces the server should listen on is a deployment decision.",
        fix_safety="No fix is offered.",
    ),
)
