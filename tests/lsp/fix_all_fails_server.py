"""The real server with the fix loop of `source.fixAll` made to raise (run as a script): the request must still
be answered, with the first pass of fixes."""

from __future__ import annotations

from uvicorn_lsp.engine import fixing
from uvicorn_lsp.lsp.server import serve


def _failing_fix_text(*args: object, **kwargs: object) -> fixing.FixOutcome:
    raise RuntimeError("planted failure of the fix loop")


if __name__ == "__main__":
    fixing.fix_text = _failing_fix_text
    serve()
