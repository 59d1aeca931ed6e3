"""From the arguments of one command to a Launch: which server it starts, with which options.

Recognised: `uvicorn ...`, `python[3] -m uvicorn ...` (also under `-m debugpy`), `gunicorn ...` (any worker class),
`fastapi run|dev`, behind `exec`, `env A=1`, `A=1` prefixes, the init processes `tini` and `dumb-init`, and the
runners `uv run`, `poetry run`, `pdm run`, `pipenv run`, `hatch run`. uvicorn's arguments are parsed as click
parses them, with the
analysed version's option table: a flag becomes uvicorn's parameter name and a typed value,
and whatever click would stop at (exit status 2) is recorded on the launch as a Rejection.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..launch import Entry, GivenAs, Launch, Option, Rejection, SearchPath, Server, Setting
from ..model import Range, TextEdit
from ..values import Value
from .options import OptionSpec, OptionTable

if TYPE_CHECKING:
    from .text import Placed

# uvicorn reads these itself besides `UVICORN_<OPTION>` (config.py): the parameter each sets.
_OWN_VARIABLES = {"WEB_CONCURRENCY": "workers", "FORWARDED_ALLOW_IPS": "forwarded_allow_ips"}
_RUNNERS = {"uv": "run", "poetry": "run", "pdm": "run", "pipenv": "run", "hatch": "run", "rye": "run"}
# Options of those runners that take a value (the rest are switches), so the command after them is found.
_RUNNER_VALUE_OPTIONS = frozenset(
    {"--with", "--with-editable", "--with-requirements", "--env-file", "--directory", "--project", "--python", "-p"}
    | {"--extra", "--group", "--package", "--index", "--index-url", "-e", "--env", "-C", "--only-group"}
)
_PYTHON_VALUE_OPTIONS = frozenset({"-X", "-W", "-Q"})
# debugpy's own options before the module it runs (`python -m debugpy --listen 5678 -m uvicorn ...`, debugpy/server/
# cli.py): those that take a value (and every `--configure-<name>`), and its switches.
_DEBUGPY_VALUE_OPTIONS = frozenset(
    {"--listen", "--connect", "--log-to", "--parent-session-pid", "--adapter-access-token"}
)
_DEBUGPY_SWITCHES = frozenset(
    {"--wait-for-client", "--log-to-stderr", "--disable-sys-remote-exec", "--linux-attach-prefer-lldb"}
)
# Init processes that containers put in front of the server (`ENTRYPOINT ["tini", "--"]`): each runs the command
# after its options in the same folder and environment. Their options that take a value.
_INITS = {
    "tini": frozenset({"-p", "-e"}),
    "tini-static": frozenset({"-p", "-e"}),
    "dumb-init": frozenset({"-r", "--rewrite"}),
}
# Tracing wrappers that run the command after their options, instrumented, in the same folder and environment;
# None: every option takes a value (unless written `--name=value`).
_TRACERS: dict[str, frozenset[str] | None] = {"opentelemetry-instrument": None, "ddtrace-run": frozenset()}
# gunicorn options that take a value; an unlisted option makes the app argument unsure.
_GUNICORN_VALUE_OPTIONS = frozenset(
    {"-c", "--config", "-b", "--bind", "-w", "--workers", "-k", "--worker-class", "--threads", "-t", "--timeout"}
    | {"--graceful-timeout", "--keep-alive", "--log-level", "--access-logfile", "--error-logfile", "--log-file"}
    | {"--log-config", "--chdir", "--pythonpath", "-e", "--env", "-n", "--name", "--max-requests", "-u", "-g"}
    | {"--max-requests-jitter", "--forwarded-allow-ips", "--certfile", "--keyfile", "--ca-certs", "--user"}
    | {"--group", "--pid", "-p", "--backlog", "--worker-connections", "--limit-request-line", "--access-logformat"}
    | {"--worker-tmp-dir", "--statsd-host", "--umask", "-m", "--reload-extra-file"}
)
# uvicorn's flags that gunicorn has no option for (nor one they abbreviate): each stops gunicorn's parser with
# "unrecognized arguments: FLAG", exit status 2 (real runs, gunicorn 20.1, 21.2, 23.0 and 27.0). Left out: `--http`
# (gunicorn 27 calls it ambiguous), `--root-path` (gunicorn 27 has it) and those gunicorn shares (`--workers`...).
# Each maps to what gunicorn takes instead, where it has something.
_GUNICORN_INSTEAD = {
    "--host": "--bind HOST:PORT",
    "--port": "--bind HOST:PORT",
    "--uds": "--bind unix:PATH",
    "--fd": "--bind fd://FD",
    "--ssl-keyfile": "--keyfile",
    "--ssl-certfile": "--certfile",
    "--timeout-keep-alive": "--keep-alive",
    "--limit-max-requests": "--max-requests",
    "--timeout-graceful-shutdown": "--graceful-timeout",
}
_GUNICORN_HAS_NO_EQUIVALENT = (
    ("--loop", "--ws", "--ws-max-size", "--lifespan", "--factory", "--interface", "--app-dir", "--env-file")
    + ("--proxy-headers", "--no-proxy-headers", "--limit-concurrency", "--no-access-log", "--use-colors")
    + ("--reload-dir", "--reload-include", "--reload-exclude", "--reload-delay", "--no-server-header")
    + ("--no-date-header",)
)
GUNICORN_LACKS_UVICORN_FLAGS: Mapping[str, str | None] = {
    **_GUNICORN_INSTEAD,
    **dict.fromkeys(_GUNICORN_HAS_NO_EQUIVALENT),
}
# gunicorn's options that exit before its parser looks at an unknown one.
_GUNICORN_EXITS_FIRST = frozenset({"-h", "--help", "-v", "--version"})
_GUNICORN_NAMES = {
    "-w": "workers",
    "--workers": "workers",
    "-b": "bind",
    "--bind": "bind",
    "-k": "worker_class",
    "--worker-class": "worker_class",
    "--chdir": "chdir",
    "--reload": "reload",
    "-c": "config",
    "--config": "config",
    "--check-config": "check_config",  # loads the app and exits: serves nothing
    "--print-config": "print_config",
}
_FASTAPI_VALUE_OPTIONS = {
    "--host": "host",
    "--port": "port",
    "--app": "fastapi_app",
    "--entrypoint": "fastapi_entrypoint",
    "-e": "fastapi_entrypoint",
    "--root-path": "root_path",
    "--workers": "workers",
    "--forwarded-allow-ips": "forwarded_allow_ips",
}
_FASTAPI_SWITCHES = {
    "--reload": ("reload", True),
    "--no-reload": ("reload", False),
    "--proxy-headers": ("proxy_headers", True),
    "--no-proxy-headers": ("proxy_headers", False),
}
# Shells whose `-c SCRIPT` runs a script given as one argument, and their options that take a value.
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
# A file, folder or stage name with one of these words is for development, never a production start (Dockerfile.dev,
# Procfile.dev, .devcontainer/Dockerfile: the image a dev container is built from).
DEVELOPMENT_WORDS = re.compile(
    r"(^|[^a-z])(dev|devcontainer|develop|development|local|debug|test|tests|testing)([^a-z]|$)"
)


def named_for_development(path: Path | None, root: Path) -> bool:
    """The file's name, or a folder's between the workspace root and it, says development (`Dockerfile.dev`,
    `.devcontainer/Dockerfile`, `docker/local/Dockerfile`); folders above the root say nothing of the project."""
    if path is None:
        return False
    names = path.relative_to(root).parts if path.is_relative_to(root) else (path.name,)
    return any(DEVELOPMENT_WORDS.search(name.lower()) for name in names)


_SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
# A word the shell reads as itself unquoted (`\w`: str.isalnum() characters and `_`).
_BARE_WORD = re.compile(r"[\w\-./:=,@%+]+")
# Characters that every layer a script can sit in (shell quotes, a JSON string, a YAML scalar) keeps as written.
_AS_WRITTEN = re.compile(r"[A-Za-z0-9_./:=,@%+ -]*")
# gunicorn's switches that parse() knows besides its value options (`--capture-output` too: a switch, whose next word
# is the app or another option, not its value).
_GUNICORN_SWITCHES = (
    "--reload",
    "--daemon",
    "--preload",
    "--check-config",
    "--print-config",
    "--no-sendfile",
    "--capture-output",
)


def known_flags(server: Server) -> tuple[str, ...]:
    """The long flags parse() knows of gunicorn and `fastapi run|dev` (uvicorn's are its option table's)."""
    if server is Server.GUNICORN:
        return tuple(sorted(flag for flag in (*_GUNICORN_VALUE_OPTIONS, *_GUNICORN_SWITCHES) if flag.startswith("--")))
    if server is Server.FASTAPI:
        return tuple(sorted((*_FASTAPI_VALUE_OPTIONS, *_FASTAPI_SWITCHES)))
    return ()


# `$PORT`, `${PORT}`, `${PORT:-8000}`: the port a platform (Heroku, Railway, Render) routes a web process's traffic to.
PLATFORM_PORT = re.compile(r"\$\{?PORT\b")


@dataclass(frozen=True)
class Argument:
    """One argument of a command as its source writes it."""

    value: str
    range: Range
    expanded: bool = False  # the shell expands it: only the running shell knows the value
    quote: str = ""  # how the source quoted it ('"' for a JSON or YAML element)
    literal_dollar: bool = False  # holds `$` that no shell will expand (exec form, list `command:`)
    group: int = 0  # arguments of one list or line share a group (ENTRYPOINT + CMD are two)
    # Written in another file (the image's ENTRYPOINT a compose `command:` joins): `range` is where this file
    # refers to it, so no edit may touch it.
    elsewhere: bool = False
    # The value's characters with their file places, computed when the editor asks (None: not known).
    value_places: Callable[[], Placed | None] | None = field(default=None, compare=False, repr=False)

    @property
    def assignment_name(self) -> str | None:
        """`NAME` of a `NAME=value` argument."""
        assignment = _assignment(self)
        return None if assignment is None or self.quote else assignment[0]


class StartFolder(Protocol):
    """Where a command may start (base.WorkingDirectory): the host folders showing what a path
    relative to it holds (None when not known)."""

    @property
    def roots_for(self) -> Callable[[str], tuple[Path, ...] | None]: ...


def known_places(placed: Placed) -> Callable[[], Placed]:
    """`Argument.value_places` of a value whose places the source has already read (a JSON string)."""
    return lambda: placed


class Form:
    """How a source writes arguments, for the edits: shell words or list elements."""

    list_form = False

    def spell(self, value: str, like: Argument | None = None) -> str:
        if like is not None and like.quote == '"':
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'
        if _BARE_WORD.fullmatch(value):
            return value
        return "'" + value.replace("'", "'\\''") + "'"

    separator = " "


class Unwritable(Exception):
    """A spelling that the layers around a script would change (a quote inside `sh -c "..."`)."""


class ScriptForm(Form):
    """Shell words of the script `sh -c SCRIPT` runs, inside the quoting of SCRIPT itself (shell quotes,
    a JSON string, a YAML scalar): only text that every such layer keeps as written can be put there."""

    def spell(self, value: str, like: Argument | None = None) -> str:
        text = super().spell(value, like)
        if not _AS_WRITTEN.fullmatch(text) or ": " in text or text.endswith(":"):
            raise Unwritable(text)
        return text


def _writable_only(edit: Callable[..., tuple[TextEdit, ...] | None]) -> Callable[..., tuple[TextEdit, ...] | None]:
    """No edit (None) where the form cannot write the new text."""

    @functools.wraps(edit)
    def checked(*args: object) -> tuple[TextEdit, ...] | None:
        try:
            return edit(*args)
        except Unwritable:
            return None

    return checked


class JsonForm(Form):
    list_form = True
    separator = ", "

    def spell(self, value: str, like: Argument | None = None) -> str:
        return json.dumps(value, ensure_ascii=False)


class YamlFlowForm(Form):
    list_form = True
    separator = ", "

    def spell(self, value: str, like: Argument | None = None) -> str:
        return _yaml_scalar(value, like, flow=True)


class YamlBlockForm(Form):
    list_form = True

    def __init__(self, indent: str):
        self.separator = "\n" + indent + "- "

    def spell(self, value: str, like: Argument | None = None) -> str:
        return _yaml_scalar(value, like, flow=False)


def _yaml_scalar(value: str, like: Argument | None, flow: bool) -> str:
    """`value` as a YAML list element quoted as `like` is (plain where `like` is plain and YAML reads it back
    as this string, else double-quoted)."""
    quote = like.quote if like is not None else ""
    if quote == "'":
        return "'" + value.replace("'", "''") + "'"
    if not quote and _plain_yaml(value, flow=flow):
        return value
    return json.dumps(value, ensure_ascii=False)


def first(value: Value) -> object:
    """The first candidate of a value known to have some."""
    return (value.candidates or (None,))[0]


def _handle(option: Option) -> tuple[int, ...] | None:
    """Where the option's arguments stand: (first, last) indexes, or (index,) for the app."""
    return option.handle if isinstance(option.handle, tuple) else None


def _plain_yaml(value: str, flow: bool) -> bool:
    """Whether YAML reads `value` back as this very string when written without quotes."""
    if not value or value != value.strip() or ": " in value or " #" in value or value.endswith(":"):
        return False
    if value[0] in "?:-" and (len(value) == 1 or value[1] == " "):
        return False
    if value[0] in ",[]{}#&*!|>'\"%@`" or (flow and any(char in value for char in ",[]{}")):
        return False
    try:
        float(value)
        return False  # a number would come back as one
    except ValueError:
        pass
    return value.lower() not in ("true", "false", "yes", "no", "on", "off", "null", "~", "y", "n")


@dataclass
class CommandInfo:
    """What a source knows about a command besides the launch (for the command-line rules)."""

    source_kind: str  # "dockerfile", "compose", "procfile", "makefile", "shell", "workflow", ...
    production: bool = False  # started where reload and loopback-only binds do harm
    container: bool = False  # runs in a container whose port is published (or EXPOSEd)
    subcommand: Argument | None = None  # `run` / `dev` of `fastapi`
    where: str = ""  # how messages name the place: "the Dockerfile's CMD", "service web's command"


@dataclass
class ParsedCommand:
    server: Server
    arguments: list[Argument]  # every argument, the program included
    program_index: int  # the argument naming the server (or `python`)
    app: Option | None
    options: dict[str, Option]
    rejections: list[Rejection]
    complete: bool
    environment: dict[str, Option] = field(default_factory=dict)
    # gunicorn's `--bind` before the last one (`options["bind"]`): gunicorn listens on every address given.
    earlier_binds: list[Option] = field(default_factory=list)

    @property
    def worker_class(self) -> str | None:
        """gunicorn's worker class when known (the option itself is in `options`)."""
        option = self.options.get("worker_class")
        return str(first(option.value)) if option is not None and option.value.known else None


def shell_script(
    arguments: Sequence[Argument],
) -> tuple[int, dict[str, tuple[Value, Range]]] | None:
    """`sh -c SCRIPT [NAME ARGUMENT...]` (also `bash`, `dash`, `ash`, behind `exec`, `env A=1`, `A=1`, an init
    process): the index of SCRIPT and the variables set for it; None for any other command."""
    index = 0
    assigned: dict[str, tuple[Value, Range]] = {}
    while index < len(arguments):
        if arguments[index].expanded:
            return None
        after = _after_prefix(arguments, index, assigned)
        if after == index:
            break
        index = after
    if any(argument.value.startswith(("-C", "--chdir")) for argument in arguments[:index]):
        return None  # `env -C`: the script starts in another folder
    if index >= len(arguments) or arguments[index].value.rsplit("/", 1)[-1] not in SHELLS:
        return None
    index += 1
    runs_script = False
    while index < len(arguments):
        word = arguments[index].value
        if word in ("-", "--"):
            index += 1
            break
        if len(word) < 2 or word[0] not in "-+" or arguments[index].expanded:
            break
        if word in _SHELL_VALUE_OPTIONS or (word[1] != "-" and "o" in word[1:]):
            index += 2
            continue
        runs_script = runs_script or (word[0] == "-" and word[1] != "-" and "c" in word[1:])
        index += 1
    return (index, assigned) if runs_script and index < len(arguments) else None


def _after_prefix(arguments: Sequence[Argument], index: int, environment: dict[str, tuple[Value, Range]]) -> int:
    """The index after the word at `index` when it only prefixes the program (with its options): an unquoted
    `NAME=value` (set in `environment`), `exec`, `command`, `nohup`, `env`, an init process or a tracing
    wrapper; else `index`."""
    argument = arguments[index]
    assignment = _assignment(argument)
    if assignment is not None and not argument.quote:
        environment[assignment[0]] = (Value((assignment[1],), assignment[1], is_string=True), argument.range)
        return index + 1
    if argument.value in ("exec", "command", "nohup"):
        return index + 1
    if argument.value == "env":
        index += 1
        while index < len(arguments) and arguments[index].value.startswith("-"):
            index += 2 if arguments[index].value in ("-u", "--unset", "-C", "--chdir") else 1
        return index
    init = argument.value.rsplit("/", 1)[-1]
    if init in _INITS:
        return _skip_options(arguments, index + 1, _INITS[init])
    if init in _TRACERS:
        return _skip_options(arguments, index + 1, _TRACERS[init])
    if init == "newrelic-admin" and index + 1 < len(arguments) and arguments[index + 1].value == "run-program":
        return index + 2
    return index


def program_index(arguments: Sequence[Argument]) -> int | None:
    """The index of the program a command runs, after what only prefixes it (`exec`, `env A=1`, an init process,
    `NAME=value`); None when there is none, or only the running shell knows it."""
    index = 0
    while index < len(arguments) and not arguments[index].expanded:
        after = _after_prefix(arguments, index, {})
        if after == index:
            return index
        index = after
    return None


def parse(
    arguments: list[Argument],
    table: OptionTable,
    environment: Mapping[str, tuple[Value, Range]],
) -> ParsedCommand | None:
    """The launch a command's arguments make, if it starts uvicorn, gunicorn or fastapi."""
    index = 0
    local_environment: dict[str, tuple[Value, Range]] = dict(environment)
    while index < len(arguments):
        argument = arguments[index]
        if argument.expanded:
            return None
        after = _after_prefix(arguments, index, local_environment)
        if after != index:
            index = after
            continue
        base = argument.value.rsplit("/", 1)[-1]
        if base in _RUNNERS and index + 1 < len(arguments) and arguments[index + 1].value == _RUNNERS[base]:
            index = _skip_options(arguments, index + 2, _RUNNER_VALUE_OPTIONS)
            if base == "hatch" and index < len(arguments) and ":" in arguments[index].value:
                return None  # `hatch run env:script`: a script of the project, not a program
            continue
        if base.startswith("python") and all(part.isdigit() for part in base[6:].split(".") if part):
            index = _skip_options(arguments, index + 1, _PYTHON_VALUE_OPTIONS, stop_at="-m")
            if index + 1 >= len(arguments) or arguments[index].value != "-m":
                return None
            if arguments[index + 1].value == "debugpy":
                module_option = _debugpy_module_option(arguments, index + 2)
                if module_option is None:
                    return None
                index = module_option
            module = arguments[index + 1].value
            if module not in ("uvicorn", "gunicorn", "fastapi"):
                return None
            return _parse_server(module, arguments, index + 1, table, local_environment)
        if base == "debugpy":
            module_option = _debugpy_module_option(arguments, index + 1)
            if module_option is None or arguments[module_option + 1].value not in ("uvicorn", "gunicorn", "fastapi"):
                return None
            module = arguments[module_option + 1].value
            return _parse_server(module, arguments, module_option + 1, table, local_environment)
        if base in ("uvicorn", "gunicorn", "fastapi"):
            return _parse_server(base, arguments, index, table, local_environment)
        return None
    return None


def _debugpy_module_option(arguments: Sequence[Argument], index: int) -> int | None:
    """The index of the `-m` after debugpy's options from `index`: debugpy runs that module as `python -m` does (the
    same folder, which it puts first on sys.path). None when it runs a file, `-c` code, attaches to a `--pid`, or
    meets an option not known here."""
    while index + 1 < len(arguments):
        word = arguments[index].value
        if word == "-m":
            return index
        if word in _DEBUGPY_VALUE_OPTIONS or word.startswith("--configure-"):
            index += 2
        elif word in _DEBUGPY_SWITCHES:
            index += 1
        else:
            return None
    return None


def _assignment(argument: Argument) -> tuple[str, str] | None:
    name, equals, value = argument.value.partition("=")
    if equals and name and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name):
        return name, value
    return None


def _skip_options(
    arguments: Sequence[Argument], index: int, taking_value: frozenset[str] | None, stop_at: str = ""
) -> int:
    """The index after the options from `index`; `taking_value` None: every option takes one (but `--name=value`)."""
    while index < len(arguments):
        word = arguments[index].value
        if word == "--":
            return index + 1
        if word == stop_at or not word.startswith("-") or word == "-":
            return index
        takes_value = "=" not in word if taking_value is None else word in taking_value
        index += 2 if takes_value else 1
    return index


def _parse_server(
    program: str,
    arguments: list[Argument],
    index: int,
    table: OptionTable,
    environment: Mapping[str, tuple[Value, Range]],
) -> ParsedCommand | None:
    if program == "uvicorn":
        return _parse_uvicorn(arguments, index, table, environment)
    if program == "gunicorn":
        return _parse_gunicorn(arguments, index)
    return _parse_fastapi(arguments, index)


def _value_of(argument: Argument, convert: Callable[[str], tuple[object, str | None]] | None = None):
    """(Value, click's refusal or None) of an argument's text."""
    if argument.expanded:
        name = argument.value.strip("${}").split(":")[0] if argument.value.startswith("$") else None
        env_var = name if name and name.replace("_", "").isalnum() else None
        return Value(None, argument.value, env_var=env_var), None
    if convert is None:
        return Value((argument.value,), argument.value, is_string=True), None
    converted, refusal = convert(argument.value)
    return Value((converted,), argument.value, is_string=isinstance(converted, str)), refusal


def _joined(first: Range, last: Range) -> Range:
    return Range(first.start, last.end)


def _parse_uvicorn(
    arguments: list[Argument], index: int, table: OptionTable, environment: Mapping[str, tuple[Value, Range]]
) -> ParsedCommand | None:
    """None when the command only prints (`--help`, `--version`): click's eager options exit 0 once the
    arguments parse, before any value is converted or the app is asked for."""
    options: dict[str, Option] = {}
    rejections: list[Rejection] = []
    positionals: list[tuple[int, Argument]] = []
    unknown_flags: set[int] = set()  # positions of options this uvicorn does not have
    asks_help = False
    refused_values = 0  # rejections of a value's type or choice, which an eager option exits before
    position = index + 1
    only_positionals = False
    while position < len(arguments):
        argument = arguments[position]
        word = argument.value
        # `--port=$PORT`: the flag is literal, only its value expands.
        name = word.partition("=")[0]
        literal_flag = word.startswith("--") and "$" not in name and "`" not in name
        if only_positionals or (argument.expanded and not literal_flag) or not word.startswith("-") or word == "-":
            positionals.append((position, argument))
            position += 1
            continue
        if word == "--":
            only_positionals = True
            position += 1
            continue
        if word == "--help":
            asks_help = True
            position += 1
            continue
        flag, equals, attached = word.partition("=")
        spec = table.by_flag(flag) if word.startswith("--") else None
        if spec is None:
            option = Option(word, Value(None, word), argument.range, GivenAs.FLAG, word, handle=(position, position))
            options[word] = option
            # click reads an unknown `-host=...` as short options run together: it names the first, `-h`.
            named = word[:2] if not word.startswith("--") else flag
            rejections.append(Rejection(option, f"No such option '{named}'", table.near(word)))
            unknown_flags.add(position)
            position += 1
            continue
        if not spec.takes_value:
            switched_on = flag not in spec.off_flags
            option = Option(
                spec.name, Value((switched_on,), flag), argument.range, GivenAs.FLAG, word, handle=(position, position)
            )
            options[spec.name] = option
            if equals:
                rejections.append(Rejection(option, f"Option '{flag}' does not take a value"))
            position += 1
            continue
        if equals:
            value_argument = Argument(
                attached, argument.range, argument.expanded, literal_dollar=argument.literal_dollar
            )
            last = position
        elif position + 1 < len(arguments):
            value_argument = arguments[position + 1]
            last = position + 1
        else:
            option = Option(spec.name, Value(None, ""), argument.range, GivenAs.FLAG, word, handle=(position, position))
            options[spec.name] = option
            rejections.append(Rejection(option, f"Option '{flag}' requires an argument"))
            position += 1
            continue
        value, refusal = _value_of(value_argument, spec.convert)
        where = _joined(argument.range, arguments[last].range)
        written = word if equals else f"{word} {value_argument.value}"
        if spec.multiple:
            previous = options.get(spec.name)
            earlier = first(previous.value) if previous is not None and previous.value.known else []
            gathered = (list(earlier) if isinstance(earlier, list) else []) + [first(value) if value.known else None]
            known = value.known and (previous is None or previous.value.known)
            value = Value((gathered,) if known else None, value.source)
            if previous is not None:
                where, written = _joined(previous.range, where), f"{previous.written} {written}"
        value_range = arguments[last].range if last != position else None
        option = Option(spec.name, value, where, GivenAs.FLAG, written, value_range, handle=(position, last))
        options[spec.name] = option
        if refusal is not None:
            refused_values += 1
            rejections.append(
                Rejection(option, f"Invalid value for '{flag}': {refusal}" + _literal_note(value_argument))
            )
        position = last + 1
    version = options.get("version")
    prints_only = asks_help or (version is not None and version.value.truthy() is True)
    if prints_only and len(rejections) == refused_values:
        return None
    app: Option | None = None
    # A word right after an unknown option may be its value (`--wokers 2 main:app`), and click stops at that
    # option first: such a word is neither the app nor an extra argument.
    positionals = [(place, argument) for place, argument in positionals if place - 1 not in unknown_flags]
    if positionals:
        app_position, app_argument = positionals[0]
        value, _ = _value_of(app_argument)
        app = Option("app", value, app_argument.range, GivenAs.POSITIONAL, app_argument.value, handle=(app_position,))
        # An expansion can become any number of words, options among them: extra words are not judged then.
        expansions = any(positional.expanded for _, positional in positionals)
        extras = positionals[1:] if not expansions else []
        if extras:
            # click names them all in one error; the words underlined together when they stand together.
            (first_position, first_extra), (last_position, last_extra) = extras[0], extras[-1]
            together = last_position - first_position == len(extras) - 1
            written = " ".join(extra.value for _, extra in extras)
            option = Option(
                written,
                Value(None, written),
                _joined(first_extra.range, last_extra.range) if together else first_extra.range,
                GivenAs.POSITIONAL,
                written,
                handle=(first_position, last_position if together else first_position),
            )
            plural = "s" if len(extras) > 1 else ""
            rejections.append(Rejection(option, f"Got unexpected extra argument{plural} ({written})"))
    environment_options = _environment_options(table, environment, options, rejections)
    if app is None and "UVICORN_APP" in environment:
        value, where = environment["UVICORN_APP"]
        app = Option("app", value, where, GivenAs.ENVIRONMENT, f"UVICORN_APP={value.source}")
    # The arguments the script or function was given (`uvicorn main:app "$@"`, called as `run --reload`) may be
    # options: what the command does without them is not all it may do.
    passes_arguments = any(argument.value in _PASSED_ARGUMENTS for _, argument in positionals if argument.expanded)
    return ParsedCommand(
        Server.UVICORN, arguments, index, app, options, rejections, not passes_arguments, environment_options
    )


_PASSED_ARGUMENTS = frozenset({"$@", "$*", "${@}", "${*}"})


def _literal_note(argument: Argument) -> str:
    if argument.literal_dollar:
        # Short: the finding quotes click's whole message before it, and messages stop at 160 characters.
        return " (exec form: no shell expands `$`)"
    return ""


def _environment_options(
    table: OptionTable,
    environment: Mapping[str, tuple[Value, Range]],
    options: dict[str, Option],
    rejections: list[Rejection],
) -> dict[str, Option]:
    """Options the environment gives (`UVICORN_RELOAD=true`, `WEB_CONCURRENCY=4`); a flag wins over them."""
    found: dict[str, Option] = {}
    for variable, (value, where) in environment.items():
        name = _OWN_VARIABLES.get(variable)
        spec = table.by_name(name) if name else None
        if variable.startswith("UVICORN_") and variable != "UVICORN_APP":
            spec = table.by_name(variable.removeprefix("UVICORN_").lower())
        if spec is None or spec.name in options:
            continue
        refusal = None
        text = first(value) if value.known else None
        if isinstance(text, str):
            converted, refusal = spec.convert(text)
            value = Value((converted,), value.source, is_string=isinstance(converted, str))
        option = Option(spec.name, value, where, GivenAs.ENVIRONMENT, f"{variable}={value.source}")
        found[spec.name] = option
        options[spec.name] = option
        if refusal is not None and variable.startswith("UVICORN_"):
            rejections.append(Rejection(option, f"Invalid value for '{spec.flags[0]}': {refusal}"))
    return found


def _parse_gunicorn(arguments: list[Argument], index: int) -> ParsedCommand:
    options: dict[str, Option] = {}
    earlier_binds: list[Option] = []
    positionals: list[tuple[int, Argument]] = []
    complete = True
    rejections: list[Rejection] = []
    exits_first = any(argument.value in _GUNICORN_EXITS_FIRST for argument in arguments[index + 1 :])
    only_positionals = False
    position = index + 1
    while position < len(arguments):
        argument = arguments[position]
        word = argument.value
        flag, equals, attached = word.partition("=")
        if word == "--":
            only_positionals = True
        elif flag in GUNICORN_LACKS_UVICORN_FLAGS and not (only_positionals or exits_first):
            # `--port=$PORT`: the flag is literal, only its value expands. Its value, if any, is left to the
            # positionals: gunicorn has stopped anyway.
            option = Option(word, Value(None, word), argument.range, GivenAs.FLAG, word, handle=(position, position))
            options[word] = option
            rejections.append(Rejection(option, f"unrecognized arguments: {word}"))
            complete = False
            position += 1
            continue
        # `--bind=0.0.0.0:$PORT`: the flag is literal, only its value expands.
        literal_flag = word.startswith("--") and "$" not in flag and "`" not in flag
        if (argument.expanded and not literal_flag) or not word.startswith("-") or _argparse_positional(word):
            positionals.append((position, argument))
            position += 1
            continue
        short_attached = ""
        if not equals and len(word) > 2 and word[1] != "-" and word[:2] in ("-k", "-w", "-b", "-c"):
            flag, short_attached = word[:2], word[2:]
        name = _GUNICORN_NAMES.get(flag)
        takes_value = flag in _GUNICORN_VALUE_OPTIONS
        if not takes_value and flag.startswith("--") and not equals and flag not in ("--reload", "--daemon", "-D"):
            complete = complete and flag in (*_GUNICORN_SWITCHES, "--spew")
        if takes_value and not equals and not short_attached and position + 1 < len(arguments):
            value_argument, last = arguments[position + 1], position + 1
        elif takes_value:
            value_argument, last = Argument(attached or short_attached, argument.range, argument.expanded), position
        else:
            value_argument, last = None, position
        if name is not None:
            if value_argument is None:
                value = Value((True,), flag)
            else:
                value, _ = _value_of(value_argument)
                if name == "workers" and value.known and value_argument.value.strip().isdigit():
                    value = Value((int(value_argument.value),), value_argument.value)
            where = _joined(argument.range, arguments[last].range)
            written = word if value_argument is None or last == position else f"{word} {value_argument.value}"
            if name == "bind" and "bind" in options:
                earlier_binds.append(options["bind"])
            options[name] = Option(name, value, where, GivenAs.FLAG, written, handle=(position, last))
        position = last + 1
    if complete and any(_one_word_option(argument) for _, argument in positionals):
        positionals, ignored, rejections, complete = _gunicorn_one_word_options(positionals)
        for position, argument in ignored:
            # Named as written, as an unknown uvicorn flag is: it names no gunicorn setting, so it sets none.
            options[argument.value] = Option(
                argument.value,
                Value(None, argument.value),
                argument.range,
                GivenAs.FLAG,
                argument.value,
                handle=(position, position),
            )
    app = None
    # gunicorn takes one APP_MODULE: `module:variable` or `module:factory(args)`.
    specs = [(position, argument) for position, argument in positionals if ":" in argument.value or argument.expanded]
    if len(positionals) == 1 and complete:
        app_position, app_argument = positionals[0]
        value, _ = _value_of(app_argument)
        app = Option("app", value, app_argument.range, GivenAs.POSITIONAL, app_argument.value, handle=(app_position,))
    elif not specs:
        complete = False
    return ParsedCommand(
        Server.GUNICORN, arguments, index, app, options, rejections, complete, earlier_binds=earlier_binds
    )


def gunicorn_port_refusal(bind: str) -> str | None:
    """gunicorn's words for a `--bind` address whose port is not a number, split as gunicorn splits it
    (util.parse_address, gunicorn 20.1 to 27.0): None when the port is a number or the address names no port."""
    if re.match(r"unix:(//)?", bind) or bind.startswith("fd://"):
        return None
    address = bind.removeprefix("tcp://")
    if "[" in address and "]" in address:
        parts = address.split("]:")
        port = parts[1] if len(parts) > 1 else None
    elif ":" in address:
        port = address.split(":")[1]
    else:
        port = None
    if port is None or port.strip().lstrip("+-").isdigit():
        return None
    return f"{port!r} is not a valid port number"


def _argparse_positional(word: str) -> bool:
    """Whether gunicorn's parser (argparse) takes a word that starts with `--` for a positional argument: one
    with a space before any `=` (`"--bind 0.0.0.0:80"` as one exec-form element), which no long option can be."""
    return word.startswith("--") and " " in word.partition("=")[0]


def _one_word_option(argument: Argument) -> bool:
    return not argument.expanded and _argparse_positional(argument.value)


def _gunicorn_one_word_options(
    positionals: list[tuple[int, Argument]],
) -> tuple[list[tuple[int, Argument]], list[tuple[int, Argument]], list[Rejection], bool]:
    """gunicorn's positionals with `"--worker-class uvicorn_worker.UvicornWorker"`-like words among them, as argparse
    reads them (real runs, Python 3.8 to 3.13): its APP_MODULE argument takes the first run of adjacent positionals,
    the first the app and the rest ignored (such an option never applies); a positional after an option that ends
    the run stops gunicorn ("unrecognized arguments", exit status 2). Returns the positionals the app is read from,
    the one-word options ignored, the rejections and whether the command is known whole (not when such a word
    would be the app, or gunicorn stops)."""
    run_length = 1
    while run_length < len(positionals) and positionals[run_length][0] == positionals[run_length - 1][0] + 1:
        run_length += 1
    run, extras = positionals[:run_length], positionals[run_length:]
    if _one_word_option(run[0][1]):
        return positionals, [], [], False  # gunicorn would import the word itself as the app
    if not extras:
        kept = [argument for argument in run if not _one_word_option(argument[1])]
        ignored = [argument for argument in run if _one_word_option(argument[1])]
        return kept, ignored, [], True
    written = " ".join(argument.value for _, argument in extras)
    position, first = next(
        ((position, argument) for position, argument in extras if _one_word_option(argument)), extras[0]
    )
    option = Option(
        first.value, Value(None, first.value), first.range, GivenAs.FLAG, first.value, handle=(position, position)
    )
    return run, [], [Rejection(option, f"unrecognized arguments: {written}")], False


def _parse_fastapi(arguments: list[Argument], index: int) -> ParsedCommand | None:
    if index + 1 >= len(arguments) or arguments[index + 1].value not in ("run", "dev"):
        return None
    options: dict[str, Option] = {}
    rejections: list[Rejection] = []
    development = arguments[index + 1].value == "dev"
    position = index + 2
    complete = True
    while position < len(arguments):
        argument = arguments[position]
        word = argument.value
        flag, equals, attached = word.partition("=")
        if development and flag == "--workers":  # only `fastapi run` has it: click stops `dev` at it
            option = Option(word, Value(None, word), argument.range, GivenAs.FLAG, word, handle=(position, position))
            options[word] = option
            rejections.append(Rejection(option, f"No such option: {flag}"))
            position += 1
            continue
        if flag in _FASTAPI_SWITCHES:
            name, setting = _FASTAPI_SWITCHES[flag]
            options[name] = Option(
                name, Value((setting,), flag), argument.range, GivenAs.FLAG, word, handle=(position, position)
            )
            position += 1
            continue
        if flag in _FASTAPI_VALUE_OPTIONS:
            name = _FASTAPI_VALUE_OPTIONS[flag]
            if equals:
                value_argument, last = Argument(attached, argument.range, argument.expanded), position
            elif position + 1 < len(arguments):
                value_argument, last = arguments[position + 1], position + 1
            else:
                break
            convert = OptionSpec(name, (flag,), kind="int").convert if name in ("port", "workers") else None
            value, _ = _value_of(value_argument, convert)
            written = word if equals else f"{word} {value_argument.value}"
            where = _joined(argument.range, arguments[last].range)
            options[name] = Option(name, value, where, GivenAs.FLAG, written, handle=(position, last))
            position = last + 1
            continue
        if word.startswith("-") and not argument.expanded:
            complete = False
        elif "fastapi_path" not in options:  # the file or package folder that holds the app
            value, _ = _value_of(argument)
            options["fastapi_path"] = Option(
                "fastapi_path", value, argument.range, GivenAs.POSITIONAL, word, handle=(position,)
            )
        position += 1
    return ParsedCommand(Server.FASTAPI, arguments, index, None, options, rejections, complete)


def build_launch(
    parsed: ParsedCommand,
    form: Form,
    info: CommandInfo,
    setting: Setting,
    find_search_paths: Callable[[], list[SearchPath]],
    table: OptionTable,
    editable: bool = True,
    directories: Sequence[StartFolder] = (),
    settings_beyond_command: bool = False,
) -> Launch:
    edits = CommandEdits(parsed, form, info, table, editable, directories)
    first = parsed.arguments[0].range
    last = parsed.arguments[-1].range
    return Launch(
        server=parsed.server,
        entry=Entry.COMMAND,
        app=parsed.app,
        options=parsed.options,
        complete=parsed.complete,
        range=_joined(first, last),
        edits=edits,
        setting=setting,
        find_search_paths=find_search_paths,
        rejections=tuple(parsed.rejections),
        settings_beyond_command=settings_beyond_command,
    )


def launch_edits(launch: Launch) -> CommandEdits | None:
    """A command launch's edits, with the command-only ones (None for launches of other sources)."""
    return launch.edits if isinstance(launch.edits, CommandEdits) else None


def command_info(launch: Launch) -> CommandInfo | None:
    """The source's facts about a command launch (None for launches of other sources)."""
    return launch.edits.info if isinstance(launch.edits, CommandEdits) else None


class CommandEdits:
    """Edits on a command's arguments, keeping the source's form (shell words or list elements) and quoting."""

    def __init__(
        self,
        parsed: ParsedCommand,
        form: Form,
        info: CommandInfo,
        table: OptionTable,
        editable: bool,
        directories: Sequence[StartFolder] = (),
    ):
        self.parsed = parsed
        self.form = form
        self.info = info
        self.table = table  # the analysed uvicorn's options
        self._editable = editable
        self.directories = directories  # where the command may start (none when not known)

    def spell(self, name: str, value: object) -> str:
        spec = self.table.by_name(name)
        if spec is None:
            return f"--{name.replace('_', '-')} {value}"
        if spec.kind == "flag":
            return spec.flags[0] if value or not spec.off_flags else spec.off_flags[0]
        return f"{spec.flags[0]} {value}"

    def label(self, name: str) -> str:
        spec = self.table.by_name(name)
        return spec.flags[0] if spec is not None else f"--{name.replace('_', '-')}"

    def _arguments(self) -> list[Argument]:
        return self.parsed.arguments

    def _writes_here(self, *indexes: int) -> bool:
        """Whether the command may be edited at these arguments: in this file, not another's."""
        arguments = self._arguments()
        return self._editable and not any(arguments[index].elsewhere for index in indexes)

    @_writable_only
    def remove_option(self, option: Option) -> tuple[TextEdit, ...] | None:
        handle = _handle(option)
        if (
            option.given_as not in (GivenAs.FLAG, GivenAs.POSITIONAL)
            or handle is None
            or not self._writes_here(*handle)
        ):
            return None
        first, last = handle[0], handle[-1]
        arguments = self._arguments()
        group = arguments[first].group
        if first > 0 and arguments[first - 1].group == group:
            return (TextEdit(Range(arguments[first - 1].range.end, arguments[last].range.end), ""),)
        if last + 1 < len(arguments) and arguments[last + 1].group == group:
            return (TextEdit(Range(arguments[first].range.start, arguments[last + 1].range.start), ""),)
        return None

    @_writable_only
    def rename_option(self, option: Option, new_name: str) -> tuple[TextEdit, ...] | None:
        handle = _handle(option)
        if option.given_as is not GivenAs.FLAG or handle is None or not self._writes_here(*handle):
            return None
        argument = self._arguments()[handle[0]]
        flag = argument.value.partition("=")[0]
        new_flag = new_name if new_name.startswith("-") else f"--{new_name.replace('_', '-')}"
        if "=" in argument.value:
            if argument.quote or self.form.list_form:
                return (TextEdit(argument.range, self.form.spell(new_flag + argument.value[len(flag) :], argument)),)
            start = argument.range.start
            end = type(start)(start.line, start.character + len(flag))
            return (TextEdit(Range(start, end), new_flag),)
        return (TextEdit(argument.range, self.form.spell(new_flag, argument)),)

    @_writable_only
    def set_option(self, name: str, value: object) -> tuple[TextEdit, ...] | None:
        if not self._editable:
            return None
        existing = self.parsed.options.get(name)
        spec = self.table.by_name(name)
        text_value = "true" if value is True else "false" if value is False else str(value)
        if existing is not None:
            if existing.value.known and existing.value.candidates == (value,):
                return ()
            handle = _handle(existing)
            if existing.given_as is not GivenAs.FLAG or handle is None or not self._writes_here(*handle):
                return None
            if spec is not None and spec.kind == "flag":
                return self.remove_option(existing) if not value else None
            arguments = self._arguments()
            first, last = handle[0], handle[-1]
            if first == last:  # `--port=80`, gunicorn's `-kX`
                argument = arguments[first]
                flag, equals, _ = argument.value.partition("=")
                if not equals:
                    if existing.value.source == "" or not argument.value.endswith(str(existing.value.source)):
                        return None
                    flag = argument.value[: len(argument.value) - len(str(existing.value.source))]
                    return (TextEdit(argument.range, self.form.spell(f"{flag}{text_value}", argument)),)
                return (TextEdit(argument.range, self.form.spell(f"{flag}={text_value}", argument)),)
            return (TextEdit(arguments[last].range, self.form.spell(text_value, arguments[last])),)
        flag = spec.flags[0] if spec is not None else f"--{name.replace('_', '-')}"
        if self.parsed.server is not Server.UVICORN and flag not in known_flags(self.parsed.server):
            return None  # gunicorn and `fastapi run` refuse uvicorn's other flags (`--factory`): exit status 2
        words = [flag] if spec is not None and spec.kind == "flag" and value else [flag, text_value]
        anchor = self._anchor()
        return None if anchor.elsewhere else (self._insert_after(anchor, words),)

    def _anchor(self) -> Argument:
        """The argument new options follow: the app, else the last one."""
        handle = _handle(self.parsed.app) if self.parsed.app is not None else None
        if handle is not None and not self._arguments()[handle[0]].elsewhere:
            return self._arguments()[handle[0]]
        return self._arguments()[-1]

    def _insert_after(self, anchor: Argument, words: list[str]) -> TextEdit:
        # New words are quoted as the one they follow is (`"--host", "0.0.0.0"` beside `"app.main:app"`).
        like = anchor if anchor.quote else None
        text = "".join(self.form.separator + self.form.spell(word, like) for word in words)
        return TextEdit(Range(anchor.range.end, anchor.range.end), text)

    @_writable_only
    def replace_app(self, import_string: str) -> tuple[TextEdit, ...] | None:
        app = self.parsed.app
        handle = _handle(app) if app is not None else None
        if app is None or app.given_as is not GivenAs.POSITIONAL or handle is None or not self._writes_here(*handle):
            return None
        argument = self._arguments()[handle[0]]
        return (TextEdit(argument.range, self.form.spell(import_string, argument)),)

    @_writable_only
    def replace_argument(self, argument: Argument, text: str) -> tuple[TextEdit, ...] | None:
        """Any one argument (`fastapi dev` → `fastapi run`)."""
        if not self._editable or argument.elsewhere:
            return None
        return (TextEdit(argument.range, self.form.spell(text, argument)),)

    @_writable_only
    def split_argument(self, option: Option) -> tuple[TextEdit, ...] | None:
        """`"--host 0.0.0.0"` as one list element → two elements (click read it as one unknown option)."""
        handle = _handle(option)
        if handle is None or not self.form.list_form or not self._writes_here(*handle):
            return None
        argument = self._arguments()[handle[0]]
        parts = argument.value.split()
        if len(parts) < 2:
            return None
        spelled = self.form.separator.join(self.form.spell(part, argument) for part in parts)
        return (TextEdit(argument.range, spelled),)


def fastapi_subcommand(launch: Launch) -> Argument | None:
    """The `run` or `dev` of a `fastapi` command launch."""
    if launch.server is not Server.FASTAPI or not isinstance(launch.edits, CommandEdits):
        return None
    parsed = launch.edits.parsed
    return parsed.arguments[parsed.program_index + 1]


def gunicorn_binds(launch: Launch) -> list[Option]:
    """Every `--bind` of a gunicorn command, in order: gunicorn listens on each of them ([] when none is given
    or the launch is no command)."""
    if not isinstance(launch.edits, CommandEdits) or launch.server is not Server.GUNICORN:
        return []
    last = launch.option("bind")
    return [*launch.edits.parsed.earlier_binds, *([last] if last is not None else [])]


def program_argument(launch: Launch) -> Argument | None:
    """The argument naming the server program (`uvicorn`, `gunicorn`, `fastapi`)."""
    if not isinstance(launch.edits, CommandEdits):
        return None
    parsed = launch.edits.parsed
    return parsed.arguments[parsed.program_index]
