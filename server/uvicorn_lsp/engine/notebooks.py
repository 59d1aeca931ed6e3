"""Jupyter notebooks as one Python document: the code cells in order, and the way back.

The rules see one document (names defined in an earlier cell are known in a later one, as in
the kernel). Between two cells stands a comment line no fix touches, so the cells can be cut
out again from a fixed document. IPython magics (`%time f()`, `!pip install x`, a `%%bash`
cell) are commented out in the document, column for column, and restored when writing back.
Cells are numbered from 1 among all the notebook's cells (markdown too), as Jupyter and ruff
count them."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from functools import cached_property

from .model import Position, Range
from .source import split_lines

SUFFIX = ".ipynb"
_BOUNDARY = "# ---- uvicorn-lsp: next cell ----"


class NotebookError(ValueError):
    """The text is not a notebook this module can read."""


@dataclass
class Cell:
    number: int  # 1-based among all cells
    lines: list[str]  # the cell's lines as the document holds them (magics commented out)
    first_line: int = 0  # 0-based line of the document where it starts
    # Masked line → the line as written, to restore magics in a fixed cell.
    magics: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class JsonLayout:
    indent: int | None
    ensure_ascii: bool
    final_newline: bool

    def dump(self, data: object) -> str:
        text = json.dumps(data, indent=self.indent, ensure_ascii=self.ensure_ascii)
        return text + "\n" if self.final_newline else text


class Cells:
    """Code cells, numbered, as one Python document; positions both ways."""

    def __init__(self, sources: list[tuple[int, str]]):
        """`sources`: (cell number, cell text) of the code cells, in order."""
        self.cells = [_cell(number, text) for number, text in sources]
        taken = {line for cell in self.cells for line in cell.lines}
        self._boundary = _BOUNDARY
        while self._boundary in taken:
            self._boundary += "-"
        line = 0
        for cell in self.cells:
            cell.first_line = line
            line += len(cell.lines) + 1  # and the boundary after it
        self.document = "".join(line + "\n" for cell in self.cells for line in (*cell.lines, self._boundary))

    def split(self, document: str) -> list[list[str]]:
        """Each cell's lines in `document` (this document, edited), magics restored."""
        parts = document.split(self._boundary + "\n")
        if len(parts) != len(self.cells) + 1 or parts[-1]:
            raise NotebookError("the fixed notebook's cells cannot be told apart")
        return [
            [cell.magics.get(line, line) for line in part.split("\n")[:-1]]
            for cell, part in zip(self.cells, parts, strict=False)
        ]

    def locate(self, position: Position) -> tuple[Cell, Position] | None:
        """The cell a document position falls in and the position inside it; a boundary
        line counts as the end of the cell before it."""
        for cell in self.cells:
            if cell.first_line <= position.line <= cell.first_line + len(cell.lines):
                line = position.line - cell.first_line
                if line == len(cell.lines):  # on the boundary: the end of the cell's last line
                    return (cell, Position(max(0, line - 1), len(cell.lines[-1]) if cell.lines else 0))
                return cell, Position(line, position.character)
        return None

    def locate_range(self, where: Range) -> tuple[Cell, Range] | None:
        """A document range inside one cell (a range that leaves its cell ends at that cell's end)."""
        start = self.locate(where.start)
        if start is None:
            return None
        cell, start_position = start
        end = self.locate(where.end)
        if end is None or end[0] is not cell:
            last = max(0, len(cell.lines) - 1)
            return cell, Range(start_position, Position(last, len(cell.lines[last]) if cell.lines else 0))
        return cell, Range(start_position, end[1])

    def document_position(self, cell_number: int, position: Position) -> Position | None:
        cell = next((cell for cell in self.cells if cell.number == cell_number), None)
        return None if cell is None else Position(cell.first_line + position.line, position.character)


class Notebook(Cells):
    """A notebook file's JSON text: its code cells, and the text with fixed cells written back."""

    def __init__(self, text: str):
        try:
            self._data = json.loads(text)
        except ValueError as error:
            raise NotebookError(f"not a notebook (invalid JSON: {error})") from None
        raw_cells = self._data.get("cells") if isinstance(self._data, dict) else None
        if not isinstance(raw_cells, list):
            raise NotebookError('not a notebook (no "cells" list)')
        self._text = text
        super().__init__(
            [
                (number, _text_of(cell["source"]))
                for number, cell in enumerate(raw_cells, start=1)
                if isinstance(cell, dict)
                and cell.get("cell_type") == "code"
                and isinstance(cell.get("source"), (str, list))
            ]
        )

    def file_range(self, where: Range) -> Range | None:
        """Where a document range (inside one cell) is written in the notebook's JSON text; None when not known."""
        located = self.locate_range(where)
        if located is None:
            return None
        cell, inside = located
        strings = self._written.get(cell.number)
        if not strings:
            return None
        start, end = _file_place(strings, inside.start), _file_place(strings, inside.end)
        return None if start is None or end is None else Range(start, end)

    @cached_property
    def _written(self) -> dict[int, list]:
        return _written_places(self._text)

    def with_document(self, document: str) -> str:
        """The notebook's JSON text with each code cell replaced by its part of `document`
        (this notebook's document, fixed). Raises NotebookError when the cells cannot be told
        apart any more or the file's JSON layout cannot be kept."""
        new_lines = self.split(document)
        layout = self.layout()
        data = copy.deepcopy(self._data)
        changed = False
        by_number = {cell.number: (cell, lines) for cell, lines in zip(self.cells, new_lines, strict=True)}
        for number, raw in enumerate(data["cells"], start=1):
            if number not in by_number:
                continue
            cell, lines = by_number[number]
            if lines == [cell.magics.get(line, line) for line in cell.lines]:
                continue
            changed = True
            raw["source"] = _source_like(raw["source"], lines)
        return layout.dump(data) if changed else self._text

    def layout(self) -> JsonLayout:
        """How the file writes its JSON, checked by writing the unchanged notebook back."""
        text = self._text
        second_line = text.split("\n", 2)[1] if text.startswith("{\n") else None
        indent = len(second_line) - len(second_line.lstrip(" ")) if second_line is not None else None
        ensure_ascii = text.isascii() and "\\u" in text
        layout = JsonLayout(indent, ensure_ascii, text.endswith("\n"))
        if layout.dump(json.loads(text)) != text:
            raise NotebookError("the notebook's JSON layout is not one uvicorn-lsp can write back unchanged")
        return layout


def _written_places(text: str) -> dict[int, list]:
    """By cell number, the JSON strings each code cell's source is written as (one, or one per line), with the
    place in the file of each character they decode to; {} for text the JSON reader does not take."""
    from .commands import jsonc
    from .commands.text import whole_text

    lines = split_lines(text)
    try:
        root = jsonc.parse(whole_text(lines))
    except jsonc.JsonError:
        return {}
    cells = root.get("cells") if isinstance(root, jsonc.JsonObject) else None
    found: dict[int, list] = {}
    for number, cell in enumerate(cells.elements if isinstance(cells, jsonc.JsonArray) else [], start=1):
        source = cell.get("source") if isinstance(cell, jsonc.JsonObject) else None
        strings = source.elements if isinstance(source, jsonc.JsonArray) else [source]
        if all(isinstance(string, jsonc.JsonString) for string in strings):
            found[number] = strings
    return found


def _file_place(strings: list, position: Position) -> Position | None:
    """Where the cell text's `position` is written among its JSON `strings`."""
    pieces = re.split(r"(\r\n|\r|\n)", "".join(string.value for string in strings))  # line, break, line...
    lines, breaks = pieces[::2], [*pieces[1::2], ""]
    if position.line >= len(lines):
        return None
    offset = sum(len(line) + len(brk) for line, brk in zip(lines[: position.line], breaks, strict=False))
    offset += min(position.character, len(lines[position.line]))
    for string in strings:
        if offset < len(string.value) or string is strings[-1]:
            return string.placed.place(offset)
        offset -= len(string.value)
    return None


def _text_of(source: str | list) -> str:
    return source if isinstance(source, str) else "".join(str(part) for part in source)


# IPython's help lines: `JSONResponse?`, `uvicorn.run??`, `?app` (not Python: the whole line is the request).
_HELP = re.compile(r"^(\?{1,2}[A-Za-z_][\w.]*|[A-Za-z_][\w.]*\?{1,2})\s*$")


def _cell(number: int, text: str) -> Cell:
    lines = split_lines(text)
    if lines and lines[-1] == "":
        lines.pop()
    cell = Cell(number, [])
    cell_magic = bool(lines) and lines[0].lstrip().startswith("%%")  # the whole cell is another language
    continued = False  # the line before is a magic ending with `\`: IPython joins this line to it
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or _HELP.match(stripped):  # its first sign becomes the comment's
            masked = line[: len(line) - len(stripped)] + "#" + stripped[1:]
        elif cell_magic or continued:
            masked = "#" + line
        else:
            masked = line
        continued = masked != line and line.endswith("\\")
        if masked != line:
            cell.magics[masked] = line
        cell.lines.append(masked)
    return cell


def _source_like(original: str | list, lines: list[str]) -> str | list:
    """The cell's new source in the shape the notebook stores it: a string, or a list of lines
    each ending with a line break but the last; a cell whose text ended without one keeps so."""
    ended_with_break = (original if isinstance(original, str) else "".join(original)).endswith("\n")
    text = "\n".join(lines) + ("\n" if ended_with_break and lines else "")
    return text if isinstance(original, str) else text.splitlines(keepends=True)
