"""A launch: one way the project starts a server, whatever text it came from.

Sources (Python calls today, command lines next) turn their syntax into launches; rules judge
launches without asking which source made them, except to word a message. Each source owns
the edits on its own syntax (`remove_option` is a keyword removal in Python, a flag removal
on a command line), so a rule's fix reads the same for every source (design.md, "Launches").
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import layout
from .model import Range, TextEdit
from .parso_types import Node
from .values import Value

if TYPE_CHECKING:
    from .syntax import CallSite


# gunicorn worker classes that run the app in uvicorn: the deprecated `uvicorn.workers` ones and the same classes
# of the `uvicorn-worker` package.
UVICORN_WORKER_CLASSES = frozenset(
    f"{module}.{name}"
    for module in ("uvicorn.workers", "uvicorn_worker")
    for name in ("UvicornWorker", "UvicornH11Worker")
)


class Server(enum.Enum):
    UVICORN = "uvicorn"
    GUNICORN = "gunicorn"  # with any worker class: `served_by_uvicorn` tells
    FASTAPI = "fastapi"  # `fastapi run` / `fastapi dev`, which start uvicorn


class Entry(enum.Enum):
    """How the server is started: which of uvicorn's entry points, or a command line."""

    RUN = "uvicorn.run"
    CONFIG = "uvicorn.Config"  # run by a uvicorn.Server (or a supervisor of the project's own)
    COMMAND = "command line"


class Setting(enum.Enum):
    """Where the launch runs, as far as its source tells."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"
    CONTAINER = "container"
    NOTEBOOK = "notebook"
    UNKNOWN = "unknown"


class GivenAs(enum.Enum):
    POSITIONAL = "positional"  # `uvicorn.Config(app, "0.0.0.0")`
    KEYWORD = "keyword"  # `reload=True`
    DICT_ENTRY = "dict entry"  # a key of `**{"reload": True}` or of a dict constant unpacked with `**`
    FORWARDED = "forwarded"  # `def serve(**options): uvicorn.run(app, **options)` called with `reload=True`
    FLAG = "flag"  # `--reload`, `--workers 4`
    ENVIRONMENT = "environment"  # `UVICORN_RELOAD=1`, `WEB_CONCURRENCY=4`


@dataclass(frozen=True)
class Option:
    """One option of a launch, by uvicorn's parameter name (as written when uvicorn has no such name)."""

    name: str
    value: Value
    range: Range  # the whole option as written: `workers=4`, `--workers 4`; a dict entry's value alone
    given_as: GivenAs
    written: str  # as a message quotes it: "workers=4", "--workers 4"
    value_range: Range | None = None  # the value alone (`4` of `--workers 4`); defaults to `range`
    node: Node = None  # Python: the parso node of the value, for rules that need more than the value
    handle: object = None  # the source's own record of where the option stands, for its edits

    @property
    def where_value(self) -> Range:
        return self.value_range or self.range

    @property
    def label(self) -> str:
        """The option's name as its source writes it: `workers`, `--workers`, `WEB_CONCURRENCY`."""
        if self.given_as in (GivenAs.FLAG, GivenAs.ENVIRONMENT):
            return self.written.split("=")[0].split()[0]
        return self.name

    @property
    def editable(self) -> bool:
        """Whether a fix may edit it where it stands: entries of dicts and forwarded keywords belong to their author."""
        return self.given_as in (GivenAs.KEYWORD, GivenAs.POSITIONAL, GivenAs.FLAG)


@dataclass(frozen=True)
class Rejection:
    """Something uvicorn's CLI (click) stops at with exit status 2 before starting: an option
    it does not have, a value it refuses, an extra argument. Command-line launches only.

    `option` is where it stands: an unknown flag is an Option named as written (`--relaod`,
    `--host 0.0.0.0`, always starting with `-`, so no parameter name can clash) and is in
    `Launch.options` too; a refused value (`--workers many`) is the parameter's own Option;
    an extra argument is a POSITIONAL Option named as written."""

    option: Option
    message: str  # click's words: "No such option '--relaod'", "Invalid value for '--port': ..."
    near: tuple[str, ...] = ()  # the flags click would suggest ("Did you mean")


@dataclass(frozen=True)
class SearchPath:
    """What sys.path holds for one way of starting the program (`python main.py`, `python -m pkg.main`)."""

    launch: layout.Launch
    roots: tuple[Path, ...]  # sys.path in order
    # False for a launch that is possible but not how the file is meant to run
    # (`python -m scripts.run` for a script in a plain folder, a script launch
    # of a file with relative imports): it can rescue a string, but a string
    # that fails with it alone is not reported.
    usual: bool = True


class LaunchEdits(Protocol):
    """The edits a source knows how to make on its own syntax; None when it cannot."""

    def spell(self, name: str, value: object) -> str:
        """How this source writes an option: `reload=True` in Python, `--reload` on a command line."""
        ...

    def label(self, name: str) -> str:
        """How this source names an option: `ssl_certfile` in Python, `--ssl-certfile` on a command line."""
        ...

    def remove_option(self, option: Option) -> tuple[TextEdit, ...] | None: ...

    def rename_option(self, option: Option, new_name: str) -> tuple[TextEdit, ...] | None: ...

    def set_option(self, name: str, value: object) -> tuple[TextEdit, ...] | None: ...

    def replace_app(self, import_string: str) -> tuple[TextEdit, ...] | None: ...


@dataclass
class Launch:
    server: Server
    entry: Entry
    # What it serves: an import string (its value a known str) or an expression; `name` is "app".
    app: Option | None
    options: Mapping[str, Option]  # every option but the app
    # False when some options come from something the analysis cannot read (`**settings`):
    # an option missing from `options` may still be given.
    complete: bool
    range: Range  # the whole call or command
    edits: LaunchEdits
    setting: Setting = Setting.UNKNOWN
    call: CallSite | None = None  # Python launches: the call, for rules about the Python code itself
    # The sys.path of each way the launch may be started; computed when a rule first asks.
    find_search_paths: Callable[[], list[SearchPath]] = field(default=list, repr=False)
    rejections: tuple[Rejection, ...] = ()  # command lines: what click stops at (exit status 2)
    # A container's: the version constraints its image's RUN lines put on a distribution (`pip install -r
    # docs/requirements.txt`); None where they name it nowhere, or for any other launch.
    image_installs: Callable[[str], list[str | None] | None] = field(default=lambda distribution: None, repr=False)
    # A container of an image no file here builds (compose's `image: org/api` alone), or built from a Dockerfile
    # the analysis does not follow: what it installs is not known, only what the project declares.
    runs_pulled_image: bool = False
    # A container of an image built FROM a base not known to be bare (tiangolo/uvicorn-gunicorn-fastapi:python3.8
    # ships uvicorn 0.20): pip leaves the base's packages where the image's installs admit them.
    base_may_hold_packages: bool = False
    # gunicorn's: it may also read settings (its worker class among them) that the command does not show: a config
    # file (`-c`, or `./gunicorn.conf.py` in a folder the analysis cannot see or where there is one), or
    # GUNICORN_CMD_ARGS.
    settings_beyond_command: bool = False

    def option(self, name: str) -> Option | None:
        return self.options.get(name)

    @property
    def worker_class(self) -> str | None:
        """gunicorn's `-k`/`--worker-class`, when the launch names one the analysis knows."""
        option = self.options.get("worker_class")
        candidates = option.value.candidates if option is not None else None
        return str(candidates[0]) if candidates is not None and len(candidates) == 1 else None

    @property
    def served_by_uvicorn(self) -> bool:
        """uvicorn runs the app: uvicorn itself, `fastapi run|dev`, or gunicorn with a worker class of uvicorn's
        named by the launch (gunicorn's default worker, `sync`, serves WSGI apps)."""
        return self.server is not Server.GUNICORN or self.worker_class in UVICORN_WORKER_CLASSES

    def value(self, name: str) -> Value | None:
        option = self.options.get(name)
        return None if option is None else option.value

    @cached_property
    def search_paths(self) -> list[SearchPath]:
        return self.find_search_paths()

    @property
    def described(self) -> str:
        """How a message names the launch: "uvicorn.run()", "the uvicorn command"."""
        return f"{self.entry.value}()" if self.entry is not Entry.COMMAND else f"the {self.server.value} command"

    def spawns_processes(self) -> bool:
        """Only uvicorn.run and the command line supervise: a Config run by Server ignores reload and workers."""
        return self.entry is not Entry.CONFIG
