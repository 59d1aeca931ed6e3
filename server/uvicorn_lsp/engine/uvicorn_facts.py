"""What several rules know about uvicorn itself (uvicorn-facts.md): its parameters, its exit
statuses, when it spawns processes, what binds every interface. Rules share these here
instead of importing each other."""

from __future__ import annotations

import ast
from pathlib import Path

from . import project
from .launch import Entry, GivenAs, Launch, Option, Server
from .values import Value
from .workspace import Workspace

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
PARAMETERS = {Entry.RUN: RUN_PARAMETERS, Entry.CONFIG: CONFIG_PARAMETERS}

STARTUP_FAILURE = 3  # uvicorn's exit status for a failed start (since 0.50)

# uvicorn trusts every proxy for exactly these forwarded_allow_ips values (middleware/proxy_headers.py).
TRUST_ALL_PROXIES = ("*", ["*"])
ALL_INTERFACES = ("0.0.0.0", "::")


def startup_failure_status(version: str | None) -> int:
    """3 since uvicorn 0.50, 1 before, for the uvicorn version that runs (3 when unknown)."""
    release = project.release(version)
    return 1 if release is not None and release < (0, 50) else STARTUP_FAILURE


def binds_all_interfaces(value: Value) -> bool:
    return value.all(lambda candidate: candidate in ALL_INTERFACES) is True


# Hosts on the loopback interface besides 127.0.0.0/8: only the machine's own processes reach a server there.
_LOOPBACK_NAMES = ("localhost", "::1", "[::1]", "ip6-localhost")


def is_loopback(host: str) -> bool:
    return host in _LOOPBACK_NAMES or host.startswith("127.")


def binds_loopback_only(value: Value) -> bool:
    return value.all(lambda host: isinstance(host, str) and is_loopback(host)) is True


def reloads(launch: Launch) -> bool | None:
    value = launch.value("reload")
    return False if value is None else value.truthy()


def runs_workers(launch: Launch) -> bool | None:
    value = launch.value("workers")
    return False if value is None else value.int_above(1)


# gunicorn's master stops when its worker cannot load the app, with reload or workers too (gunicorn 27): exit
# status 4, "App failed to load", when the module has no such attribute; "Worker failed to boot" when the module
# does not import, with exit status 3. When several workers fail at once, either may end in status 1 instead (the
# master's halt reaps the second failed worker and raises again).
GUNICORN_WORKER_BOOT_ERROR = 3
GUNICORN_APP_LOAD_ERROR = 4


def gunicorn_failure_status(missing_attribute: bool) -> int:
    return GUNICORN_APP_LOAD_ERROR if missing_attribute else GUNICORN_WORKER_BOOT_ERROR


_WORKERS_CONSEQUENCES = {
    "kept running": "the workers fail to start and uvicorn keeps running without serving",
    "restarted": "the workers die at startup and are restarted without end",
    "stopped": "the workers fail to start and uvicorn stops, with exit status 0",
}


def workers_outcome(exit_status: int, running_version: str | None) -> str | None:
    """What uvicorn's parent does when its workers fail to start ("kept running", "restarted", "stopped"); None
    where it exits with the workers' status (0.47-0.49). Checked with each release: before 0.30 the parent stays
    up once its workers died, starting no other; 0.30-0.46 start a new worker in place of each, without end;
    0.47-0.49 exit 1; since 0.50 the parent stops its workers and itself, with a clean exit status, when a worker
    exits with STARTUP_FAILURE, and starts another in place of one that died of an exception."""
    release = project.release(running_version)
    if release is not None and release < (0, 30):
        return "kept running"
    if release is not None and release < (0, 47):
        return "restarted"
    if release is None or release >= (0, 50):
        return "stopped" if exit_status == STARTUP_FAILURE else "restarted"
    return None


def workers_failure(launch: Launch, exit_status: int, running_version: str | None) -> str | None:
    """`workers_outcome` for a start whose uvicorn parent supervises workers (`uvicorn.run` or the command line,
    with workers and without reload); None for any other."""
    if launch.server is Server.GUNICORN or not launch.spawns_processes() or reloads(launch):
        return None
    return workers_outcome(exit_status, running_version) if runs_workers(launch) else None


def failure_consequence(launch: Launch, exit_status: int, running_version: str | None) -> str:
    """What a failed start does to the process (uvicorn-facts.md, "Import strings"). `exit_status` is
    STARTUP_FAILURE where uvicorn exits on purpose (an app, factory or loop it cannot load), 1 for an exception
    (a module missing, a file it cannot open); for gunicorn, gunicorn's own (`gunicorn_failure_status`)."""
    if launch.server is Server.GUNICORN:
        if exit_status != GUNICORN_APP_LOAD_ERROR:
            return "gunicorn stops: Worker failed to boot"
        workers = launch.value("workers")
        if workers is not None and workers.int_above(1) is not False:
            return "gunicorn stops: App failed to load"  # the status depends on which worker fails first
        return f"gunicorn stops: App failed to load (exit status {exit_status})"
    if launch.spawns_processes() and reloads(launch):
        return f"with {launch.edits.spell('reload', True)} the reloader keeps running and nothing is served"
    if not launch.complete:
        # Options only the run knows (`"$@"`, `**options`) may add reload or workers: the exit is theirs to say.
        return "nothing is served"
    outcome = workers_failure(launch, exit_status, running_version)
    if outcome is not None:
        return _WORKERS_CONSEQUENCES[outcome]
    if exit_status == STARTUP_FAILURE:
        exit_status = startup_failure_status(running_version)
    return f"uvicorn stops at startup (exit status {exit_status})"


def supervision_conditions(launch: Launch) -> tuple[list[str], list[str]]:
    """What makes the launch spawn processes: (definite causes, conditions).

    Definite causes read like `reload=True`; conditions like `when RELOAD is true`.
    uvicorn tests `config.reload or config.workers > 1` (uvicorn-facts.md)."""
    definite: list[str] = []
    conditional: list[str] = []
    reload = launch.option("reload")
    if reload is not None:
        truthy = reload.value.truthy()
        if truthy:
            definite.append(_cause(reload))
        elif truthy is None:
            conditional.append(reload.value.describe_condition("is true"))
    workers = launch.option("workers")
    if workers is not None:
        above = workers.value.int_above(1)
        if above:
            definite.append(_cause(workers))
        elif above is None and workers.value.all(lambda v: v is None or (isinstance(v, int) and v <= 1)) is not True:
            conditional.append(workers.value.describe_condition("is more than 1"))
    return definite, conditional


def _cause(option: Option) -> str:
    shown = f"{option.name}={option.value.source}"
    return shown + (" (from ** unpacking)" if option.given_as in (GivenAs.DICT_ENTRY, GivenAs.FORWARDED) else "")


# Where each entry point is defined in uvicorn's package: (module file, class or None, function).
_DEFINED_IN = {Entry.RUN: ("main.py", None, "run"), Entry.CONFIG: ("config.py", "Config", "__init__")}
ANY_KEYWORD = "**"  # in a parameter list: the signature takes any keyword

# Flags of the `uvicorn` command that take an integer in every release: a word that is none (`--port '${PORT}'`
# from an exec-form CMD) exits with status 2 whichever uvicorn runs (run with 0.11.8, 0.13.4, 0.15.0, 0.17.6,
# 0.20.0, 0.28.1, 0.34.0 and 0.54.0: "Invalid value for '--port': ... is not a valid integer").
INTEGER_FLAGS_OF_EVERY_VERSION = frozenset(
    {"port", "workers", "timeout_keep_alive", "backlog", "limit_concurrency", "limit_max_requests"}
)


# `--reload-dir` (and UVICORN_RELOAD_DIRS) names a path click checks exists, as `--env-file` and `--log-config` do:
# "Invalid value for '--reload-dir': Path 'src' does not exist.", exit status 2, with or without --reload, since
# uvicorn 0.15; 0.12-0.14 passed it on (run with 0.12.0, 0.13.0, 0.13.4, 0.14.0, 0.15.0, 0.20.0, 0.28.0, 0.34.0 and
# 0.54.0). `uvicorn.run(reload_dirs=[...])` only warns and watches the working directory instead.
RELOAD_DIRS_MUST_EXIST_SINCE = (0, 15)


def refuses_missing_reload_dirs(version: str | None) -> bool:
    """Whether the `uvicorn` command of this version (None: not known) exits with status 2 on a missing reload dir."""
    release = project.release(version)
    return release is not None and release >= RELOAD_DIRS_MUST_EXIST_SINCE


def installed_parameters(workspace: Workspace, entry: Entry) -> tuple[str, ...] | None:
    """The parameter names of `uvicorn.run` / `uvicorn.Config` in the analysed environment's
    uvicorn, read from its source without importing it (ANY_KEYWORD when it takes `**kwargs`,
    as uvicorn before 0.18 did); None when the source cannot be found or read."""
    key = f"uvicorn:{entry.value}"
    if key not in workspace.signature_cache:
        workspace.signature_cache[key] = _read_parameters(workspace.interpreter_sys_path, entry)
    return workspace.signature_cache[key]


def _read_parameters(sys_path: tuple[Path, ...], entry: Entry) -> tuple[str, ...] | None:
    file_name, class_name, function_name = _DEFINED_IN[entry]
    for root in sys_path:
        if not (root / "uvicorn" / "__init__.py").is_file():
            continue
        # The first uvicorn on sys.path is the one imported: its own module, else its __init__.
        for name in (file_name, "__init__.py"):
            found = _parameters_in(root / "uvicorn" / name, class_name, function_name)
            if found is not None:
                return found
        return None
    return None


def _parameters_in(path: Path, class_name: str | None, function_name: str) -> tuple[str, ...] | None:
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    body = tree.body
    if class_name is not None:
        owner = next((node for node in body if isinstance(node, ast.ClassDef) and node.name == class_name), None)
        body = owner.body if owner is not None else []
    for node in body:
        if isinstance(node, ast.FunctionDef) and node.name == function_name:
            arguments = node.args
            names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
            if class_name is not None:
                names = names[1:]  # self
            return (*names, ANY_KEYWORD) if arguments.kwarg is not None else tuple(names)
    return None
