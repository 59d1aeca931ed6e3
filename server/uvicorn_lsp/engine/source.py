"""One file's text, its tolerant parse tree and its `# noqa` comments."""

from __future__ import annotations

import gc
import io
import re
import tokenize
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import parso
from parso.python.tree import Module
from parso.tree import BaseNode

from .model import Position, Range

# Larger files are skipped with a message: nobody writes a uvicorn entry point
# that big, and parsing it on every keystroke would stall the editor.
MAX_SOURCE_CHARS = 5_000_000

_NOQA = re.compile(
    r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines as Python and LSP count them (str.splitlines also splits on \\f, \\v, U+2028...)."""
    return _LINE_BREAK.split(text)


class UndecodableSource(Exception):
    pass


def source_encoding(data: bytes) -> str:
    """The codec Python reads these bytes with: BOM, then PEP 263 cookie, else UTF-8.

    Raises SyntaxError for a bad cookie."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding


def decode_source(data: bytes) -> str:
    """Decode file bytes as Python does: BOM, then PEP 263 cookie, else UTF-8."""
    try:
        return data.decode(source_encoding(data)).removeprefix("\ufeff")
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise UndecodableSource(f"cannot decode as Python source: {error}") from None


def read_source(path: Path) -> str:
    return decode_source(path.read_bytes())


@dataclass(frozen=True)
class Noqa:
    """A `# noqa` comment: `codes` is None for a bare one that silences all."""

    codes: frozenset[str] | None

    def silences(self, code: str) -> bool:
        return self.codes is None or code in self.codes


class SourceFile:
    """Text plus lazily built views of it. Never mutated after creation."""

    def __init__(
        self,
        text: str,
        path: Path | None = None,
        grammar: parso.Grammar | None = None,
        use_diff_cache: bool = False,
    ):
        self.text = text
        self.path = path
        self._grammar = grammar
        # The diff cache makes re-parsing an edited buffer cheap and lets jedi,
        # which asks parso for the same path, reuse this very tree.
        self._use_diff_cache = use_diff_cache and path is not None
        self._mentions: dict[str, bool] = {}

    @cached_property
    def lines(self) -> list[str]:
        return split_lines(self.text)

    @cached_property
    def line_break(self) -> str:
        """The line break new lines of generated code should use in this text."""
        return "\r\n" if "\r\n" in self.text else "\n"

    def mentions(self, word: str) -> bool:
        """Whether the text contains `word`, searched once per word and file."""
        if word not in self._mentions:
            self._mentions[word] = word in self.text
        return self._mentions[word]

    @cached_property
    def tree(self) -> Module:
        grammar = self._grammar or parso.load_grammar()
        # The parse allocates a node per token and frees none: the cycle collector's full passes over
        # that growing heap would only add a superlinear cost (about 15 % on a 40,000-line file).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return grammar.parse(
                self.text,
                # parso's stub types `path` without None, though None (no path) is its default.
                path=str(self.path) if self._use_diff_cache else None,  # type: ignore[arg-type]
                diff_cache=self._use_diff_cache,
                cache=False,
                error_recovery=True,
            )
        finally:
            if collecting:
                gc.enable()

    @cached_property
    def used_names(self) -> dict:
        return self.tree.get_used_names()

    @cached_property
    def noqa_by_line(self) -> dict[int, Noqa]:
        result: dict[int, Noqa] = {}
        if "noqa" not in self.text.lower():
            return result
        for number, line in enumerate(self.lines):
            hash_at = line.find("#")
            if hash_at < 0:
                continue
            match = _NOQA.search(line, hash_at)
            if match is None:
                continue
            codes = match.group("codes")
            result[number] = Noqa(None if codes is None else frozenset(re.split(r"[,\s]+", codes.upper())))
        return result

    @cached_property
    def broken_lines(self) -> frozenset[int]:
        """0-based lines whose parse is parso's guess: those of its error nodes and leaves (with the
        rest of the statement they sit in), and of statements it found indented at module level
        (the body of a block whose header did not parse, as merge-conflict markers leave it)."""
        broken: set[int] = set()
        for statement in self.tree.children:
            if statement.start_pos[1] > 0 and statement.type != "endmarker":
                broken.update(_lines_of(statement))
        nodes: list[BaseNode] = [self.tree]
        while nodes:
            for child in nodes.pop().children:
                if child.type in ("error_node", "error_leaf"):
                    broken.update(_lines_of(enclosing_statement(child) or child))  # an error node can be a statement
                elif isinstance(child, BaseNode):
                    nodes.append(child)
        return frozenset(broken)

    def parses_around(self, where: Range) -> bool:
        """Whether the lines `where` spans parse: none of them is one of `broken_lines`."""
        return self.broken_lines.isdisjoint(range(where.start.line, where.end.line + 1))

    def is_suppressed(self, code: str, where: Range) -> bool:
        for line in range(where.start.line, where.end.line + 1):
            noqa = self.noqa_by_line.get(line)
            if noqa is not None and noqa.silences(code):
                return True
        return False


def enclosing_statement(node):
    """The simple statement that holds `node` (its whole line or lines), None outside one."""
    current = node
    while current.parent is not None and current.type != "simple_stmt":
        current = current.parent
    return current if current.type == "simple_stmt" else None


def _lines_of(node) -> range:
    """The 0-based lines a node spans; a statement's closing line break does not reach the next line."""
    (first, _), (last, column) = node.start_pos, node.end_pos
    return range(first - 1, last - 1 if column == 0 and last > first else last)


def node_range(node) -> Range:
    """Range of a parso node or leaf, leading whitespace and comments left out."""
    return Range(Position(node.start_pos[0] - 1, node.start_pos[1]), Position(node.end_pos[0] - 1, node.end_pos[1]))
