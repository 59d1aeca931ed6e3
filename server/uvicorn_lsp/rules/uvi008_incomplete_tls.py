"""UVI008: a TLS key without a certificate, or a certificate file without its key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..engine.context import RuleContext
from ..engine.model import Finding, Severity
from ..engine.rule import Rule, RuleDoc
from ..engine.syntax import Argument

# A PEM holding a key has "-----BEGIN PRIVATE KEY-----", "... RSA PRIVATE KEY-----",
# "... ENCRYPTED PRIVATE KEY-----" and the like.
_PRIVATE_KEY_MARKER = "PRIVATE KEY-----"
_MAX_READ = 1_000_000


def referenced_file(ctx: RuleContext, argument: Argument) -> tuple[str, Path | None] | None:
    """For an argument that names one file by a known string: the name, and the file if found.

    uvicorn opens it relative to the working directory, which is not known here:
    an absolute path, else next to the analysed file, else in the workspace root.
    A found file is recorded as a dependency so editors check again when it changes."""
    value = ctx.evaluator.evaluate(argument.value)
    names = set(value.candidates) if value.all(lambda candidate: isinstance(candidate, str)) else set()
    if len(names) != 1:
        return None
    name = names.pop()
    path = Path(name).expanduser()
    folders = [ctx.source.path.parent] if ctx.source.path else []
    candidates = [path] if path.is_absolute() else [folder / path for folder in (*folders, ctx.workspace.root)]
    for candidate in candidates:
        if candidate.is_file():
            ctx.depends_on(candidate)
            return name, candidate
    return name, None


def read_text_start(path: Path) -> str | None:
    """The beginning of a text file (enough for PEM headers or a .env file); None when unreadable."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as stream:
            return stream.read(_MAX_READ)
    except OSError:
        return None


def check(ctx: RuleContext) -> Iterator[Finding]:
    for call in ctx.calls_to("uvicorn.run", "uvicorn.Config"):
        if ctx.argument(call, "ssl_context_factory") is not None:
            continue  # the factory builds the context itself; uvicorn checks the files only without one
        keyfile = ctx.argument(call, "ssl_keyfile")
        certfile = ctx.argument(call, "ssl_certfile")
        if keyfile is not None and not _given(ctx, certfile):
            yield from _key_without_certificate(ctx, keyfile)
        elif certfile is not None and not _given(ctx, keyfile):
            yield from _certificate_without_key(ctx, certfile)


def _given(ctx: RuleContext, argument: Argument | None) -> bool:
    """Passed with a value that may be set; uvicorn tests the value's truth."""
    return argument is not None and ctx.evaluator.evaluate(argument.value).truthy() is not False


def _key_without_certificate(ctx: RuleContext, keyfile: Argument) -> Iterator[Finding]:
    value = ctx.evaluator.evaluate(keyfile.value)
    truthy = value.truthy()
    if truthy is False:
        return
    failure = "uvicorn stops at startup with a bare AssertionError: pass ssl_certfile too"
    if truthy:
        yield ctx.finding(RULE, f"ssl_keyfile without ssl_certfile: {failure}", keyfile.range)
    else:
        message = f"ssl_keyfile without ssl_certfile: {value.describe_condition('is set')}, {failure}"
        yield ctx.finding(RULE, message, keyfile.range, severity=Severity.WARNING)


def _certificate_without_key(ctx: RuleContext, certfile: Argument) -> Iterator[Finding]:
    if ctx.evaluator.evaluate(certfile.value).truthy() is False:
        return
    failure = "uvicorn fails at startup with `ssl.SSLError: [SSL] PEM lib`"
    named = referenced_file(ctx, certfile)
    if named is None:
        message = (
            f"ssl_certfile without ssl_keyfile works only when that file also holds the private key, "
            f"else {failure}: pass ssl_keyfile"
        )
        yield ctx.finding(RULE, message, certfile.range, severity=Severity.WARNING)
        return
    name, path = named
    text = read_text_start(path) if path is not None else None
    if text is None:
        message = (
            f"ssl_certfile without ssl_keyfile: {name!r} cannot be read here to check that it also "
            f"holds the private key; if it does not, {failure}: pass ssl_keyfile"
        )
        yield ctx.finding(RULE, message, certfile.range, severity=Severity.WARNING)
    elif _PRIVATE_KEY_MARKER not in text:
        message = f"ssl_certfile {name!r} holds no private key and no ssl_keyfile is passed: {failure}"
        yield ctx.finding(RULE, message, certfile.range)


RULE = Rule(
    code="UVI008",
    name="incomplete-tls",
    summary="`ssl_keyfile` without `ssl_certfile`, or a certificate file without its private key; uvicorn fails at startup.",
    severity=Severity.ERROR,
    check=check,
    doc=RuleDoc(
        what="""
            Finds `uvicorn.run(...)` and `uvicorn.Config(...)` calls that turn on TLS with only half of
            what it needs:

            - `ssl_keyfile` without `ssl_certfile`: an error (a warning when the key file comes from a
              run-time value, saying when it fails);
            - `ssl_certfile` without `ssl_keyfile`, when the certificate file can be read and holds no
              private key: an error. When the file cannot be read from the analysed project (or its
              name is only known at run time), a warning that says the file must hold the key.

            A relative file name is looked up next to the analysed file, then in the workspace root;
            the rule runs again when that file changes.
        """,
        why="""
            uvicorn asserts that a certificate is given whenever a key is: `ssl_keyfile` alone stops
            the server at startup with a bare `AssertionError` and no message. A certificate alone is
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
    ),
)
