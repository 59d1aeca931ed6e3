"""Keeping a buffer's findings across a keystroke that cannot change them.

Most keystrokes in a large module land in a function or class that has nothing to do with how
the server starts. A check reaches code only through the names it looks up, the words it searches
the text for, and the names of what it follows (`Lookups`). So when an edit
- keeps the number of lines (every finding, fix and message outside it stays where it was),
- lies in the body of one module-level function or class, whose name appears nowhere else in the text,
- and leaves that definition holding, before and after, none of those names and words (nor a rule's
  trigger, `global`, or `noqa`), and the module's imports and aliases as they were,
then the previous check of the buffer would find exactly what it found, and its result is kept.
Everything else (settings, the rules, the files the result depends on) must be as it was: the
front passes a previous result only then, and `Basis` holds what the engine can compare itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import statement_reparse

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .config import Settings
    from .source import Lookups, SourceFile
    from .syntax import ImportMap
    from .workspace import Workspace

# Words whose presence lets an edit reach beyond its definition: a module-level binding from inside it,
# or a suppression comment.
_REACHING_WORDS = ("global", "noqa")


@dataclass(frozen=True)
class _Inputs:
    """What every kept result needs unchanged: the workspace, its settings, the rules that ran."""

    workspace: Workspace
    settings: Settings
    rules: tuple[str, ...]  # the codes of the rules that ran

    def same_inputs(self, other: _Inputs) -> bool:
        return self.workspace is other.workspace and self.rules == other.rules and self.settings == other.settings


@dataclass(frozen=True)
class Basis(_Inputs):
    """What a check of a buffer's text was computed from, besides that text."""

    tree_version: int
    lookups: Lookups
    # The import map's names and star imports (compared, not the names it was built from; the map itself would
    # keep the check's tree views alive).
    imports: tuple[dict[str, str], list[str]]


def import_statements(imports: ImportMap) -> tuple[dict[str, str], list[str]]:
    """What `Basis.imports` keeps of an import map."""
    return imports.names, imports.star_imports


def kept(previous: Basis, current: Basis, source: SourceFile, words: Iterable[str]) -> bool:
    """Whether the findings of the check `previous` describes hold for `source`, whose tree has `current`'s
    version; `words` are the triggers of the rules that ran."""
    if not previous.same_inputs(current) or previous.lookups.everything or previous.imports != current.imports:
        return False
    edit = statement_reparse.edit_between(str(source.path), previous.tree_version, current.tree_version)
    if edit is None or edit.line_delta or edit.definition is None:
        return False
    definition = edit.definition_text
    changed = (definition, edit.removed)
    if source.text.count(edit.definition) != definition.count(edit.definition):
        return False  # something outside may call it, subclass it, or name it in an import string
    searched = (*_REACHING_WORDS, *words, *previous.lookups.words)
    if any(word in text for text in changed for word in searched):
        return False
    return not any(_holds_name(text, name) for text in changed for name in previous.lookups.names)


def _holds_name(text: str, name: str) -> bool:
    """Whether `name` occurs in `text` as a whole word (a substring search per place: a definition may be long)."""
    start = text.find(name) if name else -1
    while start >= 0:
        end = start + len(name)
        if not (start and _is_word_character(text[start - 1])) and not (
            end < len(text) and _is_word_character(text[end])
        ):
            return True
        start = text.find(name, end)
    return False


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"


@dataclass(frozen=True)
class PartsBasis(_Inputs):
    """What a check of a command file read part by part (the services of a compose file, each from its own lines
    and the lines outside every part) was computed from, besides the file: its lines and the parts' spans."""

    lines: list[str] = field(repr=False)
    parts: tuple[tuple[int, int], ...]  # [first, last) line spans


def changed_part(previous: Basis | PartsBasis, current: PartsBasis) -> tuple[int, int] | None:
    """The one part of `current` whose lines differ from the check `previous` describes, when nothing else does
    (the same parts at the same lines, the same lines outside them): only that part's findings can change. None
    when the whole file is to be checked."""
    if (
        not isinstance(previous, PartsBasis)
        or not previous.same_inputs(current)
        or previous.parts != current.parts
        or len(previous.lines) != len(current.lines)
    ):
        return None
    changed = [part for part in current.parts if previous.lines[slice(*part)] != current.lines[slice(*part)]]
    if len(changed) != 1:
        return None
    first, last = changed[0]
    if previous.lines[:first] != current.lines[:first] or previous.lines[last:] != current.lines[last:]:
        return None
    return changed[0]
