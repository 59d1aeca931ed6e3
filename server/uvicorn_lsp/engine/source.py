"""One file's text, its tolerant parse tree and its `# noqa` comments."""

from __future__ import annotations

import ast
import bisect
import io
import itertools
import re
import threading
import tokenize
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import statement_reparse
from .collector import collector_paused
from .model import Position, Range

if TYPE_CHECKING:  # parso is imported when a text is first parsed: reading and decoding files needs none of it
    import parso
    from parso.python.tree import Module
    from parso.tree import BaseNode

# Larger files are skipped with a message: nobody writes a uvicorn entry point
# that big, and parsing it on every keystroke would stall the editor.
MAX_SOURCE_CHARS = 5_000_000

_NOQA = re.compile(
    r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINES_AND_BREAKS = re.compile(r"(\r\n|\r|\n)")


def split_lines(text: str) -> list[str]:
    """Lines as Python and LSP count them (str.splitlines also splits on \\f, \\v, U+2028...)."""
    if "\r" not in text:
        return text.split("\n")  # the same lines, several times faster than the pattern
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


@dataclass
class Lookups:
    """What a check asked of the text of the file it checks: the names whose leaves it looked up, the words it
    searched the text for, and whether it read more than that (every name, or the bodies of every function).
    `carry_over` keeps a check's findings across an edit whose lines hold none of these."""

    path: Path
    names: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    everything: bool = False


_recording = threading.local()  # the Lookups of the check running on this thread


@contextmanager
def recording_lookups(path: Path) -> Iterator[Lookups]:
    """Record, while the block runs, what is asked of the text of `path` (of every SourceFile of that path)."""
    lookups = Lookups(path)
    outer, _recording.lookups = getattr(_recording, "lookups", None), lookups
    try:
        yield lookups
    finally:
        _recording.lookups = outer


@contextmanager
def unrecorded() -> Iterator[None]:
    """Leave out of the recorded Lookups what the block asks: a result compared as a whole instead (the import
    map, whose statements may be anywhere: a name it looks up in a function's body changes nothing by itself)."""
    outer, _recording.lookups = getattr(_recording, "lookups", None), None
    try:
        yield
    finally:
        _recording.lookups = outer


def lookups_of(source: SourceFile) -> Lookups | None:
    """The Lookups recording what is asked of `source`, if a check records them."""
    lookups: Lookups | None = getattr(_recording, "lookups", None)
    return lookups if lookups is not None and source.path == lookups.path else None


T = TypeVar("T")


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
        self._derived: dict[str, object] = {}

    @cached_property
    def lines(self) -> list[str]:
        return split_lines(self.text)

    @cached_property
    def line_break(self) -> str:
        """The line break new lines of generated code should use in this text."""
        return "\r\n" if "\r\n" in self.text else "\n"

    def note_whole_tree_read(self) -> None:
        """Said by a rule that walks the tree (the bodies of every function...) rather than asking for names:
        what it read cannot be listed, so no edit of the text keeps the check's findings."""
        lookups = lookups_of(self)
        if lookups is not None:
            lookups.everything = True

    def derived(self, key: str, compute: Callable[[SourceFile], T]) -> T:
        """A fact of the whole module computed once per text (the text never changes): asked for each import string
        that loads the module, it would otherwise cost a pass over the module per string."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        return self._derived[key]  # type: ignore[return-value]  # stored by this key's one compute

    def mentions(self, word: str) -> bool:
        """Whether the text contains `word`, searched once per word and file."""
        lookups = lookups_of(self)
        if lookups is not None:
            lookups.words.add(word)
        if word not in self._mentions:
            self._mentions[word] = word in self.text
        return self._mentions[word]

    @property
    def tree(self) -> Module:
        return self._parsed[0]

    @property
    def tree_version(self) -> int | None:
        """The version of a buffer's tree parsed through the diff cache (`statement_reparse.edit_between`
        compares two); None for a text parsed on its own."""
        return self._parsed[1]

    @cached_property
    def _parsed(self) -> tuple[Module, int | None]:
        import parso

        from . import quick_parser

        grammar = self._grammar or parso.load_grammar()
        # The parse allocates a node per token and frees none (about 15 % of a 40,000-line file's parse).
        with collector_paused():
            if self._use_diff_cache:
                return statement_reparse.parse(grammar, self.text, str(self.path))
            return quick_parser.parse_module(grammar, self.text), None

    @cached_property
    def used_names(self) -> NameLeaves:
        """Name leaves by name, as parso's `get_used_names()` has them (found per name when asked)."""
        return NameLeaves(self)

    @cached_property
    def _line_starts(self) -> list[int]:
        """The offset in the text where each line starts."""
        ends = list(itertools.accumulate(map(len, _LINES_AND_BREAKS.split(self.text))))
        return [0, *ends[1::2]]  # the split alternates lines and their breaks

    def positions_of(self, offsets: Iterable[int]) -> Iterator[tuple[int, int]]:
        """parso's (1-based line, column) of each of these offsets into the text, given in ascending order."""
        text = self.text
        skip_mark = text.startswith("\ufeff")  # parso does not count a byte-order mark
        if "\r" in text:
            for offset in offsets:
                line = bisect.bisect_right(self._line_starts, offset) - 1
                yield line + 1, offset - self._line_starts[line] - (skip_mark and line == 0)
            return
        # Only \n breaks lines: counting them as the offsets advance reads the text once, with no table of lines.
        line = counted_to = 0
        for offset in offsets:
            line += text.count("\n", counted_to, offset)
            counted_to = offset
            yield line + 1, offset - text.rfind("\n", 0, offset) - 1 - (skip_mark and line == 0)

    @cached_property
    def noqa_by_line(self) -> dict[int, Noqa]:
        result: dict[int, Noqa] = {}
        if "noqa" not in self.text.lower():
            return result
        for number, line in enumerate(self.lines):
            # The line's comment: its first `#` outside a string (`root_path="/api#noqa"` is no comment).
            hash_at = next((at for at, char in enumerate(line) if char == "#" and self._starts_comment(number, at)), -1)
            if hash_at < 0:
                continue
            match = _NOQA.search(line, hash_at)
            if match is None:
                continue
            codes = match.group("codes")
            result[number] = Noqa(None if codes is None else frozenset(re.split(r"[,\s]+", codes.upper())))
        return result

    def _starts_comment(self, line: int, column: int) -> bool:
        """Whether the `#` at this place starts a comment: in Python, it stands in a leaf's prefix (comments and
        blanks), not inside a string."""
        position = (line + 1, column)
        leaf = self.tree.get_leaf_for_position(position, include_prefixes=True)
        return leaf is None or leaf.start_pos > position

    @cached_property
    def python_parses(self) -> bool:
        """Whether this Python (the one running the tool) parses the text, nothing of it run: where parso does
        not, the text may still be valid Python that parso 0.8 cannot read (`match`, `except*`)."""
        try:
            ast.parse(self.text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        return True

    @cached_property
    def broken_lines(self) -> Set[int]:
        """0-based lines whose parse is parso's guess: those of its error nodes and leaves (with the
        rest of the statement they sit in), and of statements it found indented at module level
        (the body of a block whose header did not parse, as merge-conflict markers leave it).

        Asking whether a line is broken reads only the module-level statement around it; the
        whole set (its size, iterating it, whether it is empty) walks the whole tree."""
        return BrokenLines(self.tree)

    def parses_around(self, where: Range) -> bool:
        """Whether the lines `where` spans parse: none of them is one of `broken_lines`."""
        return self.broken_lines.isdisjoint(range(where.start.line, where.end.line + 1))

    def is_suppressed(self, code: str, where: Range) -> bool:
        for line in range(where.start.line, where.end.line + 1):
            noqa = self.noqa_by_line.get(line)
            if noqa is not None and noqa.silences(code):
                return True
        return False


class NameLeaves(Mapping[str, list]):
    """A tree's name leaves by name, equal to parso's `get_used_names()`, found for each name asked where the
    name occurs in the text (a substring search, then the leaf at that place): a check asks about a few names,
    and walking every node of a large module cost more than its (incremental) parse. Iterating walks the tree.
    A module asked about very many names (or very frequent ones) is walked once instead, so the cost stays
    linear: the searches and look-ups together may cost about half a walk, then the walk answers every name."""

    # Measured on a 40,000-line module: a walk costs about as much as 4,000 scans of the text, or 45 look-ups
    # of a place per character of text. The budget is half a walk, in characters of text.
    _PLACE_COST = 64
    _SCAN_DIVISOR = 256

    def __init__(self, source: SourceFile):
        self._source = source
        self._found: dict[str, list] = {}
        self._walked: Mapping[str, list] | None = None
        self._budget = len(source.text) // 2

    def __getitem__(self, name: str) -> list:
        leaves = self._leaves(name)
        if not leaves:
            raise KeyError(name)
        return leaves

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self._leaves(name))

    def __iter__(self) -> Iterator[str]:
        return iter(self._every_name())

    def __len__(self) -> int:
        return len(self._every_name())

    def _every_name(self) -> Mapping[str, list]:
        self._source.note_whole_tree_read()
        return self._walk()

    def _walk(self) -> Mapping[str, list]:
        if self._walked is None:
            self._walked = self._source.tree.get_used_names()
        return self._walked

    def keyword_leaves(self, keyword: str) -> list:
        """The leaves of the keyword `keyword` (`import`...), in the order of the text."""
        self._note(keyword)
        return [leaf for leaf in self._leaves_at(keyword, self._places(keyword)) if leaf.type == "keyword"]

    def _note(self, name: str) -> None:
        lookups = lookups_of(self._source)
        if lookups is not None:
            lookups.names.add(name)

    def _leaves(self, name: str) -> list:
        self._note(name)
        if self._walked is not None:
            return self._walked.get(name, [])
        found = self._found.get(name)
        if found is None:
            places = self._places(name)
            self._budget -= len(self._source.text) // self._SCAN_DIVISOR + len(places) * self._PLACE_COST
            if self._budget < 0:
                return self._walk().get(name, [])
            found = self._found[name] = [leaf for leaf in self._leaves_at(name, places) if leaf.type == "name"]
        return found

    def _places(self, word: str) -> list[int]:
        """Where a name or keyword `word` may start in the text: it runs on over every ASCII letter, digit and
        underscore after it, and cannot start inside a longer name."""
        if not word:
            return []
        text = self._source.text
        pattern = re.escape(word) + "(?![A-Za-z0-9_])"
        return [match.start() for match in re.finditer(pattern, text) if not _inside_word(text, match.start())]

    def _leaves_at(self, word: str, places: list[int]) -> Iterator:
        """The leaves whose text is `word` starting at these places (given in ascending order)."""
        for position in self._source.positions_of(places):
            leaf = _leaf_starting_at(self._source.tree, position)
            if leaf is not None and leaf.value == word:
                yield leaf


_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789")
_LETTERS = _WORD_CHARACTERS - frozenset("0123456789")


def _inside_word(text: str, offset: int) -> bool:
    """Whether no token can start at `offset` because ASCII letters run into it from the left: they are the
    end of a longer name (or keyword). Letters after a digit or a dot may end a number (`0xa`, `1.j`), and
    other characters may end anything: those places are looked up."""
    start = offset
    while start > 0 and text[start - 1] in _WORD_CHARACTERS:
        start -= 1
        if text[start] not in _LETTERS:
            return False
    return start < offset and (start == 0 or text[start - 1] != ".")


def _leaf_starting_at(node, position: tuple[int, int]):
    """The leaf of `node` that starts at `position`, None when none does. Each level keeps the last child that
    starts at or before it (the children are in order and a leaf of length zero cannot follow a name there)."""
    while True:
        children = getattr(node, "children", None)
        if children is None:
            return node if node.start_pos == position else None
        index = bisect.bisect_right(children, position, key=_start_of) - 1
        if index < 0:
            return None
        node = children[index]


def _start_of(node) -> tuple[int, int]:
    return node.start_pos


class BrokenLines(Set[int]):
    """A tree's `SourceFile.broken_lines`, worked out per module-level statement as lines are asked about:
    every error node lies in one module-level statement, whose lines hold the statement around it."""

    # Past this many lines asked about (a file with thousands of findings), the whole set answers.
    _LOCAL_QUESTIONS = 256

    def __init__(self, module: Module):
        self._module = module
        self._by_statement: dict[int, frozenset[int]] = {}  # id() of a module-level statement -> its broken lines
        self._questions = 0

    def __contains__(self, line: object) -> bool:
        if not isinstance(line, int):
            return False
        self._questions += 1
        if self._questions > self._LOCAL_QUESTIONS or "_all" in self.__dict__:
            return line in self._all
        statements = self._module.children
        # The statements are in order and do not overlap: those reaching `line` end the run before the first that
        # starts after it (two can share a line when error recovery splits one).
        index = bisect.bisect_right(statements, line + 1, key=lambda statement: statement.start_pos[0])
        while index > 0 and statements[index - 1].end_pos[0] >= line + 1:
            index -= 1
            if line in self._of(statements[index]):
                return True
        return False

    @cached_property
    def _all(self) -> frozenset[int]:
        return frozenset().union(*(self._of(statement) for statement in self._module.children))

    def __iter__(self) -> Iterator[int]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def _of(self, statement) -> frozenset[int]:
        """The broken lines of one module-level statement (each within its own lines)."""
        found = self._by_statement.get(id(statement))
        if found is not None:
            return found
        broken: set[int] = set()
        if statement.start_pos[1] > 0 and statement.type != "endmarker":
            broken.update(_lines_of(statement))
        if statement.type in ("error_node", "error_leaf"):
            broken.update(_lines_of(statement))
        elif hasattr(statement, "children"):  # a node, not a leaf
            nodes: list[BaseNode] = [statement]
            while nodes:
                for child in nodes.pop().children:
                    if child.type in ("error_node", "error_leaf"):
                        # An error node can be a statement of its own.
                        broken.update(_lines_of(enclosing_statement(child) or child))
                    elif hasattr(child, "children"):
                        nodes.append(child)
        self._by_statement[id(statement)] = found = frozenset(broken)
        return found


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


def node_code(node) -> str:
    """A parso node's text as written, without the whitespace and comments before it: parso keeps
    those in the node's prefix, so an argument after a `# comment` line would show the comment."""
    return node.get_code(include_prefix=False).strip()
