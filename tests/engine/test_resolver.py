"""The resolver's speed-up of parso's name lookup must give parso's answers."""

from __future__ import annotations

from pathlib import Path

import parso
import pytest

from uvicorn_lsp.engine import resolver

SOURCES = [
    Path(resolver.__file__).read_text(),
    "import uvicorn\nuvicorn.run(app,reload=True)\nx=(a.b)(c)[d]\n\n  \n",
    "def f(:\n    pass\nuvicorn.run(app, reload=True\nclass\n",
    "x = 'é😀'; uvicorn.run(app)\n# comment app\nlambda a,b:a+b\n",
]


@pytest.mark.parametrize("source", SOURCES, ids=["resolver.py", "dense", "broken", "unicode"])
def test_same_name_at_every_position(source):
    module = parso.parse(source)
    lines = source.split("\n")
    for line_number, line in enumerate(lines, start=1):
        for column in range(len(line) + 2):
            position = (line_number, column)
            assert resolver._name_at(module, position) is resolver.original_name_of_position(module, position), position
