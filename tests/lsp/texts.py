"""Texts the server and the CLI are driven with: known-bad snippets and generated hostile modules."""

from __future__ import annotations

# uvicorn.run with the app object and reload=True: UVI001 at line 7 (0-based 6), columns 16-19.
KNOWN_BAD = """import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    uvicorn.run(app, reload=True)
"""

# The shapes that make an analysis expensive: apps, factories, **options helpers and their calls.
_HOSTILE_BLOCK = """
app_{n} = FastAPI()


def create_{n}():
    return FastAPI()


def serve_{n}(**options):
    uvicorn.run(app_{n}, **options)


if __name__ == "__main__":
    serve_{n}(reload=True)
    uvicorn.run(app_{n}, reload=True, workers=2)
    uvicorn.run("main:create_{n}", factory=True)
"""


def hostile_module(lines: int) -> str:
    """A valid module of about `lines` lines, dense with uvicorn calls (slow to analyse when large)."""
    per_block = _HOSTILE_BLOCK.count("\n")
    return "import uvicorn\nfrom fastapi import FastAPI\n" + "".join(
        _HOSTILE_BLOCK.format(n=n) for n in range(max(1, lines // per_block))
    )


_FUNCTION = '''
def handler_{n}(request, limit: int = 10):
    """Return page {n} of the items."""
    items = [item for item in range(limit) if item % 3 != {m}]
    if sum(items) > {n}:
        return {{"page": {n}, "items": items}}
    return {{"page": {n}, "items": []}}
'''


def long_module(lines: int) -> str:
    """Ordinary code of about `lines` lines ending with KNOWN_BAD's launch: long to parse, few calls to judge."""
    per_function = _FUNCTION.count("\n")
    functions = "".join(_FUNCTION.format(n=n, m=n % 3) for n in range(max(1, lines // per_function)))
    return KNOWN_BAD.replace("\nif __name__", functions + "\nif __name__")
