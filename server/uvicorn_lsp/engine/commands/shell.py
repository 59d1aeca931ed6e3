"""POSIX shell words with their places: quotes, escapes, `\\` continuations, expansions,
comments, operators (`&&`, `||`, `;`, `|`, `&`, newlines), redirections and here-documents.

`shlex` gives no offsets and bashlex is GPL, so this is a small tokenizer of our own. It
reads the grammar's token rules (POSIX.1-2017, 2.3 Token Recognition) far enough to find
simple commands; compound commands (`if`, `while`, `{ ...; }`) are split into the simple
commands they hold. A word holding an expansion (`$VAR`, `${VAR:-x}`, `$(...)`, `` `...` ``,
GitHub's `${{ ... }}`) keeps its text but is marked `expanded`: only the running shell
knows its value. A word with an unquoted file name pattern (`*`) is marked `pattern`: a shell
replaces it with the names of the files it matches, a program run without one gets it as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..model import Position, Range
from ..text_cache import TextCache
from .text import Placed

_OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")")
_REDIRECTIONS = ("<<<", "<<-", "<<", ">>", "<&", ">&", "<>", ">|", "<", ">")
# Reserved words and prefixes that start a compound command, not a program name.
_RESERVED = frozenset(
    {"if", "then", "else", "elif", "do", "while", "until", "{", "}", "!", "time", "fi", "done", "esac"}
)
# The first words that open and close a compound command whose body runs on a condition (or not at all).
_COMPOUND_OPENERS = frozenset({"if", "while", "until", "for", "select", "case"})
_COMPOUND_CLOSERS = frozenset({"fi", "done", "esac"})
_TESTS = frozenset({"[", "[[", "test"})
_SPECIAL_PARAMETERS = "@*#?$!-0123456789"
# An unquoted one of these ends a word: blanks, and the first characters of every operator and redirection.
_WORD_ENDS = frozenset(" \t\n&|;()<>")
# A stretch of unquoted characters that neither end a word nor start a quote, escape or expansion.
_PLAIN = re.compile(r"[^ \t\n&|;()<>\\'\"$`]+")


@dataclass(frozen=True)
class Word:
    value: str  # the word after quote removal; expansions kept as written
    start: int  # index into the Placed text (raw, quotes included)
    end: int
    range: Range
    expanded: bool = False  # holds an expansion: the value is only known to the running shell
    quote: str = ""  # "'" or '"' when the whole word is one quoted string
    # Holds an unquoted `*`, `?` or `[...]` and starts with no `-`: a shell's pathname expansion replaces it with
    # the names of the files it matches in the working folder, any number of words (it stays as written when
    # none matches). Programs run without a shell (systemd, supervisord, compose) get it as written.
    pattern: bool = False
    # Where the value's characters are written: (value offset, raw index) where each contiguous
    # stretch starts (quotes, escapes and continuations break them), and the raw text's places.
    runs: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)
    placed: Placed | None = field(default=None, compare=False, repr=False)

    def value_placed(self) -> Placed | None:
        """The value with the file place of each character (the editor's questions under the cursor)."""
        if self.placed is None or not self.runs:
            return None
        places: list[Position] = []
        for number, (offset, raw) in enumerate(self.runs):
            following = self.runs[number + 1][0] if number + 1 < len(self.runs) else len(self.value)
            places.extend(self.placed.place(raw + index) for index in range(following - offset))
        # The end is right after the last character (a closing quote is not the value's).
        end = (
            Position(places[-1].line, places[-1].character + 1)
            if places
            else self.placed.place(self.start + (1 if self.quote else 0))
        )
        return Placed(self.value, (*places, end), verbatim=False)

    @property
    def assignment(self) -> tuple[str, str] | None:
        """`NAME=value` as a command prefix sets the program's environment."""
        name, equals, value = self.value.partition("=")
        if equals and name and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name):
            return name, value
        return None


@dataclass(frozen=True)
class Command:
    words: tuple[Word, ...]
    placed: Placed  # the text the words index into
    end: int  # index just past the command's last word
    # Runs only on some condition: in an `if`, `case`, loop, function or `{ }` group, after `||`, or after
    # `&&` behind a test (`[ "$ENV" = dev ] && ...`); which branch a start takes, only the running shell knows.
    conditional: bool = False
    background: bool = False  # ended by `&`: the shell goes on to the next command while it runs
    # The subshells it runs in, outermost first: each `( )` group, and an and-or list sent to the background
    # with `&` (`cd web && npm run dev &`). A `cd` or an assignment there is undone when the subshell ends.
    subshells: tuple[int, ...] = ()
    # The compound commands and `{ }` groups it runs in, outermost first; `else`, `elif` and `;;` start
    # another branch. A `cd` on a condition is known to the commands of its own branch only.
    blocks: tuple[int, ...] = ()
    # What readers make of the words, kept with the command: a tokenized text is reused while it is unchanged.
    made: dict = field(default_factory=dict, compare=False, repr=False)


class _Reader:
    def __init__(self, placed: Placed):
        self.placed = placed
        self.text = placed.text
        self.at = 0

    def peek(self, offset: int = 0) -> str:
        index = self.at + offset
        return self.text[index] if index < len(self.text) else ""

    def startswith(self, prefix: str) -> bool:
        return self.text.startswith(prefix, self.at)


# Tokenized texts by their identity: an edit re-reads only the commands it touched (a compose file's
# other services, a Dockerfile's other instructions keep their words).
_COMMANDS: TextCache[tuple, list[Command]] = TextCache(4096)


def commands(placed: Placed) -> list[Command]:
    """Every simple command of a shell text, in order."""
    return list(_COMMANDS.get(placed.identity, lambda: _read_commands(placed)))


def _read_commands(placed: Placed) -> list[Command]:
    reader = _Reader(placed)
    found: list[Command] = []
    words: list[Word] = []
    heredocs: list[tuple[str, bool]] = []  # delimiters waiting for the end of the line

    depth = 0  # compound commands and `{ }` groups open around the current command
    behind_condition = False  # the operator before the current command makes it depend on the previous one
    previous_was_test = False
    # `cd backend &>/dev/null`: bash redirects both streams, sh (dash, make's shell) sends `cd backend` to the
    # background and redirects nothing; which shell runs the text is not known, so neither is what it did.
    either_shell = False
    numbers = iter(range(1, 1 << 62))  # subshells and branches, each its own number
    subshells: list[int] = []  # the `( )` groups open around the current command
    blocks: list[int] = []  # the branches of compound commands open around it
    list_start = (0, 0)  # where the current and-or list starts: its first command in `found`, its subshells

    def close(background: bool = False) -> None:
        nonlocal depth, previous_was_test, either_shell
        if words:
            first = "" if words[0].quote else words[0].value
            braces = [word.value for word in words if not word.quote and word.value in ("{", "}")]
            opened = (first in _COMPOUND_OPENERS) + braces.count("{")
            conditional = depth > 0 or opened > 0 or behind_condition or either_shell
            either_shell = False
            if first in ("else", "elif") and blocks:
                blocks[-1] = next(numbers)
            blocks.extend(next(numbers) for _ in range(opened))
            found.append(
                Command(
                    tuple(_drop_reserved(words)),
                    placed,
                    words[-1].end,
                    conditional,
                    background,
                    tuple(subshells),
                    tuple(blocks),
                )
            )
            closed = (first in _COMPOUND_CLOSERS) + braces.count("}")
            del blocks[max(0, len(blocks) - closed) :]
            depth = max(0, depth + opened - closed)
            previous_was_test = first in _TESTS
            words.clear()
        if background:
            # The whole and-or list runs in a subshell of its own while the shell goes on.
            first_command, outer = list_start
            number = next(numbers)
            for index in range(first_command, len(found)):
                inner = found[index].subshells
                found[index] = replace(found[index], subshells=(*inner[:outer], number, *inner[outer:]))

    skip_next_word = False
    while reader.at < len(reader.text):
        char = reader.peek()
        if char in " \t":
            reader.at += 1
            continue
        if char == "\\" and reader.peek(1) == "\n":
            reader.at += 2
            continue
        if char == "\n":
            if words:  # a line ending in `&&` or `||` goes on with the next one
                close()
                behind_condition = False
                list_start = (len(found), len(subshells))
            reader.at += 1
            for delimiter, strip_tabs in heredocs:
                _skip_heredoc(reader, delimiter, strip_tabs)
            heredocs.clear()
            continue
        if char == "#" and reader.placed.hash_comments:
            while reader.at < len(reader.text) and reader.peek() != "\n":
                reader.at += 1
            continue
        if char == "&" and reader.startswith("&>"):  # `&>file`, `&>>file`: a redirection in bash, `&` in sh
            reader.at += 3 if reader.startswith("&>>") else 2
            skip_next_word = either_shell = True
            continue
        operator = next((op for op in _OPERATORS if reader.startswith(op)), None) if char in _WORD_ENDS else None
        if operator is not None:
            if operator == "(" and words and words[-1].end == reader.at:
                # `gunicorn app:create_app() --bind ...`: a shell refuses a `(` glued to a word of a command (sh
                # and bash: syntax error, nothing on the line runs) and a program runner (systemd, supervisord)
                # passes `app:create_app()` on whole. The words before it are neither: no command is read there.
                # (A function definition `serve()` or a bash array `ports=(...)` starts nothing either.)
                words.clear()
            close(background=operator == "&")
            if operator in ("&&", "||"):
                behind_condition = operator == "||" or previous_was_test
            elif operator not in ("|", "|&", "(", ")"):  # a pipeline, a subshell: the same condition
                behind_condition = False
            if operator == "(":
                subshells.append(next(numbers))
            elif operator == ")" and subshells:  # not a `case` pattern's `)`
                subshells.pop()
            elif operator == ";;" and blocks:
                blocks[-1] = next(numbers)
            if operator in (";", "&", ";;"):
                list_start = (len(found), len(subshells))
            reader.at += len(operator)
            continue
        redirection = next((op for op in _REDIRECTIONS if reader.startswith(op)), None) if char in "<>" else None
        if redirection is not None:
            reader.at += len(redirection)
            if redirection in ("<<", "<<-"):
                while reader.peek() in " \t" and reader.peek():
                    reader.at += 1
                target = _word(reader)
                if target is not None:
                    heredocs.append((target.value, redirection == "<<-"))
            elif redirection in (">&", "<&") and reader.peek() in "0123456789-":
                reader.at += 1
            else:
                skip_next_word = True
            continue
        word = _word(reader)
        if word is None:
            reader.at += 1
            continue
        # `2>file`: a number right before a redirection is its descriptor, not a word.
        if word.value.isdigit() and not word.quote and any(reader.startswith(op) for op in ("<", ">")):
            continue
        if skip_next_word:
            skip_next_word = False
            continue
        words.append(word)
    close()
    return [command for command in found if command.words]


def _drop_reserved(words: list[Word]) -> list[Word]:
    index = 0
    while index < len(words) and not words[index].quote and words[index].value in _RESERVED:
        index += 1
    return words[index:]


def _skip_heredoc(reader: _Reader, delimiter: str, strip_tabs: bool) -> None:
    text = reader.text
    while reader.at < len(text):
        end = text.find("\n", reader.at)
        end = len(text) if end < 0 else end
        line = text[reader.at : end]
        reader.at = min(end + 1, len(text))
        if (line.lstrip("\t") if strip_tabs else line) == delimiter:
            return


def _word(reader: _Reader) -> Word | None:
    """One word from the reader's position (which is not a blank, newline or operator)."""
    text = reader.text
    start = reader.at
    value: list[str] = []
    expanded = False
    pattern = False
    quotes: list[str] = []  # the quote of each part: "" for an unquoted part
    runs = [(0, start)]  # only where a quote, an escape or a continuation skips raw characters
    while reader.at < len(text):
        char = text[reader.at]
        if char in _WORD_ENDS:
            break
        if char == "\\":
            following = reader.peek(1)
            if following != "\n":  # a continuation joins the lines
                runs.append((_length(value), reader.at + 1))
                value.append(following)
                quotes.append("")
            reader.at += 2
            runs.append((_length(value), reader.at))
            continue
        if char == "'":
            end = text.find("'", reader.at + 1)
            end = len(text) if end < 0 else end
            runs.append((_length(value), reader.at + 1))
            value.append(text[reader.at + 1 : end])
            quotes.append("'")
            reader.at = end + 1
            runs.append((_length(value), reader.at))
            continue
        if char == '"':
            reader.at += 1
            runs.append((_length(value), reader.at))
            expanded |= _double_quoted(reader, value, runs)
            quotes.append('"')
            runs.append((_length(value), reader.at))
            continue
        if char == "$" or char == "`":
            consumed = _expansion(reader)
            if consumed:
                value.append(consumed)
                quotes.append("")
                expanded = True
                continue
        # Up to the next character with a meaning (a `$` that starts no expansion stands for itself).
        run = _PLAIN.match(text, reader.at)
        plain = run.group() if run is not None else char
        pattern |= "*" in plain or "?" in plain or ("[" in plain and "]" in plain[plain.index("[") :])
        value.append(plain)
        quotes.append("")
        reader.at += len(plain)
    reader.at = min(reader.at, len(text))
    if reader.at == start:
        return None
    quote = quotes[0] if len(quotes) == 1 else ""
    joined = "".join(value)
    pattern = pattern and not joined.startswith("-")  # `--include=*.py`: no file name starts so, it stays
    return Word(
        joined,
        start,
        reader.at,
        reader.placed.range(start, reader.at),
        expanded,
        quote,
        pattern,
        _runs(runs),
        reader.placed,
    )


def _length(pieces: list[str]) -> int:
    return sum(map(len, pieces))


def _runs(runs: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The recorded runs, a run that a later one at the same value offset replaces left out."""
    kept: dict[int, int] = {}
    for offset, raw in runs:
        kept[offset] = raw
    return tuple(kept.items())


def _double_quoted(reader: _Reader, value: list[str], runs: list[tuple[int, int]]) -> bool:
    """Reads up to the closing quote (consumed); True if an expansion was met."""
    text = reader.text
    expanded = False
    while reader.at < len(text):
        char = text[reader.at]
        if char == '"':
            reader.at += 1
            return expanded
        if char == "\\" and reader.peek(1) in '$`"\\\n':
            if reader.peek(1) != "\n":
                runs.append((_length(value), reader.at + 1))
                value.append(reader.peek(1))
            reader.at += 2
            runs.append((_length(value), reader.at))
            continue
        if char in "$`":
            consumed = _expansion(reader)
            if consumed:
                value.append(consumed)
                expanded = True
                continue
        value.append(char)
        reader.at += 1
    return expanded


def _expansion(reader: _Reader) -> str:
    """Consumes `$NAME`, `${...}`, `$(...)`, `$((...))` or `` `...` `` and returns it as written ("" if none)."""
    text = reader.text
    start = reader.at
    if text[start] == "`":
        end = start + 1
        while end < len(text) and text[end] != "`":
            end += 2 if text[end] == "\\" else 1
        reader.at = min(end + 1, len(text))
        return text[start : reader.at]
    following = reader.peek(1)
    if following in "{(":
        closing = "}" if following == "{" else ")"
        depth = 0
        index = start + 1
        while index < len(text):
            char = text[index]
            if char == "\\":
                index += 2
                continue
            if char == following:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth == 0:
                    break
            elif char in "'\"" and following == "(":
                closing_quote = text.find(char, index + 1)
                index = len(text) if closing_quote < 0 else closing_quote
            index += 1
        reader.at = min(index + 1, len(text))
        return text[start : reader.at]
    if following and (following.isalpha() or following == "_"):
        index = start + 1
        while index < len(text) and (text[index].isalnum() or text[index] == "_"):
            index += 1
        reader.at = index
        return text[start:index]
    if following and following in _SPECIAL_PARAMETERS:
        reader.at = start + 2
        return text[start : reader.at]
    return ""
