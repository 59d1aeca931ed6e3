"""UVI020: ssl_certfile, ssl_keyfile, ssl_ca_certs, log_config or env_file names a file that does not exist."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path

from ..engine import project, uvicorn_facts
from ..engine.commands import start_files
from ..engine.commands.base import WorkingDirectory
from ..engine.commands.image_files import Origin, image_file
from ..engine.commands.recognise import launch_edits
from ..engine.context import RuleContext
from ..engine.git_ignored import git_ignores
from ..engine.launch import GivenAs, Launch, Option, Server, Setting
from ..engine.model import Finding, Severity
from ..engine.option_files import referenced_file
from ..engine.rule import Quoted, Rule, RuleDoc, fit_message

_TLS_FILES = ("ssl_certfile", "ssl_keyfile", "ssl_ca_certs")
_OTHER_FILES = ("log_config", "env_file")


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        if launch.setting is Setting.CONTAINER:
            yield from _missing_in_the_image(ctx, launch)
            continue
        for option in _file_options(launch):
            named = referenced_file(ctx, option)
            if named is None or named[1] is not None:
                continue
            name = named[0]
            if Path(name).expanduser().is_absolute() or _ignored(ctx, name) or _named_by_a_project_script(ctx, name):
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


# Why the image lacks the file, by where the layout says it would come from.
_REASONS = {
    Origin.LEFT_OUT: "left out by .dockerignore",
    Origin.NOT_IN_CONTEXT: "not in the build context",
    Origin.NOT_COPIED: "no COPY or ADD puts it there",
}


def _missing_in_the_image(ctx: RuleContext, launch: Launch) -> Iterator[Finding]:
    """The file options naming a path that the image, as its Dockerfile builds it, does not hold."""
    edits = launch_edits(launch)
    directories = edits.directories if edits is not None else ()
    image = directories[0].image if len(directories) == 1 and isinstance(directories[0], WorkingDirectory) else None
    if image is None or launch.server is not Server.UVICORN:
        return  # where it starts in the image, or what the image holds, is not known
    layout, folder = image
    for option in _file_options(launch):
        named = referenced_file(ctx, option)
        if named is None or "$" in named[0]:
            continue  # a value only the running shell or compose knows
        path = posixpath.normpath(posixpath.join(folder, named[0]))
        found = image_file(layout, path)
        if found.host is not None:
            ctx.depends_on(found.host)  # made or deleted in the build context: the verdict changes
        if found.origin not in _REASONS or _may_be_mounted_or_built(ctx, path, found.origin, found.host):
            continue
        if option.name in _OTHER_FILES:  # a flag or UVICORN_* variable: click checks that the path exists
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
        yield ctx.finding(RULE, message, option.range)


def _may_be_mounted_or_built(ctx: RuleContext, path: str, origin: Origin, host: Path | None) -> bool:
    """A compose file of the project mounts over the path; or a file the build context lacks here, which git
    ignores, may be in the checkout the image is built from."""
    if host is not None and origin is not Origin.LEFT_OUT and git_ignores(host, ctx.workspace.root, ctx.depends_on):
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
    checked = ctx.checked_path()
    folders = [checked.parent] if checked else []
    root = ctx.workspace.root
    return any(git_ignores(folder / name, root, ctx.depends_on) for folder in (*folders, root))


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
    if option.given_as in (GivenAs.FLAG, GivenAs.ENVIRONMENT) and option.name in _OTHER_FILES:
        return f"{launch.described} exits with status 2 before starting"  # click checks that the path exists
    if option.name == "env_file":
        return "uvicorn serves without its variables"  # python-dotenv skips a missing file
    return f"uvicorn cannot open it (FileNotFoundError), so {ctx.failure_consequence(launch, 1)}"


RULE = Rule(
    code="UVI020",
    name="missing-option-file",
    summary="`ssl_certfile`, `ssl_keyfile`, `ssl_ca_certs`, `log_config` or `env_file` names a file the project (or the container's image) does not have.",
    severity=Severity.WARNING,
    check=check,
    judges_commands=True,
    doc=RuleDoc(
        what="""
            Finds launches whose file options name, by a string known from the code, a relative path
            that exists neither next to the analysed file nor in the workspace root: `ssl_certfile`,
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
            project's folders that may run the image, a `$VAR`, or a path in the base image's own folders
            (`/etc`, `/usr`). Always a warning, never an error: the file may be made or mounted at deploy
            time.
        """,
        why="""
            uvicorn opens these files at startup, relative to its working directory:

            - a TLS file that is missing stops it with `FileNotFoundError` (exit status 1; under reload
              the reloader keeps running with no server; under `workers` each worker dies that way and
              is replaced by another, without end);
            - a missing `log_config` file stops it the same way;
            - a missing `env_file` given to `uvicorn.run` is skipped without a word by python-dotenv: the
              server starts without the variables the file was meant to set;
            - on the command line, `--env-file` and `--log-config` naming no file are refused before
              starting (`Path '...' does not exist`, exit status 2); a container stops with that
              status as soon as it starts.
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
            analysis cannot know: the rule looks next to the file and in the workspace root, and says
            nothing when either has it. A file found there is watched, so creating it clears the warning.
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
