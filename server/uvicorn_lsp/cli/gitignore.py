"""`.gitignore` files as git reads them: pathspec's `GitIgnoreSpec` patterns, matched fast.

pathspec parses each line and translates it to a regular expression as git
means it. Its own matcher tries the patterns one by one in Python, which costs
2-3x the whole walk on a typical 80-pattern `.gitignore` (bench/bench_tree.py);
here each file's patterns are joined into one expression whose alternatives are
the patterns in reverse order, so the first alternative that matches is the
last matching pattern, the one git obeys: one regex search per path and file.
The walk prunes ignored folders, so only an entry's own name and kind matter.
"""

from __future__ import annotations

import os
import re

from pathspec import GitIgnoreSpec

# pathspec's expressions are for prefix matching: a folder pattern matches `dir/` and
# everything below it, marked by a named group around that `/`. The walk prunes ignored
# folders, so here the mark must be the path's last character (the entry itself is that
# folder); otherwise a `!dir/` pattern would wrongly re-include a file a later rule ignores.
_FOLDER_MARK = re.compile(r"\(\?P<\w+>/\)")
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")  # names cannot repeat in one expression


def _entry_regex(pattern: str) -> str:
    return _NAMED_GROUP.sub("(?:", _FOLDER_MARK.sub(r"(?:/\\Z)", pattern))


class GitIgnore:
    """The patterns of one `.gitignore`, matched against paths relative to its folder.

    Paths are absolute strings as os.scandir builds them; pathlib is too slow here."""

    def __init__(self, folder: str, lines: list[str]):
        self.prefix = os.path.join(folder, "")
        patterns = [pattern for pattern in GitIgnoreSpec.from_lines(lines).patterns if pattern.include is not None]
        patterns.reverse()  # the first alternative that matches is the file's last matching pattern
        alternatives = [_entry_regex(pattern.regex.pattern) for pattern in patterns]
        # Group number of each alternative -> whether its pattern ignores (False: a `!` pattern).
        self._include_by_group: dict[int, bool] = {}
        group = 1
        for pattern, alternative in zip(patterns, alternatives, strict=True):
            self._include_by_group[group] = pattern.include
            group += 1 + re.compile(alternative).groups
        self._regex = re.compile("|".join(f"({alternative})" for alternative in alternatives) or "(?!)", re.DOTALL)

    @classmethod
    def read(cls, folder: str, name: str = ".gitignore") -> GitIgnore | None:
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as file:
                return cls(folder, file.read().splitlines())
        except OSError:
            return None

    def verdict(self, relative: str, is_folder: bool) -> bool | None:
        """True: ignored; False: re-included by a `!` pattern; None: no pattern matches."""
        # A folder is matched as `name/`, so patterns ending in `/` match folders only.
        match = self._regex.match(relative + "/" if is_folder else relative)
        if match is None:
            return None
        return self._include_by_group[match.lastindex]  # the outermost group closes last: the alternative


def is_ignored(ignores: list[GitIgnore], path: str, is_folder: bool) -> bool:
    """The deepest `.gitignore` with a matching pattern decides."""
    for ignore in reversed(ignores):
        if not path.startswith(ignore.prefix):
            continue
        relative = path[len(ignore.prefix) :].replace(os.sep, "/")
        verdict = ignore.verdict(relative, is_folder)
        if verdict is not None:
            return verdict
    return False
