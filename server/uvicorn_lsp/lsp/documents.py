"""Open documents and position encodings.

The engine counts columns in code points on lines split at \\r\\n, \\r or \\n;
clients count in UTF-16 (the default) or UTF-8 units. We keep our own text per
document rather than pygls' copy, whose line splitting also breaks at \\f,
\\v and U+2028 and would misplace incremental edits on such lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from ..engine.model import Position, Range
from ..engine.source import split_lines


def _units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _code_points(line: str, units: int, encoding: str) -> int:
    """The code-point column of `units` client units into `line` (clamped)."""
    if encoding == types.PositionEncodingKind.Utf32 or line.isascii():  # one unit per code point
        return min(units, len(line))
    counted = 0
    for index, char in enumerate(line):
        if counted >= units:
            return index
        counted += _units(char, encoding)
    return len(line)


class Lines:
    """A text's lines with conversions between engine and client positions."""

    def __init__(self, text: str, encoding: str):
        self.lines = split_lines(text)
        self.encoding = encoding

    def to_client(self, position: Position) -> types.Position:
        if position.line >= len(self.lines):
            return types.Position(line=len(self.lines) - 1, character=_units(self.lines[-1], self.encoding))
        line = self.lines[position.line]
        return types.Position(line=position.line, character=_units(line[: position.character], self.encoding))

    def range_to_client(self, where: Range) -> types.Range:
        return types.Range(start=self.to_client(where.start), end=self.to_client(where.end))

    def from_client(self, position: types.Position) -> Position:
        if position.line >= len(self.lines):
            return Position(len(self.lines) - 1, len(self.lines[-1]))
        line = self.lines[position.line]
        return Position(position.line, _code_points(line, position.character, self.encoding))

    def range_from_client(self, where: types.Range) -> Range:
        return Range(self.from_client(where.start), self.from_client(where.end))


@dataclass
class OpenDocument:
    uri: str
    version: int
    text: str

    @cached_property  # a document keeps its URI: asked several times per keystroke
    def path(self) -> Path | None:
        path = to_fs_path(self.uri)
        return Path(path) if path and self.uri.startswith("file:") else None

    def apply(self, change, encoding: str) -> None:
        if not isinstance(change, types.TextDocumentContentChangePartial):
            self.text = change.text
            return
        lines = Lines(self.text, encoding)
        start = _offset(self.text, lines, lines.from_client(change.range.start))
        end = _offset(self.text, lines, lines.from_client(change.range.end))
        if end < start:
            start, end = end, start
        self.text = self.text[:start] + change.text + self.text[end:]


def _offset(text: str, lines: Lines, position: Position) -> int:
    """Offset into `text` of an engine position; line breaks may be 1 or 2 characters."""
    if "\r" not in text:  # every break is one character: no need to look at each
        return sum(map(len, lines.lines[: position.line])) + position.line + position.character
    offset = 0
    for number in range(position.line):
        offset += len(lines.lines[number])
        offset += 2 if text.startswith("\r\n", offset) else 1
    return offset + position.character
