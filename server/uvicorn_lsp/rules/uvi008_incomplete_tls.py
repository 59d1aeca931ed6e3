"""UVI008: a TLS key without a certificate, or a certificate file without its key."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.context import RuleContext
from ..engine.launch import Launch, Option
from ..engine.model import Finding, Severity
from ..engine.option_files import read_text_start, referenced_file
from ..engine.project import release
from ..engine.rule import Quoted, Rule, RuleDoc, fit_message

# A PEM holding a key has "-----BEGIN PRIVATE KEY-----", "... RSA PRIVATE KEY-----",
# "... ENCRYPTED PRIVATE KEY-----" and the like.
_PRIVATE_KEY_MARKER = "PRIVATE KEY-----"


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        if launch.option("ssl_context_factory") is not None:
            continue  # the factory builds the context itself; uvicorn checks the files only without one
        keyfile = launch.option("ssl_keyfile")
        certfile = launch.option("ssl_certfile")
        # Both failures are exceptions in Config.load(), which runs in the server process: with reload the
        # reloader stays up serving nothing, with workers each is restarted; alone uvicorn exits with status 1.
        consequence = ctx.failure_consequence(launch, 1)
        if keyfile is not None and not _given(certfile):
            error = _key_alone_error(ctx, launch)
            yield from _key_without_certificate(ctx, keyfile, launch.edits.label("ssl_certfile"), error, consequence)
        elif certfile is not None and not _given(keyfile):
            yield from _certificate_without_key(ctx, certfile, launch.edits.label("ssl_keyfile"), consequence)


def _given(option: Option | None) -> bool:
    """Passed with a value that may be set; uvicorn tests the value's truth."""
    return option is not None and option.value.truthy() is not False


def _key_alone_error(ctx: RuleContext, launch: Launch) -> str:
    """What a key without a certificate raises at startup: `assert self.ssl_certfile` from uvicorn 0.15 on; before,
    ssl's `load_cert_chain(None, key)`, a TypeError ("certfile should be a valid filesystem path")."""
    if ctx.uvicorn_runs_at_least(_ASSERTS_THE_CERTIFICATE_SINCE, launch):
        return "a bare AssertionError"
    return "a TypeError" if release(ctx.uvicorn_version_in(launch)) is not None else "an exception"


_ASSERTS_THE_CERTIFICATE_SINCE = (0, 15)


def _key_without_certificate(
    ctx: RuleContext, keyfile: Option, certfile: str, error: str, consequence: str
) -> Iterator[Finding]:
    value = keyfile.value
    truthy = value.truthy()
    if truthy is False:
        return
    failure = f"{error}, so {consequence}; pass {certfile} too"
    if truthy:
        yield ctx.finding(RULE, f"{keyfile.label} without {certfile}: {failure}", keyfile.range)
    else:
        message = fit_message(
            "{keyfile} without {certfile}: {condition}, {failure}",
            "{keyfile} without {certfile}: {condition}, {error}, so {consequence}",
            keyfile=keyfile.label,
            certfile=certfile,
            condition=Quoted(value.describe_condition("is set")),
            failure=failure,
            error=error.replace("a bare ", "an "),
            consequence=consequence,
        )
        yield ctx.finding(RULE, message, keyfile.range, severity=Severity.WARNING)


def _certificate_without_key(ctx: RuleContext, certfile: Option, keyfile: str, consequence: str) -> Iterator[Finding]:
    if certfile.value.truthy() is False:
        return
    failure = f"ssl.SSLError, so {consequence}"
    named = referenced_file(ctx, certfile)
    if named is None:
        message = f"{certfile.label} without {keyfile}: unless that file also holds the private key, {failure}"
        yield ctx.finding(RULE, message, certfile.range, severity=Severity.WARNING)
        return
    name, path = named
    text = read_text_start(path) if path is not None else None
    if text is None:
        message = fit_message(
            "{certfile} without {keyfile}, and '{name}' cannot be read here: unless it holds the private key, {failure}",
            "{certfile} without {keyfile}: unless '{name}' holds the private key, {consequence}",
            certfile=certfile.label,
            keyfile=keyfile,
            name=Quoted(name),
            failure=failure,
            consequence=consequence,
        )
        yield ctx.finding(RULE, message, certfile.range, severity=Severity.WARNING)
    elif _PRIVATE_KEY_MARKER not in text:
        message = fit_message(
            "{certfile} '{name}' holds no private key and no {keyfile} is passed: {failure}",
            certfile=certfile.label,
            keyfile=keyfile,
            name=Quoted(name),
            failure=failure,
        )
        yield ctx.finding(RULE, message, certfile.range)


RULE = Rule(
    code="UVI008",
    name="incomplete-tls",
    summary="`ssl_keyfile` without `ssl_certfile`, or a certificate file without its private key; uvicorn fails at startup.",
    severity=Severity.ERROR,
    check=check,
    judges_commands=True,
    doc=RuleDoc(
        what="""
            Finds `uvicorn.run(...)` and `uvicorn.Config(...)` calls that turn on TLS with only half of
            what it needs:

            - `ssl_keyfile` without `ssl_certfile`: an error (a warning when the key file comes from a
              run-time value, saying when it fails);
            - `ssl_certfile` without `ssl_keyfile`, when the certificate file can be read and holds no
              private key: an error. When the file cannot be read from the analysed project (or its
              name is only known at run time), a warning that says the file must hold the key.

            A relative file name is looked up next to the analysed file, above its package, then in the
            workspace root; the rule runs again when that file changes.
        """,
        why="""
            uvicorn asserts that a certificate is given whenever a key is: `ssl_keyfile` alone stops
            the server at startup with a bare `AssertionError` and no message (before uvicorn 0.15, with
            ssl's `TypeError: certfile should be a valid filesystem path`). A certificate alone is
            accepted only when the same PEM file also holds the private key; otherwise loading it
            raises `ssl.SSLError: [SSL] PEM lib` at startup. With reload the parent process stays up
            serving nothing; with workers they are restarted without end.
        """,
        example="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", ssl_keyfile="key.pem")
        """,
        use_instead="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", ssl_keyfile="key.pem", ssl_certfile="cert.pem")
        """,
        fix="None: the missing file's name is not known.",
        fix_safety="No fix is offered.",
        command_example="""
            # Dockerfile
            FROM python:3.12-slim
            COPY main.py key.pem cert.pem ./
            CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--ssl-keyfile", "key.pem"]
        """,
        command_use_instead="""
            # Dockerfile
            FROM python:3.12-slim
            COPY main.py key.pem cert.pem ./
            CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--ssl-keyfile", "key.pem", "--ssl-certfile", "cert.pem"]
        """,
    ),
)
