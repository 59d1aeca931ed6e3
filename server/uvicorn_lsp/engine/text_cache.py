"""Results computed from a text, kept by that text (or a key that names it exactly).

An edit re-reads only the parts of a file it touched: the other parts' texts are unchanged, so their
results are found here. The cache is emptied whole when full, which keeps a long editor session's
memory bounded; a read tolerates another thread emptying it meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

_Key = TypeVar("_Key", bound=Hashable)
_Value = TypeVar("_Value")


class TextCache(Generic[_Key, _Value]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._found: dict[_Key, _Value] = {}

    def get(self, key: _Key, compute: Callable[[], _Value]) -> _Value:
        """The result kept for `key`, else `compute()` (kept too, even when it is None)."""
        try:
            return self._found[key]
        except KeyError:
            pass
        value = compute()
        if len(self._found) >= self._size:
            self._found.clear()
        self._found[key] = value
        return value
