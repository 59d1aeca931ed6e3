"""Where a `noqa` comment that silences a finding can be written without changing what the file does.

A comment after the line's text is what the readers of `noqa` look for (source.py; `//` in JSONC), but not
every format has one there: a Dockerfile's exec form is JSON, a line continued by `\\` would lose its
continuation, a YAML block scalar or an unclosed quote would take the comment as text, and systemd and
supervisord pass it to the program. Where the format has no such place, no edit is offered.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Sequence

from .model import Position, Range, TextEdit

# Kinds whose lines a shell runs (or that read `#` as a comment after a complete value).
_HASH_COMMENT_KINDS = frozenset(
    {None, "dockerfile", "compose", "workflow", "procfile", "makefile", "shell", "pyproject", "railway.toml"}
    | {"render.yaml"}
)
_EXISTING = re.compile(r"(?:#|//)\s*noqa:\s?[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*", re.IGNORECASE)
_YAML_ENTRY = re.compile(r"\s*(?:-\s+|-$|[\w.\"'-]+\s*:(?:\s|$))")
_YAML_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*\s*(?:#.*)?$")


def noqa_comment(lines: Sequence[str], number: int, code: str, kind: str | None) -> TextEdit | None:
    """The edit that silences `code` on line `number` of a file read as `kind` (None: Python): the code added to
    the line's `noqa` list, or a comment appended; None where the format has no safe place for one."""
    line = lines[number]
    if kind is None:
        comment = _python_comment(lines, number)
        if comment is None:
            return None  # the line ends inside a string, or the text does not tokenize
        existing = _EXISTING.search(line, comment) if comment < len(line) else None
    else:
        existing = _EXISTING.search(line)
    if existing is not None:
        end = Position(number, existing.end())
        return TextEdit(Range(end, end), f", {code}")
    marker = comment_marker(kind)
    if marker is None or not _comment_may_follow(lines, number, kind):
        return None
    end = Position(number, len(line))
    return TextEdit(Range(end, end), f"{'  ' if line.strip() else ''}{marker} noqa: {code}")


def _python_comment(lines: Sequence[str], number: int) -> int | None:
    """Where line `number`'s comment starts (its length when it has none), as Python's tokenizer reads the text;
    None when the line ends inside a string (a comment appended would be part of it) or the text does not
    tokenize."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    row = number + 1
    if any(token.start[0] <= row < token.end[0] for token in tokens if token.type not in _LINE_TOKENS):
        return None  # a token that goes on past the line's end: a triple-quoted string
    return next(
        (token.start[1] for token in tokens if token.type == tokenize.COMMENT and token.start[0] == row),
        len(lines[number]),
    )


_LINE_TOKENS = frozenset({tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER, tokenize.DEDENT})


def comment_marker(kind: str | None) -> str | None:
    """What starts a comment after a line's text in a file read as `kind`; None where the format has none."""
    return "//" if kind == "launch.json" else "#" if kind in _HASH_COMMENT_KINDS else None


def _comment_may_follow(lines: Sequence[str], number: int, kind: str | None) -> bool:
    line = lines[number].rstrip()
    if line.endswith("\\"):
        return False  # the comment would come between the line and its continuation
    if kind is None:
        return True  # Python: `_python_comment` found the line's end outside any string
    if kind != "launch.json" and _open_quote(line):
        return False
    if kind == "dockerfile":
        return _in_shell_form(lines, number)
    if kind in ("compose", "workflow", "render.yaml"):
        return _ends_a_yaml_entry(lines, number)
    return True


def _open_quote(line: str) -> bool:
    """Whether the line ends inside a quoted string (a comment appended would be part of it)."""
    quote = ""
    escaped = False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            return False  # a comment already: what follows is not code
    return bool(quote)


def _in_shell_form(lines: Sequence[str], number: int) -> bool:
    """Whether the line belongs to a `RUN`, `CMD` or `ENTRYPOINT` in shell form, which `/bin/sh -c` runs (its `#`
    starts a comment); not to an exec form's JSON array, nor to `ENV` and the rest, which take `#` as a value."""
    start = number
    while start > 0 and lines[start - 1].rstrip().endswith("\\"):
        start -= 1
    words = " ".join(part.strip().rstrip("\\") for part in lines[start : number + 1]).split(None, 1)
    return len(words) == 2 and words[0].upper() in ("RUN", "CMD", "ENTRYPOINT") and not words[1].startswith("[")


def _ends_a_yaml_entry(lines: Sequence[str], number: int) -> bool:
    """Whether the line is a whole YAML entry (`key: value`, `- item`) whose value ends on it, outside a block
    scalar: a comment there ends the value; anywhere else it would be text, or break the document."""
    line = lines[number]
    if not _YAML_ENTRY.match(line) or _YAML_BLOCK_HEADER.search(line.rstrip()):
        return False
    indent = len(line) - len(line.lstrip())
    for above in reversed(lines[:number]):  # the nearest less indented line: a block scalar's header?
        if above.strip() and len(above) - len(above.lstrip()) < indent:
            if _YAML_BLOCK_HEADER.search(above.rstrip()):
                return False
            break
    for below in lines[number + 1 :]:  # a plain scalar's continuation is more indented and no entry
        if below.strip():
            return len(below) - len(below.lstrip()) <= indent or bool(_YAML_ENTRY.match(below))
    return True
