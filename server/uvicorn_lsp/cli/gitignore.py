"""`.gitignore` files as git reads them, compiled for speed.

Each file becomes two regular expressions (one for files, one for folders)
whose alternatives are its patterns in reverse order: the first alternative
that matches is the file's last matching pattern, which is the one git obeys.
One regex search per path and file keeps a 10,000-file walk cheap.
"""

from __future__ import annotations

import os
import re


def _translate(glob: str) -> str:
    """A gitignore glob (already without `!`, anchoring `/` and trailing `/`) as a regex."""
    parts = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**/", index) and (index == 0 or glob[index - 1] == "/"):
            parts.append("(?:.*/)?")
            index += 3
            continue
        if glob.startswith("**", index) and index + 2 == len(glob) and (index == 0 or glob[index - 1] == "/"):
            parts.append(".*")
            index += 2
            continue
        if char == "*":
            while index + 1 < len(glob) and glob[index + 1] == "*":
                index += 1  # `**` not between slashes is an ordinary `*`
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        elif char == "\\" and index + 1 < len(glob):
            index += 1
            parts.append(re.escape(glob[index]))
        elif char == "[":
            end = glob.find("]", index + 2)
            if end < 0:
                parts.append(re.escape(char))
            else:
                body = glob[index + 1 : end]
                if body[0] in "!^":
                    body = "^" + body[1:]
                parts.append("[" + body.replace("\\", "\\\\") + "]")
                index = end
        else:
            parts.append(re.escape(char))
        index += 1
    return "".join(parts)


class GitIgnore:
    """The patterns of one `.gitignore`, matched against paths relative to its folder.

    Paths are absolute strings as os.walk builds them; pathlib is too slow here."""

    def __init__(self, folder: str, lines: list[str]):
        self.prefix = os.path.join(folder, "")
        file_alternatives: list[str] = []
        folder_alternatives: list[str] = []
        self._negated: list[bool] = []
        for line in lines:
            if line.startswith("#"):
                continue
            if not line.endswith("\\ "):
                line = line.rstrip(" \t")
            negated = line.startswith("!")
            if negated or line.startswith("\\!") or line.startswith("\\#"):
                line = line[1:]
            folders_only = line.endswith("/")
            line = line.rstrip("/")
            if not line:
                continue
            anchored = "/" in line
            body = _translate(line.lstrip("/"))
            regex = f"({body})" if anchored else f"((?:.*/)?{body})"
            folder_alternatives.append(regex)
            file_alternatives.append(regex if not folders_only else "(?!)")
            self._negated.append(negated)
        # Reversed: the first matching alternative is the last pattern in the file.
        self._negated.reverse()
        self._files = re.compile("|".join(reversed(file_alternatives)) or "(?!)", re.DOTALL)
        self._folders = re.compile("|".join(reversed(folder_alternatives)) or "(?!)", re.DOTALL)

    @classmethod
    def read(cls, folder: str) -> GitIgnore | None:
        try:
            with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as file:
                return cls(folder, file.read().splitlines())
        except OSError:
            return None

    def verdict(self, relative: str, is_folder: bool) -> bool | None:
        """True: ignored; False: re-included by a `!` pattern; None: no pattern matches."""
        match = (self._folders if is_folder else self._files).fullmatch(relative)
        if match is None:
            return None
        return not self._negated[match.lastindex - 1]


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
