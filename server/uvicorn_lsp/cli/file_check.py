"""What checking one file takes (Mode: fix or not, which fixes, the time budget) and gives back (FileResult);
shared by the runner and the notebook check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..engine.model import Finding, Problem


class Mode(NamedTuple):  # a tuple: made and pickled (to workers) faster than a frozen dataclass
    fix: bool = False  # also for --diff: compute the fixed text
    unsafe_fixes: bool = False
    timeout: float | None = None  # seconds per file (--timeout-per-file)
    known_codes: tuple[str, ...] = ()  # to warn about noqa comments naming codes of no rule


@dataclass
class FileResult:
    path: str | None
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fixed_text: str | None = None  # set when fixes changed the text
    applied: int = 0
    dependencies: tuple[str, ...] = ()  # other files the result was computed from
    timed_out: bool = False  # --timeout-per-file stopped it: some rules did not run

    @property
    def complete(self) -> bool:
        """A result worth keeping: every rule ran to its end and nothing failed."""
        return not self.timed_out and not any(problem.is_error for problem in self.problems)
