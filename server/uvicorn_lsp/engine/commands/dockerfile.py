"""Dockerfiles: CMD and ENTRYPOINT (exec and shell form), judged in the image's layout.

Instructions are read as BuildKit reads them: `\\` continuations (or the `# escape=`
directive's character), comment lines inside continuations dropped, here-documents
skipped. The working directory is the stage's last WORKDIR; what lies there comes from the
COPY/ADD lines of the stage (and of the stages it is built FROM), mapped back to the
build context, less what its `.dockerignore` leaves out. A COPY from another image, an ADD of a URL or archive, or a base image that
may ship code makes the layout unknown, and then no import string is judged.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .. import project
from ..launch import Launch, Setting
from ..model import Position, Range, TextEdit
from ..source import split_lines
from ..text_cache import TextCache
from ..values import Value
from . import shell
from .base import (
    CommandContext,
    ContainerLayout,
    Environment,
    WorkingDirectory,
    command_launches,
    container_directory,
    pip_install_requirement_files,
    pip_install_words,
    pip_installed_folders,
    shell_launches,
    word_arguments,
)
from .dockerignore import BuildContext, DockerIgnore, UnsupportedIgnoreFile
from .image_files import image_file, run_may_make_folders, run_may_write_files, volume_paths
from .jsonc import JsonArray, parse_json_array
from .recognise import (
    DEVELOPMENT_WORDS,
    Argument,
    CommandInfo,
    JsonForm,
    known_places,
    named_for_development,
    shell_script,
)
from .text import Placed, joined, span

# Base images known to hold no application code (official language and OS images, uv's).
_CLEAN_BASES = re.compile(
    r"^(docker\.io/)?(library/)?(python|pypy|debian|ubuntu|alpine|busybox|buildpack-deps|fedora|centos|rockylinux"
    r"|amazonlinux|redhat/ubi\d*[-\w]*|ghcr\.io/astral-sh/uv|astral/uv|gcr\.io/distroless/python3[-\w]*"
    r"|cgr\.dev/chainguard/python|continuumio/miniconda3|condaforge/\w+|nvidia/cuda|scratch)(:[^@\s]*)?(@\S+)?$"
)
# RUN commands that move or fetch files into the image, which the layout does not follow.
_WRITING_COMMANDS = re.compile(r"(^|[\s;&|(])(mv|cp|ln|rsync|git|wget|curl|tar|unzip|gunzip|bsdtar)\s")
_INSTALLS_PROJECT = re.compile(
    r"(pip3?|uv pip|python3? -m pip)\s+install\b[^&;|]*\s(-e\s+)?\.(\[[^\]]*\])?(\s|$)|uv sync|poetry install|pdm install"
)


class Instruction:
    """One instruction: its keyword, and its arguments as pieces of lines (continuations joined)."""

    def __init__(self, keyword: str, pieces: list[tuple[int, int, str]], line: int):
        self.keyword = keyword  # upper case
        self.line = line
        self._pieces = pieces  # (line, column, text) of each line's part
        # The arguments' text, which is all most instructions need: their places are built when asked.
        self.raw = pieces[0][2] if len(pieces) == 1 else "".join(text for _, _, text in pieces)

    @cached_property
    def text(self) -> Placed:
        """The arguments with their places in the file."""
        if len(self._pieces) == 1:
            return span(*self._pieces[0])
        return joined([span(*piece) for piece in self._pieces])


@dataclass
class Stage:
    name: str | None
    base: str
    line: int
    instructions: list[Instruction] = field(default_factory=list)


def instructions(lines: list[str]) -> list[Instruction]:
    """The Dockerfile's instructions with their argument text (here-document bodies skipped)."""
    escape = "\\"
    for line in lines:
        match = re.match(r"^\s*#\s*escape\s*=\s*(\S)\s*$", line)
        if match:
            escape = match.group(1)
            break
        if not re.match(r"^\s*#\s*\w+\s*=", line):
            break
    found: list[Instruction] = []
    number = 0
    while number < len(lines):
        line = lines[number]
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            number += 1
            continue
        indent = len(line) - len(stripped)
        keyword = stripped.split(None, 1)[0]
        start = indent + len(keyword)
        pieces: list[tuple[int, int, str]] = []
        first_line = number
        current, column = number, start
        while True:
            text = lines[current][column:]
            body = text.rstrip()
            if body.endswith(escape) and current + 1 < len(lines):
                pieces.append((current, column, body[:-1]))
                current += 1
                column = 0
                while current < len(lines) and (not lines[current].strip() or lines[current].lstrip().startswith("#")):
                    current += 1  # comment and empty lines inside a continuation are dropped
                if current >= len(lines):
                    break
                continue
            pieces.append((current, column, text))
            break
        instruction = Instruction(keyword.upper(), pieces, first_line)
        number = current + 1
        if "<<" in instruction.raw:
            for delimiter in re.findall(r"<<-?\s*[\"']?(\w+)[\"']?", instruction.raw):
                while number < len(lines) and lines[number].strip() != delimiter:
                    number += 1
                number += 1
        found.append(instruction)
    return found


def stages(lines: list[str]) -> tuple[list[Stage], list[Instruction]]:
    """The build stages, and the instructions before the first FROM (global ARGs)."""
    found: list[Stage] = []
    preamble: list[Instruction] = []
    for instruction in instructions(lines):
        if instruction.keyword == "FROM":
            # `FROM ;` holds no command at all: a stage with no base (BuildKit refuses it), never an error here.
            commands = shell.commands(instruction.text) if instruction.raw.strip() else []
            words = [word.value for word in commands[0].words] if commands else []
            words = [word for word in words if not word.startswith("--")]
            base = words[0] if words else ""
            name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            found.append(Stage(name, base, instruction.line))
        elif found:
            found[-1].instructions.append(instruction)
        else:
            preamble.append(instruction)
    return found, preamble


# Dockerfiles read, by their text: a compose file that builds from one reads it once, not on each keystroke.
_STAGES_BY_TEXT: TextCache[str, tuple[list[Stage], list[Instruction]]] = TextCache(64)


def stages_of(text: str) -> tuple[list[Stage], list[Instruction]]:
    """`stages` of a Dockerfile's text (the result is shared: read it, never change it)."""
    return _STAGES_BY_TEXT.get(text, lambda: stages(split_lines(text)))


def chain(stage_list: list[Stage], index: int) -> list[Stage] | None:
    """The stage and the stages it is built FROM, oldest first; None when the base image may hold code."""
    chain = [stage_list[index]]
    current = index
    while True:
        base = chain[0].base
        parent = next((i for i in range(current) if stage_list[i].name == base.lower()), None)
        if parent is None:
            return chain if _CLEAN_BASES.match(base) else None
        chain.insert(0, stage_list[parent])
        current = parent


@dataclass
class ImageState:
    environment: dict[str, tuple[Value, Range]] = field(default_factory=dict)
    workdir: str = "/"
    workdir_known: bool = True
    layout: ContainerLayout = field(default_factory=ContainerLayout)
    cmd: Instruction | None = None
    entrypoint: Instruction | None = None
    exposes: bool = False


def read_build_context(ctx: CommandContext, folder: Path, dockerfile: Path | None) -> BuildContext | None:
    """The build context at `folder` with the ignore file each builder reads: the first found of Docker's
    (BuildKit) `<Dockerfile>.dockerignore`, `.dockerignore`, and of Podman's and Buildah's `<Containerfile>`
    `.dockerignore`, `<Containerfile>.containerignore`, `.containerignore`, `.dockerignore` (containers/buildah
    pkg/parse ContainerIgnoreFile). None when a chosen file cannot be read or uses syntax not followed:
    what COPY takes from the context is then unknown."""
    own = [] if dockerfile is None else [dockerfile.with_name(dockerfile.name + ".dockerignore")]
    docker = [*own, folder / ".dockerignore"]
    if dockerfile is not None:
        own.append(dockerfile.with_name(dockerfile.name + ".containerignore"))
    podman = [*own, folder / ".containerignore", folder / ".dockerignore"]
    builders: dict[Path | None, list[str]] = {}  # each ignore file chosen (None: none), and who reads it
    for builder, candidates in (("Docker", docker), ("Podman", podman)):
        found = None
        for candidate in candidates:
            ctx.depends_on(candidate)  # created, edited or deleted: the verdicts change
            if ctx.workspace.modules.is_file(candidate):
                found = candidate
                break
        builders.setdefault(found, []).append(builder)
    ignores = []
    for path, names in builders.items():
        text = "" if path is None else ctx.workspace.read_module(path)
        if text is None:
            return None
        try:
            ignores.append((" and ".join(names), DockerIgnore.parse(text)))
        except UnsupportedIgnoreFile:
            return None
    return BuildContext(folder, tuple(ignores))


def image_state(
    stage_chain: list[Stage], preamble: list[Instruction], context: Path, build_context: BuildContext | None
) -> ImageState:
    """`build_context`: what COPY and ADD see of `context` (None: not known)."""
    state = ImageState()
    unlisted_files: list[str] = []
    state.layout.unlisted_files = unlisted_files
    if build_context is not None and not build_context.hides_nothing:
        state.layout.build_context = build_context
    arguments: dict[str, tuple[Value, object]] = {}
    for instruction in preamble:
        if instruction.keyword == "ARG":
            _assign(instruction, arguments, state.environment)
    folders = set(_BASE_FOLDERS)  # places known to be folders: a file copied to one goes into it
    for stage in stage_chain:
        for instruction in stage.instructions:
            keyword = instruction.keyword
            if keyword in ("ENV", "ARG"):
                _assign(instruction, state.environment, state.environment)
            elif keyword == "WORKDIR":
                value = _expand(instruction.raw.strip(), state.environment)
                if value is None:
                    state.workdir_known = False
                else:
                    state.workdir = posixpath.normpath(posixpath.join(state.workdir, value))
                    folders.add(state.workdir)
                    state.layout.workdirs.append(state.workdir)
            elif keyword in ("COPY", "ADD"):
                _copy(instruction, state, context, build_context)
            elif keyword == "RUN":
                text = instruction.raw
                if _INSTALLS_PROJECT.search(text):
                    state.layout.installed_projects.append(context)
                _record_installs(text, state)
                if _WRITING_COMMANDS.search(text):
                    state.layout.unknown.append("/")
                if run_may_write_files(text):
                    unlisted_files.append("/")
                if run_may_make_folders(text):
                    state.layout.run_may_make_folders = True
            elif keyword == "VOLUME":
                unlisted_files.extend(volume_paths(instruction.raw))
            elif keyword == "CMD":
                state.cmd = instruction
            elif keyword == "ENTRYPOINT":
                state.entrypoint = instruction
                state.cmd = None  # setting ENTRYPOINT resets the CMD inherited from the base
            elif keyword == "EXPOSE":
                state.exposes = True
    _into_folders(state.layout, folders)
    return state


# Folders every Linux base image has (the Filesystem Hierarchy Standard's).
_BASE_FOLDERS = frozenset(
    {"/", "/bin", "/etc", "/home", "/lib", "/media", "/mnt", "/opt", "/root", "/run", "/sbin", "/srv", "/tmp"}
    | {"/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/share", "/usr/src"}
    | {"/var", "/var/lib", "/var/log", "/var/tmp"}
)


def _record_installs(text: str, state: ImageState) -> None:
    """The requirement files and the requirements a RUN line's pip installs name (for the versions the image
    runs); a file by its path in the image, where the layout finds the build context's file it was copied from."""
    if state.workdir_known:
        state.layout.installed_files += (
            posixpath.normpath(posixpath.join(state.workdir, path))
            for path in pip_install_requirement_files(text)
            if "$" not in path
        )
    words = pip_install_words(text)
    state.layout.installed_requirements += (word for word in words if not word.startswith(("-", "$", ".", "/")))
    # A project of a folder the image holds (`pip install -e ./backend`): pip builds it, or the build fails.
    for folder in pip_installed_folders(text):
        if folder not in (".", "..") and state.workdir_known:
            roots = state.layout.roots(posixpath.join(state.workdir, folder))
            if roots is not None and len(roots) == 1 and roots[0] not in state.layout.installed_projects:
                state.layout.installed_projects.append(roots[0])


def _into_folders(layout: ContainerLayout, folders: set[str]) -> None:
    """`COPY main.py /app` (or `.`) writes /app/main.py when /app is a folder: a WORKDIR (before or after it: a
    file cannot become one), a base image's folder, or a place other copies go into (the build succeeded)."""
    known = folders | {target for target, _, is_folder in layout.copies if is_folder}
    for target, _, _ in layout.copies:
        parent = posixpath.dirname(target)
        while parent not in known:
            known.add(parent)
            parent = posixpath.dirname(parent)
    layout.copies = [
        (posixpath.join(target, host.name), host, False)
        if not is_folder and target in known
        else (target, host, is_folder)
        for target, host, is_folder in layout.copies
    ]


def _assign(instruction: Instruction, into: dict, lookup: dict) -> None:
    commands = shell.commands(instruction.text)
    if not commands:
        return
    words = commands[0].words
    if instruction.keyword == "ENV" and len(words) >= 2 and words[0].assignment is None:
        # The legacy form `ENV NAME value with spaces`.
        rest = instruction.raw.strip()[len(words[0].value) :].strip()
        into[words[0].value] = (Value((rest,), rest, is_string=True), words[0].range)
        return
    for word in words:
        assignment = word.assignment
        if assignment is None:
            if instruction.keyword == "ARG":
                into.setdefault(word.value, (Value(None, f"${word.value}", env_var=word.value), word.range))
            continue
        name, value = assignment
        expanded = _expand(value, lookup) if word.expanded else value
        if expanded is None:
            into[name] = (Value(None, value, env_var=name), word.range)
        else:
            into[name] = (Value((expanded,), expanded, is_string=True), word.range)


def _expand(text: str, environment: dict) -> str | None:
    """`$NAME` / `${NAME}` from variables of the file with known values; None otherwise."""
    failed = False

    def replace(match: re.Match) -> str:
        nonlocal failed
        name = match.group(1) or match.group(2)
        value = environment.get(name)
        if value is None or not value[0].known:
            failed = True
            return ""
        return str(value[0].candidates[0])

    result = re.sub(r"\$\{(\w+)\}|\$(\w+)", replace, text)
    return None if failed or "$" in result else result


def _copy_words(instruction: Instruction) -> list[str] | None:
    """A COPY's or ADD's words: its exec form's list, or its shell form's words; None for a list that is not JSON."""
    text = instruction.raw.strip()
    if text.startswith("["):
        try:
            return [str(item) for item in json.loads(text)]
        except ValueError:
            return None
    commands = shell.commands(instruction.text)
    return [word.value for word in commands[0].words] if commands else []


def _copy(instruction: Instruction, state: ImageState, context: Path, build_context: BuildContext | None) -> None:
    text = instruction.raw.strip()
    words = _copy_words(instruction)
    if words is None:
        state.layout.unknown.append("/")
        return
    flags = [word for word in words if word.startswith("--")]
    paths = [word for word in words if not word.startswith("--")]
    if "<<" in text and len(paths) < 2:  # `COPY <<EOF /app/x`: a here-document's body is the file (not followed)
        paths = ["<<", paths[-1] if paths else "/"]
    if len(paths) < 2:
        return
    *sources, target = paths
    target_expanded = _expand(target, state.environment) if "$" in target else target
    if target_expanded is None:
        state.layout.unknown.append("/")
        return
    destination = posixpath.normpath(posixpath.join(state.workdir, target_expanded))
    if any(flag.startswith(("--from", "--parents", "--exclude")) for flag in flags) or "<<" in text:
        state.layout.unknown.append(destination)
        return
    into_folder = target_expanded.endswith("/") or len(sources) > 1
    for source in sources:
        if "://" in source or (instruction.keyword == "ADD" and re.search(r"\.(tar|tgz|gz|bz2|xz|zip)$", source)):
            state.layout.unknown.append(destination)
            continue
        if "$" in source or build_context is None:
            state.layout.unknown.append(destination)
            continue
        matches = sorted(context.glob(source.lstrip("/"))) if any(c in source for c in "*?[") else []
        matches = [match for match in matches if not _left_out(build_context, match)]
        hosts = matches or [context / source.lstrip("/")]
        for host in hosts:
            host = Path(posixpath.normpath(str(host)))
            if not str(host).startswith(str(context)):
                continue  # outside the build context: the build fails
            if not host.exists() or _left_out(build_context, host):
                # Made before the build (a CI step, a generator): its content is not known. Left out
                # by the .dockerignore: the build stops ("not found"), nothing starts.
                state.layout.unknown.append(destination)
                continue
            if host.is_dir():
                state.layout.copies.append((destination, host, True))
            else:
                place = posixpath.join(destination, host.name) if (into_folder or matches) else destination
                state.layout.copies.append((place, host, False))


def _left_out(build_context: BuildContext, host: Path) -> bool:
    """Whether COPY cannot take `host`: a left-out file, or a folder left out with all it holds."""
    return build_context.hides_all(host) if host.is_dir() else build_context.hides(host)


def launches(ctx: CommandContext) -> list[Launch]:
    path = ctx.source.path
    context_known = path is None or own_folder_is_the_context(ctx, path)
    return dockerfile_launches(ctx, ctx.folder, None, context_known=context_known)


def own_folder_is_the_context(ctx: CommandContext, path: Path) -> bool:
    """`docker build <folder>` builds from the Dockerfile's folder. A Dockerfile below the workspace folder
    in a folder with no Python (docker/, deploy/prod/) is built from another one (`docker build -f
    docker/Dockerfile .`), and so is one a compose file above names as `<folder>/<name>`: which one,
    the Dockerfile alone does not say (the compose file's own check judges it with its context)."""
    folder, root = path.parent, ctx.workspace.root
    if folder == root or not folder.is_relative_to(root):
        return True
    if not project.holds_python(folder, depth=3):
        return False
    if _copies_from_a_folder_above(ctx, path):
        return False
    named = re.compile(rf"dockerfile:\s*[\"']?(?:[^\s\"'#]*/)?{re.escape(folder.name)}/{re.escape(path.name)}[\"'\s]")
    for place in folder.parents:
        for compose in sorted(place.glob("*compose*.y*ml")):
            ctx.depends_on(compose)
            try:
                if named.search(compose.read_text(encoding="utf-8", errors="replace") + "\n"):
                    return False
            except OSError:
                continue
        if place == root:
            break
    return True


def _copies_from_a_folder_above(ctx: CommandContext, path: Path) -> bool:
    """Whether a COPY/ADD takes a file the Dockerfile's folder lacks and a folder above it (up to the workspace
    folder) has (`COPY requirements.txt .` in app/Dockerfile, the file at the root): built from its own folder
    the build stops there, so the image is built from above (`docker build -f app/Dockerfile .`)."""
    folder, root = path.parent, ctx.workspace.root
    above = [place for place in folder.parents if place.is_relative_to(root)]
    stage_list, _ = stages_of(ctx.source.text)
    for stage in stage_list:
        for instruction in stage.instructions:
            if instruction.keyword not in ("COPY", "ADD") or instruction.raw.strip().startswith("["):
                continue
            words = _copy_words(instruction) or []
            if any(word.startswith("--from") for word in words):
                continue
            *sources, _ = [word for word in words if not word.startswith("--")] or [""]
            for source in sources:
                if not source or any(c in source for c in "$*?[<") or "://" in source or source.startswith("/"):
                    continue
                if source.startswith("..") or (folder / source).exists():
                    continue
                for place in (folder, *above):
                    ctx.depends_on(place / source)  # made or deleted: the context the build needs changes
                if any((place / source).exists() for place in above):
                    return True
    return False


_SHARED_NETWORK = re.compile(r"^\s*network_mode:\s*[\"']?(host|service:|container:)", re.MULTILINE)


def network_shared_by_compose(ctx: CommandContext) -> bool:
    """Whether a compose file of the project (in the Dockerfile's folder or above) runs a service in another's
    network namespace or the host's (`network_mode: "service:proxy"`): a loopback bind may then be reached
    by the proxy beside it, or from the host."""
    path = ctx.source.path
    if path is None:
        return False
    for place in (path.parent, *path.parent.parents):
        for compose in sorted(place.glob("*compose*.y*ml")):
            ctx.depends_on(compose)
            text = ctx.workspace.read_module(compose)
            if text is not None and _SHARED_NETWORK.search(text):
                return True
        if place == ctx.workspace.root or not place.is_relative_to(ctx.workspace.root):
            break
    return False


def dockerfile_launches(
    ctx: CommandContext, context: Path, target: str | None, context_known: bool = True
) -> list[Launch]:
    """`context_known` False: what COPY and ADD take from the build context is not known."""
    stage_list, preamble = stages_of(ctx.source.text)
    path = ctx.source.path
    build_context = read_build_context(ctx, context, path) if context_known else None
    found: list[Launch] = []
    for index, stage in enumerate(stage_list):
        own = [i for i in stage.instructions if i.keyword in ("CMD", "ENTRYPOINT")]
        if not own:
            continue
        stage_chain = chain(stage_list, index)
        state = image_state(stage_chain or [stage], preamble, context, build_context)
        final = index == len(stage_list) - 1
        development = named_for_development(path, ctx.workspace.root) or bool(
            stage.name and DEVELOPMENT_WORDS.search(stage.name)
        )
        production = final and not development and not (stage_chain is not None and _holds_no_code(state.layout))
        directory = None
        # A development image that copies in no code runs the code a mount gives it (a compose file, a
        # `docker run -v` the project does not show): what its WORKDIR holds then is not known.
        if stage_chain is not None and state.workdir_known and not (development and _copies_no_code(state.layout)):
            directory = container_directory(state.layout, state.workdir, f"{state.workdir} in the image")
        info = CommandInfo("dockerfile", production=production, container=not network_shared_by_compose(ctx))
        launch = start_of(ctx, state, info, directory)
        if launch is not None:
            launch.base_may_hold_packages = stage_chain is None
            found.append(launch)
    return found


def _holds_no_code(layout: ContainerLayout) -> bool:
    """An image that copies in no code and gets none otherwise (an installed project): its code is mounted when it
    runs (a compose bind mount), as in development."""
    return _copies_no_code(layout) and not layout.installed_projects


def _copies_no_code(layout: ContainerLayout) -> bool:
    """No folder and no Python file copied in, and no RUN that writes files unknown to the analysis."""
    return not layout.unknown and not any(is_folder or host.suffix == ".py" for _, host, is_folder in layout.copies)


def installed_by(ctx: CommandContext, layout: ContainerLayout) -> Callable[[str], list[str | None] | None]:
    """`Launch.image_installs` of an image: what its RUN lines' pip installs name, the requirement files as the
    build context's files they were copied from."""

    known: dict[str, list[str | None] | None] = {}  # by distribution: several rules ask of each launch

    def constraints(distribution: str) -> list[str | None] | None:
        if distribution not in known:
            files = [found.host for path in layout.installed_files if (found := image_file(layout, path)).host]
            requirements = layout.installed_requirements
            known[distribution] = project.installed_constraints(files, requirements, distribution, ctx.depends_on)
        return known[distribution]

    return constraints


def start_of(ctx: CommandContext, state: ImageState, info: CommandInfo, directory: WorkingDirectory | None):
    """The launch the image's ENTRYPOINT and CMD make together."""
    environment: Environment = dict(state.environment)
    parts = _start_parts(state)
    if not parts:
        return None
    info.where = "the Dockerfile's " + " and ".join(part.keyword for part in parts)
    setting = Setting.CONTAINER
    arguments = exec_start(state)
    if arguments is None:
        if exec_arguments(parts[0], 0) is not None:
            return None  # a shell-form CMD after an exec ENTRYPOINT becomes `/bin/sh -c ...` arguments
        # shell form: `/bin/sh -c "<text>"`; a shell-form ENTRYPOINT ignores CMD
        launches = shell_launches(ctx, parts[0].text, info, setting, directory, environment, group=0)
        if not launches:
            return None
        launches[0].image_installs = installed_by(ctx, state.layout)
        return launches[0]
    # `["sh", "-c", "uvicorn ... --port $PORT"]`: the script element is read as a shell line.
    launches = command_launches(ctx, arguments, JsonForm(), info, setting, directory, environment)
    if not launches:
        return None
    if waits_for_arguments(state, arguments):
        launches[0].complete = False
    launches[0].image_installs = installed_by(ctx, state.layout)
    return launches[0]


def _start_parts(state: ImageState) -> list[Instruction]:
    return [part for part in (state.entrypoint, state.cmd) if part is not None]


def exec_start(state: ImageState) -> list[Argument] | None:
    """The arguments of an exec-form ENTRYPOINT and CMD joined (each its own group); None for a shell form."""
    arguments: list[Argument] = []
    for group, part in enumerate(_start_parts(state)):
        form = exec_arguments(part, group)
        if form is None:
            return None
        arguments += form
    return arguments or None


def shell_start(state: ImageState) -> list[Argument] | None:
    """The words of a shell-form start that is one simple command (None otherwise)."""
    parts = _start_parts(state)
    if not parts or exec_arguments(parts[0], 0) is not None:
        return None
    found = shell.commands(parts[0].text)
    return word_arguments(found[0]) if len(found) == 1 else None


def waits_for_arguments(state: ImageState, arguments: list[Argument]) -> bool:
    """An exec ENTRYPOINT alone takes `docker run`'s or compose's arguments (`sh -c SCRIPT` ignores them)."""
    return state.cmd is None and shell_script(arguments) is None


def exec_arguments(instruction: Instruction, group: int) -> list[Argument] | None:
    """The exec form's elements (no shell: `$` stays as it is), or None for the shell form."""
    array: JsonArray | None = parse_json_array(instruction.text)
    if array is None:
        return None
    return [
        Argument(
            element.value,
            element.range,
            False,
            '"',
            literal_dollar="$" in element.value,
            group=group,
            value_places=known_places(element.placed),
        )
        for element in array.elements
    ]


# -- exec forms that are not JSON ---------------------------------------------------------------------------------

# The servers whose container starts the exec-form checks judge (a start that names none of them is not ours).
SERVER_PROGRAMS = ("uvicorn", "fastapi", "gunicorn", "hypercorn")

# Longer list texts are not read as Python literals (what `ast.literal_eval` costs grows with them).
_MISQUOTED_MAX_CHARS = 4_000
# The closing brackets tried, from the first, as the end of the list (its strings may hold some).
_MOST_LIST_ENDS = 8


@dataclass(frozen=True)
class ExecFormNotJson:
    """A CMD or ENTRYPOINT written as a list Docker cannot read as JSON: quoted with `'` (`['uvicorn', 'main:app']`),
    a trailing comma, or text after the list (`["uvicorn", "main:app"]  # the API`: Docker reads the whole rest of
    the line as JSON, and only a line starting with `#` is a comment). Docker runs its text as a shell form,
    `/bin/sh -c "<text>"`, whose first word is `first_word`."""

    keyword: str
    words: tuple[str, ...]  # what the list says (read as a Python literal when it is not JSON)
    first_word: str  # what the shell runs instead ("[uvicorn,")
    range: Range  # the instruction's text
    fix: tuple[TextEdit, ...]  # the list in JSON, a comment after it on its own line above; () when not known
    list_is_json: bool  # only the text after it keeps it from being JSON
    single_quotes: bool  # quoted with ' (else a trailing comma, a Python escape, or the text after it)
    text_after: str  # what follows the list ("" when nothing does)


def exec_forms_not_json(text: str) -> list[ExecFormNotJson]:
    """The starts of the file (each stage's last ENTRYPOINT, and its last CMD where no ENTRYPOINT takes it as
    arguments) whose list is not JSON but reads as a list of strings."""
    import shlex

    found = []
    lines = split_lines(text)
    for instruction in _container_starts(text):
        raw = instruction.raw.strip()
        if not raw.startswith("[") or len(raw) > _MISQUOTED_MAX_CHARS:
            continue
        leading = _leading_list(raw)
        if leading is None:
            continue
        list_text, value, is_json = leading
        text_after = raw[len(list_text) :].strip()
        if is_json and not text_after:
            continue  # JSON: an exec form
        try:
            first_word = shlex.split(raw)[0]
        except (ValueError, IndexError):
            continue  # the shell would not read it either way: not this mistake
        placed = instruction.text
        start = placed.text.index(raw)
        where = placed.range(start, start + len(raw))
        one_line = where.start.line == where.end.line and placed.as_written_in(lines)
        fix: tuple[TextEdit, ...] = ()
        # `['uvicorn' 'main:app']`: Python joins the two strings, so the words meant are not known.
        if one_line and (is_json or _string_tokens(list_text) == len(value)):
            if not is_json:
                fix += (TextEdit(placed.range(start, start + len(list_text)), json.dumps(value)),)
            if text_after.startswith("#"):
                line = where.start.line
                indent = lines[line][: len(lines[line]) - len(lines[line].lstrip())]
                line_break = "\r\n" if "\r\n" in text else "\n"
                above = Range(Position(line, 0), Position(line, 0))
                fix += (
                    TextEdit(above, f"{indent}{text_after}{line_break}"),
                    TextEdit(placed.range(start + len(list_text), start + len(raw)), ""),
                )
            elif text_after:
                fix = ()  # not a comment: what it meant is not known
        found.append(
            ExecFormNotJson(
                instruction.keyword, tuple(value), first_word, where, fix, is_json, "'" in list_text, text_after
            )
        )
    return found


def _container_starts(text: str) -> list[Instruction]:
    """The instructions whose list starts a container: each stage's last ENTRYPOINT, and its last CMD where no
    ENTRYPOINT (of this stage or one it may be built FROM) takes the CMD as its arguments."""
    stage_list, _ = stages_of(text)
    any_entrypoint = False
    starts = []
    for stage in stage_list:
        entrypoint = next((i for i in reversed(stage.instructions) if i.keyword == "ENTRYPOINT"), None)
        cmd = next((i for i in reversed(stage.instructions) if i.keyword == "CMD"), None)
        any_entrypoint = any_entrypoint or entrypoint is not None
        if entrypoint is not None:
            starts.append(entrypoint)
        elif cmd is not None and not any_entrypoint:
            starts.append(cmd)
    return starts


@dataclass(frozen=True)
class CommandInOneElement:
    """A CMD or ENTRYPOINT in JSON whose first element holds a whole command (`["uvicorn main:app --port 80"]`):
    Docker runs the element as the name of the program, a file no folder on PATH has."""

    keyword: str
    element: str  # the first element's value ("uvicorn main:app --port 80")
    range: Range  # the element, its quotes included
    fix: tuple[TextEdit, ...]  # the element as one element per word; () when a shell would read more than words
    followed: bool  # more elements come after it: arguments written for whatever the first element meant


# Characters a shell gives a meaning: an element holding one of them is not only words separated by blanks.
_SHELL_SYNTAX = frozenset("$`\\\"'|&;<>(){}*?[]~#")


def commands_in_one_element(text: str) -> list[CommandInOneElement]:
    """The starts of the file whose JSON list has a first element with blanks between words."""
    found = []
    for instruction in _container_starts(text):
        raw = instruction.raw.strip()
        if not raw.startswith("[") or len(raw) > _MISQUOTED_MAX_CHARS:
            continue
        leading = _leading_list(raw)
        if leading is None or not leading[2] or raw[len(leading[0]) :].strip():
            continue  # not JSON: UVI022's exec forms; JSON with text after it too
        element = leading[1][0]
        if len(element.split()) < 2:
            continue
        opening = raw.index('"')
        closing = _closing_quote(raw, opening)
        placed = instruction.text
        start = placed.text.index(raw) + opening
        where = placed.range(start, start + closing + 1 - opening)
        words = element.split()
        only_words = not any(character in _SHELL_SYNTAX for character in element)
        fix = (TextEdit(where, ", ".join(json.dumps(word) for word in words)),) if only_words else ()
        found.append(CommandInOneElement(instruction.keyword, element, where, fix, len(leading[1]) > 1))
    return found


def _closing_quote(text: str, opening: int) -> int:
    """The index of the `"` that closes the JSON string opening at `opening`."""
    at = opening + 1
    while text[at] != '"':
        at += 2 if text[at] == "\\" else 1
    return at


def _leading_list(raw: str) -> tuple[str, list[str], bool] | None:
    """The list of strings `raw` starts with: its text, its words, and whether it is JSON (else a Python literal).
    The shortest text that reads as one is the list (a list ends at its first `]` that closes it; a Python
    literal read to a later `]` would take a comment after it in)."""
    import ast

    end = 0
    for _ in range(_MOST_LIST_ENDS):
        end = raw.find("]", end) + 1
        if end == 0:
            return None
        candidate = raw[:end]
        try:
            value, is_json = json.loads(candidate), True
        except ValueError:
            try:
                value, is_json = ast.literal_eval(candidate), False
            except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
                continue
        if isinstance(value, list) and value and all(isinstance(word, str) for word in value):
            return candidate, value, is_json
        return None  # a list of something else: Docker's own error, or no list
    return None


def _string_tokens(text: str) -> int:
    """How many string literals `text` holds, as Python's tokenizer reads it."""
    import io
    import tokenize

    try:
        return sum(token.type == tokenize.STRING for token in tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return -1
