"""Line-based sources: Procfiles, Makefiles, shell scripts, systemd units, supervisord
programs, and VS Code's launch.json (JSONC)."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from .. import layout, project
from ..context import RuleContext
from ..launch import Launch, SearchPath, Setting
from ..model import Position, Range
from ..module_index import FoundModule
from ..source import split_lines
from ..values import Value
from . import PLATFORM_FILES, context_for, dockerfile, jsonc, kind_by_name, shell
from .base import (
    CommandContext,
    ContainerLayout,
    WorkingDirectory,
    host_directory,
    launch_of,
    shell_launches,
    shell_sets_pythonpath,
    word_arguments,
)
from .image_files import Origin, image_file
from .recognise import (
    DEVELOPMENT_WORDS,
    PLATFORM_PORT,
    SHELLS,
    Argument,
    CommandInfo,
    JsonForm,
    known_places,
    launch_edits,
    named_for_development,
    program_index,
)
from .text import Placed, joined, lines_span, span, whole_text

_PROCFILE_PROCESS = re.compile(r"^([A-Za-z0-9_-]+):[ \t]*")


def procfile_launches(ctx: CommandContext) -> list[Launch]:
    """`name: command`, run by a shell in the application's root; `web` is the production server (not in a
    Procfile named for development, `Procfile.dev`)."""
    for_development = named_for_development(ctx.source.path, ctx.workspace.root)
    found = []
    for number, line in enumerate(ctx.source.lines):
        match = _PROCFILE_PROCESS.match(line)
        if match is None:
            continue
        name = match.group(1)
        production = name == "web" and not for_development
        # The platform's router connects to $PORT on the dyno's own interface, as Docker does to a published
        # port: a web process that reads $PORT is reached from outside and must not listen on the loopback.
        routed = production and PLATFORM_PORT.search(line, match.end()) is not None
        info = CommandInfo("procfile", production=production, container=routed, where=f"the {name} process")
        directory = host_directory(ctx.folder, "the Procfile's folder")
        placed = span(number, match.end(), line[match.end() :])
        found.extend(shell_launches(ctx, placed, info, Setting.CONTAINER, directory, {}))
    return found


def makefile_launches(ctx: CommandContext) -> list[Launch]:
    """Recipe lines (tab-indented, `\\` continued, `@`/`-`/`+` prefixes), each in its own shell
    started in the Makefile's folder. Under `.ONESHELL:` a recipe's lines share one shell: after a line
    that changes folder, where the next ones run is not followed."""
    lines = ctx.source.lines
    environment = _makefile_environment(lines)
    one_shell = any(line.startswith(".ONESHELL:") for line in lines)
    moved = False  # a line of this recipe changed the shared shell's folder
    recipe_environment = environment  # with what a line of this recipe exported to the shared shell
    found = []
    number = 0
    in_rule = False
    while number < len(lines):
        line = lines[number]
        if not line.startswith("\t"):
            stripped = line.strip()
            in_rule = bool(re.match(r"^[^=#\t][^=]*:(?!=)", line)) or (in_rule and not stripped)
            moved = moved and in_rule and not stripped
            recipe_environment = recipe_environment if in_rule and not stripped else environment
            number += 1
            continue
        if not in_rule:
            number += 1
            continue
        first = number
        while lines[number].rstrip().endswith("\\") and number + 1 < len(lines):
            number += 1
        start = 1
        while start < len(lines[first]) and lines[first][start] in "@-+ \t":
            start += 1
        placed = lines_span(lines, Position(first, start), Position(number, len(lines[number])))
        # make drops the recipe prefix tab of continuation lines before the shell sees them.
        placed = _drop_recipe_tabs(placed)
        info = CommandInfo("makefile", where="a Makefile recipe")
        directory = None if moved else host_directory(ctx.folder, "the Makefile's folder")
        found.extend(shell_launches(ctx, placed, info, Setting.DEVELOPMENT, directory, recipe_environment))
        moved = moved or (one_shell and re.search(r"(?:^|[;&|(\s])(?:cd|pushd)(?:\s|$)", placed.text) is not None)
        if one_shell and shell_sets_pythonpath(ctx, placed, directory):
            # `export PYTHONPATH=src` (or `source .env`) on one line holds for the next ones: not followed.
            recipe_environment = {
                **recipe_environment,
                "PYTHONPATH": (Value(None, "PYTHONPATH"), placed.range(0, len(placed.text))),
            }
        number += 1
    return found


# A target- or pattern-specific variable that make exports: `run: export PYTHONPATH := src`, `%: private export ...`.
_TARGET_EXPORTS_PYTHONPATH = re.compile(
    r"^[^=:#\t][^=:#]*:(?![:=])\s*(?:(?:override|private)\s+)*export\s+(?:(?:override|private)\s+)*PYTHONPATH\s*[:?+!]*="
)


def _makefile_environment(lines: list[str]) -> dict[str, tuple[Value, Range]]:
    """PYTHONPATH, value not followed, when make exports it to the recipes: `export PYTHONPATH=src` (also
    target-specific, `run: export PYTHONPATH=src`), `export $(...)`, or every variable exported (bare `export`,
    `.EXPORT_ALL_VARIABLES:`) while the Makefile sets PYTHONPATH or includes a file that may."""
    exports_all = False
    place: Range | None = None
    for number, line in enumerate(lines):
        if line.startswith("\t"):
            continue  # a recipe line
        words = line.split("#")[0].split()
        line_range = Range.of((number, 0), (number, len(line)))
        if _TARGET_EXPORTS_PYTHONPATH.match(line):
            # `run: export PYTHONPATH=src` exports it to that target's recipes (and what they make): taken as
            # exported to every recipe, the value not followed, rather than judged per target.
            return {"PYTHONPATH": (Value(None, "PYTHONPATH"), line_range)}
        if words[:1] == ["export"]:
            named = " ".join(words[1:])
            exports_all = exports_all or not named
            # `export UID := $(shell id -u)` assigns one variable: a `$` in the value names no other one.
            names = re.split(r"[:?+!]*=", named, maxsplit=1)[0]
            if re.match(r"PYTHONPATH\b", names) or "$" in names:
                return {"PYTHONPATH": (Value(None, "PYTHONPATH"), line_range)}
        elif words[:1] == [".EXPORT_ALL_VARIABLES:"]:
            exports_all = True
        elif words[:1] in (["include"], ["-include"], ["sinclude"]) or re.match(r"\s*PYTHONPATH\s*[:?+!]*=", line):
            place = place or line_range
    return {"PYTHONPATH": (Value(None, "PYTHONPATH"), place)} if exports_all and place is not None else {}


def _drop_recipe_tabs(placed: Placed) -> Placed:
    text, places = placed.text, placed.places
    keep = [i for i in range(len(text)) if not (text[i] == "\t" and i > 0 and text[i - 1] == "\n")]
    return Placed("".join(text[i] for i in keep), tuple(places[i] for i in keep) + (places[-1],), placed.verbatim)


def script_launches(ctx: CommandContext) -> list[Launch]:
    """A shell script: its folder after `cd "$(dirname "$0")"`; before any `cd`, wherever it is
    started from, so every folder the project offers (the script's and the workspace's)."""
    lines = ctx.source.lines
    if not lines:
        return []
    placed = whole_text(lines)
    production_start = _production_start_running(ctx)
    info = CommandInfo("shell", production=production_start is not None, where=production_start or "the script")
    script = ctx.source.path
    found = []
    starts = [host_directory(ctx.folder, "the script's folder")]
    if ctx.workspace.root != ctx.folder:
        starts.append(host_directory(ctx.workspace.root, "the workspace folder"))
    by_start = [shell_launches(ctx, placed, info, Setting.DEVELOPMENT, start, {}, script) for start in starts]
    for launches in zip(*by_start, strict=False):
        # The launch of a start its `cd` could follow (`cd ./backend/app` from the project folder, not from the
        # script's): its folder is the one the command runs in (the requirements found there, its versions).
        first = next((launch for launch in launches if _followed(launch)), launches[0])
        paths = [launch.find_search_paths for launch in launches]
        first.find_search_paths = _merged(ctx, first, paths, {ctx.folder, ctx.workspace.root})
        found.append(first)
    return found


def _followed(launch: Launch) -> bool:
    edits = launch_edits(launch)
    return edits is not None and bool(edits.directories) and all(edits.directories)


# Where a program named without a folder (`ENTRYPOINT ["entrypoint.sh"]`) is found in an image.
_IMAGE_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


def _production_start_running(ctx: CommandContext) -> str | None:
    """How messages name the production start that runs the checked script: the final stage of a Dockerfile
    (in the script's folder or above it) whose ENTRYPOINT or CMD runs the file its COPY lines put there, the
    web process of a Procfile, or a platform's start command (Railway, Render); None when none is known to.
    Neither the script nor the start may be named for development, and a start run only on a condition does not
    count."""
    script = ctx.source.path
    for path, kind, text in _start_files_above(ctx, ("dockerfile", "procfile", *PLATFORM_FILES)):
        assert script is not None  # _start_files_above yields nothing for a file with no path
        shown = _shown(ctx, path)
        if kind == "procfile" and _procfile_web_runs(text, path.parent, script):
            return f"the script run by {shown}'s web process"
        if kind in PLATFORM_FILES and _platform_start_runs(ctx, kind, path, text, script):
            return f"the script run by {shown}'s start command"
        keyword = _image_start_running(ctx, path, text, script) if kind == "dockerfile" else None
        if keyword is not None:
            return f"the script run by {shown}'s {keyword}"
    return None


# The file each start-file kind usually is: one appearing in a folder looked in changes the verdict.
_USUAL_NAMES = {"dockerfile": "Dockerfile", "procfile": "Procfile"}


def _start_files_above(ctx: RuleContext, kinds: tuple[str, ...]) -> Iterator[tuple[Path, str, str]]:
    """The files of these kinds (told by name) in the checked file's folder and each one above it up to the
    workspace root, each (path, kind, text): none named for development, nor for a checked file that is."""
    script, root = ctx.source.path, ctx.workspace.root
    if script is None or not script.is_relative_to(root) or named_for_development(script, root):
        return
    for folder in (script.parent, *script.parent.parents):
        for kind in kinds:
            ctx.depends_on(folder / _USUAL_NAMES.get(kind, kind))
        # The module index's listing: one per folder and run, shared with the module lookups.
        for name, kind in _names_of_kinds(ctx.workspace.modules.listing(folder), kinds):
            path = folder / name
            if named_for_development(path, root):
                continue
            ctx.depends_on(path)
            text = ctx.workspace.read_module(path)
            if text is not None:
                yield path, kind, text
        if folder == root:
            return


@functools.lru_cache(maxsize=256)
def _names_of_kinds(names: frozenset[str], kinds: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """A folder's names whose source kind (by name alone) is one of `kinds`, sorted, with their kind: asked for
    every folder up to the root of every file that starts uvicorn, whose listing (one object per folder and run)
    keeps its hash."""
    found = ((name, kind_by_name(name)) for name in sorted(names))
    return tuple((name, kind) for name, kind in found if kind in kinds)


def _shown(ctx: RuleContext, path: Path) -> str:
    """How messages name a start file: "the Dockerfile", or its path in the workspace."""
    return (
        "the " + path.name
        if path.name in ("Dockerfile", "Procfile")
        else path.relative_to(ctx.workspace.root).as_posix()
    )


def _procfile_web_runs(text: str, folder: Path, script: Path) -> bool:
    for line in split_lines(text):
        match = _PROCFILE_PROCESS.match(line)
        if match is not None and match.group(1) == "web":
            commands = _unconditional(shell.commands(span(0, match.end(), line[match.end() :])))
            if any(_same_file(folder / path, script) for path in _programs_run(commands, None)):
                return True
    return False


def _platform_start_runs(ctx: CommandContext, kind: str, path: Path, text: str, script: Path) -> bool:
    """Whether a start command of this platform file runs `script` from the folder it starts in."""
    from . import platforms

    platform = context_for(kind, text, path, ctx.workspace, ctx.settings)
    for start in platforms.shell_starts(platform):
        roots = start.directory.roots_for(".") if start.directory is not None else None
        if roots is None or len(roots) != 1:
            continue
        commands = _unconditional(shell.commands(start.command))
        if any(_same_file(roots[0] / program, script) for program in _programs_run(commands, None)):
            return True
    return False


def python_file_started_in_a_container(ctx: RuleContext) -> str | None:
    """How messages name the Dockerfile start that runs the checked Python file (`CMD ["python", "main.py"]` on
    the file its COPY put there): the final stage of a Dockerfile in the file's folder or above, neither named for
    development, its network not shared with another compose service's; None when none is known to."""
    script = ctx.source.path
    for path, _, text in _start_files_above(ctx, ("dockerfile",)):
        assert script is not None  # _start_files_above yields nothing for a file with no path
        image = context_for("dockerfile", text, path, ctx.workspace, ctx.settings)
        keyword = _image_start_running(image, path, text, script, _python_scripts_run)
        shared = keyword is not None and dockerfile.network_shared_by_compose(image)
        ctx.dependencies |= image.dependencies  # what the verdict was read from, for the file's own result
        if keyword is not None and not shared:
            return f"{_shown(ctx, path)}'s {keyword}"
    return None


ProgramsRun = Callable[[Sequence[Sequence[Argument]], "str | None"], list[str]]
# `python`, `python3`, `python3.12`, also by path (`/usr/local/bin/python`).
_PYTHON_PROGRAM = re.compile(r"python(?:3(?:\.\d+)?)?")
# The interpreter's options that take the next word as their value.
_PYTHON_OPTIONS_WITH_VALUES = frozenset({"-X", "-W", "--check-hash-based-pycs"})


def _python_scripts_run(commands: Sequence[Sequence[Argument]], folder: str | None) -> list[str]:
    """The files commands run with Python, joined to `folder` as `_programs_run` does: a script (`python -u
    main.py`), or a module of the working directory (`python -m app.main`: app/main.py, or app/main/__main__.py
    for a package); not inline code (`-c`)."""
    found: list[str] = []
    for arguments in commands:
        index = program_index(arguments)
        if index is None or not _PYTHON_PROGRAM.fullmatch(posixpath.basename(arguments[index].value)):
            continue
        words = iter(arguments[index + 1 :])
        for argument in words:
            word = argument.value
            if argument.expanded or word.startswith("-c") or word == "-":
                break
            if word.startswith("-m"):
                following = None if word[2:] else next(words, None)
                module = word[2:] or (following.value if following is not None and not following.expanded else "")
                if module and folder is not None and not module.startswith("."):
                    path = posixpath.join(folder, *module.split("."))
                    found.extend((f"{path}.py", posixpath.join(path, "__main__.py")))
                break
            if word.startswith("-"):
                if word in _PYTHON_OPTIONS_WITH_VALUES:
                    next(words, None)
                continue
            found.append(word if posixpath.isabs(word) or folder is None else posixpath.join(folder, word))
            break
    return [posixpath.normpath(path) for path in found]


def _image_start_running(
    ctx: CommandContext, path: Path, text: str, script: Path, programs_run: ProgramsRun | None = None
) -> str | None:
    """ENTRYPOINT or CMD: the instruction of the Dockerfile's final stage whose start runs `script` (as a program
    or shell script; `programs_run` tells the files another way runs, such as Python's)."""
    stage_list, preamble = dockerfile.stages_of(text)
    if not stage_list or not dockerfile.own_folder_is_the_context(ctx, path):
        return None
    final = stage_list[-1]
    if final.name and DEVELOPMENT_WORDS.search(final.name):
        return None
    build_context = dockerfile.read_build_context(ctx, path.parent, path)
    chain = dockerfile.chain(stage_list, len(stage_list) - 1) or [final]
    state = dockerfile.image_state(chain, preamble, path.parent, build_context)
    workdir = state.workdir if state.workdir_known else None

    def runs_script(commands: Sequence[Sequence[Argument]]) -> bool:
        return any(
            (host := _copied_from(state.layout, program)) is not None and _same_file(host, script)
            for program in (programs_run or _programs_run)(commands, workdir)
        )

    joined_exec = dockerfile.exec_start(state)
    if joined_exec is not None:  # exec forms: the program is in the ENTRYPOINT, or in the CMD that follows it
        entrypoint = [argument for argument in joined_exec if argument.group == 0]
        if state.entrypoint is not None and runs_script([entrypoint]):
            return "ENTRYPOINT"
        return "CMD" if runs_script([joined_exec]) else None
    first = state.entrypoint or state.cmd
    if first is None or dockerfile.exec_arguments(first, 0) is not None:
        return None  # a shell-form CMD after an exec-form ENTRYPOINT is only its arguments
    return first.keyword if runs_script(_unconditional(shell.commands(first.text))) else None


def _unconditional(commands: list[shell.Command]) -> list[list[Argument]]:
    """The arguments of the commands that run whatever happens."""
    return [word_arguments(command) for command in commands if not command.conditional]


def _programs_run(commands: Sequence[Sequence[Argument]], folder: str | None) -> list[str]:
    """The files commands run as programs or shell scripts (`/entrypoint.sh`, `sh start.sh`, `exec ./run.sh`):
    relative paths joined to `folder` (kept relative when it is None), names without a folder looked up on an
    image's PATH when `folder` is an image's. A word only the shell knows ends the look at its command."""
    found: list[str] = []
    for arguments in commands:
        index = program_index(arguments)
        if index is None:
            continue
        program = arguments[index].value
        if posixpath.basename(program) in SHELLS:
            options = list(itertools.takewhile(lambda argument: argument.value.startswith("-"), arguments[index + 1 :]))
            if any("c" in option.value[1:] and not option.value.startswith("--") for option in options):
                continue  # `sh -c TEXT`: a script given as text
            index += 1 + len(options)
            if index >= len(arguments) or arguments[index].expanded:
                continue
            program = arguments[index].value
        elif "/" not in program:
            if folder is not None and posixpath.isabs(folder):
                found.extend(posixpath.join(place, program) for place in _IMAGE_PATH)
            continue
        if posixpath.isabs(program) or folder is None:
            found.append(program)
        else:
            found.append(posixpath.normpath(posixpath.join(folder, program)))
    return found


def _copied_from(layout: ContainerLayout, path: str) -> Path | None:
    """The build context's file a COPY puts at the image's `path`, also in a folder the base image fills
    (`COPY entrypoint.sh /usr/local/bin/`), where only a copy to that very name tells."""
    found = image_file(layout, path)
    if found.origin is Origin.COPIED:
        return found.host
    return next((host for target, host, is_folder in reversed(layout.copies) if target == path and not is_folder), None)


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _merged(ctx: CommandContext, launch: Launch, finders, start_folders: set[Path]):
    """The starts are guesses at one folder the script is started from: a string loads if it loads from
    any of them (fastapi_rbac's entrypoint in scripts/docker/ runs from the project folder), so their
    search paths become one, the start folders first. A module found from no guess but in another
    folder of the project (Base_fastapi_app's docker/app.sh runs in the image's WORKDIR, the app's
    folder) says where the script is started: not judged, unless a `cd` fixed the folder."""

    def find():
        merged = []
        found_by_start = set()
        for finder in finders:
            paths = finder()
            if not paths:
                return []
            found_by_start.add(tuple(path.roots for path in paths))
            merged.extend(path for path in paths if path.roots not in {known.roots for known in merged})
        # Different starts that end in one folder: a `cd` (`cd "$(dirname "$0")/.."`) fixed it, nothing is guessed.
        fixed_by_cd = len(finders) > 1 and len(found_by_start) == 1
        guessed = not fixed_by_cd and all(path.roots[0] in start_folders for path in merged if path.roots)
        if guessed and _module_elsewhere(ctx, launch, merged):
            return []
        if len(merged) < 2:
            return merged
        command = " or ".join(dict.fromkeys(path.launch.command for path in merged))
        starts = [path.roots[0] for path in merged if path.roots]
        roots = tuple(dict.fromkeys([*starts, *(root for path in merged for root in path.roots)]))
        started = dataclasses.replace(merged[0].launch, command=command)
        return [SearchPath(started, roots, all(path.usual for path in merged))]

    return find


def _module_elsewhere(ctx: CommandContext, launch: Launch, paths: list[SearchPath]) -> bool:
    """The launch's import string names a module that no guessed start finds but a folder of the
    project (two levels down at most, or above it up to the repository's top) holds."""
    candidates = launch.app.value.candidates if launch.app is not None else None
    text = candidates[0] if candidates else None
    module = text.partition(":")[0] if isinstance(text, str) and ":" in text else ""
    if not module or module.startswith("."):
        return False
    index = ctx.workspace.modules

    def finds(roots: tuple[Path, ...]) -> bool:
        return isinstance(index.find(module, roots, ctx.depends_on), FoundModule)

    if any(finds(path.roots) for path in paths):
        return False
    root = ctx.workspace.root
    # Above the workspace folder too, up to the repository's top: a service folder of a monorepo (its own
    # pyproject.toml) that is itself the package its image runs from the folder above (`svc.server:app`).
    above = list(project.up_to_the_outer_project(root))[1:]
    return any(finds((folder,)) for folder in [*project.project_folders(root), *above])


def systemd_launches(ctx: CommandContext) -> list[Launch]:
    """`[Service]` ExecStart= (prefixes `-@:+!` dropped), WorkingDirectory=, Environment=."""
    entries = _ini_entries(ctx.source.lines, comment_prefixes=("#", ";"), continuation="\\")
    found = []
    environment: dict = {}
    for section, key, placed in entries:
        if section == "Service" and key == "Environment":
            environment.update(_assignments(placed))
    for section, key, placed in entries:
        if section != "Service" or key != "ExecStart":
            continue
        text = placed.text
        prefixes = text[: len(text) - len(text.lstrip("-@:+!"))]
        placed = placed.sliced(len(prefixes))
        argv0 = re.match(r"(\s*\S+\s+)\S+", placed.text) if "@" in prefixes else None
        if argv0 is not None:  # `@path name args`: the second word is the program's argv[0], not an argument
            placed = joined([placed.sliced(0, argv0.end(1)), placed.sliced(argv0.end())])
        # The program's path keeps its specifiers (`%h/.venv/bin/uvicorn` still names uvicorn).
        program = re.match(r"\s*\S*", placed.text).end()  # type: ignore[union-attr]  # always matches
        arguments = _SYSTEMD_SPECIFIER.sub(_as_shell_expansion, placed.text[program:])
        # systemd has no trailing comments: a noqa comment after the command is more arguments for it.
        placed = placed.substituted(placed.text[:program] + arguments, hash_comments=False)
        info = CommandInfo("systemd", production=True, where="ExecStart")
        found.extend(_program_launches(ctx, placed, info, environment))
    return found


def _program_launches(
    ctx: CommandContext, placed: Placed, info: CommandInfo, environment: Mapping[str, tuple[Value, Range]]
) -> list[Launch]:
    """The launches of a unit's or program's one command (`;` and `&&` are arguments there, no shell reads them),
    with those of the script it hands to a shell: `bash -c 'if ...; then uvicorn ...; else python -m uvicorn ...; fi'`
    starts either."""
    launches = shell_launches(ctx, placed, info, Setting.PRODUCTION, None, environment)
    commands = shell.commands(placed)
    if len(commands) < 2:
        return launches
    second = commands[1].words[0].range.start
    return [launch for launch in launches if launch.range.start < second]


def supervisord_launches(ctx: CommandContext) -> list[Launch]:
    """`[program:x]` command= (split as words, no shell), directory=, environment=."""
    entries = _ini_entries(ctx.source.lines, comment_prefixes=("#", ";"), continuation=None)
    found = []
    for section, key, placed in entries:
        if not section.startswith("program:") or key != "command":
            continue
        environment: dict = {}
        for other_section, other_key, other in entries:
            if other_section == section and other_key == "environment":
                environment.update(_assignments(other, separator=","))
        info = CommandInfo("supervisord", production=True, where=f"[{section}]")
        placed = placed.substituted(_SUPERVISORD_EXPANSION.sub(_as_shell_expansion, placed.text))
        found.extend(_program_launches(ctx, placed, info, environment))
    return found


# Expansions the program runner fills in before the command runs: supervisord's `%(ENV_PORT)s`,
# `%(process_num)02d`; systemd's specifiers (`%i`, the instance of a template unit such as api@8000.service).
_SUPERVISORD_EXPANSION = re.compile(r"%\((?P<name>[^)\n]*)\)")
_SYSTEMD_SPECIFIER = re.compile(r"%(?P<name>[A-Za-z])")


def _as_shell_expansion(match: re.Match[str]) -> str:
    """`%(NAME)` as `${NAME}`, `%i` as `$i`, the same length: a value only the runner knows."""
    name = match.group("name")
    return "$" + name if len(match.group()) == 2 else "${" + name + "}"


def _ini_entries(lines: list[str], comment_prefixes: tuple[str, ...], continuation: str | None):
    """(section, key, value) of an INI-like file; the value with its places."""
    found = []
    section = ""
    number = 0
    while number < len(lines):
        line = lines[number]
        stripped = line.strip()
        if not stripped or stripped.startswith(comment_prefixes):
            number += 1
            continue
        if stripped.startswith("[") and "]" in stripped:
            section = stripped[1 : stripped.index("]")].strip()
            number += 1
            continue
        match = re.match(r"^\s*([\w.-]+)\s*[=:]\s*", line)
        if match is None:
            number += 1
            continue
        pieces = []
        current, column = number, match.end()
        while True:
            text = lines[current][column:]
            if continuation and text.rstrip().endswith(continuation) and current + 1 < len(lines):
                body = text.rstrip()
                pieces.append(span(current, column, body[:-1] + " "))
                current += 1
                column = 0
                continue
            if continuation is None:
                value = text
                # supervisord: an inline comment is ` ;` after the value.
                cut = value.find(" ;")
                pieces.append(span(current, column, value if cut < 0 else value[:cut]))
                while current + 1 < len(lines) and lines[current + 1][:1] in (" ", "\t") and lines[current + 1].strip():
                    current += 1
                    indent = len(lines[current]) - len(lines[current].lstrip())
                    pieces.append(span(current, indent - 1, " " + lines[current][indent:]))
                break
            pieces.append(span(current, column, text))
            break
        found.append((section, match.group(1), joined(pieces)))
        number = current + 1
    return found


def _assignments(placed: Placed, separator: str | None = None) -> dict:
    found = {}
    text = placed.text.replace(separator, " ") if separator else placed.text
    fixed = Placed(text, placed.places, placed.verbatim)
    for command in shell.commands(fixed):
        for word in command.words:
            assignment = word.assignment
            if assignment is None:
                continue
            name, value = assignment
            known = not word.expanded and "%(" not in value
            found[name] = (Value((value,) if known else None, value, is_string=known), word.range)
    return found


# ---------------------------------------------------------------------------
# VS Code launch.json


def launch_json_launches(ctx: CommandContext) -> list[Launch]:
    """Configurations with `"module": "uvicorn"` (gunicorn, fastapi) and `args`, run in `cwd`."""
    lines = ctx.source.lines
    if not lines:
        return []
    whole = whole_text(lines)
    try:
        root = jsonc.parse(whole, comments=True)
    except jsonc.JsonError:
        return []
    configurations = root.get("configurations") if isinstance(root, jsonc.JsonObject) else None
    if not isinstance(configurations, jsonc.JsonArray):
        return []
    workspace_folder = ctx.folder.parent if ctx.folder.name == ".vscode" else ctx.workspace.root
    found: list[Launch] = []
    for configuration in configurations.elements:
        if not isinstance(configuration, jsonc.JsonObject):
            continue
        module = configuration.get("module")
        args = configuration.get("args")
        if not isinstance(module, jsonc.JsonString) or module.value not in ("uvicorn", "gunicorn", "fastapi"):
            continue
        arguments = [Argument(module.value, module.range, quote='"', group=0, value_places=known_places(module.placed))]
        if isinstance(args, jsonc.JsonArray):
            for element in args.elements:
                if not isinstance(element, jsonc.JsonString):
                    return found
                expanded = "${" in element.value
                arguments.append(
                    Argument(
                        element.value, element.range, expanded, '"', group=1, value_places=known_places(element.placed)
                    )
                )
        directory = _launch_cwd(configuration.get("cwd"), workspace_folder)
        environment: dict[str, tuple[Value, Range]] = {}
        env = configuration.get("env")
        if isinstance(env, jsonc.JsonObject):
            for key, value in env.entries:
                if isinstance(value, jsonc.JsonString):
                    known = "${" not in value.value
                    environment[key.value] = (
                        Value((value.value,) if known else None, value.value, is_string=known),
                        value.range,
                    )
        if _env_file_sets_pythonpath(ctx, configuration.get("envFile"), workspace_folder):
            environment.setdefault("PYTHONPATH", (Value(None, "PYTHONPATH"), module.range))
        name = configuration.get("name")
        label = name.value if isinstance(name, jsonc.JsonString) else module.value
        info = CommandInfo("launch.json", where=f'configuration "{label}"')
        launch = launch_of(
            ctx, arguments, JsonForm(), info, Setting.DEVELOPMENT, [directory] if directory else None, environment
        )
        if launch is not None:
            found.append(launch)
    return found


def _env_file_sets_pythonpath(ctx: CommandContext, node, workspace_folder: Path) -> bool:
    """The Python debugger loads `envFile`, by default the file the workspace's `python.envFile` setting names,
    else the workspace folder's `.env` when there is one; a file named but not read here may set PYTHONPATH too."""
    if node is None:
        node = _python_env_file_setting(ctx, workspace_folder)
    if node is None:
        default = workspace_folder / ".env"
        ctx.depends_on(default)
        return default.is_file() and layout.env_file_sets_pythonpath(default, ctx.depends_on) is not False
    if not isinstance(node, jsonc.JsonString):
        return True
    value = node.value.replace("${workspaceFolder}", str(workspace_folder)).replace(
        "${workspaceRoot}", str(workspace_folder)
    )
    return "${" in value or layout.env_file_sets_pythonpath(workspace_folder / value, ctx.depends_on) is not False


def _python_env_file_setting(ctx: CommandContext, workspace_folder: Path):
    """`python.envFile` in the workspace's `.vscode/settings.json`: the debugger's default `envFile` (its launch
    resolver reads that setting, whose own default is `${workspaceFolder}/.env`). None when not set; a settings
    file that mentions it but cannot be read gives a value that is not a string (unknown)."""
    settings = workspace_folder / ".vscode" / "settings.json"
    ctx.depends_on(settings)
    try:
        text = settings.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return None
    if "python.envFile" not in text:
        return None
    lines = split_lines(text)
    try:
        root = jsonc.parse(whole_text(lines), comments=True)
    except jsonc.JsonError:
        return jsonc.JsonOther(None, Range.of((0, 0), (0, 0)))
    return root.get("python.envFile") if isinstance(root, jsonc.JsonObject) else None


def _launch_cwd(node, workspace_folder: Path) -> WorkingDirectory | None:
    if node is None:
        return host_directory(workspace_folder, "the workspace folder")
    if not isinstance(node, jsonc.JsonString):
        return None
    value = node.value.replace("${workspaceFolder}", str(workspace_folder)).replace(
        "${workspaceRoot}", str(workspace_folder)
    )
    if "${" in value:
        return None
    folder = Path(os.path.normpath(workspace_folder / value))
    return host_directory(folder, node.value)
