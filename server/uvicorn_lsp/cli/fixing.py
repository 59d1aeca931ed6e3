"""`--fix` and `--diff` on files: the fixed text (engine.fixing) written atomically, in the file's own
encoding, and only when nobody changed the file since it was read; unified diffs.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile

from ..engine import source

_AFTER_LINE_BREAK = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def encode_like(original: bytes, text: str) -> bytes:
    """`text` in the encoding (BOM and PEP 263 cookie included) `original` was read with."""
    return text.encode(source.source_encoding(original))


def _lines(text: str) -> list[str]:
    """Lines with their ends, split where the engine splits (str.splitlines
    would also split at form feeds and U+2028)."""
    return [line for line in _AFTER_LINE_BREAK.split(text) if line]


def unified_diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(_lines(before), _lines(after), fromfile=path, tofile=path)
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


class ChangedOnDisk(Exception):
    pass


def write_atomically(path: str, original: bytes, new: bytes) -> None:
    """Replace the file with `new` unless its content is no longer `original`.

    The temp file lives beside the target so os.replace is a rename on one file
    system; it takes the original's permission bits. A symlink stays a symlink:
    the file it points to is replaced."""
    path = os.path.realpath(path)
    with open(path, "rb") as current:
        if current.read() != original:
            raise ChangedOnDisk(path)
    folder = os.path.dirname(path)
    descriptor, temporary = tempfile.mkstemp(prefix=".uvicorn-lsp-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(new)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
