"""`.dockerignore` and `.containerignore`: the files of a build context that COPY and ADD cannot see, by Docker's rules.

Read as BuildKit reads it (moby's ignorefile and patternmatcher): a line starting with `#` is a
comment, blanks around a pattern are dropped, `.` and `..` are cleaned away, a leading `/` is
the context root, `!` makes an exception, the last pattern that matches a path decides, and a
pattern matches a path when it matches the path or one of its parent folders. `*` and `?` stay
within a path segment and `**` crosses any number of them. Character classes and `\\` escapes
are not followed: a file using them is reported as unsupported (and the image layout is then
unknown), never guessed at.
"""

from __future__ import annotations

import enum
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path


class UnsupportedIgnoreFile(ValueError):
    """A .dockerignore Docker rejects, or that uses syntax this reader does not follow."""


class _Match(enum.Enum):
    # patternmatcher's match types: each quirk (a leading `**` compares suffixes) is kept.
    EXACT = "exact"
    PREFIX = "prefix"
    SUFFIX = "suffix"
    REGEX = "regex"


@dataclass(frozen=True)
class _Pattern:
    text: str  # cleaned, `!` removed
    exception: bool
    kind: _Match
    regex: re.Pattern[str] | None

    def matches(self, path: str) -> bool:
        if self.kind is _Match.EXACT:
            return path == self.text
        if self.kind is _Match.PREFIX:
            return path.startswith(self.text[:-2])
        if self.kind is _Match.SUFFIX:
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        assert self.regex is not None
        return self.regex.match(path) is not None


_ESCAPED = frozenset(".+()|{}$")


def _compile(text: str, exception: bool) -> _Pattern:
    if any(char in text for char in "[]\\"):
        raise UnsupportedIgnoreFile(f"pattern {text!r}: character classes and escapes are not followed")
    regex = "^"
    kind = _Match.EXACT
    index = 0
    first = True
    while index < len(text):
        char = text[index]
        index += 1
        if char == "*":
            if text.startswith("*", index):
                index += 1
                if text.startswith("/", index):
                    index += 1  # `**/` is read as `**`
                if index >= len(text):
                    if kind is _Match.EXACT:
                        kind = _Match.PREFIX
                    else:
                        regex += ".*"
                        kind = _Match.REGEX
                else:
                    regex += "(.*/)?"  # any number of folders, none included
                    kind = _Match.REGEX
                if first:
                    kind = _Match.SUFFIX
            else:
                regex += "[^/]*"
                kind = _Match.REGEX
        elif char == "?":
            regex += "[^/]"
            kind = _Match.REGEX
        elif char in _ESCAPED:
            regex += "\\" + char
        else:
            regex += char
        first = False
    compiled = re.compile(regex + "$") if kind is _Match.REGEX else None
    return _Pattern(text, exception, kind, compiled)


def _clean(text: str) -> str:
    """Go's filepath.Clean on a slash path: one `/` between names, `.` and `..` resolved."""
    return posixpath.normpath(re.sub("/+", "/", text)) if text else "."


class DockerIgnore:
    def __init__(self, patterns: list[_Pattern]):
        self._patterns = patterns

    @classmethod
    def parse(cls, text: str) -> DockerIgnore:
        patterns = []
        for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
            if line.startswith("#"):  # a comment only from the first column
                continue
            line = line.strip()
            if not line:
                continue
            exception = line.startswith("!")
            if exception:
                line = line[1:].strip()
                if not line:
                    raise UnsupportedIgnoreFile(f"line {number}: `!` alone is an illegal exclusion pattern for Docker")
            line = _clean(line)
            if len(line) > 1 and line.startswith("/"):
                line = line[1:]  # the context root
            patterns.append(_compile(line, exception))
        return cls(patterns)

    @property
    def empty(self) -> bool:
        return not self._patterns

    def excludes(self, relative: str) -> bool:
        """Whether a path of the context (`a/b.py`, relative, `/`-separated) is left out of it."""
        parents = relative.split("/")[:-1]
        excluded = False
        for pattern in self._patterns:
            if pattern.exception != excluded:
                continue  # it could not change the verdict
            matched = pattern.matches(relative) or any(
                pattern.matches("/".join(parents[: depth + 1])) for depth in range(len(parents))
            )
            if matched:
                excluded = not pattern.exception
        return excluded

    def excludes_all_under(self, relative: str) -> bool:
        """Whether a folder and everything in it are left out: no exception can bring a file back."""
        if not self.excludes(relative):
            return False
        segments = relative.split("/")
        return not any(pattern.exception and _may_match_below(pattern, segments) for pattern in self._patterns)


def _may_match_below(pattern: _Pattern, folder: list[str]) -> bool:
    """Whether `pattern` may match a path below `folder` that it does not match at `folder` or above."""
    if pattern.kind in (_Match.PREFIX, _Match.SUFFIX) or "**" in pattern.text:
        return True
    segments = pattern.text.split("/")
    if len(segments) <= len(folder):
        return False  # without `**` a pattern spans as many segments as it has: it judges the folder alike
    return _compile("/".join(segments[: len(folder)]), False).matches("/".join(folder))


class BuildContext:
    """A build context folder as the builders that may build the image see it: each reads its own
    ignore file (Docker one, Podman another when both `.dockerignore` and `.containerignore` are
    there), so a path is left out only where every one of those files leaves it out."""

    def __init__(self, folder: Path, ignores: tuple[tuple[str, DockerIgnore], ...]):
        """`ignores`: each ignore file read, with the builders that read it ("Docker", "Podman")."""
        self.folder = folder
        self._builders = ignores
        self._ignores = tuple(ignore for _, ignore in ignores)

    def by_builder(self) -> list[tuple[str, BuildContext]]:
        """The context as each builder sees it, named, when builders read different ignore files; else
        the context alone (its builders' name unused)."""
        if len(self._builders) == 1:
            return [(self._builders[0][0], self)]
        return [(builder, BuildContext(self.folder, ((builder, ignore),))) for builder, ignore in self._builders]

    @property
    def hides_nothing(self) -> bool:
        """No builder leaves anything out."""
        return all(ignore.empty for ignore in self._ignores)

    def _relative(self, host: Path) -> str | None:
        relative = os.path.relpath(host, self.folder)
        if relative == "." or relative.startswith(".."):
            return None  # the context itself, or outside it
        return relative.replace(os.sep, "/")

    def hides(self, host: Path) -> bool:
        """The file or folder at `host` is not in the context (its folder may still hold exceptions)."""
        relative = self._relative(host)
        return relative is not None and all(ignore.excludes(relative) for ignore in self._ignores)

    def hides_all(self, host: Path) -> bool:
        """Neither the folder at `host` nor anything in it is in the context."""
        relative = self._relative(host)
        return relative is not None and all(ignore.excludes_all_under(relative) for ignore in self._ignores)

    def may_hide(self, host: Path) -> bool:
        """Some builder leaves the file or folder at `host` out."""
        relative = self._relative(host)
        return relative is not None and any(ignore.excludes(relative) for ignore in self._ignores)
