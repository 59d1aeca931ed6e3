"""What the checker says of a file beside the rules' findings."""

from __future__ import annotations

from uvicorn_lsp.engine import checker


def test_the_newer_syntax_note_names_the_lines_it_skips():
    assert checker.newer_syntax_note([12]).startswith("line 13 uses Python syntax")
    assert checker.newer_syntax_note([4, 5, 6, 20]).startswith("lines 5-7, 21 use Python syntax")
    assert checker.newer_syntax_note([1, 3, 5, 7]).startswith("lines 2, 4, 6, ... use")
