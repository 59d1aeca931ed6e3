"""UVI002: an import string given to uvicorn that will not load."""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..engine import app_kinds, app_location, edits, import_resolution, module_index, uvicorn_facts
from ..engine.commands import start_files
from ..engine.commands.base import WorkingDirectory
from ..engine.commands.recognise import CommandEdits, first, launch_edits
from ..engine.context import RuleContext
from ..engine.import_resolution import AppString, Outcome, Resolution
from ..engine.launch import Launch, SearchPath, Server
from ..engine.model import Applicability, Finding, Fix, Severity, TextEdit
from ..engine.module_index import FoundModule, MissingModule
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, elide, fit_message

_FORMAT = '"<module>:<attribute>"'
_DID_YOU_MEAN = '. Did you mean "{guess}"?'
# Names inside a reason (a launch's command, a missing package) are cut to this width; the whole
# reason is a Quoted phrase that `fit_message` may cut further.
_NAME_WIDTH = 40


def check(ctx: RuleContext) -> Iterator[Finding]:
    for launch in ctx.launches:
        if launch.server is Server.FASTAPI:
            finding = _check_fastapi_path(ctx, launch)
            if finding is not None:
                yield finding
            continue
        strings = import_resolution.app_strings(ctx, launch)
        for string in strings:
            # A fix can only edit the one literal (or command-line word) the string comes from.
            finding = _check_string(ctx, launch, string, _replacer(ctx, launch) if len(strings) == 1 else None)
            if finding is not None:
                yield finding


def _check_fastapi_path(ctx: RuleContext, launch: Launch) -> Finding | None:
    """`fastapi run PATH`: fastapi-cli imports the app from the file or package folder PATH names, relative to
    where it starts, and stops before serving when nothing is there (in every start the command may have)."""
    option, edits = launch.option("fastapi_path"), launch_edits(launch)
    if edits is None or launch.rejections:
        return None  # click stops at a rejected option first (UVI004)
    if launch.option("fastapi_entrypoint") is not None:
        return None  # with --entrypoint, fastapi-cli refuses the PATH itself
    if option is None:
        return _check_fastapi_default_file(ctx, launch)
    if not option.value.known:
        return None
    path = first(option.value)
    directories = _working_directories(edits)
    if not isinstance(path, str) or "$" in path or directories is None:
        return None
    found = [start_files.path_exists(directory, path, ctx.depends_on) for directory in directories]
    if all(found):
        return _check_fastapi_app(ctx, launch, path, directories)
    if any(exists is not False for exists in found) or _may_be_there_when_it_runs(ctx, edits, directories, (path,)):
        return None
    message = fit_message(
        '"{path}" is not in {where}; fastapi stops at startup ("Path does not exist", exit status 1)',
        path=Quoted(path),
        where=Quoted(" or ".join(directory.description for directory in directories)),
    )
    return ctx.finding(RULE, message, option.range)


def _check_fastapi_default_file(ctx: RuleContext, launch: Launch) -> Finding | None:
    """`fastapi run` without a PATH: fastapi-cli looks for main.py, app.py, api.py and app/ of them where it
    starts (or a pyproject.toml's [tool.fastapi] entrypoint) and stops before serving when none is there."""
    edits = launch_edits(launch)
    directories = _working_directories(edits) if edits is not None and launch.complete else None
    if edits is None or directories is None:
        return None
    if any(start_files.fastapi_finds_a_default(directory, ctx.depends_on) is not False for directory in directories):
        return None
    if _may_be_there_when_it_runs(ctx, edits, directories, start_files.FASTAPI_DEFAULT_FILES):
        return None
    message = fit_message(
        "fastapi without a PATH finds no main.py, app.py or api.py (in app/ either) in {where}; "
        "it stops at startup (exit status 1)",
        where=Quoted(" or ".join(directory.description for directory in directories)),
    )
    return ctx.finding(RULE, message, launch.range)


def _working_directories(edits: CommandEdits) -> list[WorkingDirectory] | None:
    """The folders the command starts in, when each is one the analysis knows; else None."""
    directories = [directory for directory in edits.directories if isinstance(directory, WorkingDirectory)]
    return directories if directories and len(directories) == len(edits.directories) else None


def _may_be_there_when_it_runs(
    ctx: RuleContext, edits: CommandEdits, directories: list[WorkingDirectory], paths: tuple[str, ...]
) -> bool:
    """Paths missing where the command starts may be there when it runs: a script's start folder is a guess and
    the project has one of them elsewhere, or a compose file of the project may run the image with them mounted."""
    if edits.info.source_kind == "shell" and any(start_files.in_a_project_folder(ctx, path) for path in paths):
        return True
    return any(
        directory.image is not None
        and start_files.mounted_by_the_project(ctx, posixpath.normpath(posixpath.join(directory.image[1], path)))
        for directory in directories
        for path in paths
    )


def _check_fastapi_app(
    ctx: RuleContext, launch: Launch, path: str, directories: list[WorkingDirectory]
) -> Finding | None:
    """`fastapi run PATH --app NAME`: fastapi-cli imports the module of the file PATH and stops when it has no NAME
    ("Could not find app name", exit status 1). Said only where the module is known whole: one file at PATH in
    every start, that parses, whose names cannot be added at run time (`__getattr__`, star imports...)."""
    app = launch.option("fastapi_app")
    name = first(app.value) if app is not None and app.value.known else None
    if app is None or not isinstance(name, str) or not name.isidentifier() or not path.endswith(".py"):
        return None
    for directory in directories:
        file = start_files.host_file(directory, path, ctx.depends_on)
        module = None if file is None else ctx.workspace.modules.parsed(FoundModule(Path(path).stem, file))
        if module is None or module.source.broken_lines:
            return None
        namespace = module.local_namespace
        if namespace.open or module.star_imports or name in namespace.bindings:
            return None
    message = fit_message(
        '"{name}" is not defined in {path}; fastapi stops at startup ("Could not find app name", exit status 1)',
        name=Quoted(name),
        path=Quoted(path),
    )
    return ctx.finding(RULE, message, app.where_value)


Replacer = Callable[[str], "tuple[TextEdit, ...] | None"]


def _replacer(ctx: RuleContext, launch: Launch) -> Replacer | None:
    """How to write another import string in place of the app's: in Python, into the string literal
    that holds it (itself or the one constant it names); on a command line, the app's word."""
    if launch.call is None:
        return launch.edits.replace_app
    literal = _string_literal(ctx, launch)
    return None if literal is None else lambda text: (edits.replace_string_literal(literal, text),)


def _string_literal(ctx: RuleContext, launch: Launch):
    node = launch.app.node if launch.app is not None else None
    if node is not None and node.type == "name":
        assigned = ctx.evaluator.assignments(node)
        node = assigned[0] if assigned and len(assigned) == 1 else None
    return node if node is not None and node.type == "string" else None


def _check_string(ctx: RuleContext, launch: Launch, string: AppString, replace: Replacer | None) -> Finding | None:
    assert launch.app is not None
    where = launch.app.where_value
    if string.module is None:
        guesses = _colon_guesses(ctx, launch, string)
        consequence = ctx.failure_consequence(launch, 3)
        message = fit_message(
            '"{text}" is not {format}; {consequence}' + _DID_YOU_MEAN * bool(guesses),
            text=Quoted(string.text),
            format=_FORMAT,
            consequence=consequence,
            guess=Quoted(guesses[0] if guesses else ""),
        )
        return ctx.finding(RULE, message, where, Severity.ERROR, _fixes(replace, guesses))
    usual = [resolution for resolution in string.resolutions if resolution.search_path.usual]
    loading = [resolution for resolution in string.resolutions if resolution.may_load]
    failing = [
        resolution
        for resolution in usual
        if not resolution.may_load
        and not any(import_resolution.cannot_serve_the_app(ctx, loaded, resolution.search_path) for loaded in loading)
    ]
    if (
        not failing
        or import_resolution.missing_project_package(ctx, string.module, launch.search_paths)
        or import_resolution.declared_distribution_package(ctx, failing)
        or import_resolution.installed_packages_unseen(ctx, failing)
        or import_resolution.app_not_in_the_workspace(ctx, failing)
        or _may_be_mounted(ctx, launch, string.module)
    ):
        return None
    # Launches can fail differently: `pkg.mian` is a missing module with `-m` and a missing package as a script.
    failures: dict[_Reason, list[Resolution]] = {}
    for resolution in failing:
        failures.setdefault(_reason(launch, string, resolution), []).append(resolution)
    # The consequence once; where launches fail with different exit statuses, each reason carries its own.
    consequences = {ctx.failure_consequence(launch, reason.status) for reason in failures}
    # The first launch's reason in uvicorn's words (the message's length has no room for more); where
    # launches end with different exit statuses, each status with its launch.
    (first, _), *others = failures.items()
    why, quoted = first.template, {name: Quoted(value) for name, value in first.names}
    launches: dict[str, str] = {}
    common_consequence = consequences.pop() if len(consequences) == 1 else None
    if others and common_consequence is None:
        why += _status(ctx, launch, first).removesuffix(")") + "; {other_launches})"
        launches["other_launches"] = "; ".join(
            f"{_launches(resolutions)}: {_status(ctx, launch, reason).strip(' ()')}" for reason, resolutions in others
        )
    own_file = _own_file_strings(ctx, string) if launch.call is not None else []
    if loading:
        message = fit_message(
            '"{text}" loads with {loading}, not with {failing}: ' + why,
            text=Quoted(string.text),
            loading=_launches(loading),
            failing=_launches(failing),
            **launches,
            **quoted,
        )
        # Switching strings only moves the failure to the other launch: shown, never applied by --fix.
        return ctx.finding(
            RULE, message, where, Severity.WARNING, _own_file_fixes(replace, own_file, Applicability.DISPLAY_ONLY)
        )
    guesses = [
        guess
        for guess in _guesses(ctx, launch, string, failing[0])
        if guess not in {choice.value for choice in own_file}
    ]
    # uvicorn's own `Attribute "app" not found in module "main"` names the whole string already.
    names_the_string = failing[0].outcome is Outcome.NO_ATTRIBUTE and failing[0].unparsed is None
    ending = why + ("; {consequence}" if common_consequence else "") + _DID_YOU_MEAN * bool(guesses)
    # A reason that names the module the string loads (a failing import in it) can go without the string when
    # the message would not fit (with reload's consequence it did not: 181 characters).
    names_the_module = failing[0].outcome in (Outcome.SIBLING_NOT_FOUND, Outcome.NO_PARENT_PACKAGE)
    message = fit_message(
        ("" if names_the_string else '"{text}" will not load: ') + ending,
        *((ending,) if names_the_module and not names_the_string else ()),
        text=Quoted(string.text),
        consequence=common_consequence or "",
        guess=Quoted(guesses[0] if guesses else ""),
        **launches,
        **quoted,
    )
    fixes = _own_file_fixes(replace, own_file) + _fixes(replace, guesses, preferred=not own_file)
    return ctx.finding(RULE, message, where, Severity.ERROR, fixes)


def _may_be_mounted(ctx: RuleContext, launch: Launch, module: str) -> bool:
    """A compose file of the project mounts a folder over where the image would hold `module` (its `.py` or
    package, from the working directory): a service may run the image with the code there (`./app:/app`)."""
    edits = launch_edits(launch)
    relative = module.replace(".", "/")
    return edits is not None and any(
        isinstance(directory, WorkingDirectory)
        and directory.image is not None
        and any(
            start_files.mounted_by_the_project(ctx, posixpath.normpath(posixpath.join(directory.image[1], file)))
            for file in (f"{relative}.py", f"{relative}/__init__.py")
        )
        for directory in edits.directories
    )


def _launches(resolutions: list[Resolution]) -> str:
    return " or ".join(f"`{elide(resolution.search_path.launch.command, _NAME_WIDTH)}`" for resolution in resolutions)


@dataclass(frozen=True)
class _Reason:
    """Why a string fails with a launch: uvicorn's own error, as a template whose fields are the
    names it quotes (`fit_message` may elide them), and the exit status it ends with."""

    template: str
    names: tuple[tuple[str, str], ...]
    status: int

    @classmethod
    def of(cls, template: str, status: int, **names: str) -> _Reason:
        return cls(template, tuple(names.items()), status)

    @property
    def text(self) -> str:
        return self.template.format(**{name: elide(value, _NAME_WIDTH) for name, value in self.names})


_OUTCOME_WORDS = {
    "stopped": "stops, exit status 0",
    "restarted": "workers restarted without end",
    "kept running": "workers kept running",
}


def _status(ctx: RuleContext, launch: Launch, reason: _Reason) -> str:
    uvicorn_failure = reason.status == 3 and launch.server is not Server.GUNICORN
    # Under workers the parent's outcome differs by failure: uvicorn's own exit stops it, an exception does not.
    outcome = uvicorn_facts.workers_failure(launch, reason.status, ctx.uvicorn_version_in(launch))
    if outcome is not None:
        return f" ({_OUTCOME_WORDS[outcome]})"
    return f" (exit status {ctx.failure_status(launch) if uvicorn_failure else reason.status})"


def _reason(launch: Launch, string: AppString, resolution: Resolution) -> _Reason:
    """uvicorn's own error for this failure, and the exit status the launch ends with: uvicorn's, or for
    gunicorn the master's (its worker cannot boot, or cannot load the app)."""
    reason = _uvicorn_reason(string, resolution)
    if launch.server is Server.GUNICORN:
        missing_attribute = resolution.outcome is Outcome.NO_ATTRIBUTE and resolution.unparsed is None
        return dataclasses.replace(reason, status=uvicorn_facts.gunicorn_failure_status(missing_attribute))
    return reason


def _uvicorn_reason(string: AppString, resolution: Resolution) -> _Reason:
    """uvicorn's own error for this failure (in short, "module not found", when the string names the
    module whole), and the exit status it ends with (uvicorn-facts.md)."""
    if resolution.unparsed is not None:
        # The import raises SyntaxError, which uvicorn passes on as a traceback (exit status 1).
        return _Reason.of('module "{module}" has a syntax error (SyntaxError on import)', 1, module=resolution.unparsed)
    if resolution.outcome is Outcome.NO_PARENT_PACKAGE:
        # ImportError, not ModuleNotFoundError: uvicorn passes it on as a traceback (exit status 1).
        return _Reason.of(
            "`{module}` is imported without a package, so its relative import raises ImportError",
            1,
            module=string.module or "",
        )
    if resolution.outcome is Outcome.SIBLING_NOT_FOUND:
        # ModuleNotFoundError for a module the app's module imports: uvicorn passes it on (exit status 1).
        # Found beside the module's file, or in a package folder above it (named, as the file's folder is not).
        where = f"only in {resolution.sibling_folder.name}/" if resolution.sibling_folder else "only beside it"
        return _Reason.of(
            "`{module}` imports `{sibling}`, " + where + ": No module named '{top}'",
            1,
            module=string.module or "",
            sibling=resolution.sibling or "",
            top=(resolution.sibling or "").split(".")[0],
        )
    if resolution.outcome is Outcome.NO_ATTRIBUTE:
        # only a string uvicorn accepts has resolutions
        assert string.module is not None and string.attributes is not None
        parts = string.attributes.split(".")
        template = 'Attribute "{attributes}" not found in module "{module}"'
        if not resolution.missing_at:
            return _Reason.of(template, 3, attributes=string.attributes, module=string.module)
        return _Reason.of(
            template + " (no `{absent}` in `{owner}`)",
            3,
            attributes=string.attributes,
            module=string.module,
            absent=parts[resolution.missing_at],
            owner=".".join(parts[: resolution.missing_at]),
        )
    missing = resolution.module
    assert isinstance(missing, MissingModule)  # a failure other than a missing attribute is a missing module
    if missing.missing.startswith("."):
        return _Reason.of("a relative module cannot be imported (uvicorn imports it without a package)", 1)
    if missing.missing == missing.name:
        if missing.not_a_package:
            return _Reason.of(
                "module not found (`{module}` is a module, not a package)", 3, module=missing.not_a_package
            )
        return _Reason.of("module not found", 3)
    # importlib reports the missing parent package, and uvicorn passes that error on as a traceback.
    return _Reason.of("No module named '{package}'", 1, package=missing.missing)


# -- fixes ---------------------------------------------------------------


def _own_file_strings(ctx: RuleContext, string: AppString) -> list[app_location.ImportString]:
    """When the string names this very file (by its file name) and an attribute it defines,
    the import strings that load it per launch (the UVI001 fix computation)."""
    path = ctx.source.path
    stem = path.parent.name if path is not None and path.name == "__init__.py" else path.stem if path else None
    if stem is None or string.module is None or string.attributes is None or string.module.rpartition(".")[2] != stem:
        return []
    defined = (
        string.attributes.split(".")[0]
        in import_resolution.own_module(ctx, module_index.FoundModule(stem, path)).local_namespace.bindings
    )
    if not defined:
        return []
    choices = app_location.import_strings(ctx, app_location.AppTarget(path=path, attribute=string.attributes))
    return [choice for choice in choices if choice.value != string.text]


def _own_file_fixes(
    replace: Replacer | None,
    choices: list[app_location.ImportString],
    applicability: Applicability = Applicability.SAFE,
) -> list[Fix]:
    fixes = []
    for choice in choices:
        edited = replace(choice.value) if replace is not None else None
        if edited:
            title = f'Use "{choice.value}"' + (f" (for `{choice.launch}`)" if choice.launch else "")
            fixes.append(Fix(title, edited, applicability, preferred=choice.preferred))
    return fixes


def _fixes(replace: Replacer | None, guesses: list[str], preferred: bool = True) -> list[Fix]:
    fixes: list[Fix] = []
    for guess in guesses:
        edited = replace(guess) if replace is not None else None
        if edited:
            fixes.append(Fix(f'Change to "{guess}"', edited, Applicability.UNSAFE, preferred=preferred and not fixes))
    return fixes


def _loads(ctx: RuleContext, text: str, search_path: SearchPath) -> bool:
    return _resolution(ctx, text, search_path) is not None


def _resolution(ctx: RuleContext, text: str, search_path: SearchPath) -> Resolution | None:
    """How `text` resolves with one launch, when it loads."""
    parts = import_resolution.split_import_string(text)
    resolution = import_resolution.resolve(ctx, *parts, search_path) if parts is not None else None
    return resolution if resolution is not None and resolution.outcome is Outcome.LOADS else None


def _serves(binding: module_index.Binding | None, factory: bool) -> bool:
    """Whether the object a suggestion names is what the launch needs: a factory with factory=True,
    an app without; a router is never suggested (it loads, and every request answers 404)."""
    if binding is None:
        return True  # bound several ways or through an import: the kind is not known
    kind = app_kinds.binding_kind(binding.module, binding.leaf) or ""
    if "Router" in kind:
        return False
    definition = binding.leaf.parent
    takes_no_arguments = definition.type == "funcdef" and not any(
        param.default is None and not param.star_count for param in definition.get_params()
    )
    if factory:
        return kind in ("function", "class") and (definition.type != "funcdef" or takes_no_arguments)
    return not takes_no_arguments


def _colon_guesses(ctx: RuleContext, launch: Launch, string: AppString) -> list[str]:
    """`main.app` → `main:app`: a dot that should have been the colon."""
    paths = [path for path in launch.search_paths if path.usual]
    text = string.text.strip(":")
    candidates = [f"{text[:dot]}:{text[dot + 1 :]}" for dot in reversed(range(len(text))) if text[dot] == "."]
    return [candidate for candidate in candidates if paths and _loads(ctx, candidate, paths[0])][:1]


def _guesses(ctx: RuleContext, launch: Launch, string: AppString, failing: Resolution) -> list[str]:
    """Near strings that load with the failing launch: a module or attribute name one typo away,
    or a file path written where a module name belongs (`app/main.py`)."""
    if string.module is None or string.attributes is None:
        return []
    search_path = failing.search_path
    candidates: list[str] = []
    if failing.outcome in (Outcome.NO_PARENT_PACKAGE, Outcome.SIBLING_NOT_FOUND):
        return []  # the module is the right one; the folder uvicorn starts in is not
    if failing.outcome is Outcome.NO_ATTRIBUTE:
        parts = string.attributes.split(".")
        for near in failing.near:
            candidates.append(f"{string.module}:{'.'.join([*parts[: failing.missing_at], near])}")
    else:
        missing = failing.module
        assert isinstance(missing, MissingModule)  # a failure other than a missing attribute is a missing module
        path_like = string.module.replace("/", ".").replace("\\", ".").removesuffix(".py").strip(".")
        if path_like != string.module:
            candidates.append(f"{path_like}:{string.attributes}")
        parent, _, last = missing.missing.rpartition(".")
        rest = string.module[len(missing.missing) :]
        for near in ctx.workspace.modules.near_modules(last, missing.searched):
            candidates.append(f"{parent + '.' if parent else ''}{near}{rest}:{string.attributes}")
    factory = launch.value("factory")
    wants_factory = factory is not None and factory.truthy() is True
    resolved = ((candidate, _resolution(ctx, candidate, search_path)) for candidate in dict.fromkeys(candidates))
    return [
        candidate
        for candidate, resolution in resolved
        if resolution is not None and _serves(resolution.binding, wants_factory)
    ]


RULE = Rule(
    code="UVI002",
    name="import-string-does-not-load",
    summary="The import string given to uvicorn (`uvicorn.run`, `uvicorn.Config`, a command line) names a module or attribute that does not load, or `fastapi run` is given a path or an `--app` name that is not there.",
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(
        Applicability.SAFE,
        Applicability.UNSAFE,
        Applicability.DISPLAY_ONLY,
    ),
    check=check,
    judges_commands=True,
    command_triggers=("fastapi",),
    doc=RuleDoc(
        what="""
            Checks every import string uvicorn will load: the app given to `uvicorn.run()` or
            `uvicorn.Config()` as a string literal, a constant, or an f-string made of constants.
            It resolves the string the way Python's import system would, without importing anything:

            - **format**: uvicorn splits at the first colon and needs text on both sides;
            - **module**: looked up on the `sys.path` each way of starting the file gives: the
              script's folder for `python pkg/main.py`, the package root (the current folder) for
              `python -m pkg.main`, `src/` for an installed src layout, the folder given as
              `app_dir=`, then the standard library and site-packages of the analysed environment;
            - **attribute**: the part after the colon must be bound at the module's top level (an
              assignment, `def`, `class` or import); nested attributes (`"main:container.app"`) are
              followed through imports and plain classes;
            - **package**: a module named as a top-level module (`main`, not `app.main`) that has a
              relative import at its top level (`from .routes import router`) has no package to be
              relative to, and its import raises `ImportError`.

            A string that no launch loads is an error. A string that loads with one launch and not
            the other (typically `"main:app"` versus `"pkg.main:app"` for a file inside a package) is
            a warning that names both launches. A `pkg/__main__.py` is there to run with `python -m pkg`:
            a string that fails only as `python pkg/__main__.py` is not reported. A call in a function that
            a console script names (`[project.scripts]` or Poetry's scripts: `serve = "pkg.main:run"`) also
            runs as that installed script: the project's packages are importable there, the file's own
            folder is not; where the file never calls the function itself, the script is its only launch.
            A module-level `uvicorn.Config(...)` in a file that starts nothing itself (no `.run`, `.serve` or
            `__main__` block) is served by a module that imports it, by its full name (`python -m pkg.loader`'s
            `sys.path`): running the file on its own only builds the config.

            The module the string names must also import: one whose top-level `from domain.models import
            User` finds `domain` only beside its own file (`backend/domain/`), loaded as `backend.main` from
            the folder above, stops with `No module named 'domain'` (exit status 1); so does one that imports
            its own package by its full name (`from backend.config import x`), loaded as `main` from inside
            it (`cd backend && uvicorn main:app`). Not reported where the
            module or a package `__init__.py` above it changes `sys.path`, where the import sits in a `try`,
            where the project's requirements declare a distribution of that name (`from redis import x` beside
            a `redis/` folder finds the installed redis), or where the analysed environment (which may have
            such a module installed) cannot be seen.
        """,
        why="""
            uvicorn only finds out at startup. It logs `Could not import module "X".` or
            `Attribute "X" not found in module "Y".` and exits with status 3; a missing parent package
            ends in a bare `ModuleNotFoundError` traceback and status 1, a module with a syntax error in a
            `SyntaxError` traceback and status 1. With `reload=True` the
            failure is silent: the reloader process keeps running and nothing is served. With
            `workers`, each worker fails and the parent stops them all, with exit status 0, when the
            module or attribute is not found (status 3); a worker that dies of an exception (a syntax
            error, a missing parent package or import of the module) is replaced by another, without
            end. Under
            gunicorn's master with uvicorn's worker class, the master stops: "Worker failed to boot" for a
            module that does not import (exit status 3), "App failed to load" (exit status 4) for a
            missing attribute, with `--workers` or `--reload` alike; when several workers fail at once,
            either may end with status 1 instead.
        """,
        example="""
            # pkg/main.py
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()

            if __name__ == "__main__":
                uvicorn.run("app.main:app", reload=True)
        """,
        use_instead="""
            # pkg/main.py, started with `python -m pkg.main`
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()

            if __name__ == "__main__":
                uvicorn.run("pkg.main:app", reload=True)
        """,
        fix="""
            When the string names this very file (its module's last part is the file's name) and an
            attribute the file defines, the fixes are the import strings that load it, one per launch,
            as UVI001 computes them. Otherwise, "did you mean" fixes offer a module or attribute name
            one typo away, a file path turned into a module name (`app/main.py` → `app.main`), or the
            colon in place of a dot (`main.app` → `main:app`); each is offered only when the new
            string loads. Fixes edit the string literal, also when it is a constant's value.
        """,
        fix_safety="""
            The computed strings for this file are safe for the launch named in their title. When the
            string already loads with one launch and fails with another, switching it only moves the
            failure to the other launch: those fixes are display-only (offered in the editor, never
            applied by `--fix`). The "did you mean" fixes are unsafe: they guess which module or
            attribute you meant.
        """,
        notes="""
            Command lines are checked too: `uvicorn app.main:app` in a Dockerfile is resolved in the image's
            layout (its `WORKDIR` and `COPY` lines), in compose, Procfiles, Makefiles, scripts, workflows and
            launch.json from the folder the command runs in. Docker reads `.dockerignore`, Podman reads
            `.containerignore` first: where their files leave out different modules, the image each
            builds is a launch of its own, and a string only one of them loads is a warning naming both.
            An image whose code a compose file of the project (or a script's `docker run -v`) mounts over its
            `WORKDIR` (`./app:/app`) is not judged without that mount: the project starts it that way. Nor is
            a development image (`Dockerfile.dev`, a `dev` stage) that copies in no code: a mount gives it.
            The image's `ENV PYTHONPATH=/app/lib` (or a service's `environment:`) puts those image folders on
            sys.path after the working directory; PYTHONPATH from an env file, a `$VAR` or a folder no `COPY`
            fills leaves the string unjudged.
            `fastapi run PATH` and `fastapi dev PATH` (fastapi-cli) take a file or package folder instead:
            a PATH that is not there where the command starts (in the image, as its `COPY` lines fill it)
            stops fastapi-cli with "Path does not exist" and exit status 1, and an `--app NAME` the file
            does not define with "Could not find app name" and exit status 1 (said only for a module that
            parses and whose names cannot be added at run time: no star import, no `__getattr__`).
            Without a PATH (and without `--entrypoint`), fastapi-cli takes the `[tool.fastapi]` entrypoint of
            the start folder's pyproject.toml (newer versions) or the first of main.py, app.py, api.py,
            app/main.py, app/app.py, app/api.py there, and stops with "Could not find a default file to run"
            and exit status 1 when none is.

            Stays silent when it cannot know: a value only known at run time, an `app_dir` that is
            not a constant, a file that edits `sys.path`, a module with a `__getattr__`, star imports
            that cannot be followed, an attribute that is a submodule of a package, or a name missing from a
            module written in syntax the parser cannot read yet (`match`: the name may be in it), or a module
            the tool's own Python refuses where the analysed interpreter is another version (`type X = int`
            is a SyntaxError on 3.11 only). Modules of
            installed packages are looked up in the analysed environment's `sys.path` (the `python`
            setting, a `.venv` in the project or above it up to the repository's top, or `VIRTUAL_ENV`);
            a package the project's requirements declare is taken as installed where it runs, and in a
            workspace with neither Python code nor requirements (a deployment repository, a lone start
            script) a missing top-level package is not judged: it is installed, or not, on another machine.

            A launch under which the file's own imports of the project fail never reaches the uvicorn call,
            so it is not judged; when the project folder on `PYTHONPATH` (an IDE's content root) lets that
            script run, it can still load the string, and a failure elsewhere is a warning naming both.

            Whether a factory is called the right way is UVI013's part.
        """,
        command_example="""
            # Dockerfile
            FROM python:3.12-slim
            WORKDIR /code
            COPY ./pkg /code/pkg
            CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]
        """,
        command_use_instead="""
            # Dockerfile
            FROM python:3.12-slim
            WORKDIR /code
            COPY ./pkg /code/pkg
            CMD ["uvicorn", "pkg.main:app", "--host", "0.0.0.0"]
        """,
    ),
)
