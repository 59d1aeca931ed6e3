"""What a rule sees of one file: source, resolved uvicorn calls, values, jedi."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import project, syntax, uvicorn_facts
from .config import Settings
from .launch import Launch, Setting
from .model import Finding, Fix, Range, Severity, Tag
from .parsed_source import ParsedSource
from .python_launches import python_launches
from .resolver import Resolver
from .source import SourceFile
from .values import Value
from .workspace import Workspace

if TYPE_CHECKING:
    from .commands.options import OptionTable

# Names a uvicorn call's callee can end with even when the syntax cannot tell
# where it comes from (re-exports, wrappers): only these are sent to jedi.
_RESOLVE_WITH_JEDI = {"run", "Config", "Server", "serve"}


class Cancelled(Exception):
    """The check was stopped between two steps: a newer text arrived, nobody wants this result."""


class OverBudget(Cancelled):
    """The check ran out of its time budget: what was found so far is kept."""


class RuleIdentity(Protocol):
    """What a finding takes from its rule (engine.rule.Rule, which itself refers to this module)."""

    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def tags(self) -> tuple[Tag, ...]: ...


class RuleContext(ParsedSource):
    # False for the contexts of Dockerfiles, compose files...: rules that walk Python syntax skip them.
    is_python = True

    def __init__(self, source: SourceFile, workspace: Workspace, settings: Settings):
        self.source = source
        self.workspace = workspace
        self.settings = settings
        # Files whose content this file's findings or fixes were computed from (`files_depended_on`: those
        # that count); the LSP layer re-checks this file when one of them changes.
        self.dependencies: set[Path] = set()
        self._shared: dict = {}
        # Set by check_text: a long check stops cooperatively at check_cancelled().
        self.should_stop: Callable[[], bool] | None = None
        self.deadline: float | None = None  # time.monotonic() value

    def once(self, key, compute):
        """What several rules ask of one file (resolved import strings...), computed once per check."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    def check_cancelled(self) -> None:
        """Raise Cancelled (or OverBudget) when the check should stop; call it between units of work."""
        if self.should_stop is not None and self.should_stop():
            raise Cancelled
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise OverBudget

    def checked_path(self) -> Path | None:
        return self.source.path

    def depends_on(self, path: Path | None) -> None:
        # Called a hundred times per file (lookups record the same paths again): sorted out once, at the end.
        if path is not None:
            self.dependencies.add(path)

    def files_depended_on(self) -> set[Path]:
        """The paths recorded, but the checked file's own and a name with a NUL (a command's word: no file any
        check could see appear)."""
        own = self.source.path
        return {path for path in self.dependencies if path != own and "\0" not in str(path)}

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(self.source, self.workspace, self.check_cancelled)

    @cached_property
    def uses_relative_imports(self) -> bool:
        return any(target.startswith(".") for target in self.imports.names.values())

    @cached_property
    def uvicorn_calls(self) -> list[syntax.CallSite]:
        """Every call to something of uvicorn's, with `qualname` set ("uvicorn.run", ...)."""
        aliases = {name for name, target in self.imports.names.items() if target.split(".")[0] == "uvicorn"}
        found = []
        for call in syntax.calls_named(self.source.used_names, aliases | _RESOLVE_WITH_JEDI):
            qualname = self.imports.qualify(call.callee_dotted)
            if qualname is None and call.callee_leaf.value in _RESOLVE_WITH_JEDI and self._may_be_imported(call):
                names = self.resolver.full_names(call.callee_leaf)
                qualname = next((n for n in names or () if n.startswith("uvicorn.")), None)
            if qualname is not None and qualname.startswith("uvicorn."):
                call.qualname = qualname
                found.append(call)
        found.sort(key=lambda call: call.trailer.start_pos)
        return found

    def _may_be_imported(self, call: syntax.CallSite) -> bool:
        """Whether the callee's root name may come from another module (an import, a star import,
        a builtin): a name this file binds by assignment, `def` or as a parameter holds an object
        of its own (`server.run()`), never a re-export of uvicorn.run, so jedi is not asked."""
        bindings = self.evaluator.bindings(call.node.children[0])
        return not bindings or any(binding.search_ancestor("import_name", "import_from") for binding in bindings)

    def calls_to(self, *qualnames: str) -> list[syntax.CallSite]:
        return [call for call in self.uvicorn_calls if call.qualname in qualnames]

    def argument(self, call: syntax.CallSite, keyword: str, position: int | None = None) -> syntax.Argument | None:
        """The argument bound to a parameter, looking into `**name` of a dict literal too."""
        self.check_cancelled()  # rules ask this per call and keyword: a fine-grained place to stop
        found = call.argument(keyword, position)
        if found is not None:
            return found
        for star in call.star_args:
            if star.children[0].value != "**":
                continue
            for key, value in self.evaluator.dict_keywords(star.children[1]) or ():
                if key == keyword:
                    return syntax.Argument(value, star, name=key, from_dict=True)
            forwarded = self._forwarded_keyword(star.children[1], keyword)
            if forwarded is not None:
                return forwarded
        return None

    def _forwarded_keyword(self, name, keyword: str) -> syntax.Argument | None:
        forwarded = self.forwarded_keywords(name)
        return None if forwarded is None else forwarded.get(keyword)

    def forwarded_keywords(self, name) -> dict[str, syntax.Argument] | None:
        """`def serve(**options): uvicorn.run(app, **options)` called as `serve(reload=True)`
        in this file: each keyword of the calls (the first call giving it wins); None when
        `name` is not such a `**` parameter of a named function."""
        if name.type != "name":
            return None
        bindings = self.evaluator.bindings(name)
        if len(bindings) != 1 or bindings[0].parent.type != "param" or bindings[0].parent.star_count != 2:
            return None
        function = bindings[0].search_ancestor("funcdef")
        if function is None:  # `lambda **kw: ...`: its callers are not named
            return None
        # Keywords that match the helper's own parameters stay with the helper.
        named = {param.name.value for param in function.get_params() if not param.star_count}
        found: dict[str, syntax.Argument] = {}
        for call in syntax.calls_named(self.source.used_names, {function.name.value}):
            if call.callee_dotted != function.name.value:
                continue
            for keyword, argument in call.keywords.items():
                if keyword not in named:
                    found.setdefault(
                        keyword, syntax.Argument(argument.value, argument.node, name=keyword, from_dict=True)
                    )
        return found

    @cached_property
    def launches(self) -> list[Launch]:
        """Every way this file starts a server."""
        return python_launches(self)

    @cached_property
    def uvicorn_version(self) -> str | None:
        """The analysed environment's uvicorn version (several rules ask)."""
        return self.workspace.distribution_version("uvicorn")

    @cached_property
    def option_table(self) -> OptionTable:
        """The analysed uvicorn's command-line options (read from its source), else 0.54's."""
        from .commands.options import table_for  # here: the commands package imports this module

        return table_for(self.workspace.interpreter_sys_path, self.uvicorn_version)

    @cached_property
    def running_uvicorn_version(self) -> str | None:
        """The uvicorn version the launches run with (`running_version`; uvicorn 0.54's facts are built in)."""
        return self.running_version("uvicorn", self.known_uvicorn_version)

    def uvicorn_version_in(self, launch: Launch) -> str | None:
        """The running version for one launch: a container (or Procfile dyno) installs its own uvicorn, as its
        image's RUN lines name it or else from the project's declaration, the newest (0.54 as far as known) when
        nothing declares it (not known for an image pulled from elsewhere, nor where a base image that may ship
        uvicorn meets an install that admits it); not the analysed one."""
        if launch.setting is Setting.CONTAINER:
            # An image built here installs the newest unless the project pins it; a pulled one, or one built on a
            # base that may ship uvicorn (pip keeps a satisfied one: tiangolo's python3.8 images keep 0.20), not known.
            newest = None if launch.runs_pulled_image or launch.base_may_hold_packages else uvicorn_facts.TABLE_VERSION
            installed = launch.image_installs("uvicorn")  # `RUN pip install -r docs/requirements.txt`
            if installed is not None:
                return project.version_run(installed, newest)
            return self.running_version("uvicorn", newest)
        return self.running_version("uvicorn", self.known_uvicorn_version, self.start_folder(launch))

    def uvicorn_runs_at_least(self, wanted: tuple[int, ...], launch: Launch | None = None) -> bool:
        """Whether the uvicorn that runs (`launch`'s, else this file's) is release `wanted` or newer: its version
        where that is known, else the lowest the project's declaration admits (`^0.32.0`: 0.32 or newer)."""
        version = self.running_uvicorn_version if launch is None else self.uvicorn_version_in(launch)
        known = project.release(version)
        if known is not None:
            return known >= wanted
        if launch is not None and launch.setting is Setting.CONTAINER:
            installed = launch.image_installs("uvicorn")
            constraints = installed if installed is not None else self.declared_constraints("uvicorn")
        else:
            folder = self.start_folder(launch) if launch is not None else None
            constraints = self.declared_constraints("uvicorn", folder)
        floor = project.lowest_release(constraints)
        return floor is not None and floor >= wanted

    def start_folder(self, launch: Launch) -> Path | None:
        """The project folder `launch` starts in, when that is another than the file's own (a script's `cd`)."""
        return None

    def running_version(self, distribution: str, available: str | None, folder: Path | None = None) -> str | None:
        """The version of `distribution` the project's code runs with: `available` (the analysed environment's,
        else the newest the analysis knows) if the project's own declaration of it (requirements, pyproject, lock
        file) nearest `folder` (default: the file's) admits it, else the one version the declaration pins; None
        when that is not known."""
        return project.version_run(self.declared_constraints(distribution, folder), available)

    def declared_constraints(self, distribution: str, folder: Path | None = None) -> list[str | None] | None:
        """`project.declared_constraints` for `folder` (default: this file's), read once per check."""
        if folder is None:
            folder = self.source.path.parent if self.source.path is not None else self.workspace.root
        return self.once(
            ("declared constraints", distribution, folder),
            lambda: self.workspace.declared_constraints(folder, distribution, self.depends_on),
        )

    @property
    def known_uvicorn_version(self) -> str:
        """The version whose parameters and options the analysis reads: the analysed environment's, else 0.54's."""
        return self.uvicorn_version or uvicorn_facts.TABLE_VERSION

    def failure_status(self, launch: Launch) -> int:
        """The exit status of a failed start with the uvicorn `launch` runs (3, today's, when unknown)."""
        return uvicorn_facts.startup_failure_status(self.uvicorn_version_in(launch))

    def failure_consequence(self, launch: Launch, exit_status: int) -> str:
        from .server_starts import runs_in_a_thread  # here: it reads the file's syntax, asked only on a failure

        if runs_in_a_thread(self, launch):
            return "the thread it runs in stops and nothing is served"
        return uvicorn_facts.failure_consequence(launch, exit_status, self.uvicorn_version_in(launch))

    def value_of(self, argument: syntax.Argument | None) -> Value | None:
        return None if argument is None else self.evaluator.evaluate(argument.value)

    def finding(
        self,
        rule: RuleIdentity,
        message: str,
        where: Range,
        severity: Severity | None = None,
        fixes: list[Fix] | None = None,
        tags: tuple[Tag, ...] | None = None,
    ) -> Finding:
        return Finding(
            code=rule.code,
            message=message,
            range=where,
            severity=severity or rule.severity,
            fixes=fixes or [],
            tags=rule.tags if tags is None else tags,
        )
