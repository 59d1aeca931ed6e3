"""Findings → diagnostics: a diagnostic kept for an unchanged finding is the one a new conversion makes,
and a change to anything it is made of (the line's text before it included) makes a new one."""

from __future__ import annotations

from lsprotocol import types

from uvicorn_lsp.engine.model import Finding, Position, Range, Severity, Tag
from uvicorn_lsp.lsp import convert
from uvicorn_lsp.lsp.documents import Lines

UTF16 = types.PositionEncodingKind.Utf16


def finding(message: str = "m", line: int = 1, tags: tuple[Tag, ...] = ()) -> Finding:
    return Finding("UVI014", message, Range(Position(line, 4), Position(line, 12)), Severity.WARNING, tags=tags)


def test_kept_diagnostics_equal_new_ones():
    lines = Lines("services:\n    --reload here\n", UTF16)
    first = convert.diagnostic(finding(), lines)
    assert convert.diagnostic(finding(), Lines("services:\n    --reload here\n", UTF16)) is first
    assert first == convert._new_diagnostic(finding(), lines)
    assert first.range == types.Range(types.Position(line=1, character=4), types.Position(line=1, character=12))
    assert first.code_description is not None and first.code_description.href.endswith("UVI014.md")
    assert first.severity is types.DiagnosticSeverity.Warning


def test_what_a_diagnostic_is_made_of_changes_it():
    text = "services:\n    --reload here\n"
    shown = convert.diagnostic(finding(), Lines(text, UTF16))
    # A character outside the Basic Multilingual Plane before the range: two UTF-16 units, one column.
    wide = convert.diagnostic(finding(), Lines("services:\n😀   --reload here\n", UTF16))
    assert wide.range.start.character == 5 and shown.range.start.character == 4
    utf8 = convert.diagnostic(finding(), Lines("services:\n😀   --reload here\n", types.PositionEncodingKind.Utf8))
    assert utf8.range.start.character == 7
    assert convert.diagnostic(finding("other"), Lines(text, UTF16)).message == "other"
    assert convert.diagnostic(finding(tags=(Tag.DEPRECATED,)), Lines(text, UTF16)).tags == [
        types.DiagnosticTag.Deprecated
    ]
    moved = convert.diagnostic(finding(line=2), Lines(text + "    --reload here\n", UTF16))
    assert moved.range.start.line == 2
