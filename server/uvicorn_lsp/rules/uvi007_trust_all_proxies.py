"""UVI007: forwarded_allow_ips="*" with proxy headers on: clients choose their address."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.commands import PLATFORM_SOURCES
from ..engine.commands.recognise import command_info
from ..engine.context import RuleContext
from ..engine.model import Finding, Severity
from ..engine.rule import Quoted, Rule, RuleDoc, fit_message
from ..engine.uvicorn_facts import TRUST_ALL_PROXIES, binds_all_interfaces, binds_loopback_only


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        allowed = launch.option("forwarded_allow_ips")
        if allowed is None or not allowed.value.all(lambda value: value in TRUST_ALL_PROXIES):
            continue
        proxy_headers = launch.value("proxy_headers")
        if proxy_headers is not None and proxy_headers.truthy() is False:
            continue
        if launch.option("uds") is not None or launch.option("fd") is not None:
            continue  # a socket peer has no address to list: "*" is the only way to use the headers
        info = command_info(launch)
        if info is not None and info.container and info.source_kind in PLATFORM_SOURCES:
            # Heroku's, Railway's or Render's router is the only way in, from addresses it does not fix: "*" is
            # what their guides set (Heroku's for uvicorn), and no client can skip it.
            continue
        host = launch.option("host")
        if host is not None and binds_loopback_only(host.value):
            # Only local processes connect, and from 127.0.0.1 the default trust already takes their headers.
            continue
        if host is not None and binds_all_interfaces(host.value):  # clients need not even go through the proxy
            message = fit_message(
                "{trusted} with {host}: clients can skip the proxy and set their own address and scheme "
                "(X-Forwarded-*); list your proxy's addresses",
                trusted=Quoted(allowed.written),
                host=Quoted(host.written),
            )
        else:
            message = fit_message(
                "{trusted} lets every client set its own address and scheme with X-Forwarded-* headers; "
                "list your proxy's addresses instead",
                trusted=Quoted(allowed.written),
            )
        yield ctx.finding(RULE, message, allowed.range)


RULE = Rule(
    code="UVI007",
    name="trust-all-proxies",
    summary='`forwarded_allow_ips="*"` with proxy headers on lets every client set its own address and scheme.',
    severity=Severity.WARNING,
    check=check,
    judges_commands=True,
    doc=RuleDoc(
        what="""
            Finds `uvicorn.run(...)` and `uvicorn.Config(...)` calls with `forwarded_allow_ips` set to
            exactly `"*"` or `["*"]` while proxy headers are on (`proxy_headers` is on unless set to a
            false value). The message is stronger when the server also binds every interface
            (`host="0.0.0.0"` or `"::"`), where clients can skip the proxy altogether.

            Values known only at run time are not reported, nor servers on a Unix socket or an
            inherited file descriptor (`uds=`, `fd=`): their peers have no address to list, so `"*"` is
            the only way to use the headers there. Nor servers on a loopback `host` (`127.0.0.1`,
            `localhost`, `::1`): only the machine's own processes reach them, and from `127.0.0.1` the
            default already trusts their headers. Nor is a platform's web start that reads `$PORT` (a
            Procfile's `web`, Railway's or Render's start command): only the platform's router reaches
            it, from addresses the platform does not fix.
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
        command_example="""
            # Dockerfile
            FROM python:3.12-slim
            COPY main.py .
            CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--forwarded-allow-ips", "*"]
        """,
        command_use_instead="""
            # Dockerfile
            FROM python:3.12-slim
            COPY main.py .
            CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--forwarded-allow-ips", "10.0.0.0/8"]
        """,
    ),
)
