"""Re-parsing only the module-level statement an edit falls in.

parso's diff parser re-parses an edited buffer from its previous tree, but on each
keystroke it also compares every line (difflib) and copies the unchanged nodes: about
two thirds of a 1,000-line file's check. Most edits stay inside one module-level
statement (a function body, a call) and leave the line breaks around it alone. Then
the statement's lines, with the comments and blank lines before it, are parsed alone
and put in place of the old statement, and the leaves after it move by the number of
lines added. That is exactly what a full parse gives only when the parser and
tokenizer are in their start state at the statement's first line (the tree before it
has no error, the statement before it ends with its line break) and back in it at its
end (the new statement parses without any error); in every other case parso's own
diff parser does the work.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from .parso_types import leaves

if TYPE_CHECKING:
    import parso
    from parso.python.tree import Module
    from parso.tree import NodeOrLeaf

_ERROR_TYPES = frozenset({"error_node", "error_leaf"})

# By path, the lines of the parso cache entry whose tree has no error node or leaf. parso changes a
# tree in place (so does jedi, parsing the same path) but stores a new list of lines with each
# version: the list's identity names one version of the tree.
_ERROR_FREE: dict[str, list[str]] = {}


def parse(grammar: parso.Grammar, text: str, path: str) -> Module:
    """The tree of `text` (the newest text of the buffer at `path`), through parso's diff cache."""
    from parso import cache, file_io, split_lines

    lines = split_lines(text, keepends=True)
    item = cache.parser_cache.get(grammar._hashed, {}).get(Path(path))  # parso's key: a Path
    if item is not None and item.lines != lines:
        module = _reparse_statement(grammar, item.node, item.lines, lines, path)
        if module is not None:
            cache.try_to_save_module(grammar._hashed, file_io.KnownContentFileIO(path, text), module, lines, False)
            _ERROR_FREE[path] = lines  # an error-free tree with one statement replaced by an error-free one
            return module
    return grammar.parse(text, path=path, diff_cache=True, cache=False, error_recovery=True)


def _reparse_statement(
    grammar: parso.Grammar, module: Module, old_lines: list[str], new_lines: list[str], path: str
) -> Module | None:
    """`module` (the tree of `old_lines`) changed in place to the tree of `new_lines`, or None
    when the edit is not inside one statement that can be parsed alone."""
    # The lines the edit replaced: those between the lines both texts start and end with.
    shortest = min(len(old_lines), len(new_lines))
    first = next((n for n in range(shortest) if old_lines[n] != new_lines[n]), shortest)
    same_tail = next((n for n in range(shortest - first) if old_lines[-1 - n] != new_lines[-1 - n]), shortest - first)
    old_end = len(old_lines) - same_tail  # the changed old lines: [first, old_end)
    children = module.children
    # The statement whose lines (from the end of the one before it) hold every changed line.
    index = _statement_at(children, first + 1)
    if index is None or index == len(children) - 1:  # the endmarker: trailing comments
        return None
    statement = children[index]
    region_start = children[index - 1].end_pos[0] if index else 1  # 1-based, the line after the one before
    region_end = statement.end_pos[0]  # the first line of the next statement's own text
    if first + 1 < region_start or old_end >= region_end or statement.end_pos[1] != 0:
        return None
    if index and children[index - 1].end_pos[1] != 0:  # the statement before does not end with its line
        return None
    neighbours = children[max(index - 1, 0) : index + 2]
    if any(child.type in _ERROR_TYPES for child in neighbours) or not _error_free(module, old_lines, path):
        return None
    line_delta = len(new_lines) - len(old_lines)
    region_text = "".join(new_lines[region_start - 1 : region_end - 1 + line_delta])
    if not region_text.endswith(("\n", "\r")):
        return None
    replacement = grammar.parse(region_text, error_recovery=True, cache=False, diff_cache=False)
    *statements, endmarker = replacement.children
    if not statements or statements[-1].end_pos[1] != 0 or _has_error(replacement):
        return None
    # Comment and blank lines at the region's end (a body's last line commented out) start the
    # next statement's prefix in a full parse; a backslash there would join the lines instead.
    if any(line.strip() and not line.lstrip().startswith("#") for line in endmarker.prefix.splitlines()):
        return None
    for leaf in leaves(replacement):
        leaf.line += region_start - 1
    for child in statements:
        child.parent = module
    if line_delta:
        for leaf in itertools.chain.from_iterable(map(leaves, children[index + 1 :])):
            leaf.line += line_delta
    following = children[index + 1].get_first_leaf()
    following.prefix = endmarker.prefix + following.prefix
    children[index : index + 1] = statements
    module._used_names = None  # parso's cache of the names, as its diff parser resets it
    return module


def _statement_at(children: list[NodeOrLeaf], line: int) -> int | None:
    """The index of the child whose region (from the end of the one before) holds `line`."""
    low, high = 0, len(children) - 1
    while low < high:  # the first child that ends after `line`
        middle = (low + high) // 2
        if children[middle].end_pos[0] <= line:
            low = middle + 1
        else:
            high = middle
    return low if children[low].end_pos[0] > line else None


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
