"""Re-parsing only the statement an edit falls in.

parso's diff parser re-parses an edited buffer from its previous tree, but on each
keystroke it also compares every line (difflib) and copies the unchanged nodes: about
two thirds of a 1,000-line file's check. Most edits stay inside one statement (a line
of a method, a call) and leave the line breaks around it alone. Then the innermost
such statement, module-level or in an indented block, is parsed alone with the comments
and blank lines before it (an indented one under an `if 1:` header), put in place of the
old statement, and the leaves after it move by the number of lines added. That is exactly
what a full parse gives only when the parser and tokenizer are in their start state at
the statement's first line (the tree has no error, the statement before it ends with its
line break) and back in it at its end (the new statement parses without any error, at
the column of the old one); in every other case the enclosing statement is tried, and at
the module level parso's own diff parser does the work.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .parso_types import COMPOUND_STATEMENTS, leaves

if TYPE_CHECKING:
    from collections.abc import Iterator

    import parso
    from parso.python.tree import Module
    from parso.tree import BaseNode, Leaf, NodeOrLeaf

_ERROR_TYPES = frozenset({"error_node", "error_leaf"})

# By path, the lines of the parso cache entry whose tree has no error node or leaf. parso changes a
# tree in place (so does jedi, parsing the same path) but stores a new list of lines with each
# version: the list's identity names one version of the tree.
_ERROR_FREE: dict[str, list[str]] = {}


# The characters str.splitlines breaks at and parso does not: parso joins the pieces again, line by line.
# (A substring test per character is many times faster than one regular expression's search.)
_NOT_PARSO_LINE_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e")
_NOT_PARSO_LINE_BREAKS_BEYOND_ASCII = ("\x85", "\u2028", "\u2029")


def parso_lines(text: str) -> list[str]:
    """parso's `split_lines(text, keepends=True)`, without its per-line loop when no character of the
    text needs it (a keystroke splits the whole buffer)."""
    from parso import split_lines

    breaks = _NOT_PARSO_LINE_BREAKS if text.isascii() else _NOT_PARSO_LINE_BREAKS + _NOT_PARSO_LINE_BREAKS_BEYOND_ASCII
    if any(character in text for character in breaks):
        return split_lines(text, keepends=True)
    lines = text.splitlines(True)
    if not text or text.endswith(("\n", "\r")):
        lines.append("")
    return lines


@dataclass(frozen=True)
class StatementEdit:
    """How the tree of a buffer's newest version was made from the one before: statements replaced."""

    before: int  # the versions (`parse` numbers them)
    after: int
    removed: str  # the text of the statements taken out, with the comment and blank lines before them
    inserted: str  # the text put in their place
    line_delta: int  # lines added (removed when negative)
    # When the statements replaced lie in the body of a module-level function or class: its name, and the new
    # text's lines and the span of them it takes, with the comment and blank lines before it.
    definition: str | None = None
    lines: list[str] = field(default_factory=list, repr=False, compare=False)
    definition_lines: tuple[int, int] = (0, 0)

    @property
    def definition_text(self) -> str:
        """The text of the definition around the edit, after it (joined when asked: a class may be long)."""
        return "".join(self.lines[self.definition_lines[0] : self.definition_lines[1]])


# By path, the lines parso keeps with its tree and the number of that version of the tree. A new list of lines
# (from us or from jedi, which parses the same path) is a new version; the list is parso's own, held here only
# while parso holds it too.
_VERSIONS: dict[str, tuple[list[str], int]] = {}
_version_numbers = itertools.count(1)
# By path, the edit that made the tree parso keeps for it (none after a parse of the whole text).
_LAST_EDIT: dict[str, StatementEdit] = {}


def parse(grammar: parso.Grammar, text: str, path: str) -> tuple[Module, int]:
    """The tree of `text` (the newest text of the buffer at `path`), through parso's diff cache, and the
    number of its version (`edit_between` tells what changed between two versions)."""
    from parso import cache, file_io

    from . import quick_parser

    lines = parso_lines(text)
    item = cache.parser_cache.get(grammar._hashed, {}).get(Path(path))  # parso's key: a Path
    if item is None:  # a first parse: parso's would be the same tree, built slower
        module = quick_parser.parse_module(grammar, text)
        cache.try_to_save_module(grammar._hashed, file_io.KnownContentFileIO(path, text), module, lines, False)
        return module, _version(path, lines)
    if item.lines != lines:
        before = _version(path, item.lines)
        replaced = _reparse_statement(grammar, item.node, item.lines, lines, path)
        if replaced is not None:
            cache.try_to_save_module(grammar._hashed, file_io.KnownContentFileIO(path, text), item.node, lines, False)
            _ERROR_FREE[path] = lines  # an error-free tree with one statement replaced by an error-free one
            after = _version(path, lines)
            _LAST_EDIT[path] = StatementEdit(before, after, *replaced)
            return item.node, after
    module = grammar.parse(text, path=path, diff_cache=True, cache=False, error_recovery=True)
    kept = cache.parser_cache.get(grammar._hashed, {}).get(Path(path))
    return module, _version(path, kept.lines if kept is not None and kept.node is module else lines)


def _version(path: str, lines: list[str]) -> int:
    kept = _VERSIONS.get(path)
    if kept is not None and kept[0] is lines:
        return kept[1]
    number = next(_version_numbers)
    _VERSIONS[path] = (lines, number)
    return number


def edit_between(path: str, before: int, after: int) -> StatementEdit | None:
    """The statements replaced to make version `after` of the buffer's tree from version `before`, when that
    is how it was made (else None: it was parsed whole, or other versions came between)."""
    edit = _LAST_EDIT.get(path)
    return edit if edit is not None and edit.before == before and edit.after == after else None


def _reparse_statement(
    grammar: parso.Grammar, module: Module, old_lines: list[str], new_lines: list[str], path: str
) -> tuple[str, str, int, str | None, list[str], tuple[int, int]] | None:
    """Changes `module` (the tree of `old_lines`) in place to the tree of `new_lines` and returns the text of
    the statements taken out and of those put in, the lines added, and the module-level definition around them
    (`StatementEdit`); None when the edit is not inside one statement that can be parsed alone (the tree is left
    as it was)."""
    # The lines the edit replaced: those between the lines both texts start and end with.
    shortest = min(len(old_lines), len(new_lines))
    first = next((n for n in range(shortest) if old_lines[n] != new_lines[n]), shortest)
    same_tail = next((n for n in range(shortest - first) if old_lines[-1 - n] != new_lines[-1 - n]), shortest - first)
    old_end = len(old_lines) - same_tail  # the changed old lines: [first, old_end)
    targets = _statements_holding(module, first + 1, old_end)
    if not targets or not _error_free(module, old_lines, path):
        return None
    line_delta = len(new_lines) - len(old_lines)
    for block, index in reversed(targets):  # the innermost statement first: the least to parse
        statement = block.children[index]
        region_start = _end(block.children[index - 1])[0] if index else 1  # 1-based, the line after the one before
        region_end = _end(statement)[0]  # the first line of the next statement's own text
        region_text = "".join(new_lines[region_start - 1 : region_end - 1 + line_delta])
        if not region_text.endswith(("\n", "\r")):
            return None
        removed = "".join(old_lines[region_start - 1 : region_end - 1])
        if _only_comments(region_text):  # the statement commented out: its lines join the next leaf's prefix
            if block is not module and len(block.children) == 2:
                continue  # its block would hold no statement: an error in a full parse
            _replace(module, block, index, [], region_text, line_delta)
            return removed, region_text, line_delta, *_definition_around(module, block, targets[0][1], new_lines)
        column = None if block is module else statement.start_pos[1]
        parsed = _parse_region(grammar, region_text, region_start, column)
        if parsed is not None:
            _replace(module, block, index, *parsed, line_delta)
            return removed, region_text, line_delta, *_definition_around(module, block, targets[0][1], new_lines)
    return None


def _definition_around(
    module: Module, block: BaseNode, index: int, lines: list[str]
) -> tuple[str | None, list[str], tuple[int, int]]:
    """The name, and the span in `lines` (the new text's), of the module-level function or class
    `module.children[index]` when `block`, where statements were replaced, is inside it."""
    if block is module:
        return None, [], (0, 0)
    statement = module.children[index]
    definition = statement.children[-1] if statement.type == "decorated" else statement
    if definition.type in ("async_stmt", "async_funcdef"):
        definition = definition.children[1]
    if definition.type not in ("funcdef", "classdef"):
        return None, [], (0, 0)
    start = _end(module.children[index - 1])[0] if index else 1
    return definition.children[1].value, lines, (start - 1, _end(statement)[0] - 1)


def _replace(
    module: Module, block: BaseNode, index: int, statements: list[NodeOrLeaf], trailing_prefix: str, line_delta: int
) -> None:
    """Put the statements parsed from a region in place of `block.children[index]`."""
    statement = block.children[index]
    following = statement.get_next_leaf()  # the module's endmarker at the least
    if line_delta:
        for leaf in _leaves_after(statement):
            leaf.line += line_delta
    for child in statements:
        child.parent = block
    following.prefix = trailing_prefix + following.prefix
    block.children[index : index + 1] = statements
    module._used_names = None  # parso's cache of the names, as its diff parser resets it


# Parsed under this header, an indented statement parses as it does in its own block.
_BLOCK_HEADER = "if 1:\n"


def _statements_holding(module: Module, first: int, last: int) -> list[tuple[BaseNode, int]]:
    """From the module down to the innermost indented block, each block and the index of its statement
    whose region (its lines, with the comment and blank lines before it) holds the 1-based lines
    [first, last]; empty when no module-level statement does."""
    target = _statement_holding(module, first, last)
    if target is None or target[1] == len(module.children) - 1:  # the endmarker: trailing comments
        return []
    targets = [target]
    while True:
        block, index = targets[-1]
        suite = _suite_holding(block.children[index], first, last)
        inner = _statement_holding(suite, first, last) if suite is not None else None
        if inner is None or inner[1] == 0:  # the header's line break: the edit is in the header
            return targets
        targets.append(inner)


def _statement_holding(block: BaseNode, first: int, last: int) -> tuple[BaseNode, int] | None:
    """The index of the child of `block` whose region holds lines [first, last], when it ends with its
    line break and the child before it does too (so the tokenizer is in its start state around it)."""
    children = block.children
    index = _statement_at(children, first)
    if index is None:
        return None
    statement = children[index]
    region_start = _end(children[index - 1])[0] if index else 1
    end = _end(statement)
    if first < region_start or last >= end[0] or end[1] != 0:
        return None
    if index and _end(children[index - 1])[1] != 0:  # the statement before does not end with its line
        return None
    neighbours = children[max(index - 1, 0) : index + 2]
    if any(child.type in _ERROR_TYPES for child in neighbours):
        return None
    return block, index


def _suite_holding(statement: NodeOrLeaf, first: int, last: int) -> BaseNode | None:
    """The indented block of the compound `statement` (at any depth of its clauses) whose lines hold [first, last]."""
    if statement.type not in COMPOUND_STATEMENTS:  # their blocks may hold the edit
        return None
    for child in statement.children:  # type: ignore[attr-defined]
        if child.start_pos[0] <= first and last < _end(child)[0]:
            if child.type == "suite":
                return child
            return _suite_holding(child, first, last)
    return None


def _parse_region(
    grammar: parso.Grammar, text: str, first_line: int, column: int | None
) -> tuple[list[NodeOrLeaf], str] | None:
    """The statements of a region's text (from the 1-based `first_line` of the file) parsed alone, placed at
    their lines, and the prefix left after them; None when the text does not parse cleanly into statements
    alone. Statements of an indented block (`column` is their indentation; None at the module level) are
    parsed under a block header, and must each start at that column: a line indented more or less would be
    an indentation error, or move statements into another block, in a full parse."""
    header = _BLOCK_HEADER if column is not None else ""
    replacement = grammar.parse(header + text, error_recovery=True, cache=False, diff_cache=False)
    if _has_error(replacement):
        return None
    *statements, endmarker = replacement.children
    if column is not None:  # one `if` whose indented block holds the statements, after its line break
        if len(statements) != 1 or statements[0].type != "if_stmt" or statements[0].children[-1].type != "suite":
            return None
        statements = statements[0].children[-1].children[1:]
        if any(child.start_pos[1] != column for child in statements):
            return None
    if not statements or _end(statements[-1])[1] != 0:
        return None
    # Comment and blank lines at the region's end (a body's last line commented out) start the
    # next statement's prefix in a full parse; a backslash there would join the lines instead.
    if any(line.strip() and not line.lstrip().startswith("#") for line in endmarker.prefix.splitlines()):
        return None
    for leaf in itertools.chain.from_iterable(map(leaves, statements)):
        leaf.line += first_line - 1 - header.count("\n")
    return statements, endmarker.prefix


def _only_comments(text: str) -> bool:
    """Whether every line of `text` (split where parso's tokenizer splits: `\\n`, `\\r\\n`, `\\r`) is blank or
    a comment, all of which a full parse puts in the prefix of the next leaf."""
    from parso import split_lines

    return all(not line.strip(" \t\f") or line.lstrip(" \t\f").startswith("#") for line in split_lines(text))


def _leaves_after(node: NodeOrLeaf) -> Iterator[Leaf]:
    """Every leaf of the tree after `node`, in order."""
    while node.parent is not None:
        siblings = node.parent.children
        yield from itertools.chain.from_iterable(map(leaves, siblings[siblings.index(node) + 1 :]))
        node = node.parent


def _statement_at(children: list[NodeOrLeaf], line: int) -> int | None:
    """The index of the child whose region (from the end of the one before) holds `line`."""
    low, high = 0, len(children) - 1
    while low < high:  # the first child that ends after `line`
        middle = (low + high) // 2
        if _end(children[middle])[0] <= line:
            low = middle + 1
        else:
            high = middle
    return low if _end(children[low])[0] > line else None


def _end(node: NodeOrLeaf) -> tuple[int, int]:
    """`node.end_pos`, without splitting the last leaf's text into lines when it has no line break
    inside (a statement's last leaf is its line break: parso splits even that one)."""
    leaf = node.get_last_leaf()
    value = leaf.value
    if leaf.type == "newline" and value:
        return leaf.line + 1, 0
    if "\n" in value or "\r" in value:
        return leaf.end_pos
    return leaf.line, leaf.column + len(value)


def _error_free(module: Module, lines: list[str], path: str) -> bool:
    """Whether `module` has no error node or leaf, walked once per tree parso built."""
    if _ERROR_FREE.get(path) is lines:
        return True
    if _has_error(module):
        return False
    _ERROR_FREE[path] = lines
    return True


def _has_error(node: NodeOrLeaf) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in _ERROR_TYPES:
            return True
        children = getattr(current, "children", None)
        if children:
            stack.extend(children)
    return False
