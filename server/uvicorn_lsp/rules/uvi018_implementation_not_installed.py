"""UVI018: loop/http/ws names an implementation whose package the analysed environment lacks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from ..engine import project
from ..engine.context import RuleContext
from ..engine.launch import Launch, Option, Setting
from ..engine.model import Finding, Severity
from ..engine.rule import Rule, RuleDoc
from ..engine.server_starts import uvicorn_makes_the_loop

# (option, value) → (the module uvicorn imports for it, what to add to the requirements).
# uvicorn[standard] brings uvloop (not on Windows or PyPy), httptools and websockets; never wsproto.
_IMPLEMENTATIONS = {
    ("loop", "uvloop"): ("uvloop", "`uvicorn[standard]`"),
    ("http", "httptools"): ("httptools", "`uvicorn[standard]`"),
    ("ws", "websockets"): ("websockets", "`uvicorn[standard]`"),
    ("ws", "websockets-sansio"): ("websockets", "`uvicorn[standard]`"),
    ("ws", "wsproto"): ("wsproto", "`wsproto`"),
}
# Requirements that bring uvicorn[standard] with them (fastapi's metadata: its standard, all and
# standard-no-fastapi-cloud-cli extras require it; fastapi-cli's standard extra too).
_BRINGING_UVICORN_STANDARD = ("fastapi[standard]", "fastapi[all]", "fastapi-cli[standard]")
# Options naming a file that uvicorn reads with a package of its standard extra: the file names (any, or by
# suffix) that need it → (the module uvicorn imports, the distribution that has it).
_FILE_READERS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "env_file": (("",), "dotenv", "python-dotenv"),
    "log_config": ((".yaml", ".yml"), "yaml", "PyYAML"),
}
# Common requirements that bring one of those packages with them (pydantic-settings requires python-dotenv):
# declared, the package is installed where the project runs.
_BRINGING_DISTRIBUTION = {"python-dotenv": ("pydantic-settings",)}


# A command file that installs packages itself (a script's `pip install -r requirements.txt` before the
# server starts, a Makefile's install target) makes an environment of its own, not the analysed one.
_INSTALLS_PACKAGES = re.compile(
    r"\b(?:pip3?\s+install|uv\s+(?:sync|add|pip\s+install)|poetry\s+(?:install|add)|pdm\s+(?:install|sync|add)"
    r"|pipenv\s+(?:install|sync)|(?:conda|mamba)\s+install)\b"
)


# Before 0.12 uvicorn itself required uvloop and httptools (on CPython, not on Windows) and websockets (everywhere:
# 0.11.8 requires websockets==8.*); "websockets-sansio" is a value only since 0.35 (before, uvicorn stops with a
# KeyError: no package would help).
_INSTALLED_WITH_UVICORN_BEFORE = {"uvloop": (0, 12), "httptools": (0, 12), "websockets": (0, 12)}
_VALUE_SINCE = {"websockets-sansio": (0, 35)}


def _needs_the_package(implementation: str, release: tuple[int, ...] | None) -> bool:
    """Whether the uvicorn that runs (its release; None: not known) needs the package installed beside it."""
    if release is None:
        return True
    if release < _INSTALLED_WITH_UVICORN_BEFORE.get(implementation, (0,)):
        return False
    return release >= _VALUE_SINCE.get(implementation, (0,))


def _installs_packages(text: str) -> bool:
    return _INSTALLS_PACKAGES.search(text) is not None


def _file_readers(launch: Launch) -> Iterator[tuple[Option, str, str, str]]:
    """The file options whose reading needs a package uvicorn itself lacks: (option, module, its distribution,
    what to add). `env_file` needs python-dotenv, a `.yaml`/`.yml` `log_config` PyYAML (config.py imports
    them only then); uvicorn[standard] brings both."""
    for name, (suffixes, module, distribution) in _FILE_READERS.items():
        option = launch.option(name)
        # Only a file name needs a reader: a dict `log_config` goes to dictConfig (and is no set member).
        if option is None or not option.value.all(lambda value: isinstance(value, str)):
            continue
        if all(value.lower().endswith(suffixes) for value in option.value.candidates or ()):
            yield option, module, distribution, f"`{distribution}` or `uvicorn[standard]`"


def _missing_packages(ctx: RuleContext, launch: Launch) -> Iterator[tuple[Option, str, str, str]]:
    """(option, module, distribution, what to add) for each package the launch's options need."""
    for (name, implementation), (module, requirement) in _IMPLEMENTATIONS.items():
        option = launch.option(name)
        if option is None or not option.value.candidates:
            continue
        if any(value != implementation for value in option.value.candidates):
            continue
        if name == "loop" and not uvicorn_makes_the_loop(ctx, launch):
            continue
        if _needs_the_package(implementation, project.release(ctx.uvicorn_version_in(launch))):
            yield option, module, module, requirement
    yield from _file_readers(launch)


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        if launch.setting is Setting.CONTAINER:
            continue  # the image's environment, not the analysed one, runs it
        for option, module, distribution, requirement in _missing_packages(ctx, launch):
            # Searched only here: a scan of the whole text at every keystroke cost more than the rest of the rule.
            if launch.call is None and ctx.once("installs packages", lambda: _installs_packages(ctx.source.text)):
                continue
            # Without uvicorn the analysed environment is not the one that runs the server.
            if ctx.uvicorn_version is None or ctx.workspace.distribution_version(distribution) is not None:
                continue
            # Declared by the project (FrontDrago's requirements.txt lists uvloop): installed where it runs.
            folder = ctx.source.path.parent if ctx.source.path is not None else ctx.workspace.root
            declared: tuple[str, ...] = (
                module,
                distribution,
                "uvicorn[standard]",
                *_BRINGING_UVICORN_STANDARD,
                *_BRINGING_DISTRIBUTION.get(distribution, ()),
            )
            if requirement == "`wsproto`":
                declared = (module,)  # uvicorn[standard] does not bring wsproto
            if project.declares(ctx.workspace.root, folder, declared, ctx.depends_on):
                continue
            if ctx.once(
                ("lacks a declared distribution", folder), partial(_lacks_a_declared_distribution, ctx, folder)
            ):
                continue
            # The analysed environment lacks it (the rule page says which one that is, and other ways to add it).
            message = (
                f"{option.written}: No module named '{module}', so {ctx.failure_consequence(launch, 1)}; "
                f"add {requirement}"
            )
            yield ctx.finding(RULE, message, option.range)


def _lacks_a_declared_distribution(ctx: RuleContext, folder: Path) -> bool:
    """The analysed environment lacks a distribution the project declares: it is not the one the project runs in,
    where that one may bring the package along (supabase requires websockets)."""
    return any(
        ctx.workspace.distribution_version(name) is None
        for name in project.declared_distributions(ctx.workspace.root, folder, ctx.depends_on)
    )


RULE = Rule(
    code="UVI018",
    name="implementation-not-installed",
    summary='`loop="uvloop"`, `http="httptools"`, `ws="websockets"`/`"wsproto"`, `env_file` or a YAML `log_config` without the package it needs installed; uvicorn fails at startup.',
    severity=Severity.ERROR,
    check=check,
    judges_commands=True,
    doc=RuleDoc(
        what="""
            Finds launches that choose an implementation by name (`loop="uvloop"`, `http="httptools"`,
            `ws="websockets"`, `ws="websockets-sansio"`, `ws="wsproto"`, or `--loop`, `--http`, `--ws`
            on a command line) when the package it needs is not installed in the analysed environment
            (see the README's "analysed environment"). The same for the file options uvicorn reads with a
            package of its standard extra: `env_file` (`--env-file`) needs python-dotenv, a `log_config`
            (`--log-config`) ending in `.yaml` or `.yml` needs PyYAML.

            Silent when uvicorn itself, or another distribution the project's requirements declare outright,
            is not installed there (the environment that runs the server is then another one, where a
            requirement may bring the package along: supabase requires websockets), when the project's requirement files (requirements*.txt, pyproject.toml,
            Pipfile, setup files; in the file's folder and those above it up to the repository's top)
            declare the package (installed wherever the project is deployed), for
            launches in containers (their image has its own environment), for command files that install
            packages themselves (`pip install`, `uv sync`, `poetry install`...), and for values known only
            at run time. `"auto"` never fails: it falls back to what is installed.
            Values uvicorn does not accept at all are UVI004's.

            `loop` only where uvicorn makes the event loop: `uvicorn.run`, the command line, and a
            `uvicorn.Config` whose server the file starts with `Server.run()`. A server awaited with
            `await server.serve()` runs on the loop already running and uvicorn never reads `loop` (nor
            imports uvloop); a config whose start is not seen is left alone.
        """,
        why="""
            uvicorn imports the chosen implementation when it starts, and the plain `pip install uvicorn`
            has none of these packages: the server stops at once with `ModuleNotFoundError: No module
            named 'uvloop'` (exit status 1), before serving anything. With `reload` the reloader keeps
            running with no server; with `workers`, each worker dies the same way and uvicorn starts
            another in its place, without end (its parent stops only for a worker that exits with
            status 3). An `env_file` stops it the same way (`No module named 'dotenv'`), a YAML
            `log_config` too (uvicorn 0.54: `ImportError: Install the PyYAML package or uvicorn[standard]
            to use --log-config with YAML files`; before, a `NameError` on `yaml`).
        """,
        example="""
            import uvicorn

            if __name__ == "__main__":
                uvicorn.run("main:app", loop="uvloop", http="httptools")
        """,
        use_instead="""
            import uvicorn

            if __name__ == "__main__":
                # "auto" takes uvloop and httptools when installed (uvicorn[standard] brings them), else asyncio and h11.
                uvicorn.run("main:app", loop="auto", http="auto")
        """,
        fix="""
            None: the missing piece is a requirement, not code. The message names what to add:
            `uvicorn[standard]` (which brings uvloop, httptools and websockets); the package alone
            (`uvloop`, `httptools`, `websockets`) does as well. `wsproto` is not part of
            `uvicorn[standard]`: the message names it alone. Or choose `"auto"`. For the file options the
            message names `python-dotenv` or `PyYAML`, or `uvicorn[standard]`, which brings both.
        """,
        fix_safety="No fix is offered.",
        notes="""
            The rule runs again when the environment changes only when the file is checked again. Where the
            project pins a uvicorn before 0.12, uvloop, httptools and websockets are not reported (that uvicorn
            required them itself), nor `ws="websockets-sansio"` before 0.35 (the value does not exist there).
        """,
        notebooks="""
            Checked like any Python file, against the analysed environment, which should be the one the
            notebook's kernel runs in.
        """,
        command_example="""
            # run.sh
            uvicorn main:app --loop uvloop --http httptools
        """,
        command_use_instead="""
            # run.sh
            uvicorn main:app --loop auto --http auto
        """,
        command_language="sh",
    ),
)
