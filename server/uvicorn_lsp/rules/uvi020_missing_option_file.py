"""UVI020: ssl_certfile, ssl_keyfile, ssl_ca_certs, log_config or env_file names a file that does not exist, or
`--reload-dir` a folder that is not where the command starts."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from ..engine import project, uvicorn_facts
from ..engine.commands import start_files
from ..engine.commands.base import WorkingDirectory
from ..engine.commands.image_files import Origin, image_file, image_path
from ..engine.commands.recognise import command_info, first, launch_edits
from ..engine.context import RuleContext
from ..engine.git_ignored import git_ignores
from ..engine.launch import GivenAs, Launch, Option, Server, Setting
from ..engine.model import Finding, Severity
from ..engine.option_files import referenced_file, start_folders
from ..engine.rule import Quoted, Rule, RuleDoc, fit_message

_TLS_FILES = ("ssl_certfile", "ssl_keyfile", "ssl_ca_certs")
_OTHER_FILES = ("log_config", "env_file")
# The command-line options naming a path click refuses when nothing is there (`click.Path(exists=True)`).
_CHECKED_BY_CLICK = (*_OTHER_FILES, "reload_dirs")


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        if launch.setting is Setting.CONTAINER:
            wanted = [
                (option, named[0], False) for option in _file_options(launch) if (named := referenced_file(ctx, option))
            ]
            yield from _missing_in_the_image(ctx, launch, [*wanted, *_reload_dirs(ctx, launch)])
            continue
        for option in _file_options(launch):
            named = referenced_file(ctx, option)
            if named is None or named[1] is not None:
                continue
            name = named[0]
            if Path(name).expanduser().is_absolute() or _ignored(ctx, name) or _named_by_a_project_script(ctx, name):
                continue
            if _may_be_in_the_start_folder(ctx, launch, name):
                continue
            # Where the file was looked for (next to this file, the workspace root) is on the rule page.
            consequence = _consequence(ctx, launch, option)
            message = fit_message(
                "{option}" + ("" if name in option.written else " ('{name}')") + ": no such file; {consequence}",
                option=Quoted(option.written),
                name=Quoted(name),
                consequence=consequence,
            )
            yield ctx.finding(RULE, message, option.range)
        finding = _missing_reload_dir(ctx, launch)
        if finding is not None:
            yield finding


def _reload_dirs(ctx: RuleContext, launch: Launch) -> list[tuple[Option, str, bool]]:
    """The folders `--reload-dir` (or UVICORN_RELOAD_DIRS) names, in click's order, where click checks that they
    exist: the `uvicorn` command of 0.15 and later, stopped at nothing before (an unknown option: UVI004)."""
    option = launch.option("reload_dirs")
    if (
        option is None
        or option.given_as not in (GivenAs.FLAG, GivenAs.ENVIRONMENT)
        or launch.server is not Server.UVICORN
        or launch.rejections
    ):
        return []
    given = first(option.value) if option.value.known else None
    if option.given_as is GivenAs.ENVIRONMENT and isinstance(given, str):
        given = given.split(":")  # click splits a variable's list of paths at os.pathsep
    if not isinstance(given, list) or not all(isinstance(name, str) and name and "$" not in name for name in given):
        return []  # a word only the running shell knows: the folders before it are not all known to be checked
    if not uvicorn_facts.refuses_missing_reload_dirs(ctx.uvicorn_version_in(launch)):
        return []
    return [(option, name, True) for name in given]


def _missing_reload_dir(ctx: RuleContext, launch: Launch) -> Finding | None:
    """The first reload dir that is not in the folder the command starts in (every start it may have)."""
    directories = _start_folders(launch)
    if not directories or any(directory.image for directory in directories):
        return None  # where it starts is not known, or an image's folder (UVI020 judges those as images)
    info = command_info(launch)
    guessed_start = info is not None and info.source_kind == "shell"
    for option, name, _ in _reload_dirs(ctx, launch):
        if _in_a_start_folder(ctx, directories, name):
            continue
        if guessed_start and start_files.in_a_project_folder(ctx, name):
            continue  # the script's start folder is a guess, and the project has the folder elsewhere
        roots = [root for directory in directories for root in directory.roots_for(name) or ()]
        if any(git_ignores(root, ctx.workspace.root, ctx.depends_on, is_folder=True) for root in roots):
            continue  # made by a build or setup step (`build/`, `logs/`), absent from a fresh clone
        if _named_by_a_project_script(ctx, name) or _named_before(ctx, option, name):
            continue
        message = fit_message(
            "{option}: no folder {name} in {where}; {consequence}",
            option=Quoted(option.written),
            name=Quoted(name),
            where=Quoted(" or ".join(directory.description for directory in directories)),
            consequence=_consequence(ctx, launch, option),
        )
        return ctx.finding(RULE, message, option.range)
    return None


def _may_be_in_the_start_folder(ctx: RuleContext, launch: Launch, name: str) -> bool:
    """Whether the command may start where the file is: a folder it starts in (`cd backend && uvicorn ...
    --env-file .env`, launch.json's `cwd`) has it, or a folder it starts in is not known and a project
    folder has it. uvicorn opens the path from its working directory, not from the checked file's folder."""
    directories = _start_folders(launch)
    if directories is None:
        return start_files.in_a_project_folder(ctx, name)  # `cd "$APP_DIR"`: it may start where the file is
    return _in_a_start_folder(ctx, directories, name)


def _start_folders(launch: Launch) -> list[WorkingDirectory] | None:
    """The folders a command starts in ([] for a launch that is no command); None where one of them is not known."""
    edits = launch_edits(launch)
    if edits is None:
        return []
    known = [directory for directory in edits.directories if isinstance(directory, WorkingDirectory)]
    return known if known and len(known) == len(edits.directories) else None


def _in_a_start_folder(ctx: RuleContext, directories: list[WorkingDirectory], name: str) -> bool:
    """Whether one of the folders the command may start in has (or may have) `name`."""
    return any(start_files.path_exists(directory, name, ctx.depends_on) is not False for directory in directories)


def _named_before(ctx: RuleContext, option: Option, name: str) -> bool:
    """Whether the checked file names the folder as a word elsewhere than in the option: a line of the same
    script, recipe or job may make it before the start (`mkdir -p logs && uvicorn ... --reload-dir logs`)."""
    word = re.compile(r"(?<![^\s\"'=(\[,])(?:\./)?" + re.escape(name.rstrip("/")) + r"(?![\w.-])")
    return len(word.findall(ctx.source.text)) > len(word.findall(option.written))


# Why the image lacks the file, by where the layout says it would come from.
_REASONS = {
    Origin.LEFT_OUT: "left out by .dockerignore",
    Origin.NOT_IN_CONTEXT: "not in the build context",
    Origin.NOT_COPIED: "no COPY or ADD puts it there",
}


def _missing_in_the_image(
    ctx: RuleContext, launch: Launch, wanted: list[tuple[Option, str, bool]]
) -> Iterator[Finding]:
    """The options naming a path (a file, or a folder too) that the image, as its Dockerfile builds it, does not
    hold; one finding per option (click names the first missing reload dir)."""
    edits = launch_edits(launch)
    directories = edits.directories if edits is not None else ()
    image = directories[0].image if len(directories) == 1 and isinstance(directories[0], WorkingDirectory) else None
    if image is None or launch.server is not Server.UVICORN:
        return  # where it starts in the image, or what the image holds, is not known
    layout, folder = image
    reported = set()
    for option, name, is_folder in wanted:
        if "$" in name or option.name in reported:
            continue  # a value only the running shell or compose knows
        path = posixpath.normpath(posixpath.join(folder, name))
        found = image_path(layout, path, folder) if is_folder else image_file(layout, path)
        if found.host is not None:
            ctx.depends_on(found.host)  # made or deleted in the build context: the verdict changes
        if found.origin not in _REASONS or _may_be_mounted_or_built(ctx, path, found.origin, found.host, is_folder):
            continue
        if option.name in _CHECKED_BY_CLICK:  # a flag or UVICORN_* variable: click checks that the path exists
            consequence = "uvicorn exits with status 2"
        else:
            consequence = uvicorn_facts.failure_consequence(launch, 1, ctx.uvicorn_version_in(launch))
        message = fit_message(
            "{option}: no {path} in the image ({reason}) unless mounted at run time; {consequence}",
            "{option}: no {path} in the image ({reason}); {consequence}",
            option=Quoted(option.written),
            path=Quoted(path),
            reason=_REASONS[found.origin],
            consequence=consequence,
        )
        reported.add(option.name)
        yield ctx.finding(RULE, message, option.range)


def _may_be_mounted_or_built(ctx: RuleContext, path: str, origin: Origin, host: Path | None, is_folder: bool) -> bool:
    """A compose file of the project mounts over the path; or a file (folder) the build context lacks here, which
    git ignores, may be in the checkout the image is built from."""
    ignored = host is not None and git_ignores(host, ctx.workspace.root, ctx.depends_on, is_folder)
    if origin is not Origin.LEFT_OUT and ignored:
        return True
    return start_files.mounted_by_the_project(ctx, path)


def _file_options(launch: Launch) -> Iterator[Option]:
    """The file options uvicorn opens: TLS files only when TLS is on and no factory builds the context."""
    tls_on = any(_given(launch.option(name)) for name in ("ssl_certfile", "ssl_keyfile"))
    names = (*_TLS_FILES, *_OTHER_FILES) if tls_on and launch.option("ssl_context_factory") is None else _OTHER_FILES
    for name in names:
        option = launch.option(name)
        if option is not None and _given(option):
            yield option


def _given(option: Option | None) -> bool:
    return option is not None and option.value.truthy() is True


def _ignored(ctx: RuleContext, name: str) -> bool:
    return any(git_ignores(folder / name, ctx.workspace.root, ctx.depends_on) for folder in start_folders(ctx))


# Files that run commands before a start: a script there may make the file (`openssl ... -out certs/cert.pem`).
_SCRIPTS = ("*.sh", "Makefile", "makefile", "GNUmakefile", "justfile", "Justfile")


def _named_by_a_project_script(ctx: RuleContext, name: str) -> bool:
    """Whether another script or Makefile of the project (beside the checked file, or in the workspace folder and
    two levels below it) names the file: it may make it before the start (`make cert`, `cp .env.example .env`)."""
    checked, root = ctx.checked_path(), ctx.workspace.root
    folders = dict.fromkeys([*([checked.parent] if checked else []), root, *project.project_folders(root)])
    for folder in folders:
        for script in sorted({path for pattern in _SCRIPTS for path in folder.glob(pattern)}):
            if script == checked:
                continue
            ctx.depends_on(script)
            text = ctx.workspace.read_module(script)
            if text is not None and name in text:
                return True
    return False


def _consequence(ctx: RuleContext, launch: Launch, option: Option) -> str:
    if option.given_as in (GivenAs.FLAG, GivenAs.ENVIRONMENT) and option.name in _CHECKED_BY_CLICK:
        return f"{launch.described} exits with status 2 before starting"  # click checks that the path exists
    if option.name == "env_file":
        return "uvicorn serves without its variables"  # python-dotenv skips a missing file
    return f"uvicorn cannot open it (FileNotFoundError), so {ctx.failure_consequence(launch, 1)}"


RULE = Rule(
    code="UVI020",
    name="missing-option-file",
    summary="`ssl_certfile`, `ssl_keyfile`, `ssl_ca_certs`, `log_config` or `env_file` names a file the project (or the container's image) does not have, or `--reload-dir` a folder that is not there.",
    severity=Severity.WARNING,
    check=check,
    judges_commands=True,
    doc=RuleDoc(
        what="""
            Finds launches whose file options name, by a string known from the code, a relative path
            that exists neither next to the analysed file, nor above its package (where `python -m` starts
            it), nor in the workspace root, nor where a command line starts (a script's or recipe's folder
            after `cd`, launch.json's `cwd`): `ssl_certfile`,
            `ssl_keyfile` and `ssl_ca_certs` (when TLS is on and no `ssl_context_factory` is given, since
            uvicorn reads them only then), `log_config` and `env_file` (and their command-line flags).

            Silent for paths git ignores (by the `.gitignore` files and `.git/info/exclude`: `.env` and
            `*.pem` usually are, so they are missing from every fresh clone and CI checkout), for paths
            another script or Makefile of the project names (it may make the file first: `make cert`,
            `cp .env.example .env`), and for absolute paths (they point outside the project, where the
            analysis cannot look).

            In a container (a Dockerfile's `CMD`/`ENTRYPOINT`, a compose service with `build:`) the path is
            looked for in the image, from the working directory there: reported when no `COPY`/`ADD` puts
            it there, when a copied folder's file is left out by the `.dockerignore`, or when the build
            context lacks it (unless git ignores it: the checkout the image is built from may have it).
            Silent whenever the image is not clear: a layout the `COPY` lines do not make clear (another
            stage or image, a URL, an unknown build context), a `RUN` that may write files (anything but
            package installs and user or mode changes), a `VOLUME`, compose `volumes:` over the path or a
            parent (and `secrets:`, `configs:`, `extends:`) in the service or in any compose file of the
            project's folders that may run the image, a `docker run -v` over it in a script of those folders or a
            CI workflow (a deploy job mounting `/etc/letsencrypt/live/site:/certs`), a `$VAR`, or a path in the
            base image's own folders
            (`/etc`, `/usr`). Always a warning, never an error: the file may be made or mounted at deploy
            time.

            `--reload-dir` (and `UVICORN_RELOAD_DIRS`) on a `uvicorn` command line is looked for where the
            command starts, when that is known: a Makefile's folder (after `cd`), a script's, a pyproject task's,
            a workflow step's, launch.json's `cwd`; in an image from its working directory as above, where a
            `WORKDIR`, and any `RUN` that may make folders (`mkdir`, a venv, `pip install -e .`), counts as
            making it. Silent for a `$VAR` or an absolute host path, a folder git ignores or that the file itself
            or another script of the project names (it may make it first), a script's folder when the project has
            the path elsewhere (the script may be started there), a Procfile (as for its files), and uvicorn
            before 0.15, which took any path. `uvicorn.run(reload_dirs=[...])` is never reported: uvicorn only
            warns and watches the working directory.
        """,
        why="""
            uvicorn opens these files at startup, relative to its working directory:

            - a TLS file that is missing stops it with `FileNotFoundError` (exit status 1; under reload
              the reloader keeps running with no server; under `workers` each worker dies that way and
              is replaced by another, without end);
            - a missing `log_config` file stops it the same way;
            - a missing `env_file` given to `uvicorn.run` is skipped without a word by python-dotenv: the
              server starts without the variables the file was meant to set;
            - on the command line, `--env-file` and `--log-config` naming no file, and `--reload-dir` naming
              no folder (uvicorn 0.15 and later), are refused before starting (`Path '...' does not exist`,
              exit status 2); a container stops with that status as soon as it starts.
        """,
        example="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", log_config="logging.yaml")
        """,
        use_instead="""
            from pathlib import Path

            import uvicorn

            if __name__ == "__main__":
                # The file next to this one, whatever the working directory.
                uvicorn.run("main:app", log_config=str(Path(__file__).with_name("logging.yaml")))
        """,
        fix="None: only you know where the file is, or whether it is made at deploy time.",
        fix_safety="No fix is offered.",
        notes="""
            uvicorn resolves the path against the working directory it is started in, which the
            analysis cannot always know: the rule looks next to the file, in the workspace root and, for a
            command line, in the folder it starts in, and says nothing when one has it (or, where that folder
            is not known, when a folder of the project has it). A file found there is watched, so creating it clears the warning.
            In a container the working directory is the image's (`WORKDIR`, compose `working_dir`), and
            the Dockerfile, the `.dockerignore` and the build context's file are watched alike.
        """,
        notebooks="""
            Checked like any Python file: relative names are looked for next to the notebook (a kernel's
            working directory is the notebook's folder) and in the workspace root.
        """,
        command_example="""
            # run.sh
            uvicorn main:app --log-config logging.yaml
        """,
        command_use_instead="""
            # run.sh (the file next to this script, whatever the working directory)
            uvicorn main:app --log-config "$(dirname "$0")/logging.yaml"
        """,
        command_language="sh",
    ),
)
