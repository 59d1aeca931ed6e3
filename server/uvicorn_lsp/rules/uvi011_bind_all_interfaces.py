"""UVI011: the server binds to every network interface (off by default)."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.context import RuleContext
from ..engine.launch import Setting
from ..engine.model import Finding, Severity
from ..engine.rule import Quoted, Rule, RuleDoc, fit_message
from ..engine.uvicorn_facts import binds_all_interfaces

# In a container or on a platform that routes to the process, every interface is the only way in.
_ROUTED_SETTINGS = (Setting.CONTAINER,)


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        host = launch.option("host")
        if host is None or not binds_all_interfaces(host.value) or launch.setting in _ROUTED_SETTINGS:
            continue
        message = fit_message(
            "{host} accepts connections from other machines on every network interface; "
            "bind to 127.0.0.1 unless they must reach it",
            host=Quoted(host.written),
        )
        yield ctx.finding(RULE, message, host.range)


RULE = Rule(
    code="UVI011",
    name="bind-all-interfaces",
    summary='`host="0.0.0.0"` or `"::"`: the server listens on every network interface.',
    severity=Severity.INFORMATION,
    on_by_default=False,
    check=check,
    judges_commands=True,
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
        command_example="""
            # run.sh
            uvicorn main:app --host 0.0.0.0
        """,
        command_use_instead="""
            # run.sh
            uvicorn main:app --host "${HOST:-127.0.0.1}"
        """,
        command_language="sh",
    ),
)
