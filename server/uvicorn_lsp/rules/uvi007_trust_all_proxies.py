"""UVI007: forwarded_allow_ips="*" with proxy headers on: clients choose their address."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.context import RuleContext
from ..engine.model import Finding, Severity
from ..engine.rule import Rule, RuleDoc
from .uvi011_bind_all_interfaces import all_interfaces_host

# uvicorn trusts everyone for exactly these two values (middleware/proxy_headers.py).
_TRUST_ALL = ("*", ["*"])


def check(ctx: RuleContext) -> Iterator[Finding]:
    for call in ctx.calls_to("uvicorn.run", "uvicorn.Config"):
        allowed = ctx.argument(call, "forwarded_allow_ips")
        if allowed is None or not ctx.evaluator.evaluate(allowed.value).all(lambda value: value in _TRUST_ALL):
            continue
        proxy_headers = ctx.value_of(ctx.argument(call, "proxy_headers"))
        if proxy_headers is not None and proxy_headers.truthy() is False:
            continue
        if ctx.argument(call, "uds") is not None or ctx.argument(call, "fd") is not None:
            continue  # a socket peer has no address to list: "*" is the only way to use the headers
        shown = allowed.value.get_code().strip()
        message = (
            f"forwarded_allow_ips={shown} trusts X-Forwarded-For and X-Forwarded-Proto from every client: "
            "anyone can claim any client address and https"
        )
        host = all_interfaces_host(ctx, call)
        if host is not None:
            message += (
                f", and with host={host.value.get_code().strip()} clients reach the server directly, "
                "not only through the proxy"
            )
        message += '; list your proxy\'s addresses or networks instead ("10.0.0.0/8")'
        yield ctx.finding(RULE, message, allowed.range)


RULE = Rule(
    code="UVI007",
    name="trust-all-proxies",
    summary='`forwarded_allow_ips="*"` with proxy headers on lets every client set its own address and scheme.',
    severity=Severity.WARNING,
    check=check,
    doc=RuleDoc(
        what="""
            Finds `uvicorn.run(...)` and `uvicorn.Config(...)` calls with `forwarded_allow_ips` set to
            exactly `"*"` or `["*"]` while proxy headers are on (`proxy_headers` is on unless set to a
            false value). The message is stronger when the server also binds every interface
            (`host="0.0.0.0"` or `"::"`), where clients can skip the proxy altogether.

            Values known only at run time are not reported, nor servers on a Unix socket or an
            inherited file descriptor (`uds=`, `fd=`): their peers have no address to list, so `"*"` is
            the only way to use the headers there.
        """,
        why="""
            With proxy headers on, uvicorn replaces the client address with the left-most
            `X-Forwarded-For` entry and the scheme with `X-Forwarded-Proto`, but only for requests from
            trusted peers. `"*"` trusts every peer, so any client can send these headers itself: rate
            limits, allow lists and audit logs see whatever address it names, and plain-HTTP requests
            pass as HTTPS (secure cookies, redirects). The default trusts only the local machine
            (`127.0.0.1` and `::1`, or the `FORWARDED_ALLOW_IPS` environment variable).
        """,
        example="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", host="0.0.0.0", forwarded_allow_ips="*")
        """,
        use_instead="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", host="0.0.0.0", forwarded_allow_ips="10.0.0.0/8")
        """,
        fix="None: only you know the addresses or networks of your proxy. uvicorn accepts a comma-separated string or a list, with CIDR networks.",
        fix_safety="No fix is offered.",
    ),
)
