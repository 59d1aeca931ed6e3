"""High-level edits on Python source, as ruff's fix/edits.rs: rules ask for "remove this argument"
or "add this keyword" and never build text edits by hand."""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import syntax
from .model import Position, Range, TextEdit
from .source import SourceFile, node_range


def remove_argument(argument: syntax.Argument) -> TextEdit:
    """Delete an argument together with one separating comma."""
    node = argument.node
    siblings = node.parent.children if node.parent.type == "arglist" else [node]
    index = siblings.index(node)
    if index + 2 < len(siblings):  # another argument follows: delete up to it
        return TextEdit(Range(node_range(node).start, node_range(siblings[index + 2]).start), "")
    if index > 0:  # the last one: delete from the end of the one before
        return TextEdit(Range(node_range(siblings[index - 2]).end, node_range(node).end), "")
    end = siblings[index + 1] if index + 1 < len(siblings) else node  # a trailing comma
    return TextEdit(Range(node_range(node).start, node_range(end).end), "")


def rename_keyword(argument: syntax.Argument, new_name: str) -> TextEdit:
    return TextEdit(node_range(argument.node.children[0]), new_name)


def replace(node, text: str) -> TextEdit:
    return TextEdit(node_range(node), text)


def add_keyword(source: SourceFile, call_node, keyword: str) -> TextEdit:
    """Pass one more `name=value` to the call whose last trailer is its argument list, in the
    layout the call already has (one argument per line stays one per line)."""
    trailer = call_node.children[-1]
    if len(trailer.children) == 2:  # `f()`
        at = node_range(trailer.children[0]).end
        return TextEdit(Range(at, at), keyword)
    inner = trailer.children[1]
    last = inner.children[-1] if inner.type == "arglist" else inner
    at = node_range(last).end
    has_comma = last.type == "operator" and last.value == ","
    newline = source.line_break
    multi_line = trailer.children[-1].start_pos[0] > last.end_pos[0]
    if multi_line:  # the closing parenthesis on a line of its own: a new line in the same indentation
        line = source.lines[last.start_pos[0] - 1]
        indentation = line[: len(line) - len(line.lstrip())]
        comment = source.lines[at.line][at.character :]  # stays with the argument it follows
        end_of_line = Position(at.line, len(source.lines[at.line]))
        return TextEdit(Range(at, end_of_line), f"{'' if has_comma else ','}{comment}{newline}{indentation}{keyword},")
    argument = inner.children[-2] if has_comma and inner.type == "arglist" else last
    line = source.lines[argument.start_pos[0] - 1]
    if argument.start_pos[0] > trailer.start_pos[0] and not line[: argument.start_pos[1]].strip():
        # Hanging indentation, the last argument first on its line: a new line aligned with it.
        aligned = line[: argument.start_pos[1]]
        return TextEdit(
            Range(at, at), f"{'' if has_comma else ','}{newline}{aligned}{keyword}{',' if has_comma else ''}"
        )
    if has_comma:
        return TextEdit(Range(at, at), f" {keyword},")
    return TextEdit(Range(at, at), f", {keyword}")


def set_keyword(source: SourceFile, call: syntax.CallSite, name: str, value_code: str) -> TextEdit | None:
    """`name=value_code` in the call: its value replaced when written there, else added;
    None when only a `**` dict gives it (the dict is left to its author)."""
    existing = call.keywords.get(name)
    if existing is not None:
        return None if existing.from_dict else replace(existing.value, value_code)
    return add_keyword(source, call.node, f"{name}={value_code}")


def replace_string_literal(literal, text: str) -> TextEdit:
    """Replace a string literal's content, keeping its prefix and quotes (for text that needs no escapes)."""
    code = literal.value
    body_start = len(code) - len(code.lstrip("rRuUbB"))
    triple = code[body_start : body_start + 3]
    quote = triple if triple in ('"""', "'''") else code[body_start]
    return TextEdit(node_range(literal), f"{code[:body_start]}{quote}{text}{quote}")


def quoted(text: str) -> str:
    """A double-quoted Python string literal of `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def free_name(source: SourceFile, *names: str) -> str | None:
    """The first of `names` the file does not use at all."""
    return next((name for name in names if name not in source.used_names), None)


def insert_import(source: SourceFile, statement: str) -> TextEdit:
    """Add an import line before the file's first import that is not `from __future__`."""
    at = Position(_first_import_line(source.tree), 0)
    return TextEdit(Range(at, at), statement + source.line_break)


def _first_import_line(module) -> int:
    for statement in module.children:
        first = statement.children[0] if statement.type == "simple_stmt" else statement
        if first.type in ("import_name", "import_from"):
            is_future = first.type == "import_from" and [n.value for n in first.get_from_names()] == ["__future__"]
            if not is_future:
                return first.start_pos[0] - 1
    return 0


def insert_top_level_block(source: SourceFile, before_line: int, lines: Iterable[str]) -> TextEdit:
    """A new top-level definition before the 0-based line, with the two blank lines PEP 8 asks around it, and
    above the comment lines right over that line (`# Initialize the app` belongs to the statement it describes)."""
    newline = source.line_break
    while before_line > 0 and _statement_comment(source.lines[before_line - 1], before_line - 1):
        before_line -= 1
    blank = 0
    while before_line - blank - 1 >= 0 and not source.lines[before_line - blank - 1].strip():
        blank += 1
    missing = 0 if before_line - blank == 0 else max(0, 2 - blank)
    at = Position(before_line, 0)
    return TextEdit(Range(at, at), newline * missing + newline.join([*lines, "", ""]) + newline)


def _statement_comment(line: str, number: int) -> bool:
    """A top-level comment line, not the file's shebang or encoding declaration (which must stay first)."""
    if not line.startswith("#"):
        return False
    return not (number == 0 and line.startswith("#!")) and not (number < 2 and _ENCODING_DECLARATION.match(line))


# PEP 263: a comment on the first or second line naming the source encoding.
_ENCODING_DECLARATION = re.compile(r"^#.*?coding[:=][ \t]*[-\w.]+")


def delete_lines(first_line: int, end: Position) -> TextEdit:
    """Delete from the start of a 0-based line to `end` (a decorator with its line break)."""
    return TextEdit(Range(Position(first_line, 0), end), "")


def indent_lines(source: SourceFile, node, unit: str) -> list[TextEdit]:
    """One more indentation level for every line after the first of `node`, except blank lines
    and lines that continue a multi-line string (indenting those would change the string)."""
    inside_strings = _lines_inside_strings(node)
    first_line = node.start_pos[0] - 1
    return [
        TextEdit(Range(Position(line, 0), Position(line, 0)), unit)
        for line in range(first_line + 1, node_range(node).end.line + 1)
        if line not in inside_strings and source.lines[line].strip()
    ]


def _lines_inside_strings(node) -> set[int]:
    lines: set[int] = set()
    for child in getattr(node, "children", ()):
        if child.type in ("string", "fstring"):
            lines.update(range(child.start_pos[0], child.end_pos[0]))  # 0-based lines after the first
        else:
            lines |= _lines_inside_strings(child)
    return lines
