"""Text cut out of a file, each character knowing where it stands in the file.

A command line rarely is a plain span of its file: a Dockerfile joins `\\` continuations,
a JSON string decodes escapes, a YAML block drops its indentation. Each source builds a
`Placed` text from its own syntax; the shell tokenizer reads the decoded text and every
word it finds maps back to an exact file range (0-based lines, code-point columns).

Places are kept as runs (a character after the start of its run stands one column right of
the one before), so a long file costs one run per line, not one position per character.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from functools import cached_property

from ..model import Position, Range

Run = tuple[int, int, int]  # (offset in the text, line, column) where a contiguous stretch starts


class Placed:
    def __init__(
        self,
        text: str,
        places: Sequence[Position] | None = None,
        verbatim: bool = True,
        runs: tuple[Run, ...] | None = None,
        end: Position | None = None,
    ):
        """`places`: where each character stands, and one more for the end; or `runs` and `end`."""
        self.text = text
        # True when every character is itself in the file at its place (no escape decoded),
        # so a fix may rewrite any span of it as it is written.
        self.verbatim = verbatim
        # False where a word starting with `#` is an argument, not a shell comment (a systemd ExecStart= line).
        self.hash_comments = True
        if runs is None:
            assert places is not None and len(places) == len(text) + 1
            runs, end = _runs_of(places), places[-1]
        self._runs = runs
        self._offsets = [run[0] for run in runs]
        self.end = end if end is not None else self.place(len(text))

    @property
    def identity(self) -> tuple:
        """Equal for two texts with the same characters at the same places (a key for caches)."""
        return self.text, self._runs, self.end, self.verbatim, self.hash_comments

    def place(self, index: int) -> Position:
        if index >= len(self.text) and self.__dict__.get("end") is not None:
            return self.end
        offset, line, column = self._runs[max(bisect_right(self._offsets, index) - 1, 0)]
        return Position(line, column + index - offset)

    @cached_property
    def places(self) -> tuple[Position, ...]:
        return tuple(self.place(index) for index in range(len(self.text))) + (self.end,)

    def range(self, start: int, end: int) -> Range:
        """The file range of text[start:end] (end exclusive)."""
        first = self.place(start)
        if end <= start:
            return Range(first, first)
        last, following = self.place(end - 1), self.place(end)
        if following.line == last.line and following.character > last.character:
            return Range(first, following)  # up to the next character: a decoded escape is wider than 1
        return Range(first, Position(last.line, last.character + 1))

    def as_written_in(self, lines: Sequence[str]) -> bool:
        """Whether each character stands as itself in the file right after the one before (a line break
        where its line ends): then every span of the text is that span of the file, and editing one edits
        the other (not so where quotes, escapes or indentation were dropped between them)."""
        ends = [*self._offsets[1:], len(self.text)]
        expected: tuple[int, int] | None = None  # where the next run must start
        for (offset, line, column), end in zip(self._runs, ends, strict=True):
            if expected is not None and (line, column) != expected:
                return False
            piece = self.text[offset:end]
            body = piece.removesuffix("\n")
            if "\n" in body or line >= len(lines) or lines[line][column : column + len(body)] != body:
                return False
            if len(body) == len(piece):
                expected = (line, column + len(body))
            elif column + len(body) == len(lines[line]):
                expected = (line + 1, 0)
            else:
                return False
        return True

    def substituted(self, text: str, hash_comments: bool = True) -> Placed:
        """Another text of the same length at the same places (a reader's own expansion syntax rewritten
        for the shell tokenizer); not written as it stands, so no fix rewrites its spans."""
        assert len(text) == len(self.text)
        placed = Placed(text, verbatim=self.verbatim and text == self.text, runs=self._runs, end=self.end)
        placed.hash_comments = hash_comments
        return placed

    def sliced(self, start: int, end: int | None = None) -> Placed:
        """text[start:end] with its places."""
        end = len(self.text) if end is None else end
        runs = [(0, *_line_column(self.place(start)))]
        for offset, line, column in self._runs:
            if start < offset < end:
                runs.append((offset - start, line, column))
        return Placed(self.text[start:end], verbatim=self.verbatim, runs=tuple(runs), end=self.place(end))


def _line_column(position: Position) -> tuple[int, int]:
    return position.line, position.character


def _runs_of(places: Sequence[Position]) -> tuple[Run, ...]:
    runs: list[Run] = []
    previous: Position | None = None
    for index, place in enumerate(places[:-1]):
        if previous is None or place.line != previous.line or place.character != previous.character + 1:
            runs.append((index, place.line, place.character))
        previous = place
    return tuple(runs) or ((0, places[-1].line, places[-1].character),)


def span(line: int, start: int, text: str) -> Placed:
    """`text` standing as it is on one line from column `start`."""
    return Placed(text, runs=((0, line, start),), end=Position(line, start + len(text)))


def whole_text(lines: list[str]) -> Placed:
    """The file's whole text (`lines` not empty), line breaks kept as "\\n"."""
    return lines_span(lines, Position(0, 0), Position(len(lines) - 1, len(lines[-1])))


def lines_span(lines: list[str], start: Position, end: Position) -> Placed:
    """The file's text from `start` to `end`, line breaks kept as "\\n"."""
    text: list[str] = []
    runs: list[Run] = []
    offset = 0
    for number in range(start.line, end.line + 1):
        first = start.character if number == start.line else 0
        last = end.character if number == end.line else len(lines[number])
        runs.append((offset, number, first))
        piece = lines[number][first:last]
        text.append(piece)
        offset += len(piece)
        if number != end.line:
            text.append("\n")  # stands where the line ends
            offset += 1
    return Placed("".join(text), runs=tuple(runs), end=end)


def joined(pieces: list[Placed]) -> Placed:
    """Pieces read as one text (continuation lines, a block's lines without their indentation)."""
    runs: list[Run] = []
    offset = 0
    for piece in pieces:
        runs.extend((offset + run_offset, line, column) for run_offset, line, column in piece._runs)
        offset += len(piece.text)
    text = "".join(piece.text for piece in pieces)
    return Placed(text, verbatim=all(piece.verbatim for piece in pieces), runs=tuple(runs), end=pieces[-1].end)
