"""What every command-line source shares: the rule context of a non-Python file, working
directories (on the host or in a container), and turning shell text into launches."""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .. import layout
from ..config import Settings
from ..context import RuleContext
from ..launch import Launch, Option, SearchPath, Server, Setting
from ..model import Range
from ..module_index import MissingModule, ModuleIndex
from ..project import requirement_lines
from ..source import Noqa, SourceFile
from ..text_cache import TextCache
from ..values import Value
from ..workspace import Workspace
from . import shell
from .dockerignore import BuildContext
from .options import OptionTable
from .recognise import (
    Argument,
    CommandInfo,
    Form,
    ParsedCommand,
    ScriptForm,
    build_launch,
    first,
    launch_edits,
    parse,
    shell_script,
)
from .text import Placed

if TYPE_CHECKING:
    from parso.python.tree import Module

Environment = Mapping[str, tuple[Value, Range]]
_JSONC_NOQA = re.compile(r"//\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


class CommandSource(SourceFile):
    """A non-Python file's text: `# noqa` as in Python; in JSONC, `// noqa` on the line or the line before."""

    def __init__(self, text: str, path: Path | None, jsonc: bool = False):
        super().__init__(text, path)
        self._jsonc = jsonc

    @cached_property
    def _parsed(self) -> tuple[Module, int | None]:
        """No Python code: the views of Python code (imports, names) see an empty module, and the text is never
        parsed as Python (a Dockerfile's lines read as Python cost a parse and name nothing)."""
        from parso.python.tree import EndMarker
        from parso.python.tree import Module as PythonModule

        return PythonModule([EndMarker("", (1, 0))]), None

    @cached_property
    def broken_lines(self) -> frozenset[int]:  # type: ignore[override]
        return frozenset()  # not Python: each source's own reader finds no launch where its format is broken

    def _starts_comment(self, line: int, column: int) -> bool:
        return True  # a line's first `#` (the formats' own readers say where a comment can be written)

    @cached_property
    def noqa_by_line(self) -> dict[int, Noqa]:
        if not self._jsonc:
            return super().noqa_by_line
        result: dict[int, Noqa] = {}
        if "noqa" not in self.text.lower():
            return result
        for number, line in enumerate(self.lines):
            match = _JSONC_NOQA.search(line)
            if match is None:
                continue
            codes = match.group("codes")
            noqa = Noqa(None if codes is None else frozenset(re.split(r"[,\s]+", codes.upper())))
            result[number] = noqa
            if not line[: match.start()].strip():  # a comment line of its own covers the next line
                result.setdefault(number + 1, noqa)
        return result


class CommandContext(RuleContext):
    """What a rule sees of a non-Python file: its command launches, and the same services as
    for Python (settings, workspace, findings, dependencies). Python-only views are empty."""

    is_python = False

    def __init__(
        self,
        source: SourceFile,
        workspace: Workspace,
        settings: Settings,
        find_launches: Callable[[CommandContext], list[Launch]],
        kind: str,
    ):
        super().__init__(source, workspace, settings)
        self._find_launches = find_launches
        self.kind = kind  # which source: "dockerfile", "compose", "procfile"... (`commands.source_kind`)
        # Lines [first, last) of one part (a compose service) whose launches alone are wanted (`carry_over`).
        self.only_lines: tuple[int, int] | None = None

    @cached_property
    def launches(self) -> list[Launch]:  # type: ignore[override]
        return self._find_launches(self)

    @cached_property
    def uvicorn_calls(self) -> list:  # type: ignore[override]
        return []

    @cached_property
    def installed_projects(self) -> tuple[Path, ...]:
        """The project folders of the workspace this file's commands `pip install` (`pip install -e ./backend`
        in a Makefile target, a workflow step, a script, or listed in a requirement file it installs), as paths
        from the file's folder: then their packages import wherever the file's commands run, as for a project
        installed at the top."""
        found: list[Path] = []
        for relative in [*pip_installed_folders(self.source.text), *self._requirement_file_folders()]:
            if relative.startswith("/"):
                continue
            folder = Path(os.path.normpath(self.folder / relative))
            markers = [folder / name for name in ("pyproject.toml", "setup.py", "setup.cfg")]
            for marker in markers:
                self.depends_on(marker)
            if folder.is_relative_to(self.workspace.root) and any(marker.is_file() for marker in markers):
                found.append(folder)
        return tuple(dict.fromkeys(found))

    def _requirement_file_folders(self) -> list[str]:
        """The folders the requirement files this file's pip installs name list (`./backend`, `-e ./backend`),
        and those of the requirements.txt a platform installs by itself beside a Procfile or a Railway config
        file: pip takes them from the folder it runs in, as it does the same words on its command line."""
        names = pip_install_requirement_files(self.source.text)
        if self.kind in ("procfile", "railway.json", "railway.toml"):
            names.append("requirements.txt")
        found = []
        for name in dict.fromkeys(names):
            if "$" in name:
                continue
            path = self.folder / name
            self.depends_on(path)
            for line in requirement_lines(path):
                found += pip_installed_folders("pip install " + line.split(" #", 1)[0])
        return found

    @cached_property
    def uses_relative_imports(self) -> bool:  # type: ignore[override]
        return False

    @property
    def folder(self) -> Path:
        path = self.source.path
        return path.parent if path is not None else self.workspace.root

    def start_folder(self, launch: Launch) -> Path | None:
        """The one host folder of the project the command starts in (after a script's `cd services/api`): the
        requirements it installs there are those it runs with. None for an image's folder, or one not known."""
        edits = launch_edits(launch)
        directories = edits.directories if edits is not None else ()
        if any(not isinstance(directory, WorkingDirectory) or directory.image for directory in directories):
            return None
        # The script's guessed starts (its own folder, the project's) where its `cd` leads to a folder that is there.
        folders = set()
        for directory in directories:
            roots = directory.roots_for("")
            if roots is not None and len(roots) == 1 and roots[0].is_dir():
                folders.add(roots[0])
        if len(folders) != 1:
            return None
        [folder] = folders
        return None if folder == self.folder or not folder.is_relative_to(self.workspace.root) else folder


# ---------------------------------------------------------------------------
# Working directories


@dataclass(frozen=True)
class WorkingDirectory:
    """Where a command starts, as host folders: `roots_for(relative)` are the host folders
    that show what `<working directory>/<relative>` holds (None when that is not known)."""

    description: str  # "the Makefile's folder", "/code in the image"
    roots_for: Callable[[str], tuple[Path, ...] | None]
    extra_roots: tuple[Path, ...] = ()  # the project installed into the environment (`pip install .`)
    # The image's build context when its ignore files hold back some of the host files shown.
    build_context: BuildContext | None = None
    # In a container: the image's layout and the folder there (for the files options name).
    image: tuple[ContainerLayout, str] | None = field(default=None, compare=False)

    def moved(self, relative: str) -> WorkingDirectory | None:
        """After `cd relative`."""
        roots = self.roots_for(relative)
        if roots is None or len(roots) != 1 or not roots[0].is_dir():
            return None  # a folder the project does not have (yet): where the command runs is not known
        return host_directory(roots[0], f"{self.description}/{relative}")


_PIP_INSTALL = re.compile(r"(?:\bpip3?|\buv pip|python3? -m pip)\s+install\b([^&;|\n]*)")
_REQUIREMENT_FILE_OPTION = re.compile(r"(?:^|\s)(?:-r|--requirement)(?:\s+|=)([\"']?)([^\s\"']+)\1")


def pip_install_requirement_files(text: str) -> list[str]:
    """The requirement files (`-r docs/requirements.txt`) the pip installs of `text` name, as written."""
    return [path for arguments in _PIP_INSTALL.findall(text) for _, path in _REQUIREMENT_FILE_OPTION.findall(arguments)]


def pip_install_words(text: str) -> list[str]:
    """What the pip installs of `text` install besides requirement files: requirements (`uvicorn==0.13.3`),
    folders (`./backend`) and options, unquoted."""
    return [
        word.strip("\"'")
        for arguments in _PIP_INSTALL.findall(text)
        for word in _REQUIREMENT_FILE_OPTION.sub(" ", arguments).split()
    ]


# `cd backend &&` (or `;`) just before a pip install on its line: the folder the install runs in.
_CD_BEFORE = re.compile(r"""(?:^|[;&|(]\s*|\s)cd\s+(["']?)([^\s;&|"'$~]+)\1\s*(?:&&|;)\s*(?:\S*/)?$""")


def pip_installed_folders(text: str) -> list[str]:
    """The folders whose projects the pip installs of `text` install, as paths from where the command starts:
    `./backend`, `backend/`, `-e backend` (pip takes a name with a `/`, or an existing folder given to `-e`, as a
    path; a bare `backend` is a requirement on the index), `.` after `cd backend &&` (`backend`)."""
    found = []
    for match in _PIP_INSTALL.finditer(text):
        before = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
        # A `cd` not followed (`cd $APP_DIR && pip install ./lib`) leaves the words read from the start folder.
        changed = _CD_BEFORE.search(before)
        editable = False
        for word in _REQUIREMENT_FILE_OPTION.sub(" ", match.group(1)).split():
            word = word.strip("\"'")
            if word in ("-e", "--editable"):
                editable = True
                continue
            if word.startswith("--editable="):
                word, editable = word.removeprefix("--editable="), True
            folder = word.split("[", 1)[0]
            path_like = folder in (".", "..") or "/" in folder or (editable and not folder.startswith("-"))
            if path_like and "$" not in folder and "://" not in folder and not folder.startswith(("~", "-")):
                found.append(posixpath.normpath(posixpath.join(changed.group(2), folder)) if changed else folder)
            editable = False
    return found


def host_directory(folder: Path, description: str) -> WorkingDirectory:
    return WorkingDirectory(description, lambda relative: (Path(os.path.normpath(folder / relative)),))


@dataclass
class ContainerLayout:
    """Where the files of an image come from: container paths filled from host folders by COPY/ADD,
    bind mounts, and container paths written by something not followed (another stage, a URL)."""

    copies: list[tuple[str, Path, bool]] = field(default_factory=list)  # (container path, host path, is folder)
    unknown: list[str] = field(default_factory=list)
    installed_projects: list[Path] = field(default_factory=list)  # host folders `pip install .` (`./backend`) installs
    build_context: BuildContext | None = None  # what the host paths under it hide (.dockerignore)
    # Container paths where files may lie that no COPY/ADD put there (a RUN that may write files, a VOLUME, a
    # compose mount); None when the image is not built from a Dockerfile read here (its files are not known).
    unlisted_files: list[str] | None = None
    # What RUN lines install: the image paths of requirement files (`pip install -r docs/requirements.txt`) and
    # the requirements written on the line (`pip install uvicorn==0.13.3`).
    installed_files: list[str] = field(default_factory=list)
    installed_requirements: list[str] = field(default_factory=list)
    # Folders the build makes without copying anything into them: every WORKDIR (with its parents), and any
    # folder at all where a RUN may make one (`mkdir`, a venv, `pip install -e .`).
    workdirs: list[str] = field(default_factory=list)
    run_may_make_folders: bool = False

    def mount(self, target: str, host: Path, is_folder: bool) -> None:
        """A bind mount: the host path shows at `target`, over what the image put there."""
        self.copies = [copy for copy in self.copies if not is_under(copy[0], target)]
        self.unknown = [place for place in self.unknown if not is_under(place, target)]
        self.copies.append((target, host, is_folder))

    def roots(self, folder: str) -> tuple[Path, ...] | None:
        """Host folders that, put on sys.path, show the modules the container folder holds."""
        # Kept by what they are worked out from: the services of a compose file mostly share one image.
        key = (tuple(self.copies), tuple(self.unknown), folder)
        return _ROOTS.get(key, lambda: self._roots(posixpath.normpath(folder)))

    def _roots(self, folder: str) -> tuple[Path, ...] | None:
        if any(overlaps(place, folder) for place in self.unknown):
            return None
        roots: list[Path] = []
        touched = False
        for target, host, is_folder in self.copies:
            if is_folder and is_under(folder, target):
                roots.append(host.joinpath(*_parts(posixpath.relpath(folder, target))))
                touched = True
                continue
            if not is_under(target, folder) or target == folder:
                continue
            touched = True
            if not is_folder and not host.name.endswith(".py"):
                continue  # requirements.txt and the like: no module
            inside = _parts(posixpath.relpath(target, folder))
            if host.parts[-len(inside) :] != tuple(inside):
                return None  # copied under another name: no host folder shows it
            base = host
            for _ in inside:
                base = base.parent
            roots.append(base)
        return tuple(dict.fromkeys(roots)) if touched else None


_ROOTS: TextCache[tuple, tuple[Path, ...] | None] = TextCache(1024)


def _parts(relative: str) -> list[str]:
    return [part for part in relative.split("/") if part not in ("", ".")]


def is_under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def overlaps(first: str, second: str) -> bool:
    return is_under(first, second) or is_under(second, first)


def container_directory(layout_: ContainerLayout, path: str, description: str) -> WorkingDirectory:
    def roots_for(relative: str) -> tuple[Path, ...] | None:
        return layout_.roots(posixpath.join(path, relative))

    return WorkingDirectory(
        description,
        roots_for,
        _import_roots(layout_.installed_projects),
        layout_.build_context,
        (layout_, posixpath.normpath(path)),
    )


def _import_roots(projects: Iterable[Path]) -> tuple[Path, ...]:
    """Where the packages of installed projects import from: each project's folder, and its `src/` layout."""
    return tuple(root for project in projects for root in (project, project / "src"))


def search_paths(
    ctx: CommandContext,
    directories: list[WorkingDirectory],
    app_dir: Option | None,
    via_python: bool,
    module: str | None = None,
    pythonpath: tuple[str, ...] = (),
) -> list[SearchPath]:
    """sys.path of the command per working directory: `--app-dir` (default: the working
    directory) first, as uvicorn's CLI inserts it; `python -m` also puts the working directory;
    then the image's PYTHONPATH folders (`pythonpath`, image paths or relative to the working directory).
    In an image whose `.dockerignore` hides files, sys.path is as the image shows it to `module`."""
    relative = "."
    if app_dir is not None:
        given = first(app_dir.value) if app_dir.value.known else None
        if not isinstance(given, str):
            return []
        relative = given or "."
    installed = ctx.workspace.modules.installed_roots
    found = []
    for directory in directories:
        if (
            directory.image is None
            and posixpath.isabs(relative)
            and not Path(relative).is_relative_to(ctx.workspace.root)
        ):
            # `--app-dir /app/src` on this host names a folder outside the project: a script an image runs means
            # the image's folder, not known here.
            return []
        roots = directory.roots_for(relative)
        if roots is None:
            return []  # one start the analysis cannot follow: say nothing rather than guess
        if via_python and relative != ".":
            here = directory.roots_for(".")
            if here is None:
                return []
            roots = roots + here
        on_pythonpath: list[Path] = []
        for entry in pythonpath:
            shown_there = directory.roots_for(entry)
            if shown_there is None:
                return []  # a PYTHONPATH folder the image's layout does not show (another stage, the base image)
            on_pythonpath += shown_there
        roots = roots + tuple(on_pythonpath)
        shown_root = roots[0] if roots else ctx.folder
        # A project the file's commands install is on sys.path wherever they run on this host.
        by_the_file = () if directory.image else _import_roots(ctx.installed_projects)
        path = tuple(dict.fromkeys((*roots, *directory.extra_roots, *by_the_file, *installed)))
        if directory.build_context is None:
            found.append(SearchPath(layout.Launch("command", directory.description, shown_root), path, True))
            continue
        if module is None:
            return []
        by_builder: dict[tuple[Path, ...], list[str]] = {}
        for builder, context in directory.build_context.by_builder():
            shown = _as_the_image_shows(ctx, path, context, module)
            if shown is None:
                return []  # the ignored files change this import in a way not followed: say nothing
            by_builder.setdefault(shown, []).append(builder)
        # Builders whose ignore files show the import alike are one launch; where they differ, each is named.
        for shown, builders in by_builder.items():
            built_by = f" built by {' and '.join(builders)}" if len(by_builder) > 1 else ""
            found.append(
                SearchPath(layout.Launch("command", directory.description + built_by, shown_root), shown, True)
            )
    return found


def _as_the_image_shows(
    ctx: CommandContext, roots: tuple[Path, ...], context: BuildContext, module: str
) -> tuple[Path, ...] | None:
    """`roots` (host folders) as the image shows them to `import module`, where the build context's
    `.dockerignore` left files out: unchanged when no file the import meets is left out; without
    a root whose candidates for the top-level name are all left out (`main.py` ignored: `main`
    is not found there); None when left-out files change the import otherwise."""
    met: list[Path] = []

    def record(path: Path) -> None:
        met.append(path)
        ctx.depends_on(path)

    index = ctx.workspace.modules
    found = index.find(module, roots, record)
    hidden = [path for path in met if _hidden(index, context, path)]
    if not hidden:
        if isinstance(found, MissingModule) and _hides_a_near_name(index, context, found.searched, found.missing):
            return None  # a "did you mean" could name a module the image does not have
        return roots
    top = module.split(".")[0]
    left_out = {path.parent for path in hidden if path.name == f"{top}.py" and path.parent in roots}
    left_out |= {
        path.parent.parent
        for path in hidden
        if path.name == "__init__.py" and path.parent.name == top and path.parent.parent in roots
    }
    if not all(
        any(path.is_relative_to(root / top) or path == root / f"{top}.py" for root in left_out) for path in hidden
    ):
        return None  # a file deeper in the import is left out while its package is there
    for root in left_out:
        module_file, package = root / f"{top}.py", root / top
        if index.is_file(module_file) and not context.hides(module_file):
            return None
        if package.is_dir() and not context.hides_all(package):
            return None  # the package (or part of it) is still there
        if any(entry.startswith(f"{top}.") and entry.endswith(_COMPILED) for entry in index.listing(root)):
            return None
    return tuple(root for root in roots if root not in left_out)


_COMPILED = (".so", ".pyd")


def _hidden(index: ModuleIndex, context: BuildContext, path: Path) -> bool:
    """A path the finder met that the image does not have: a left-out file, or the `__init__.py`
    place of a left-out package or namespace folder."""
    if index.is_file(path):
        return context.hides(path)
    return path.name == "__init__.py" and path.parent.is_dir() and context.hides_all(path.parent)


def _hides_a_near_name(index: ModuleIndex, context: BuildContext, folders: tuple[Path, ...], missing: str) -> bool:
    name = missing.split(".")[-1]
    hidden = [
        entry.split(".")[0]
        for folder in folders
        if folder.is_relative_to(context.folder)
        for entry in index.listing(folder)
        if context.may_hide(folder / entry)
    ]
    return bool(difflib.get_close_matches(name, hidden, n=1, cutoff=0.6))


# ---------------------------------------------------------------------------
# Shell text to launches


def word_arguments(command: shell.Command, group: int = 0, *, globs: bool = False) -> list[Argument]:
    """The command's words as arguments, made once per tokenized command (an edit elsewhere keeps them).
    `globs`: a shell runs the command, and expands a word that is a file name pattern (`*`) to the names
    of the files it matches: only the running shell knows them."""
    made = command.made.get(("arguments", group, globs))
    if made is None:
        made = command.made[("arguments", group, globs)] = tuple(
            Argument(
                word.value,
                word.range,
                word.expanded or (globs and word.pattern),
                word.quote,
                group=group,
                value_places=word.value_placed,
            )
            for word in command.words
        )
    return list(made)


def command_launches(
    ctx: CommandContext,
    arguments: list[Argument],
    form: Form,
    info: CommandInfo,
    setting: Setting,
    directory: WorkingDirectory | None,
    environment: Environment,
    editable: bool = True,
    made: dict | None = None,
) -> list[Launch]:
    """The launches one command makes: the server it starts, or those of the script `sh -c SCRIPT` runs
    (read as shell text at the places SCRIPT's characters have in the file). `made`: the tokenized
    command's memo (shell.Command.made), which keeps what is read from its words alone."""
    wrapper = shell_script(arguments)
    if wrapper is None:
        directories = [directory] if directory else None
        launch = launch_of(ctx, arguments, form, info, setting, directories, environment, editable, made)
        return [] if launch is None else [launch]
    index, assigned = wrapper
    script = arguments[index]
    placed = script.value_places() if script.value_places is not None else None
    if placed is None:
        return []  # where the script's characters are is not known: no finding could be placed
    return shell_launches(
        ctx,
        placed,
        info,
        setting,
        directory,
        {**environment, **assigned},
        form=ScriptForm(),
        editable=placed.as_written_in(ctx.source.lines),
    )


def launch_of(
    ctx: CommandContext,
    arguments: list[Argument],
    form: Form,
    info: CommandInfo,
    setting: Setting,
    directories: list[WorkingDirectory] | None,
    environment: Environment,
    editable: bool = True,
    made: dict | None = None,
) -> Launch | None:
    parsed = _parsed(arguments, ctx.option_table, environment, made)
    if parsed is None:
        return None
    # A launch.json `"module"` is run by debugpy as `python -m` runs it: the working directory on sys.path.
    via_python = info.source_kind == "launch.json" or (
        parsed.program_index > 0 and arguments[parsed.program_index - 1].value == "-m"
    )
    pythonpath = environment.get("PYTHONPATH")
    image_pythonpath = _image_pythonpath(pythonpath[0], directories) if pythonpath is not None else ()
    # What else puts folders on sys.path or moves the start: the import could succeed from anywhere.
    elsewhere = image_pythonpath is None or any(
        argument.value.split("=")[0] in _GUNICORN_ELSEWHERE or argument.value == "-c" for argument in arguments
    )
    runner_words = [argument.value for argument in arguments[: parsed.program_index]]
    for argument in arguments[: parsed.program_index]:  # `PYTHONPATH=src uvicorn`, `uv run --directory x`
        if argument.assignment_name == "PYTHONPATH" or argument.value.split("=")[0] in _RUNNERS_ELSEWHERE:
            elsewhere = True
    if "pdm" in runner_words and "-p" in runner_words[runner_words.index("pdm") :]:
        elsewhere = True  # pdm's `-p` is `--project` (uv's is `--python`): that project's environment runs it
    gunicorn_settings_beyond = parsed.server is Server.GUNICORN and (
        "config" in parsed.options
        or not directories
        or _gunicorn_reads_more_settings(ctx, directories[0], environment, arguments[: parsed.program_index])
    )
    if directories and (
        _env_files_set_pythonpath(ctx, arguments[: parsed.program_index], directories[0])
        or _developer_environment_sets_pythonpath(ctx, info, directories[0])
        or gunicorn_settings_beyond  # they may set `chdir` or `pythonpath`
    ):
        elsewhere = True

    app = first(parsed.app.value) if parsed.app is not None and parsed.app.value.known else None
    module = app.partition(":")[0] if isinstance(app, str) and ":" in app else None

    def find() -> list[SearchPath]:
        if directories is None or elsewhere:
            return []
        return search_paths(ctx, directories, parsed.options.get("app_dir"), via_python, module, image_pythonpath or ())

    return build_launch(
        parsed, form, info, setting, find, ctx.option_table, editable, directories or (), gunicorn_settings_beyond
    )


def _image_pythonpath(value: Value, directories: list[WorkingDirectory] | None) -> tuple[str, ...] | None:
    """PYTHONPATH's folders where an image's `ENV` (or a compose service's `environment:`) gives its one value:
    folders of the image, which its layout shows (an empty entry is the working directory, as Python reads it).
    None where it is set otherwise (an env file, a `$VAR`, a host's shell): the folders it names are not known."""
    text = first(value) if value.known and len(value.candidates or ()) == 1 else None
    if not isinstance(text, str) or not directories or any(directory.image is None for directory in directories):
        return None
    return tuple(entry or "." for entry in text.split(":"))


def _parsed(
    arguments: list[Argument], table: OptionTable, environment: Environment, made: dict | None
) -> ParsedCommand | None:
    """parse(), kept in a tokenized command's memo by the option table and the environment it read
    (a keystroke elsewhere in the file parses none of the other commands again)."""
    if made is None or not arguments:
        return parse(arguments, table, environment)
    key = ("parsed", arguments[0].group, id(table), tuple(environment.items()))
    kept = made.get(key)
    if kept is None or kept[0] is not table:  # the table is kept with the result: its id names no other table
        kept = made[key] = (table, parse(arguments, table, environment))
    return kept[1]


def _env_files_set_pythonpath(ctx: CommandContext, before_program: list[Argument], directory: WorkingDirectory) -> bool:
    """`uv run --env-file FILE` and `pipenv run` (the `.env` it loads when there is one) may set PYTHONPATH;
    an env file named but not found or not readable here may too."""
    named = [argument for argument in before_program if argument.value.startswith("--env-file=")]
    named += [
        following
        for argument, following in zip(before_program, before_program[1:], strict=False)
        if argument.value == "--env-file"
    ]
    if any(argument.expanded for argument in named):
        return True
    checked = [(argument.value.removeprefix("--env-file="), True) for argument in named]
    if any(Path(argument.value).name == "pipenv" for argument in before_program):
        checked.append((".env", False))
    for name, must_exist in checked:
        roots = directory.roots_for(name)
        if roots is None or len(roots) != 1:
            return True
        ctx.depends_on(roots[0])
        if (must_exist or roots[0].exists()) and layout.env_file_sets_pythonpath(roots[0], ctx.depends_on) is not False:
            return True
    return False


# Sources run from a developer's shell, where direnv's `.envrc` applies; Procfile runners (honcho,
# foreman) also load the `.env` next to the Procfile.
_DEVELOPER_SHELL_SOURCES = frozenset({"makefile", "shell", "pyproject", "procfile"})


def _developer_environment_sets_pythonpath(ctx: CommandContext, info: CommandInfo, directory: WorkingDirectory) -> bool:
    if info.source_kind not in _DEVELOPER_SHELL_SOURCES:
        return False
    roots = directory.roots_for(".")
    if roots is None or len(roots) != 1:
        return False
    dotenv = ctx.folder / ".env"
    if info.source_kind == "procfile":
        ctx.depends_on(dotenv)
        if dotenv.is_file() and layout.env_file_sets_pythonpath(dotenv, ctx.depends_on) is not False:
            return True
    return layout.shell_sets_pythonpath(roots[0], ctx.workspace.root, ctx.depends_on)


def _gunicorn_reads_more_settings(
    ctx: CommandContext, directory: WorkingDirectory, environment: Environment, before_program: list[Argument]
) -> bool:
    """gunicorn reads `./gunicorn.conf.py` when it is there, and GUNICORN_CMD_ARGS: either may set any of its
    settings."""
    roots = directory.roots_for("gunicorn.conf.py")
    assigned = {argument.assignment_name for argument in before_program}
    if "GUNICORN_CMD_ARGS" in environment or "GUNICORN_CMD_ARGS" in assigned or roots is None or len(roots) != 1:
        return True
    ctx.depends_on(roots[0])
    return roots[0].exists()


# Sources whose commands are split into words as a shell would, and run without one (no file name patterns).
_RUN_WITHOUT_SHELL = frozenset({"systemd", "supervisord"})
# gunicorn options that change the working directory or sys.path, or read a configuration that may.
_GUNICORN_ELSEWHERE = frozenset({"--chdir", "--pythonpath", "--config", "--paste"})
# Runner and `env` options that start the program in another folder.
_RUNNERS_ELSEWHERE = frozenset({"--directory", "--project", "-C", "--chdir"})
_DIRNAME_OF_SCRIPT = re.compile(
    r'^\$\(\s*dirname\s+"?\$(?:0|\{BASH_SOURCE(?:\[0\])?\}|BASH_SOURCE)"?\s*\)(?P<rest>/.*)?$'
)


def shell_launches(
    ctx: CommandContext,
    placed: Placed,
    info: CommandInfo,
    setting: Setting,
    directory: WorkingDirectory | None,
    environment: Environment,
    script: Path | None = None,
    group: int = 0,
    *,
    form: Form | None = None,
    editable: bool | None = None,
) -> list[Launch]:
    """The launches of a shell text, following `cd` and `pushd` (a literal folder, or the script's own)
    from one command to the next; after a `cd` the analysis cannot follow, none is judged.
    `form` and `editable`: how fixes write into the text (default: plain shell words, where the
    text is the file's own characters)."""
    form = form or Form()
    editable = placed.verbatim if editable is None else editable
    launches = []
    folders = _ShellFolders(directory, environment)
    commands = shell.commands(placed)
    if info.container and _serves_beside_others(commands):
        # `uvicorn --host 127.0.0.1 & nginx`: a loopback bind may well serve the process beside it.
        info = replace(info, container=False)
    for command in commands:
        words = command.words
        current, variables = folders.of(command)
        if words[0].value in ("cd", "pushd") and not words[0].quote:
            folders.move(command, _after_cd(current, words[1:], script))
            continue
        if words[0].value == "popd" and not words[0].quote:
            folders.move(command, None)  # back to a folder the analysis does not follow
            continue
        if _may_set_pythonpath(ctx, current, words):
            # `source .env`, `eval "$(...)"`, `export $(cat .env | xargs)`: PYTHONPATH may be set, to folders the
            # analysis does not see (a dotenv file kept out of the repository, the output of a program).
            variables["PYTHONPATH"] = (Value(None, "PYTHONPATH"), words[0].range)
            continue
        if len(words) == 1 or words[0].value == "export":
            for word in words[1:] if words[0].value == "export" else words:
                assignment = word.assignment
                if assignment is not None:
                    # `export PYTHONPATH="$PWD/lib"`: set, to a value known only when it runs.
                    value = (
                        Value(None, assignment[1])
                        if word.expanded
                        else Value((assignment[1],), assignment[1], is_string=True)
                    )
                    variables[assignment[0]] = (value, word.range)
            if words[0].value == "export" or words[0].assignment is not None:
                continue
        arguments = word_arguments(command, group, globs=info.source_kind not in _RUN_WITHOUT_SHELL)
        # A start taken only on some condition may be the development branch: not judged as production.
        command_info = replace(info, production=False) if command.conditional and info.production else info
        launches += command_launches(
            ctx, arguments, form, command_info, setting, current, variables, editable, command.made
        )
        ends_the_shell = words[0].value == "exit" or (words[0].value == "exec" and len(words) > 1)  # not `exec >log`
        if ends_the_shell and not words[0].quote and not command.conditional and not command.subshells:
            break  # the shell ends here (or becomes the program `exec` runs): no command after it runs
    return launches


def shell_sets_pythonpath(ctx: CommandContext, placed: Placed, directory: WorkingDirectory | None) -> bool:
    """Whether a shell text may leave PYTHONPATH set for the commands after it in the same shell (a
    Makefile recipe's next lines under `.ONESHELL:`): it assigns it, or may (`source .env`)."""
    for command in shell.commands(placed):
        words = command.words
        assigned = words[1:] if words[0].value == "export" and not words[0].quote else words[:1]
        if any(word.assignment is not None and word.assignment[0] == "PYTHONPATH" for word in assigned):
            return True
        if _may_set_pythonpath(ctx, directory, words):
            return True
    return False


def _may_set_pythonpath(ctx: CommandContext, current: WorkingDirectory | None, words: tuple[shell.Word, ...]) -> bool:
    """A command that may set variables other than by naming them: `source FILE` or `. FILE` (a file that sets
    PYTHONPATH, or one not seen here), `eval`, or `export` of words only the running shell knows."""
    program = words[0]
    if program.quote:
        return False
    if program.value == "eval":
        return True
    if program.value == "export":
        return any(word.expanded and word.assignment is None for word in words[1:])
    if program.value not in ("source", "."):
        return False
    if len(words) < 2:
        return True  # `source <(sed 's/^/export /' .env)`: a process substitution, not a file read here
    sourced = words[1]
    if posixpath.basename(sourced.value) in _VIRTUALENV_ACTIVATE:
        return False  # a virtual environment's activation sets PATH and VIRTUAL_ENV, not PYTHONPATH
    roots = None if sourced.expanded or current is None else current.roots_for(sourced.value)
    if roots is None or len(roots) != 1:
        return True
    return layout.env_file_sets_pythonpath(roots[0], ctx.depends_on) is not False


_VIRTUALENV_ACTIVATE = frozenset({"activate", "activate.sh", "activate.bash"})


class _ShellFolders:
    """The working folder and the variables of each subshell of a shell text as its commands run. A subshell
    starts with its parent's and changes only its own. A `cd` run on a condition holds for the commands of its
    own branch, the other branches of that `if` or `case` start from the folder before it, and after them the
    folder is unknown: the shell may or may not have taken it."""

    def __init__(self, directory: WorkingDirectory | None, environment: Environment):
        self._folders: dict[tuple[int, ...], WorkingDirectory | None] = {(): directory}
        self._variables: dict[tuple[int, ...], dict] = {(): dict(environment)}
        # By subshell, innermost last: the branch a `cd` on a condition ran in, and the folder before it.
        self._conditional_cds: dict[tuple[int, ...], list[tuple[tuple[int, ...], WorkingDirectory | None]]] = {}

    def of(self, command: shell.Command) -> tuple[WorkingDirectory | None, dict]:
        """The folder `command` runs in, and the variables it sees (its own subshell's, to change)."""
        scope = command.subshells
        for length in range(len(scope) + 1):
            outer = scope[:length]
            if outer not in self._folders:
                self._folders[outer] = self._folders[scope[: length - 1]]
                self._variables[outer] = dict(self._variables[scope[: length - 1]])
            records = self._conditional_cds.setdefault(outer, [])
            while records and not _within(command.blocks, records[-1][0]):
                branch, before = records[-1]
                if _beside(command.blocks, branch):
                    self._folders[outer] = before
                    break
                self._folders[outer] = None
                records.pop()
        return self._folders[scope], self._variables[scope]

    def move(self, command: shell.Command, folder: WorkingDirectory | None) -> None:
        """`command` (a `cd`, after `of` was asked of it) moves its subshell to `folder`."""
        scope = command.subshells
        records = self._conditional_cds.setdefault(scope, [])
        if command.conditional and not command.blocks:
            folder = None  # `[ -d web ] && cd web`: taken or not, the analysis cannot tell
        elif command.conditional:
            if records and _beside(command.blocks, records[-1][0]):
                branch, before = records.pop()
                records.append((command.blocks[: len(branch)], before))
            if not records or records[-1][0] != command.blocks:
                records.append((command.blocks, self._folders[scope]))
        self._folders[scope] = folder


def _within(blocks: tuple[int, ...], branch: tuple[int, ...]) -> bool:
    return blocks[: len(branch)] == branch


def _beside(blocks: tuple[int, ...], branch: tuple[int, ...]) -> bool:
    """`blocks` is in another branch of the compound command `branch` is one branch of."""
    parent = len(branch) - 1
    return len(blocks) > parent and blocks[:parent] == branch[:parent] and blocks[parent] != branch[-1]


# Servers that front an app inside its own container (started as a program or a service).
_REVERSE_PROXIES = frozenset({"nginx", "openresty", "caddy", "traefik", "haproxy", "envoy", "httpd", "apache2"})
_SERVICE_STARTERS = frozenset({"service", "systemctl", "rc-service"})


def _serves_beside_others(commands: list[shell.Command]) -> bool:
    """Whether a shell text runs more than one server in its container: a command left running in the
    background (`&`), or a reverse proxy started as a program or a service (nginx daemonizes itself)."""
    for command in commands:
        if command.background:
            return True
        names = [
            os.path.basename(word.value)
            for word in command.words
            if word.assignment is None and word.value not in ("exec", "nohup", "sudo")
        ]
        if names and (
            names[0] in _REVERSE_PROXIES
            or (names[0] in _SERVICE_STARTERS and any(name in _REVERSE_PROXIES for name in names[1:]))
        ):
            return True
    return False


def _after_cd(current: WorkingDirectory | None, words: tuple[shell.Word, ...], script: Path | None):
    if not words:
        return None  # `cd` alone: the home folder
    target = words[0]
    if target.expanded:
        match = _DIRNAME_OF_SCRIPT.match(target.value)
        if match is None or script is None:
            return None
        folder = Path(os.path.normpath(script.parent / (match.group("rest") or "/").lstrip("/")))
        return host_directory(folder, f"{folder.name or folder} (the script's folder)")
    if current is None or target.value.startswith(("/", "~", "-")):
        return None
    return current.moved(target.value)
