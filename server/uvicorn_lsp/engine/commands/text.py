"""Text cut out of a file, each character knowing where it stands in the file.

A command line rarely is a plain span of its file: a Dockerfile joins `\\` continuations,
a JSON string decodes escapes, a YAML block drops its indentation. Each source builds a
`Placed` text from its own syntax; the shell tokenizer reads the decoded text and every
word it finds maps back to an exact file range (0-based lines, code-point columns).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Position, Range


@dataclass(frozen=True)
class Placed:
    text: str
    places: tuple[Position, ...]  # where each character of `text` stands; one more for the end
    # True when every character is itself in the file at its place (no escape decoded),
    # so a fix may rewrite any span of it as it is written.
    verbatim: bool = True

    def range(self, start: int, end: int) -> Range:
        """The file range of text[start:end] (end exclusive)."""
        if end <= start:
            return Range(self.places[start], self.places[start])
        last, following = self.places[end - 1], self.places[end]
        if following.line == last.line and following.character > last.character:
            return Range(self.places[start], following)  # up to the next character: a decoded escape is wider than 1
        return Range(self.places[start], Position(last.line, last.character + 1))


def span(line: int, start: int, text: str) -> Placed:
    """`text` standing as it is on one line from column `start`."""
    return Placed(text, tuple(Position(line, start + index) for index in range(len(text) + 1)))


def lines_span(lines: list[str], start: Position, end: Position) -> Placed:
    """The file's text from `start` to `end`, line breaks kept as "\\n"."""
    text: list[str] = []
    places: list[Position] = []
    for number in range(start.line, end.line + 1):
        first = start.character if number == start.line else 0
        last = end.character if number == end.line else len(lines[number])
        text.append(lines[number][first:last])
        places.extend(Position(number, column) for column in range(first, last))
        if number != end.line:
            text.append("\n")
            places.append(Position(number, last))
    places.append(Position(end.line, end.character))
    return Placed("".join(text), tuple(places))


def joined(pieces: list[Placed]) -> Placed:
    """Pieces read as one text (continuation lines, a block's lines without their indentation)."""
    text = "".join(piece.text for piece in pieces)
    places = tuple(place for piece in pieces for place in piece.places[:-1]) + (pieces[-1].places[-1],)
    return Placed(text, places, all(piece.verbatim for piece in pieces))
