"""uvicorn's command-line options: names, flags, types and choices, per analysed version.

Read statically from the analysed environment's `uvicorn/main.py` (its `@click.option`
decorators, and the choice lists they name in `uvicorn/config.py`), never imported; the
built-in table of uvicorn 0.54 stands in when no uvicorn is installed or its main.py
cannot be read. Each option carries uvicorn's parameter name, so a command line's
`--forwarded-allow-ips` reaches the rules as `forwarded_allow_ips`, as in Python.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

BUILTIN_VERSION = "0.54.0"
# click's boolean words (types.BoolParamType), for `type=bool` options and flags read from the environment.
_TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off"})


@dataclass(frozen=True)
class OptionSpec:
    name: str  # uvicorn's parameter name: "forwarded_allow_ips"
    flags: tuple[str, ...]  # "--forwarded-allow-ips"
    off_flags: tuple[str, ...] = ()  # the `--no-x` half of a `--x/--no-x` switch
    kind: str = "str"  # "flag", "int", "float", "bool", "str", "choice"
    choices: tuple[str, ...] = ()
    multiple: bool = False
    # Values the help names (`--loop [auto|asyncio|uvloop]`, a Literal type) that click does not enforce.
    suggested: tuple[str, ...] = ()

    @property
    def takes_value(self) -> bool:
        return self.kind != "flag"

    def convert(self, text: str) -> tuple[object, str | None]:
        """The value click passes on for `text`, or the message of click's refusal (exit status 2)."""
        if self.kind == "int":
            try:
                return int(text.strip(), 10), None
            except ValueError:
                return text, f"'{text}' is not a valid integer"
        if self.kind == "float":
            try:
                return float(text.strip()), None
            except ValueError:
                return text, f"'{text}' is not a valid float"
        if self.kind in ("bool", "flag"):
            word = text.strip().lower()
            if word in _TRUE_WORDS:
                return True, None
            if word in _FALSE_WORDS:
                return False, None
            return text, f"'{text}' is not a valid boolean"
        if self.kind == "choice" and text not in self.choices:
            listed = ", ".join(f"'{choice}'" for choice in self.choices)
            return text, f"'{text}' is not one of {listed}"
        return text, None


@dataclass(frozen=True)
class OptionTable:
    version: str
    options: tuple[OptionSpec, ...]

    def __post_init__(self) -> None:
        by_flag = {}
        for spec in self.options:
            for flag in spec.flags + spec.off_flags:
                by_flag[flag] = spec
        object.__setattr__(self, "_by_flag", by_flag)
        object.__setattr__(self, "_by_name", {spec.name: spec for spec in self.options})

    def by_flag(self, flag: str) -> OptionSpec | None:
        return self._by_flag.get(flag)  # type: ignore[attr-defined]

    def by_name(self, name: str) -> OptionSpec | None:
        return self._by_name.get(name)  # type: ignore[attr-defined]

    def near(self, flag: str) -> tuple[str, ...]:
        """click's "Did you mean" list for an unknown option (difflib, as click does)."""
        head = flag.split("=", 1)[0].split()[0] if flag.strip() else flag
        exact = (head,) if head != flag and head in self._by_flag else ()  # type: ignore[attr-defined]
        if exact or not head.startswith("--"):
            return exact  # click suggests long options only for a long one: `-w` gets no "Did you mean"
        return tuple(difflib.get_close_matches(head, sorted(self._by_flag)))  # type: ignore[attr-defined]


def _spec(name: str, flag: str, kind: str = "str", **more) -> OptionSpec:
    return OptionSpec(name, (flag,), kind=kind, **more)


def _switch(name: str, on: str, off: str) -> OptionSpec:
    return OptionSpec(name, (on,), (off,), kind="flag")


# uvicorn 0.54.0's main.py, as `read_table` reads it (tests compare the two).
BUILTIN = OptionTable(
    BUILTIN_VERSION,
    (
        _spec("host", "--host"),
        _spec("port", "--port", "int"),
        _spec("uds", "--uds"),
        _spec("fd", "--fd", "int"),
        _spec("reload", "--reload", "flag"),
        _spec("reload_dirs", "--reload-dir", multiple=True),
        _spec("reload_includes", "--reload-include", multiple=True),
        _spec("reload_excludes", "--reload-exclude", multiple=True),
        _spec("reload_delay", "--reload-delay", "float"),
        _spec("workers", "--workers", "int"),
        _spec("loop", "--loop", suggested=("none", "auto", "asyncio", "uvloop", "zuvloop")),
        _spec("http", "--http", suggested=("auto", "h11", "httptools", "zttp")),
        _spec("http2", "--http2", "flag"),
        _spec("ws", "--ws", suggested=("auto", "none", "websockets", "websockets-sansio", "wsproto")),
        _spec("ws_max_size", "--ws-max-size", "int"),
        _spec("ws_max_queue", "--ws-max-queue", "int"),
        _spec("ws_ping_interval", "--ws-ping-interval", "float"),
        _spec("ws_ping_timeout", "--ws-ping-timeout", "float"),
        _spec("ws_per_message_deflate", "--ws-per-message-deflate", "bool"),
        _spec("lifespan", "--lifespan", "choice", choices=("auto", "on", "off")),
        _spec("interface", "--interface", "choice", choices=("auto", "asgi3", "asgi2", "wsgi")),
        _spec("env_file", "--env-file"),
        _spec("log_config", "--log-config"),
        _spec("log_level", "--log-level", "choice", choices=("critical", "error", "warning", "info", "debug", "trace")),
        _switch("access_log", "--access-log", "--no-access-log"),
        _switch("use_colors", "--use-colors", "--no-use-colors"),
        _switch("proxy_headers", "--proxy-headers", "--no-proxy-headers"),
        _switch("server_header", "--server-header", "--no-server-header"),
        _switch("date_header", "--date-header", "--no-date-header"),
        _spec("forwarded_allow_ips", "--forwarded-allow-ips"),
        _spec("root_path", "--root-path"),
        _spec("limit_concurrency", "--limit-concurrency", "int"),
        _spec("backlog", "--backlog", "int"),
        _spec("limit_max_requests", "--limit-max-requests", "int"),
        _spec("limit_max_requests_jitter", "--limit-max-requests-jitter", "int"),
        _spec("timeout_keep_alive", "--timeout-keep-alive", "int"),
        _spec("timeout_graceful_shutdown", "--timeout-graceful-shutdown", "int"),
        _spec("timeout_worker_healthcheck", "--timeout-worker-healthcheck", "int"),
        _spec("ssl_keyfile", "--ssl-keyfile"),
        _spec("ssl_certfile", "--ssl-certfile"),
        _spec("ssl_keyfile_password", "--ssl-keyfile-password"),
        _spec("ssl_version", "--ssl-version", "int"),
        _spec("ssl_cert_reqs", "--ssl-cert-reqs", "int"),
        _spec("ssl_ca_certs", "--ssl-ca-certs"),
        _spec("ssl_ciphers", "--ssl-ciphers"),
        _spec("headers", "--header", multiple=True),
        _spec("version", "--version", "flag"),
        _spec("app_dir", "--app-dir"),
        _spec("h11_max_incomplete_event_size", "--h11-max-incomplete-event-size", "int"),
        _spec("reset_contextvars", "--reset-contextvars", "flag"),
        _spec("factory", "--factory", "flag"),
    ),
)

_cache: dict[Path, tuple[int, OptionTable | None]] = {}


def table_for(roots: Iterable[Path], version: str | None) -> OptionTable:
    """The options of the uvicorn found first on `roots` (an interpreter's sys.path), else 0.54's."""
    for root in roots:
        main = root / "uvicorn" / "main.py"
        try:
            mtime = main.stat().st_mtime_ns
        except OSError:
            continue
        cached = _cache.get(main)
        if cached is None or cached[0] != mtime:
            cached = (mtime, read_table(main, version or "installed"))
            _cache[main] = cached
        return cached[1] or BUILTIN
    return BUILTIN


def read_table(main: Path, version: str) -> OptionTable | None:
    """The `@click.option` declarations of uvicorn's `main` command; None when the file says something else."""
    try:
        tree = ast.parse(main.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    function = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"), None)
    if function is None:
        return None
    constants = _ModuleConstants(tree, main.parent)
    specs = []
    for decorator in reversed(function.decorator_list):
        if not (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "option"
        ):
            continue
        spec = _read_option(decorator, constants)
        if spec is None:
            return None
        specs.append(spec)
    return OptionTable(version, tuple(specs)) if specs else None


def _read_option(call: ast.Call, constants: _ModuleConstants) -> OptionSpec | None:
    declared = [arg.value for arg in call.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    flags: list[str] = []
    off_flags: list[str] = []
    name = None
    for text in declared:
        if not text.startswith("-"):
            name = text
            continue
        on, _, off = text.partition("/")
        flags.append(on.strip())
        if off:
            off_flags.append(off.strip())
    if not flags:
        return None
    longest = max(flags, key=len)
    name = name or longest.lstrip("-").replace("-", "_").lower()
    keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
    multiple = _is_true(keywords.get("multiple"))
    if _is_true(keywords.get("is_flag")) or off_flags:
        return OptionSpec(name, tuple(flags), tuple(off_flags), kind="flag", multiple=multiple)
    kind, choices = _read_type(keywords.get("type"), constants)
    suggested = _metavar_values(keywords.get("metavar"), constants) if kind == "str" else ()
    return OptionSpec(name, tuple(flags), (), kind=kind, choices=choices, multiple=multiple, suggested=suggested)


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _read_type(node: ast.expr | None, constants: _ModuleConstants) -> tuple[str, tuple[str, ...]]:
    """(kind, choices); an unreadable type accepts any text, so it never makes a finding."""
    if isinstance(node, ast.Name):
        if node.id in ("int", "float", "bool", "str"):
            return node.id, ()
        node = constants.value(node.id)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "Choice" and node.args:
            choices = constants.strings(node.args[0])
            return ("choice", choices) if choices else ("str", ())
        if node.func.attr == "IntRange":
            return "int", ()
        if node.func.attr == "FloatRange":
            return "float", ()
    return "str", ()


def _metavar_values(node: ast.expr | None, constants: _ModuleConstants) -> tuple[str, ...]:
    """The values of `metavar=_metavar_from_type(SomeType)` where SomeType is a `Literal[...]`."""
    if not (isinstance(node, ast.Call) and len(node.args) == 1 and isinstance(node.args[0], ast.Name)):
        return ()
    literal = constants.value(node.args[0].id)
    if not isinstance(literal, ast.Subscript):
        return ()
    base = literal.value
    if (base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else "") != "Literal":
        return ()
    return constants.strings(literal.slice)


class _ModuleConstants:
    """Top-level assignments of main.py, and of the uvicorn modules it imports names from."""

    def __init__(self, tree: ast.Module, package: Path, depth: int = 0):
        self._values: dict[str, ast.expr] = {}
        self._imported: dict[str, Path] = {}
        self._package = package
        self._depth = depth
        self._modules: dict[Path, _ModuleConstants | None] = {}  # each imported module read once
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name):
                    self._values[target.id] = statement.value
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value:
                self._values[statement.target.id] = statement.value
            elif isinstance(statement, ast.ImportFrom) and (statement.module or "").startswith("uvicorn."):
                module_file = package.joinpath(*(statement.module or "").split(".")[1:]).with_suffix(".py")
                for alias in statement.names:
                    self._imported[alias.asname or alias.name] = module_file

    def value(self, name: str) -> ast.expr | None:
        if name in self._values:
            return self._values[name]
        module_file = self._imported.get(name)
        if module_file is None or self._depth > 1:
            return None
        if module_file not in self._modules:
            try:
                tree = ast.parse(module_file.read_text(encoding="utf-8"))
            except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
                self._modules[module_file] = None
            else:
                self._modules[module_file] = _ModuleConstants(tree, self._package, self._depth + 1)
        module = self._modules[module_file]
        return None if module is None else module.value(name)

    def strings(self, node: ast.expr) -> tuple[str, ...]:
        """`["a", "b"]`, `NAME`, `list(NAME)`, `list(NAME.keys())` of a dict or list literal."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "list" and node.args:
            return self.strings(node.args[0])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "keys":
            return self.strings(node.func.value)
        if isinstance(node, ast.Name):
            found = self.value(node.id)
            return () if found is None else self.strings(found)
        items: list[ast.expr | None]
        if isinstance(node, ast.Dict):
            items = list(node.keys)
        elif isinstance(node, (ast.List, ast.Tuple)):
            items = list(node.elts)
        else:
            return ()
        values = tuple(item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str))
        return values if len(values) == len(items) else ()
