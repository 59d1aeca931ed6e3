"""Fixing a text: apply the findings' preferred fixes, re-check, repeat (`check --fix` and the editor's
fix-all run this same loop, with the rule set their front passes in).

Engine edits are 0-based lines and code-point columns on lines split at \\r\\n, \\r or \\n (source.py);
text inserted by a fix follows the text's own newline style.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from .model import Applicability, Finding, Fix, Position, Problem, TextEdit

if TYPE_CHECKING:
    from . import checker
    from .rule import Rule
    from .workspace import Workspace

# As in ruff: overlapping fixes wait for the next pass; fixes that keep
# producing new findings must not loop forever.
MAX_FIX_PASSES = 10
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def newline_of(text: str) -> str:
    """The file's newline style: its first line break, else \\n."""
    match = _LINE_BREAK.search(text)
    return match.group() if match else "\n"


class _Offsets:
    """Code-point offsets of engine positions in one text."""

    def __init__(self, text: str):
        self._line_starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def of(self, position: Position) -> int:
        return self._line_starts[position.line] + position.character


def applicable(fix: Fix | None, unsafe_fixes: bool) -> TypeGuard[Fix]:
    """Whether a fix is applied (with unsafe fixes allowed or not): never a display-only one."""
    if fix is None:
        return False
    return fix.applicability is Applicability.SAFE or (unsafe_fixes and fix.applicability is Applicability.UNSAFE)


def apply_fixes(text: str, fixes: list[Fix]) -> tuple[str, int]:
    """Apply every fix that overlaps no fix taken before it; (new text, fixes applied: a fix whose edits are
    those of one taken counts, as its finding is fixed too)."""
    offsets = _Offsets(text)
    newline = newline_of(text)
    taken: list[tuple[int, int]] = []
    replacements: list[tuple[int, int, str]] = []
    applied = 0
    made: set[tuple[TextEdit, ...]] = set()
    for fix in sorted(fixes, key=lambda fix: min(edit.range.start for edit in fix.edits)):
        if tuple(fix.edits) in made:
            applied += 1  # the same edits fix another finding too (one lifespan for two on_event handlers)
            continue
        spans = [(offsets.of(edit.range.start), offsets.of(edit.range.end), edit) for edit in fix.edits]
        if any(_overlap(start, end, other) for start, end, _ in spans for other in taken):
            continue
        taken.extend((start, end) for start, end, _ in spans)
        made.add(tuple(fix.edits))
        replacements.extend((start, end, _LINE_BREAK.sub(newline, edit.new_text)) for start, end, edit in spans)
        applied += 1
    for start, end, new_text in sorted(replacements, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text, applied


def _overlap(start: int, end: int, other: tuple[int, int]) -> bool:
    other_start, other_end = other
    if start == end == other_start == other_end:
        return True  # two insertions at one point: their order would be a guess
    return start < other_end and other_start < end


@dataclass
class FixOutcome:
    text: str  # the fixed text (the original when nothing was applied)
    findings: list[Finding]  # what remains after fixing
    problems: list[Problem] = field(default_factory=list)
    applied: int = 0
    dependencies: set[Path] = field(default_factory=set)  # of every text checked on the way
    timed_out: bool = False  # a check ran out of its time budget: some rules did not run


def fix_text(
    text: str,
    path: Path | None,
    workspace: Workspace,
    rules: Sequence[Rule],
    unsafe_fixes: bool,
    timeout: float | None = None,
    checked: checker.CheckResult | None = None,
) -> FixOutcome:
    """Apply fixes pass after pass until none is left. `checked`: the check of `text` already made (the
    editor's analysis of it, complete), not made again.

    A fix that would break a valid file is refused. Fixes that never settle
    (two rules undoing each other, or still changing the file after
    MAX_FIX_PASSES) leave the file as it was: no half-way state is written."""
    first = checked if checked is not None else _check(text, path, workspace, rules, timeout)
    outcome = FixOutcome(text, first.findings, list(first.problems), 0, set(first.dependencies), first.timed_out)
    current, result, applied_total = text, first, 0
    seen = {text}
    compiles: bool | None = None  # of the original text; computed once there is something to fix
    # Notebook cells run in IPython, which accepts `await` at the top level (UVI016's fix writes it).
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if path is not None and path.suffix == ".ipynb" else 0
    for _ in range(MAX_FIX_PASSES):
        fixes = [finding.best_fix for finding in result.findings if applicable(finding.best_fix, unsafe_fixes)]
        if not fixes:
            outcome.text, outcome.findings, outcome.applied = current, result.findings, applied_total
            return outcome
        if compiles is None:
            compiles = _compiles(text, flags)
        fixed, applied = apply_fixes(current, fixes)
        if compiles and applied > 1 and not _compiles(fixed, flags):
            # Fixes that do not overlap can still clash (two renames to one
            # keyword): take them one at a time, re-checking in between.
            fixes = fixes[:1]
            fixed, applied = apply_fixes(current, fixes)
        if compiles and not _compiles(fixed, flags):
            outcome.problems.append(
                Problem(
                    f"the fix of {_codes_of(result, fixes)} would make the file invalid Python; not applied (please report this)",
                    str(path) if path else None,
                )
            )
            outcome.text, outcome.findings, outcome.applied = current, result.findings, applied_total
            return outcome
        if fixed in seen:
            break  # back to an earlier text: these fixes undo each other
        seen.add(fixed)
        current, applied_total = fixed, applied_total + applied
        result = _check(current, path, workspace, rules, timeout)
        outcome.problems.extend(problem for problem in result.problems if problem not in outcome.problems)
        outcome.dependencies |= result.dependencies
        outcome.timed_out = outcome.timed_out or result.timed_out
    outcome.problems.append(
        Problem(
            f"the fixes of {_codes_of(result, fixes)} do not settle (they undo each other or keep changing the file); "
            "file left unchanged (please report this)",
            str(path) if path else None,
        )
    )
    return outcome


def _check(
    text: str, path: Path | None, workspace: Workspace, rules: Sequence[Rule], timeout: float | None
) -> checker.CheckResult:
    """A check whose timeout finding (a note, not a rule's) is taken out: `timed_out` says it."""
    from . import checker  # loaded only when a file is checked

    result = checker.check_text(text, path, workspace, rules, use_diff_cache=path is not None, budget_seconds=timeout)
    result.findings = [finding for finding in result.findings if finding.code != checker.TIMEOUT_CODE]
    return result


def _codes_of(result: checker.CheckResult, fixes: list[Fix]) -> str:
    return ", ".join(sorted({finding.code for finding in result.findings if finding.best_fix in fixes}))


def _compiles(text: str, flags: int = 0) -> bool:
    """Full compile, not just ast.parse: that also catches repeated keyword arguments."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like are not ours to report
            compile(text, "<fixed>", "exec", flags=flags, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True
