"""The only place that talks to jedi.

jedi is not thread-safe: callers run every check on one worker thread (the LSP
layer's analysis thread, or the CLI's main thread). Every answer is plain data;
None means "jedi could not tell", never "no".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from parso.python import tree as parso_tree

from .source import SourceFile
from .syntax import canonical
from .workspace import Workspace

if TYPE_CHECKING:
    import jedi

log = logging.getLogger(__name__)

_REQUIRED_KINDS = {"POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY"}


def _name_at(module, position):
    """parso's `get_name_of_position` for a module, by binary search.

    jedi calls it on every query; parso's version walks every node before the
    position (about 5 ms per query in a 1,000-line file). Same answer: the first
    name, in tree order, with start <= position <= end."""
    try:
        leaf = module.get_leaf_for_position(position, include_prefixes=True)
    except ValueError:
        return None
    # The leaf found may end exactly at `position`; a name may then start there.
    for candidate in (leaf, leaf.get_next_leaf() if leaf is not None else None):
        if candidate is not None and candidate.type == "name" and candidate.start_pos <= position <= candidate.end_pos:
            return candidate
    return None


original_name_of_position = parso_tree.Module.get_name_of_position
# A deliberate patch of parso's method (see `_name_at`), which mypy otherwise refuses.
parso_tree.Module.get_name_of_position = _name_at  # type: ignore[method-assign]


@dataclass(frozen=True)
class Inferred:
    full_name: str | None
    type: str  # jedi's: instance, function, class, module, ...
    name: str

    @property
    def is_str(self) -> bool:
        return self.type == "instance" and self.full_name in ("builtins.str", "str")


@dataclass(frozen=True)
class Definition:
    name: str
    type: str  # jedi's: statement, function, class, module, param, ...
    path: Path | None
    module_name: str
    line: int  # 1-based
    column: int
    at_module_level: bool
    required_parameters: int | None  # for functions and classes


class Resolver:
    def __init__(self, source: SourceFile, workspace: Workspace, check_cancelled: Callable[[], None] | None = None):
        self._source = source
        self._workspace = workspace
        # Raises the check's Cancelled before each query: a stopped check asks jedi nothing more.
        self._check_cancelled = check_cancelled

    @cached_property
    def script(self) -> jedi.Script | None:
        import jedi  # here, not at the top: checks that ask jedi nothing never import it (~70 ms)

        try:
            return jedi.Script(
                self._source.text,
                path=self._source.path,
                project=self._workspace.jedi_project,
                environment=self._workspace.environment,
            )
        except Exception as error:  # jedi must never take the analysis down
            log.warning("jedi could not load %s: %s", self._source.path, error)
            return None

    def _ask(self, method: str, leaf, position: tuple[int, int] | None = None, **options):
        if self._check_cancelled is not None:
            self._check_cancelled()
        script = self.script
        if script is None:
            return None
        line, column = position or leaf.start_pos
        try:
            return getattr(script, method)(line, column, **options)
        except Exception as error:
            log.debug("jedi %s failed at %s:%s: %s", method, line, column, error)
            return None

    def full_names(self, leaf) -> list[str] | None:
        """Canonical full names the name at `leaf` refers to; None when unknown."""
        names = self._ask("goto", leaf, follow_imports=True)
        if not names:
            return None
        return [canonical(name.full_name) for name in names if name.full_name]

    def infer(self, node) -> list[Inferred] | None:
        """What the expression ending at `node` evaluates to; None when unknown."""
        # Just past the expression's end: at its last leaf jedi would answer
        # for `1` in `sys.argv[1]`, not for the whole subscript.
        values = self._ask("infer", node, position=node.end_pos)
        if not values:
            return None
        return [Inferred(value.full_name, value.type, value.name) for value in values]

    def call_required_parameters(self, node) -> list[int | None] | None:
        """For each value the expression ending at `node` may be, the arguments calling it needs, as jedi's
        signature shows them (None when it shows none); None when unknown."""
        values = self._ask("infer", node, position=node.end_pos)
        if not values:
            return None
        return [_required_parameters(value) for value in values]

    def definitions(self, leaf) -> list[Definition] | None:
        names = self._ask("goto", leaf, follow_imports=True)
        if not names:
            return None
        return [self._definition(name) for name in names]

    def _definition(self, name) -> Definition:
        try:
            parent = name.parent()
            at_module_level = parent is not None and parent.type == "module"
        except Exception:
            at_module_level = False
        return Definition(
            name=name.name,
            type=name.type,
            path=Path(name.module_path) if name.module_path else None,
            module_name=name.module_name,
            line=name.line or 0,
            column=name.column or 0,
            at_module_level=at_module_level,
            required_parameters=_required_parameters(name) if name.type in ("function", "class") else None,
        )


def _required_parameters(name) -> int | None:
    try:
        signatures = name.get_signatures()
    except Exception:
        return None
    if not signatures:
        return None
    params = signatures[0].params
    if name.type == "function" and params and params[0].name in ("self", "cls") and name.parent().type == "class":
        params = params[1:]
    return sum(1 for param in params if param.kind.name in _REQUIRED_KINDS and "=" not in param.description)
