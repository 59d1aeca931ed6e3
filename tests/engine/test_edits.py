"""High-level edits (engine/edits.py) on their own."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine import edits
from uvicorn_lsp.engine.fixing import apply_fixes
from uvicorn_lsp.engine.model import Applicability, Fix
from uvicorn_lsp.engine.source import SourceFile

BLOCK = ["def block():", "    pass"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The comment lines right above the statement stay with it.
        (
            "import x\n\n# about app\n# more\napp = x()\n",
            "import x\n\n\ndef block():\n    pass\n\n\n# about app\n# more\napp = x()\n",
        ),
        # A blank line parts a comment from the statement: the comment is not the statement's.
        ("import x\n# about x\n\napp = x()\n", "import x\n# about x\n\n\ndef block():\n    pass\n\n\napp = x()\n"),
        # A shebang and an encoding declaration stay first.
        (
            "#!/usr/bin/env python\n# about app\napp = 1\n",
            "#!/usr/bin/env python\n\n\ndef block():\n    pass\n\n\n# about app\napp = 1\n",
        ),
        ("# -*- coding: utf-8 -*-\napp = 1\n", "# -*- coding: utf-8 -*-\n\n\ndef block():\n    pass\n\n\napp = 1\n"),
        ("# about app\napp = 1\n", "def block():\n    pass\n\n\n# about app\napp = 1\n"),
    ],
)
def test_a_top_level_block_goes_above_the_comments_over_the_statement(tmp_path, text, expected):
    source = SourceFile(text, tmp_path / "main.py")
    line = text.splitlines().index(next(line for line in text.splitlines() if line.startswith("app")))
    edit = edits.insert_top_level_block(source, line, BLOCK)
    assert apply_fixes(text, [Fix("Insert", (edit,), Applicability.SAFE)]) == (expected, 1)
