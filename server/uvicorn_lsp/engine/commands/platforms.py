"""Hosting platforms' start commands: Railway's `deploy.startCommand` (railway.json, railway.toml) and the
`startCommand` of each service in Render's render.yaml.

The platform runs the command in a shell (`$PORT` expands), as the production server, and routes traffic to
`$PORT` on the instance's own interface. Where it runs: Railway builds the service's root folder with Railpack
or Nixpacks and starts the command there: the config file's folder, unless the dashboard sets another root
directory (the config file does not follow it; not known beside no Python app, nor for a config file below the
repository's top, read where the dashboard names its path whatever the root directory). Render starts it in the
service's `rootDir`, relative to the repository's top (where Render reads render.yaml; not known for a
render.yaml elsewhere), with the service's envVars set. A service built from a Dockerfile or run from an image
starts in the image's working directory: Render's are not judged here (the Dockerfile's own start is); where the
Railway config names that build, Railway runs the start command there in exec form, no shell expanding `$PORT`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from ..launch import Launch, Setting
from ..project import repository_top
from . import jsonc, shell
from .base import (
    CommandContext,
    Environment,
    WorkingDirectory,
    command_launches,
    host_directory,
    shell_launches,
)
from .pyproject_tasks import TOML_STRING, decoded_toml_string
from .recognise import PLATFORM_PORT, Argument, CommandInfo, Form
from .text import Placed, whole_text

# Railway's builders that make an image from the service's Dockerfile (the others: RAILPACK, NIXPACKS...).
_IMAGE_BUILDERS = ("DOCKERFILE",)
# The files by which Railpack and Nixpacks find a Python app in the service's root folder.
_PYTHON_APP_FILES = (
    "requirements.txt",
    "pyproject.toml",
    "Pipfile",
    "setup.py",
    "main.py",
    "app.py",
    "start.py",
    "bot.py",
    "hello.py",
    "server.py",
)


@dataclass
class ShellStart:
    """A start command the platform runs in a shell, and where."""

    command: Placed
    directory: WorkingDirectory | None
    environment: Environment
    where: str  # how messages name it: "Railway's start command", "service api's startCommand"
    web: bool  # a web service, reached through the platform's router
    declared_in: Path | None = None  # the folder whose declared versions it runs (Render's rootDir)


def shell_starts(ctx: CommandContext) -> list[ShellStart]:
    """The start commands of a platform file that a shell runs (a script they run is a production start too)."""
    return _render_starts(ctx) if ctx.kind == "render.yaml" else _railway_starts(ctx)[1]


def railway_launches(ctx: CommandContext) -> list[Launch]:
    image_start, starts = _railway_starts(ctx)
    if image_start is not None:
        return _image_start_launches(ctx, image_start)
    return [launch for start in starts for launch in _platform_launches(ctx, start)]


def render_launches(ctx: CommandContext) -> list[Launch]:
    return [launch for start in _render_starts(ctx) for launch in _platform_launches(ctx, start)]


def _railway_starts(ctx: CommandContext) -> tuple[Placed | None, list[ShellStart]]:
    """The start command of a service built from its Dockerfile (run in exec form), or the starts a shell runs."""
    path = ctx.source.path
    read = _railway_toml if path is not None and path.suffix == ".toml" else _railway_json
    settings = read(ctx.source.lines)
    if settings is None or settings.start is None:
        return None, []
    dockerfile = ctx.folder / "Dockerfile"
    ctx.depends_on(dockerfile)
    builder = (settings.builder or "").upper()
    if builder in _IMAGE_BUILDERS or (settings.dockerfile and not builder):
        return settings.start, []
    # Railway builds with the service's Dockerfile when one is there ("Railway will always build with a Dockerfile
    # if it finds one", whatever builder is named): the command then runs in the image, without a shell; a builder
    # named here or in the dashboard may say otherwise. Not judged.
    if dockerfile.is_file():
        return None, []
    return None, [ShellStart(settings.start, _railway_service_root(ctx), {}, "Railway's start command", web=True)]


def _image_start_launches(ctx: CommandContext, start: Placed) -> list[Launch]:
    """The start of a service built from a Dockerfile: Railway runs it in exec form, its words split as a shell
    splits them but no shell expanding `$PORT` (`sh -c '...'` brings one), in the image's working directory (not
    judged here). `&&` and what follows are arguments of the first program."""
    commands = shell.commands(start)
    if not commands:
        return []
    arguments = [
        Argument(
            word.value,
            word.range,
            False,
            word.quote,
            literal_dollar="$" in word.value,
            value_places=word.value_placed,
        )
        for word in commands[0].words
    ]
    info = CommandInfo(ctx.kind, production=True, container=True, where="Railway's start command")
    return command_launches(ctx, arguments, Form(), info, Setting.CONTAINER, None, {}, editable=start.verbatim)


def _railway_service_root(ctx: CommandContext) -> WorkingDirectory | None:
    """The config file's folder, where a service with no root directory set starts. The config file does not
    follow the root directory set in the dashboard: a file beside no Python app the builders would find (a
    monorepo's top, the app in api/) is read by a service rooted elsewhere. There only a `cd` into one of the
    folders there shows where the command runs. A file below the repository's top is read only where the
    dashboard names its path (/backend/railway.toml), and the root directory is set apart from it: the file's
    folder or the top (where `uvicorn backend.main:app` loads), not known."""
    if ctx.folder != _repository_top(ctx):
        return None
    directory = host_directory(ctx.folder, "the service's root folder")
    app_files = [ctx.folder / name for name in _PYTHON_APP_FILES]
    for path in app_files:
        ctx.depends_on(path)
    if any(path.is_file() for path in app_files):
        return directory

    def roots_for(relative: str) -> tuple[Path, ...] | None:
        roots = directory.roots_for(relative)
        return roots if relative not in ("", ".") and roots is not None and roots[0].is_dir() else None

    return WorkingDirectory(directory.description, roots_for)


def _render_starts(ctx: CommandContext) -> list[ShellStart]:
    from .yaml_sources import (
        MappingNode,
        ScalarNode,
        SequenceNode,
        compose_root,
        get,
        get_merged,
        placed_scalar,
        render_environment,
        scalar_text,
    )

    root = compose_root(ctx.source.text)
    services = get(root, "services")
    if not isinstance(services, SequenceNode):
        return []
    found = []
    started: set[tuple[int, str | None, int]] = set()
    for service in services.value:
        if not isinstance(service, MappingNode):
            continue
        # A service's fields may come from a mapping merged into it (`<<: *python_service`): its rootDir too.
        field = functools.partial(get_merged, service)
        start = field("startCommand")
        runtime = scalar_text(field("runtime")) or scalar_text(field("env"))
        if not isinstance(start, ScalarNode) or runtime in ("docker", "image") or field("image") is not None:
            continue
        root_dir = scalar_text(field("rootDir"))
        # Services merged from one another start the same command, written once: judged once.
        start_key = (id(start), root_dir, id(field("envVars")))
        if start_key in started:
            continue
        started.add(start_key)
        directory = _render_repository(ctx)
        if root_dir and directory is not None:
            known = "$" not in root_dir and not root_dir.startswith(("/", "~"))
            directory = directory.moved(root_dir) if known else None
        name = scalar_text(field("name")) or "?"
        web = scalar_text(field("type")) == "web"
        # Its envVars are set where the command runs (a PYTHONPATH puts folders on sys.path).
        environment = render_environment(field("envVars"), get(root, "envVarGroups"))
        roots = directory.roots_for(".") if root_dir and directory is not None else None
        found.append(
            ShellStart(
                placed_scalar(start, ctx.source.lines),
                directory,
                environment,
                f"service {name}'s startCommand",
                web,
                # Render builds the service in its rootDir too: the uvicorn it runs is the one declared there.
                roots[0] if roots else None,
            )
        )
    return found


def _declared_in(ctx: CommandContext, folder: Path, distribution: str) -> list[str | None] | None:
    return ctx.workspace.declared_constraints(folder, distribution, ctx.depends_on)


def _render_repository(ctx: CommandContext) -> WorkingDirectory | None:
    """The repository's top, where a Blueprint's services start (rootDir is relative to it). Render reads the
    render.yaml there; one elsewhere (backend/, deploy/) is read only if named when the Blueprint is set up, and
    is as often a copy for services set up in the dashboard: where those start is not known."""
    if ctx.folder != _repository_top(ctx):
        return None
    return host_directory(ctx.folder, "the repository (render.yaml's folder)")


def _repository_top(ctx: CommandContext) -> Path:
    top = repository_top(ctx.folder)
    if not (top / ".git").exists():
        top = ctx.workspace.root  # an archive without .git: the workspace's top stands for the repository's
    return top


def _platform_launches(ctx: CommandContext, start: ShellStart) -> list[Launch]:
    # A web service reading $PORT is reached by the platform's router on the instance's interface.
    routed = start.web and PLATFORM_PORT.search(start.command.text) is not None
    info = CommandInfo(ctx.kind, production=True, container=routed, where=start.where)
    launches = shell_launches(ctx, start.command, info, Setting.CONTAINER, start.directory, start.environment)
    if start.declared_in is not None:
        for launch in launches:
            launch.image_installs = functools.partial(_declared_in, ctx, start.declared_in)
    return launches


class _RailwaySettings:
    def __init__(self, start: Placed | None, builder: str | None, dockerfile: bool):
        self.start = start
        self.builder = builder
        self.dockerfile = dockerfile  # `dockerfilePath` given


def _railway_json(lines: list[str]) -> _RailwaySettings | None:
    if not lines:
        return None
    try:
        root = jsonc.parse(whole_text(lines))
    except jsonc.JsonError:
        return None
    if not isinstance(root, jsonc.JsonObject):
        return None
    deploy, build = root.get("deploy"), root.get("build")
    start = deploy.get("startCommand") if isinstance(deploy, jsonc.JsonObject) else None
    builder = build.get("builder") if isinstance(build, jsonc.JsonObject) else None
    dockerfile = build.get("dockerfilePath") if isinstance(build, jsonc.JsonObject) else None
    return _RailwaySettings(
        start.placed if isinstance(start, jsonc.JsonString) else None,
        builder.value if isinstance(builder, jsonc.JsonString) else None,
        dockerfile is not None,
    )


_TABLE = re.compile(r"^\s*\[\s*([\w.\"'-]+)\s*\]")
_KEY = re.compile(r"^\s*([\w\"'-]+)\s*=\s*")


def _railway_toml(lines: list[str]) -> _RailwaySettings:
    """The few keys read, line by line (tomllib gives no places): `[deploy] startCommand`, `[build] builder` and
    `dockerfilePath`, as one-line strings."""
    table = ""
    start: Placed | None = None
    builder: str | None = None
    dockerfile = False
    for number, line in enumerate(lines):
        header = _TABLE.match(line)
        if header is not None:
            table = header.group(1).replace('"', "").replace("'", "")
            continue
        key = _KEY.match(line)
        if key is None:
            continue
        name = key.group(1).strip("\"'")
        value = TOML_STRING.match(line, key.end())
        if value is None:
            continue
        if table == "deploy" and name == "startCommand":
            start = decoded_toml_string(number, value.start(), value.group())
        elif table == "build" and name == "builder":
            builder = decoded_toml_string(number, value.start(), value.group()).text
        elif table == "build" and name == "dockerfilePath":
            dockerfile = True
    return _RailwaySettings(start, builder, dockerfile)
