"""Plain data the engine hands to its fronts (LSP and CLI).

Positions are 0-based lines and code-point columns; each front converts them
to what it speaks (UTF-16 or UTF-8 for LSP, 1-based for the CLI).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    # Values match LSP's DiagnosticSeverity so the LSP layer can pass them on.
    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        aliases = {"info": "information", "warn": "warning"}
        key = aliases.get(text.strip().lower(), text.strip().lower())
        for member in cls:
            if member.label == key:
                return member
        raise ValueError(f"unknown severity {text!r} (expected error, warning, information or hint)")


class Applicability(str, enum.Enum):
    """How sure a fix is to keep the program's meaning, as in ruff."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


class Tag(str, enum.Enum):
    DEPRECATED = "deprecated"
    UNNECESSARY = "unnecessary"


@dataclass(frozen=True, order=True)
class Position:
    line: int
    character: int


@dataclass(frozen=True, order=True)
class Range:
    start: Position
    end: Position

    @classmethod
    def of(cls, start: tuple[int, int], end: tuple[int, int]) -> Range:
        return cls(Position(*start), Position(*end))

    def overlaps(self, other: Range) -> bool:
        return not (self.end < other.start or other.end < self.start)


@dataclass(frozen=True)
class TextEdit:
    range: Range
    new_text: str


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[TextEdit, ...]
    applicability: Applicability = Applicability.SAFE
    preferred: bool = False


@dataclass
class Finding:
    code: str
    message: str
    range: Range
    severity: Severity
    fixes: list[Fix] = field(default_factory=list)
    tags: tuple[Tag, ...] = ()

    @property
    def best_fix(self) -> Fix | None:
        for fix in self.fixes:
            if fix.preferred:
                return fix
        return self.fixes[0] if self.fixes else None


class ProblemKind(str, enum.Enum):
    """How bad a problem is for a run. A NOTICE and SYNTAX_ERRORS are warnings; the
    other two mean the run could not do what it was asked (the CLI exits 2)."""

    NOTICE = "notice"  # unreadable file, unusable interpreter, a setting ignored...
    # The file does not parse everywhere: the command line says so; editors show syntax errors already.
    SYNTAX_ERRORS = "syntax errors"
    CONFIGURATION_ERROR = "configuration error"  # settings that would silently change what is checked
    INTERNAL_ERROR = "internal error"  # a rule raised: a bug of ours, findings may be missing


@dataclass(frozen=True)
class Problem:
    """Something that went wrong around the analysis (bad config, unreadable
    file, missing environment, a rule that raised): reported once."""

    message: str
    path: str | None = None
    kind: ProblemKind = ProblemKind.NOTICE

    @property
    def is_error(self) -> bool:
        return self.kind in (ProblemKind.CONFIGURATION_ERROR, ProblemKind.INTERNAL_ERROR)
