"""Python's cycle collector, paused over work that builds many objects and drops them only at its end."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off while work builds objects none of which are garbage before it ends (a parse, the
    command line's check of a file, imports): its full passes over the growing heap would add a cost that grows
    faster than the work. What becomes garbage is collected after."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def with_collector_paused(function: Callable[P, T]) -> Callable[P, T]:
    """`function` run with the collector paused (`collector_paused`)."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        with collector_paused():
            return function(*args, **kwargs)

    return paused
