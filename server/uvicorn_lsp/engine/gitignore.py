"""`.gitignore` files as git reads them: pathspec's `GitIgnoreSpec` patterns, matched fast.

pathspec parses each line and translates it to a regular expression as git means
it. Its own matcher tries the patterns one by one in Python, which costs 2-3x the
whole walk on a typical 80-pattern `.gitignore` (bench/bench_tree.py), so here
the expressions are joined into two: one for the patterns that may match in any
folder (`*.pyc`, `build/`), tried on the entry's name alone, and one for those
bound to a path (`/site`, `docs/_build/`), tried on the path relative to the
`.gitignore`. In each, the alternatives are the patterns in reverse order, so the
first alternative that matches is the last matching pattern; of the two, the
later pattern in the file decides, as in git. The walk prunes ignored folders,
so only an entry's own path and kind matter, never the folders above it.

Most name patterns are a plain name (`MANIFEST`, `build/`) or a plain suffix
(`*.so`, `*.egg-info/`): those are looked up in dicts instead, so the regular
expression left holds only the few real globs (`*.py[cod]`) and both compiling
it and matching each of 10,000 entries cost little.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

# pathspec's expressions are for prefix matching: a folder pattern matches `dir/` and
# everything below it, marked by a named group around that `/`. Here the mark must be the
# path's last character (the entry itself is that folder); otherwise a `!dir/` pattern would
# wrongly re-include a file that a later pattern ignores.
_FOLDER_MARK = re.compile(r"\(\?P<\w+>/\)")
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")  # names cannot repeat in one expression
# How pathspec starts a pattern that matches in any folder; the rest of such a pattern
# then matches one name (no `/` but the folder mark and `[^/]`).
_IN_ANY_FOLDER = "^(?:.+/)?"
_ENTRY_FOLDER_MARK = "(?:/\\Z)"
# A name pattern that pathspec translated to a plain name or `*` and a plain suffix, for a folder
# only (`build/`) or for any entry (`*.so`): escaped punctuation and characters without a meaning
# in a regular expression.
_PLAIN = r"(?P<text>(?:\\[^A-Za-z0-9]|[^\\.^$*+?{}\[\]|()/])+)"
_PLAIN_NAME = re.compile(rf"(?P<any_start>\[\^/\]\*)?{_PLAIN}(?:(?P<folder>\(\?:/\\Z\))|\(\?:\(\?:/\\Z\)\|\$\))\Z")
_ESCAPED = re.compile(r"\\(.)")
# One literal character of an expression as pathspec writes it (re.escape's style): escaped
# punctuation, or a character without a meaning in a regular expression.
_LITERAL_CHARACTER = re.compile(r"\\([^A-Za-z0-9])|([^\\.^$*+?{}\[\]|()])")


class _Alternatives:
    """Patterns joined into one expression; `last_match` gives (position in the file, include)."""

    def __init__(self, patterns: Sequence[tuple[int, bool, str]]):
        self._by_group: dict[int, tuple[int, bool]] = {}
        group = 1
        alternatives = []
        for index, include, expression in reversed(patterns):
            self._by_group[group] = (index, include)
            group += 1 + re.compile(expression).groups
            alternatives.append(f"({expression})")
        self.regex = re.compile("|".join(alternatives), re.DOTALL) if alternatives else None

    def last_match(self, text: str) -> tuple[int, bool] | None:
        if self.regex is None:
            return None
        match = self.regex.match(text)
        # The outermost group closes last: lastindex is the alternative's own group.
        return None if match is None or match.lastindex is None else self._by_group[match.lastindex]


Verdict = tuple[int, bool]  # (position of the pattern in the file, include): the later position wins


class _PlainNames:
    """Plain name and suffix patterns: the last one matching a name, by dict lookups."""

    def __init__(self) -> None:
        # name -> the last pattern matching a file of that name, and a folder of that name
        self._names: dict[str, tuple[Verdict | None, Verdict | None]] = {}
        # last character -> (suffix, the last pattern for a file, for a folder) of the suffixes ending so
        self._suffixes: dict[str, dict[str, tuple[Verdict | None, Verdict | None]]] = {}
        self._all_suffixes: tuple[str, ...] = ()  # one endswith() call rules them all out for most names

    def add(self, index: int, include: bool, text: str, any_start: bool, folder_only: bool) -> None:
        table = self._suffixes.setdefault(text[-1], {}) if any_start else self._names
        if any_start and text not in self._all_suffixes:
            self._all_suffixes += (text,)
        for_file, for_folder = table.get(text, (None, None))
        # Patterns come in file order: this one is later than any already there.
        table[text] = (for_file if folder_only else (index, include), (index, include))

    def last_match(self, name: str, is_folder: bool) -> Verdict | None:
        kind = 1 if is_folder else 0
        found = self._names.get(name)
        best = None if found is None else found[kind]
        if not name.endswith(self._all_suffixes):
            return best
        for suffix, verdicts in self._suffixes.get(name[-1:], {}).items():
            verdict = verdicts[kind]
            if verdict is not None and name.endswith(suffix) and (best is None or verdict > best):
                best = verdict
        return best


Translation = list[tuple[int, bool, str]]  # per pattern: (position in the file, include, expression)


def literal_start(expression: str) -> str:
    """The text every string `expression` matches starts with: its literal characters after `^`, less
    one followed by a quantifier; "" when the expression is not anchored or alternates outside a group."""
    if not expression.startswith("^") or _alternates_at_top(expression):
        return ""
    characters: list[str] = []
    position = 1
    while match := _LITERAL_CHARACTER.match(expression, position):
        characters.append(match[1] or match[2])
        position = match.end()
    if expression[position : position + 1] in ("*", "+", "?", "{") and characters:
        characters.pop()  # `ab*`: the `b` may be absent or repeated
    return "".join(characters)


def _alternates_at_top(expression: str) -> bool:
    depth, in_class, position = 0, False, 0
    while position < len(expression):
        character = expression[position]
        if character == "\\":
            position += 1  # the escaped character is never a delimiter
        elif in_class:
            in_class = character != "]"
        elif character == "[":
            in_class = True
        elif character in "()":
            depth += 1 if character == "(" else -1
        elif character == "|" and depth == 0:
            return True
        position += 1
    return False


def gitignore_spec(lines: list[str]) -> GitIgnoreSpec:
    """pathspec's patterns of a `.gitignore`'s lines, less the lines it cannot read (`C:\\`, a trailing
    backslash): git matches nothing with those and keeps the others, where pathspec would raise."""
    from pathspec import GitIgnoreSpec  # here: a run that finds every translation in its cache never imports it

    try:
        return GitIgnoreSpec.from_lines(lines)
    except ValueError:
        pass
    readable = []
    for line in lines:
        try:
            GitIgnoreSpec.from_lines([line])
        except ValueError:
            line = ""  # blank, not left out: the other patterns keep their positions
        readable.append(line)
    return GitIgnoreSpec.from_lines(readable)


def translate(lines: list[str]) -> Translation:
    """The expression of each line's pattern, as pathspec's GitIgnoreSpec translates it (blank lines, comments
    and the lines it cannot read left out), without compiling it: a first run meets a Python `.gitignore`'s
    ~80 patterns, whose compiling cost more than matching every file of a 10,000-file tree."""
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern  # here: see gitignore_spec

    translation = []
    # Only the order of the positions matters (the later pattern wins), so skipped lines leave gaps.
    for index, line in enumerate(lines):
        try:
            regex, include = GitIgnoreSpecPattern.pattern_to_regex(line)
        except ValueError:  # `C:\`, a trailing backslash: git matches nothing with it and keeps the others
            continue
        if include is not None and regex is not None:
            translation.append((index, include, regex))
    return translation


def valid_translations(known: object) -> bool:
    """Whether `known` (read from a cache file) is text -> Translation, as Translations keeps them."""
    return isinstance(known, dict) and all(
        isinstance(text, str)
        and isinstance(translation, list)
        and all(
            isinstance(item, tuple)
            and len(item) == 3
            and isinstance(item[0], int)
            and isinstance(item[1], bool)
            and isinstance(item[2], str)
            for item in translation
        )
        for text, translation in known.items()
    )


class Translations:
    """Translations by `.gitignore` text, for the CLI cache to keep between runs."""

    def __init__(self, known: dict[str, Translation] | None = None):
        self.known: dict[str, Translation] = known if known is not None else {}
        self.added = False

    def of(self, text: str) -> Translation:
        translation = self.known.get(text)
        if translation is None:
            translation = self.known[text] = translate(text.splitlines())
            self.added = True
        return translation


class GitIgnore:
    """The patterns of one `.gitignore`, matched against paths relative to its folder.

    Paths are absolute strings as os.scandir builds them; pathlib is too slow here."""

    def __init__(self, folder: str, translation: Translation):
        self.prefix = os.path.join(folder, "")
        self._plain = _PlainNames()
        by_name: list[tuple[int, bool, str]] = []
        by_path: list[tuple[int, bool, str]] = []
        for index, include, pathspec_expression in translation:
            expression = _NAMED_GROUP.sub(
                "(?:", _FOLDER_MARK.sub(_ENTRY_FOLDER_MARK.replace("\\", "\\\\"), pathspec_expression)
            )
            name_part = expression[len(_IN_ANY_FOLDER) :]
            one_name = "/" not in name_part.replace(_ENTRY_FOLDER_MARK, "").replace("[^/]", "")
            plain = _PLAIN_NAME.match(name_part) if expression.startswith(_IN_ANY_FOLDER) else None
            if plain is not None:
                text = _ESCAPED.sub(r"\1", plain["text"])
                self._plain.add(index, include, text, plain["any_start"] is not None, plain["folder"] is not None)
            elif expression.startswith(_IN_ANY_FOLDER) and one_name:
                by_name.append((index, include, name_part))
            else:
                by_path.append((index, include, expression))
        self._by_name = _Alternatives(by_name)
        self._by_path = by_path
        self._by_path_starts = [literal_start(expression) for _, _, expression in by_path]
        self._by_path_chosen: dict[tuple[int, ...], _Alternatives] = {}

    @classmethod
    def from_lines(cls, folder: str, lines: list[str]) -> GitIgnore:
        return cls(folder, translate(lines))

    @classmethod
    def read(cls, folder: str, translations: Translations, name: str = ".gitignore") -> GitIgnore | None:
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as file:
                return cls(folder, translations.of(file.read()))
        except OSError:
            return None

    def path_patterns_in(self, relative_folder: str) -> _Alternatives:
        """The patterns bound to a path that may match an entry of the folder at `relative_folder`: those
        whose literal start agrees with the folder's path (`docs/_build/` matches nothing in `src/`), so
        most folders try no expression on their entries' paths at all."""
        chosen = tuple(
            index
            for index, start in enumerate(self._by_path_starts)
            if start.startswith(relative_folder) or relative_folder.startswith(start)
        )
        alternatives = self._by_path_chosen.get(chosen)
        if alternatives is None:
            alternatives = self._by_path_chosen[chosen] = _Alternatives([self._by_path[index] for index in chosen])
        return alternatives

    def verdict(self, relative_folder: str, name: str, is_folder: bool, by_path: _Alternatives) -> bool | None:
        """Of the entry `name` in the folder at `relative_folder` ("" or "a/b/", relative to this file),
        with `by_path` the folder's `path_patterns_in`: True: ignored; False: re-included by a `!`
        pattern; None: no pattern matches."""
        # A folder is matched as `name/`, so patterns ending in `/` match folders only.
        mark = "/" if is_folder else ""
        best = self._plain.last_match(name, is_folder)
        # Called for every entry of the walk: the globs' expressions are tried only when there are any.
        if self._by_name.regex is not None:
            match = self._by_name.last_match(name + mark)
            if match is not None and (best is None or match > best):
                best = match  # the later pattern in the file wins
        if by_path.regex is not None:
            match = by_path.last_match(relative_folder + name + mark)
            if match is not None and (best is None or match > best):
                best = match
        return None if best is None else best[1]


# The .gitignore files over a folder, deepest first, with the folder's path in each and the path patterns
# that may match there.
Applicable = list[tuple[GitIgnore, str, _Alternatives]]


def applicable(ignores: list[GitIgnore], folder: str) -> Applicable:
    """Worked out once per folder of the walk, not once per entry."""
    inside = os.path.join(folder, "")
    over_folder = []
    for ignore in reversed(ignores):
        if inside.startswith(ignore.prefix):
            relative_folder = inside[len(ignore.prefix) :].replace(os.sep, "/")
            over_folder.append((ignore, relative_folder, ignore.path_patterns_in(relative_folder)))
    return over_folder


def ignored_in(over_folder: Applicable, name: str, is_folder: bool) -> bool:
    """The deepest `.gitignore` with a matching pattern decides."""
    for ignore, relative_folder, by_path in over_folder:
        verdict = ignore.verdict(relative_folder, name, is_folder, by_path)
        if verdict is not None:
            return verdict
    return False


def is_ignored(ignores: list[GitIgnore], path: str, is_folder: bool) -> bool:
    folder, name = os.path.split(path)
    return ignored_in(applicable(ignores, folder), name, is_folder)
