"""Engine findings and fixes → LSP diagnostics, code actions and edits."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from lsprotocol import types

from ..engine import suppression
from ..engine.model import Applicability, Finding, Fix, Position, Range, Severity, Tag, TextEdit
from ..engine.source import split_lines
from ..engine.text_cache import TextCache
from ..rules import RULES_BY_CODE
from .documents import Lines

SOURCE = "uvicorn-lsp"

_TAGS = {Tag.DEPRECATED: types.DiagnosticTag.Deprecated, Tag.UNNECESSARY: types.DiagnosticTag.Unnecessary}


# Diagnostics by what they are made of (the finding's code, message, severity, tags and range, and the
# text of the lines the range spans, which the client's units depend on): between two keystrokes most
# findings of a file are unchanged, and their diagnostics are not made again.
_DIAGNOSTICS: TextCache[tuple, types.Diagnostic] = TextCache(4096)
_SEVERITIES = {severity: types.DiagnosticSeverity(int(severity)) for severity in Severity}


def diagnostic(finding: Finding, lines: Lines) -> types.Diagnostic:
    where = finding.range
    rows = lines.lines
    spanned = tuple(rows[where.start.line : where.end.line + 1])
    key = (finding.code, finding.message, finding.severity, finding.tags, where, spanned, lines.encoding)
    return _DIAGNOSTICS.get(key, lambda: _new_diagnostic(finding, lines))


def _new_diagnostic(finding: Finding, lines: Lines) -> types.Diagnostic:
    return types.Diagnostic(
        range=lines.range_to_client(finding.range),
        message=finding.message,
        severity=_SEVERITIES[finding.severity],
        code=finding.code,
        code_description=_code_description(finding.code),
        source=SOURCE,
        tags=[_TAGS[tag] for tag in finding.tags] or None,
    )


@functools.cache
def _code_description(code: str) -> types.CodeDescription | None:
    rule = RULES_BY_CODE.get(code)
    return types.CodeDescription(href=rule.url) if rule else None


@dataclass
class EditBuilder:
    """Makes WorkspaceEdits for one analysed version of one document."""

    uri: str
    version: int
    lines: Lines
    versioned: bool  # the client takes documentChanges, so stale edits are refused

    def __call__(self, edits) -> types.WorkspaceEdit:
        text_edits = [
            types.TextEdit(range=self.lines.range_to_client(edit.range), new_text=edit.new_text) for edit in edits
        ]
        if self.versioned:
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                        edits=text_edits,
                    )
                ]
            )
        return types.WorkspaceEdit(changes={self.uri: text_edits})


def finding_actions(
    finding: Finding, lines: Lines, edit_for: EditBuilder, source_kind: str | None = None
) -> list[types.CodeAction]:
    """The finding's fixes, and a comment that silences it where the file's format (`source_kind`, None for
    Python) has a place for one."""
    shown = diagnostic(finding, lines)
    actions = [
        types.CodeAction(
            title=fix.title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[shown],
            edit=edit_for(fix.edits),
            is_preferred=fix.preferred or None,
        )
        for fix in finding.fixes
    ]
    # Only a rule's finding can be silenced (not the note that the time budget ran out).
    noqa = (
        suppression.noqa_comment(lines.lines, finding.range.start.line, finding.code, source_kind)
        if finding.code in RULES_BY_CODE
        else None
    )
    if noqa is not None:
        marker = suppression.comment_marker(source_kind)
        actions.append(
            types.CodeAction(
                title=f"Suppress {finding.code} with `{marker} noqa: {finding.code}`",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[shown],
                edit=edit_for([noqa]),
            )
        )
    return actions


def fix_all_action(findings: list[Finding], edit_for: EditBuilder, kind: str) -> types.CodeAction | None:
    """Every safe preferred fix whose edits do not overlap an earlier one."""
    chosen: list[TextEdit] = []
    for finding in findings:
        fix: Fix | None = finding.best_fix
        if fix is None or fix.applicability is not Applicability.SAFE:
            continue
        if any(edit.range.overlaps(other.range) for edit in fix.edits for other in chosen):
            continue
        chosen.extend(fix.edits)
    if not chosen:
        return None
    return types.CodeAction(title="Fix all uvicorn-lsp problems", kind=kind, edit=edit_for(chosen))


def replacement_edit(before: str, after: str) -> TextEdit:
    """One edit turning `before` into `after` that spans only what differs (the client's cursor and folds
    elsewhere stay), never splitting a \\r\\n."""
    start = len(os.path.commonprefix([before, after]))
    if 0 < start < len(before) and before[start - 1 : start + 1] == "\r\n":
        start -= 1
    room = min(len(before), len(after)) - start
    same_end = min(len(os.path.commonprefix([before[::-1], after[::-1]])), room)
    end = len(before) - same_end
    if 0 < end < len(before) and before[end - 1 : end + 1] == "\r\n":
        end, same_end = end + 1, same_end - 1
    return TextEdit(Range(_position_at(before, start), _position_at(before, end)), after[start : len(after) - same_end])


def _position_at(text: str, offset: int) -> Position:
    lines = split_lines(text[:offset])
    return Position(len(lines) - 1, len(lines[-1]))
