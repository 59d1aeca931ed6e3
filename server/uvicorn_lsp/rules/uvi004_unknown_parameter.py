"""UVI004: a keyword uvicorn.run / uvicorn.Config does not take, or extra positional arguments."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..engine import app_kinds, uvicorn_facts
from ..engine.commands.recognise import GUNICORN_LACKS_UVICORN_FLAGS, first, gunicorn_binds, gunicorn_port_refusal
from ..engine.context import RuleContext
from ..engine.launch import Entry, GivenAs, Launch, Option, Rejection, Server
from ..engine.model import Applicability, Finding, Fix, Range, Severity
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, elide, fit_message
from ..engine.server_starts import uvicorn_makes_the_loop
from ..engine.source import node_range
from ..engine.uvicorn_facts import (
    ANY_KEYWORD,
    INTEGER_FLAGS_OF_EVERY_VERSION,
    PARAMETERS,
    TABLE_VERSION,
    installed_parameters,
)


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        found = [_rejected(ctx, launch, rejection) for rejection in launch.rejections]
        parameters = _parameters(ctx, launch.entry) if launch.entry in PARAMETERS else None
        if parameters is not None:
            unknown = [option for option in launch.options.values() if option.name not in parameters]
            found += (_unknown_keyword(ctx, launch, option, parameters) for option in unknown)
        found += _unknown_implementations(ctx, launch)
        found += _unknown_lifespan(ctx, launch)
        if launch.server is Server.GUNICORN:
            # gunicorn's own parser: what it stops at or ignores does not depend on the uvicorn version.
            yield from found
            yield from _ignored_by_gunicorn(ctx, launch)
            yield from _unexpanded_gunicorn_port(ctx, launch)
            continue
        # The parameters and options read are those of the analysed uvicorn: nothing is said where another
        # runs (asked only when there is something to say: it reads the project's declarations), but for the
        # integer flags every uvicorn refuses a word on.
        if found and ctx.uvicorn_version_in(launch) == ctx.known_uvicorn_version:
            yield from found
        elif found and launch.server is Server.UVICORN:
            yield from (
                _rejected(ctx, launch, rejection)
                for rejection in launch.rejections
                if rejection.option.name in INTEGER_FLAGS_OF_EVERY_VERSION and rejection.option.given_as is GivenAs.FLAG
            )
            # `debug=` is gone from every uvicorn since 0.19: a project that runs one of those fails the same way
            # (real runs: 0.18.3 serves, 0.19.0 and 0.20.0 stop with TypeError).
            if parameters is not None and ctx.uvicorn_runs_at_least(_NO_DEBUG_SINCE, launch):
                yield from (
                    _unknown_keyword(ctx, launch, option, parameters)
                    for option in launch.options.values()
                    if option.name == "debug" and option.name not in parameters
                )
        call = launch.call
        if call is not None and launch.entry is Entry.RUN and len(call.positional) > 1 and not call.star_args:
            yield _extra_positional(ctx, call)


def _rejected(ctx: RuleContext, launch: Launch, rejection: Rejection) -> Finding:
    """What uvicorn's command line (click) stops at, with exit status 2, before anything starts."""
    option = rejection.option
    advice = ""
    fixes: list[Fix] = []
    split = getattr(launch.edits, "split_argument", None)  # command-line sources only
    if option.name.startswith("-") and " " in option.name.strip() and split is not None:
        # `"--host 0.0.0.0"` as one exec-form element: click reads one unknown option.
        edits = split(option)
        if edits:
            advice = "; put the flag and its value in separate elements"
            fixes.append(Fix("Split into the flag and its value", edits, Applicability.SAFE, preferred=True))
    elif rejection.near:
        advice = f"; did you mean `{rejection.near[0]}`?"
        edits = launch.edits.rename_option(option, rejection.near[0])
        if edits:
            fixes.append(Fix(f"Change to `{rejection.near[0]}`", edits, Applicability.UNSAFE, preferred=True))
    elif launch.server is Server.GUNICORN and (flag := option.name.partition("=")[0]) in GUNICORN_LACKS_UVICORN_FLAGS:
        # A uvicorn flag given to gunicorn: no fix, since `--host` and `--port` become one `--bind` together.
        instead = GUNICORN_LACKS_UVICORN_FLAGS[flag]
        advice = f"; it is uvicorn's: gunicorn takes `{instead}`" if instead else "; it is uvicorn's, not gunicorn's"
    # click's message quotes the rejected word, which a command line may make long.
    message = fit_message(
        "{described} exits with status 2 before starting: {rejection}{advice}",
        described=launch.described,
        rejection=Quoted(rejection.message, scale=2),
        advice=advice,
    )
    return ctx.finding(RULE, message, option.range, fixes=fixes)


def _ignored_by_gunicorn(ctx: RuleContext, launch: Launch) -> Iterator[Finding]:
    """`"--worker-class uvicorn_worker.UvicornWorker"` as one element after the app: gunicorn's parser takes it for
    one more APP_MODULE argument and starts without the setting (real runs: the sync worker, the default bind)."""
    split = getattr(launch.edits, "split_argument", None)
    for option in launch.options.values():
        if option.given_as is not GivenAs.FLAG or not option.name.startswith("--") or " " not in option.name:
            continue
        edits = split(option) if split is not None else None
        fixes = [Fix("Split into the flag and its value", edits, Applicability.SAFE, preferred=True)] if edits else []
        message = fit_message(
            "{word} is one word: gunicorn ignores it (an argument after the app); put the flag and its value apart",
            word=Quoted(option.name),
        )
        yield ctx.finding(RULE, message, option.range, Severity.WARNING, fixes=fixes)


def _unexpanded_gunicorn_port(ctx: RuleContext, launch: Launch) -> Iterator[Finding]:
    """`"--bind", "0.0.0.0:$PORT"` in an exec form (or single quotes): gunicorn gets the `$` as written and stops
    before loading the app (real runs, gunicorn 20.1 to 27.0: "Error: '$PORT' is not a valid port number.", exit
    status 1)."""
    # --check-config and --print-config exit before binding; a rejection stops gunicorn before it reads the address.
    exits_first = "check_config" in launch.options or "print_config" in launch.options
    if launch.rejections or exits_first:
        return
    # gunicorn reads every --bind given, in order, and stops at the first it refuses.
    for bind in gunicorn_binds(launch):
        if not bind.value.known:
            return  # only the running shell knows this address: gunicorn may stop at it first
        text = first(bind.value)
        refusal = gunicorn_port_refusal(text) if isinstance(text, str) else None
        if refusal is not None:
            break
    else:
        return
    if "$" not in refusal:
        return
    message = fit_message(
        "{described} stops at startup (exit status 1): {refusal} (no shell expands `$` here)",
        described=launch.described,
        refusal=Quoted(refusal),
    )
    yield ctx.finding(RULE, message, bind.range)


_NO_DEBUG_SINCE = (0, 19)


def _parameters(ctx: RuleContext, entry: Entry) -> frozenset[str] | None:
    """The analysed version's parameter names; None when it takes any keyword or cannot be read."""
    version = ctx.known_uvicorn_version
    # The table is uvicorn 0.54's; another installed version's signature is read from its source.
    names = PARAMETERS[entry] if version == TABLE_VERSION else installed_parameters(ctx.workspace, entry)
    # uvicorn before 0.18 declared `run(app, **kwargs)`: every keyword passed the call.
    return None if names is None or ANY_KEYWORD in names else frozenset(names)


def _unknown_keyword(ctx: RuleContext, launch: Launch, option: Option, parameters: frozenset[str]) -> Finding:
    shown = launch.described
    if option.name == "debug":
        object_app = launch.app is not None and _app_kind(ctx, launch) is app_kinds.AppKind.OBJECT
        advice = "remove it (reload=True needs an import string)" if object_app else "use reload=True, or remove it"
        message = f"{shown} has no `debug` parameter since uvicorn 0.19: TypeError at startup; {advice}"
        return ctx.finding(RULE, message, option.range, fixes=_debug_fixes(ctx, launch, option))
    message = f"{shown} has no parameter `{elide(option.name, 40)}`: TypeError at startup"
    other = Entry.CONFIG if launch.entry is Entry.RUN else Entry.RUN
    if option.name in (_parameters(ctx, other) or ()):  # the same version's other signature
        message += f" (only {other.value}() takes it)"
    close = difflib.get_close_matches(option.name, sorted(parameters), n=1, cutoff=0.75)
    if not close:
        return ctx.finding(RULE, message, option.range)
    suggestion = close[0]
    message += f"; did you mean `{suggestion}`?"
    fixes = _rename(launch, option, suggestion, f"Rename `{option.name}` to `{suggestion}`", preferred=True)
    return ctx.finding(RULE, message, option.range, fixes=fixes)


# Options that name an implementation uvicorn knows, or give an import string of one (since 0.54, where they
# stopped being click choices). Any other word is taken for an import string and fails: a loop with exit status
# 3 ("Error loading custom loop setup function"), the others with ImportFromStringError (exit status 1).
_IMPLEMENTATIONS = {
    "loop": ("event loop", 3),
    "http": ("HTTP implementation", 1),
    "ws": ("WebSocket implementation", 1),
}


def _unknown_implementations(ctx: RuleContext, launch: Launch) -> list[Finding]:
    found = []
    for name, (kind, status) in _IMPLEMENTATIONS.items():
        option = launch.option(name)
        spec = ctx.option_table.by_name(name) if option is not None else None
        if option is None or spec is None or spec.choices or not spec.suggested:
            continue
        names = spec.suggested
        unknown = option.value.all(
            lambda value, names=names: isinstance(value, str) and value not in names and ":" not in value
        )
        if not unknown or (status != 3 and any(uvicorn_facts.supervision_conditions(launch))):
            continue  # under reload or workers, http and ws processes fail in ways not followed here
        if name == "loop" and not uvicorn_makes_the_loop(ctx, launch):
            continue  # an awaited server runs on the loop already running: its `loop` is never read
        word = str((option.value.candidates or ("",))[0])
        close = difflib.get_close_matches(word, [known for known in names if known != "none"], n=1, cutoff=0.75)
        message = fit_message(
            "{option}: no such {kind} in uvicorn, nor an import string: {consequence}"
            + ("; did you mean `{near}`?" if close else ""),
            option=Quoted(option.written),
            kind=kind,
            consequence=ctx.failure_consequence(launch, status),
            near=close[0] if close else "",
        )
        edits = launch.edits.set_option(name, close[0]) if close else None
        fixes = [Fix(f"Change to `{close[0]}`", edits, Applicability.UNSAFE, preferred=True)] if edits else []
        found.append(ctx.finding(RULE, message, option.range, fixes=fixes))
    return found


def _unknown_lifespan(ctx: RuleContext, launch: Launch) -> list[Finding]:
    """`lifespan="of"` in Python: Config.load() looks the value up in its table and stops with KeyError (exit
    status 1, checked). A command line's `--lifespan` is click's choice: its rejection is said apart."""
    option = launch.option("lifespan")
    spec = ctx.option_table.by_name("lifespan") if option is not None and launch.call is not None else None
    if option is None or spec is None or not spec.choices or any(uvicorn_facts.supervision_conditions(launch)):
        return []
    word = option.value.candidates[0] if option.value.candidates and len(option.value.candidates) == 1 else None
    if not isinstance(word, str) or word in spec.choices:
        return []
    close = difflib.get_close_matches(word, list(spec.choices), n=1, cutoff=0.6)
    message = fit_message(
        "{option}: uvicorn stops at startup with KeyError: {value} (exit status 1); it takes {choices}"
        + ("; did you mean `{near}`?" if close else ""),
        option=Quoted(option.written),
        value=Quoted(repr(word)),
        choices=", ".join(f'"{choice}"' for choice in spec.choices),
        near=close[0] if close else "",
    )
    edits = launch.edits.set_option("lifespan", close[0]) if close else None
    fixes = [Fix(f'Change to "{close[0]}"', edits, Applicability.UNSAFE, preferred=True)] if edits else []
    return [ctx.finding(RULE, message, option.range, fixes=fixes)]


def _app_kind(ctx: RuleContext, launch: Launch) -> app_kinds.AppKind:
    return app_kinds.classify_app(ctx, launch.app.node).kind if launch.app is not None else app_kinds.AppKind.UNKNOWN


def _debug_fixes(ctx: RuleContext, launch: Launch, option: Option) -> list[Fix]:
    removal = launch.edits.remove_option(option)
    if removal is None:
        return []
    fixes = [Fix("Remove `debug`", removal, Applicability.UNSAFE)]
    app_kind = _app_kind(ctx, launch)
    # uvicorn 0.18 ignored debug's reload for an app object (it cannot reload one):
    # there removal keeps the old behaviour, and reload=True would exit at startup.
    if option.value.truthy() is not False and app_kind is not app_kinds.AppKind.OBJECT:
        fixes += _rename(
            launch, option, "reload", "Replace `debug` with `reload`", preferred=app_kind is app_kinds.AppKind.STRING
        )
    if not any(fix.preferred for fix in fixes):
        fixes[0] = Fix(fixes[0].title, fixes[0].edits, fixes[0].applicability, preferred=True)
    return fixes


def _rename(launch: Launch, option: Option, new_name: str, title: str, preferred: bool) -> list[Fix]:
    """Rename an option written in the launch; nothing for `**` dicts or when the name is taken."""
    edits = launch.edits.rename_option(option, new_name)
    return [] if edits is None else [Fix(title, edits, Applicability.UNSAFE, preferred=preferred)]


def _extra_positional(ctx: RuleContext, call) -> Finding:
    extra = call.positional[1:]
    where = Range(node_range(extra[0].node).start, node_range(extra[-1].node).end)
    message = (
        f"uvicorn.run() takes only the app positionally: {len(extra)} more positional "
        f"argument{'s' if len(extra) > 1 else ''} raise TypeError at startup; pass them by keyword (port=8000)"
    )
    return ctx.finding(RULE, message, where)


RULE = Rule(
    code="UVI004",
    name="unknown-parameter",
    summary="A keyword or option uvicorn does not take, or a value it rejects: TypeError at startup, or exit status 2 from the `uvicorn` command.",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.SAFE, Applicability.UNSAFE),
    check=check,
    judges_commands=True,
    command_triggers=("fastapi", "gunicorn"),
    doc=RuleDoc(
        what="""
            Checks every keyword passed to `uvicorn.run(...)` and `uvicorn.Config(...)`, also the keys
            of a `**{...}` dict literal, against the signature of the uvicorn installed in the analysed
            environment. When uvicorn is not installed there, it uses the parameters of uvicorn 0.54.
            When the project declares uvicorn (requirements files, those of a `requirements/` folder and the
            files their `-r`/`-c` lines include, `pyproject.toml`, Pipfile, setup.py, setup.cfg, conda's
            `environment.yml`, a `uv.lock`, `poetry.lock` or `pdm.lock`, `Pipfile.lock`; `fastapi[all]` before
            FastAPI 0.87 declares a uvicorn before 0.19) at versions that exclude that one, it says nothing:
            another version runs. An image or a Procfile dyno installs its
            own uvicorn (what its `RUN pip install` lines name, else the declared one, else the newest; for an
            image pulled from elsewhere, or built FROM a base that may ship uvicorn, whose version pip keeps
            where the installs admit it, the pinned one only), so their commands are judged only when that
            is the analysed version. Two exceptions: a word given to an integer flag (`--port`, `--workers`,
            `--timeout-keep-alive`, `--backlog`, `--limit-concurrency`, `--limit-max-requests`), such as
            the `"${PORT}"` of an exec-form `CMD` that no shell expands, fails under every uvicorn release
            (let a shell expand it: `CMD ["sh", "-c", "exec uvicorn main:app --port ${PORT}"]`); and
            `debug=` fails under every release from 0.19 on, so it is reported wherever one of those runs.

            It also finds positional arguments after the app in `uvicorn.run("main:app", 8000)`, and a
            `lifespan=` value other than "auto", "on" and "off" in Python (no command line checks it there:
            uvicorn stops with KeyError). `debug=` gets its own message: it was removed in uvicorn 0.19.
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
            On a command line (`uvicorn main:app --relaod`, a Dockerfile `CMD`, a compose `command:`), uvicorn's
            click options are checked the same way: an unknown option or a refused value (`--workers many`,
            `--lifespan maybe`) stops the command with exit status 2. A flag and its value written as one
            exec-form element (`"--host 0.0.0.0"`) is one unknown option; the fix splits it. fastapi-cli's
            `fastapi dev` has no `--workers` (only `fastapi run` has): it stops the same way.
            gunicorn's parser (argparse) takes such an element (`"--bind 0.0.0.0:80"`) for a positional
            argument: after an option it stops gunicorn ("unrecognized arguments", exit status 2, an error); in
            the run of arguments that starts with the app it is ignored and gunicorn starts without it (a
            warning: the default bind, the sync worker, no TLS). The fix splits it. A uvicorn flag gunicorn has no
            option for (`--host`, `--port`, `--loop`, `--proxy-headers`, `--factory`...) stops gunicorn the same
            way (real runs, gunicorn 20.1 to 27.0); the message names what gunicorn takes instead (`--bind
            HOST:PORT`), with no fix, since `--host` and `--port` become one `--bind` together. A `--bind` whose
            port keeps its `$` (`"0.0.0.0:$PORT"` in an exec form, where no shell expands it) stops gunicorn
            before it loads the app: "'$PORT' is not a valid port number", exit status 1.

            `loop`, `http` and `ws` (`--loop`, `--http`, `--ws`) take a name uvicorn knows or an import string
            (`module:attribute`) since uvicorn 0.54: any other word is tried as an import string and fails at
            startup, with exit status 3 for a loop ("Error loading custom loop setup function") and 1 for the
            others (`ImportFromStringError`). The unsafe fix writes the near name (`uvloopp` → `uvloop`). Under
            reload or workers a failing `http` or `ws` is not reported (each process fails its own way). Nor
            is the `loop` of a `uvicorn.Config` whose server is awaited (`await server.serve()`): it runs on
            the loop already running and uvicorn never reads `loop`.

            A uvicorn older than 0.18 declares `run(app, **kwargs)`: no keyword is checked then.
        """,
        command_example="""
            # Dockerfile
            FROM python:3.12-slim
            COPY main.py .
            CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--proxy-header"]
        """,
        command_use_instead="""
            # Dockerfile
            FROM python:3.12-slim
            COPY main.py .
            CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--proxy-headers"]
        """,
    ),
)
