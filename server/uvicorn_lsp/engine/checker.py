"""engine.check: text in, findings out. Knows nothing of LSP or output formats."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import carry_over, commands, config
from . import source as source_module
from .config import Settings
from .context import Cancelled, OverBudget, RuleContext
from .model import Finding, Position, Problem, ProblemKind, Range, Severity, TextEdit
from .rule import Rule
from .source import SourceFile
from .workspace import Workspace

log = logging.getLogger(__name__)

# The code of the information finding an analysis stopped by its time budget adds at line 1.
TIMEOUT_CODE = "analysis-timeout"
SYNTAX_ERRORS_NOTE = "syntax errors: only findings in code that parses are reported, and no fix edits next to an error"
# Runs of lines named in the note at most: a file full of `match` statements gets the first ones.
_NOTE_LINE_RUNS = 3


def newer_syntax_note(broken_lines: Iterable[int]) -> str:
    """What the analysis skips of a file that Python parses and parso does not (`match`, `except*`), by line."""
    runs: list[list[int]] = []
    for line in sorted(broken_lines):
        if runs and line == runs[-1][1] + 1:
            runs[-1][1] = line
        else:
            runs.append([line, line])
    shown = ", ".join(
        f"{start + 1}" if start == end else f"{start + 1}-{end + 1}" for start, end in runs[:_NOTE_LINE_RUNS]
    )
    more = ", ..." if len(runs) > _NOTE_LINE_RUNS else ""
    several = len(runs) > 1 or runs[0][0] != runs[0][1]
    return (
        f"{'lines' if several else 'line'} {shown}{more} {'use' if several else 'uses'} Python syntax the analysis "
        "cannot read yet (such as `match` statements): findings there are not reported, and no fix edits next to them"
    )


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dependencies: set[Path] = field(default_factory=set)  # other files the result was computed from
    source_kind: str | None = None  # the command source the file was read as (commands.source_kind); None: Python
    timed_out: bool = False  # the time budget ran out: some rules were skipped
    # What the check of an edited buffer (parsed through the diff cache) was computed from: the next check of
    # the buffer may keep this result (`carry_over`).
    basis: carry_over.Basis | carry_over.PartsBasis | None = None


_BYTE_ORDER_MARK = "\ufeff"


def _past_the_mark(finding: Finding) -> Finding:
    """The finding's places in the text that starts with a byte order mark: first-line columns one further."""

    def moved(where: Range) -> Range:
        return Range(*(Position(at.line, at.character + (at.line == 0)) for at in (where.start, where.end)))

    fixes = [
        replace(fix, edits=tuple(TextEdit(moved(edit.range), edit.new_text) for edit in fix.edits))
        for fix in finding.fixes
    ]
    return replace(finding, range=moved(finding.range), fixes=fixes)


def prepare(workspace: Workspace) -> None:
    """Load what the first check of a Python file in `workspace` would load on its way (the parser's grammar,
    its tokenizer's expressions): a front calls it while it waits for its first file."""
    _ = SourceFile("import uvicorn\n", grammar=workspace.grammar).tree


def enabled_rules(rules: Sequence[Rule], settings: Settings, path: Path | None) -> list[Rule]:
    return [rule for rule in rules if settings.is_enabled(rule.code, rule.on_by_default, path)]


def check_text(
    text: str,
    path: Path | None,
    workspace: Workspace,
    rules: Sequence[Rule],
    use_diff_cache: bool = False,
    should_stop: Callable[[], bool] | None = None,
    budget_seconds: float | None = None,
    note_syntax_errors: bool = True,
    previous: CheckResult | None = None,
) -> CheckResult:
    """Check one file's text with those of `rules` its settings enable (the fronts pass the registry).

    `should_stop` is polled between rules (and wherever rules call `check_cancelled`): when it
    returns True the check raises Cancelled. After `budget_seconds` the check stops the same way
    but returns what it found, with an information finding at line 1 naming the skipped rules.
    `note_syntax_errors=False` leaves out the problem saying the file has syntax errors (finding
    that out reads the whole tree; the editor shows syntax errors already).
    `previous` is the result of the check of an earlier text of this buffer, passed when nothing else it
    was computed from has changed since: it is returned again (with the new tree's version) when the edit
    between the two texts cannot change it."""
    if text.startswith(_BYTE_ORDER_MARK):
        # Python and the shell skip it (decode_source drops it from files read); the editor's text keeps it,
        # one column before everything on the first line. (No carry-over: the kept findings are shifted.)
        without = check_text(
            text[1:], path, workspace, rules, use_diff_cache, should_stop, budget_seconds, note_syntax_errors
        )
        without.findings = [_past_the_mark(finding) for finding in without.findings]
        without.basis = None
        return without
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    if path is not None:
        path = Path(os.path.abspath(path))
    settings, problems = workspace.settings_for(path)
    result = CheckResult(problems=list(problems))
    # The engine knows no rule: codes are checked against the rule set the front passed.
    known_codes = [rule.code for rule in rules]
    result.problems += config.unknown_rule_codes(settings, known_codes, passed_by_front=workspace.client_settings)
    if len(text) > source_module.MAX_SOURCE_CHARS:
        result.problems.append(
            Problem(f"skipped: larger than {source_module.MAX_SOURCE_CHARS:,} characters", str(path) if path else None)
        )
        return result
    rules = enabled_rules(rules, settings, path)
    # The pre-filter: most files never mention uvicorn and cost one substring scan.
    through_image = commands.starts_through_an_image(path, text)
    # Each word searched for once: the rules share a few ("uvicorn" selects most of them).
    words = {word for rule in rules for word in (*rule.triggers, *rule.command_triggers)}
    mentioned = {word: word in text for word in words}
    rules = [
        rule
        for rule in rules
        if any(mentioned[word] for word in (*rule.triggers, *rule.command_triggers))
        or (through_image and rule.judges_commands)
    ]
    if not rules:
        return result
    kind = None if path is None or path.suffix in (".py", ".pyi") else commands.source_kind(path, text)
    if kind is None and path is not None and settings.names_file(path, workspace.root):
        kind = commands.implied_kind(path, text)  # `include`/`extend-include` selects it: None keeps it Python
    if kind is None and path is not None and path.suffix.lower() in commands.NOT_PYTHON_SUFFIXES:
        return result  # a YAML, JSON, TOML... file that starts nothing: not Python either
    if kind is not None:  # a Dockerfile, compose file, Procfile...: only rules that judge command launches
        rules = [rule for rule in rules if rule.judges_commands]
        if not rules:
            return result
        result.source_kind = kind
        command_context = commands.context_for(kind, text, path, workspace, settings)
        context: RuleContext = command_context
        source = context.source
    else:
        # Python: a rule selected by a command file's word alone (a router's `from fastapi import`) has nothing
        # to judge, and the file need not be parsed for it.
        rules = [rule for rule in rules if any(mentioned[word] for word in rule.triggers)]
        if not rules:
            return result
        source = SourceFile(text, path, grammar=workspace.grammar, use_diff_cache=use_diff_cache)
        context = RuleContext(source, workspace, settings)
    context.should_stop = should_stop
    context.deadline = deadline
    if context.is_python and (should_stop is not None or deadline is not None):
        _ = source.tree  # parse first (it cannot be interrupted): a newer text stops the check right after
    codes = tuple(rule.code for rule in rules)
    previous_basis = previous.basis if previous is not None and not previous.timed_out else None
    buffer_version = source.tree_version if use_diff_cache and kind is None and _is_module(path) else None
    parts = commands.independent_parts(kind, source.lines) if use_diff_cache and kind is not None else None
    if buffer_version is not None:
        # An edited buffer's check records what it looked up, so the next keystroke's check may keep its result.
        imports = carry_over.import_statements(context.imports)
        if isinstance(previous_basis, carry_over.Basis):
            basis = replace(
                previous_basis,
                workspace=workspace,
                settings=settings,
                rules=codes,
                tree_version=buffer_version,
                imports=imports,
            )
            words = {word for rule in rules for word in (*rule.triggers, *rule.command_triggers)}
            if carry_over.kept(previous_basis, basis, source, words):
                assert previous is not None
                return CheckResult(list(previous.findings), list(previous.problems), previous.dependencies, basis=basis)
        assert path is not None
        with source_module.recording_lookups(path) as lookups:
            _run_rules(context, rules, result, budget_seconds)
        result.basis = carry_over.Basis(workspace, settings, codes, buffer_version, lookups, imports)
    elif parts is not None:
        # A command file read part by part (compose services): a keystroke in one part judges that part alone.
        parts_basis = carry_over.PartsBasis(workspace, settings, codes, source.lines, tuple(parts))
        part = carry_over.changed_part(previous_basis, parts_basis) if previous_basis is not None else None
        if part is not None:
            assert previous is not None
            command_context.only_lines = part
            _run_rules(context, rules, result, budget_seconds)
            result.findings += [f for f in previous.findings if not part[0] <= f.range.start.line < part[1]]
            result.problems += [problem for problem in previous.problems if problem not in result.problems]
            context.dependencies |= previous.dependencies
        else:
            _run_rules(context, rules, result, budget_seconds)
        result.basis = parts_basis
    else:
        _run_rules(context, rules, result, budget_seconds)
    if note_syntax_errors and source.broken_lines:
        # parso's grammar lacks it (`match`, `except*`), or the project's newer Python has it (`class Box[T]` read
        # by 3.11 for a project that requires 3.14): code the analysis cannot read, not an error of the user's.
        if (
            source.python_parses
            or not workspace.parses_as_this_python
            or (path is not None and config.requires_a_newer_python(path.parent))
        ):
            note = newer_syntax_note(source.broken_lines)
            result.problems.append(Problem(note, str(path) if path else None, ProblemKind.NOTICE))
        else:
            result.problems.append(Problem(SYNTAX_ERRORS_NOTE, str(path) if path else None, ProblemKind.SYNTAX_ERRORS))
    result.dependencies = context.files_depended_on()
    result.problems.extend(workspace.problems)
    workspace.problems.clear()
    result.findings.sort(key=lambda f: (f.range.start, f.code))
    return result


def _run_rules(context: RuleContext, rules: Sequence[Rule], result: CheckResult, budget_seconds: float | None) -> None:
    """Run `rules` on the context, adding their findings (those not suppressed) and problems to `result`."""
    source, settings, path = context.source, context.settings, context.source.path
    for index, rule in enumerate(rules):
        try:
            context.check_cancelled()
            findings = []
            for finding in rule.check(context):  # rules yield as they go: a place to stop between findings
                findings.append(finding)
                context.check_cancelled()
        except OverBudget:
            result.timed_out = True
            result.findings.append(_timeout_finding(budget_seconds or 0.0, [rule.code for rule in rules[index:]]))
            break
        except Cancelled:
            raise
        except RecursionError:
            result.problems.append(
                Problem(f"{rule.code} skipped: expression nesting too deep", str(path) if path else None)
            )
            continue
        except Exception as error:  # one broken rule must not hide the others
            log.exception("rule %s failed on %s", rule.code, path)
            result.problems.append(
                Problem(
                    f"internal error in {rule.code}: {error!r}", str(path) if path else None, ProblemKind.INTERNAL_ERROR
                )
            )
            continue
        for finding in findings:
            if source.is_suppressed(finding.code, finding.range) or not source.parses_around(finding.range):
                continue
            # A fix next to code parso could not parse is built on its guess at that code.
            finding.fixes = [fix for fix in finding.fixes if all(source.parses_around(e.range) for e in fix.edits)]
            finding.severity = settings.severity_for(finding.code, finding.severity)
            result.findings.append(finding)


def _is_module(path: Path | None) -> bool:
    return path is not None and path.suffix == ".py"


def _timeout_finding(budget_seconds: float, skipped: list[str]) -> Finding:
    return Finding(
        code=TIMEOUT_CODE,
        message=(
            f"uvicorn-lsp stopped analysing this file after its time budget of {budget_seconds:g} s; "
            f"not checked: {', '.join(skipped)}"
        ),
        range=Range(Position(0, 0), Position(0, 0)),
        severity=Severity.INFORMATION,
    )


def check_file(path: Path, workspace: Workspace, rules: Sequence[Rule]) -> CheckResult:
    try:
        text = source_module.read_source(path)
    except source_module.UndecodableSource as error:
        return CheckResult(problems=[Problem(str(error), str(path))])
    except OSError as error:
        return CheckResult(problems=[Problem(f"cannot read: {error.strerror or error}", str(path))])
    return check_text(text, path, workspace, rules)
