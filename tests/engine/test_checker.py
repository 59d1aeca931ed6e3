"""What the checker says of a file beside the rules' findings."""

from __future__ import annotations

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES


def test_the_newer_syntax_note_names_the_lines_it_skips():
    assert checker.newer_syntax_note([12]).startswith("line 13 uses Python syntax")
    assert checker.newer_syntax_note([4, 5, 6, 20]).startswith("lines 5-7, 21 use Python syntax")
    assert checker.newer_syntax_note([1, 3, 5, 7]).startswith("lines 2, 4, 6, ... use")


def test_a_byte_order_mark_is_skipped_and_first_line_places_count_it(tmp_path):
    """An editor's text may keep U+FEFF (the CLI's decoding drops it): Python and the shell skip it, and every
    place on the first line is one column further in that text (audit: the fix wrote `uvicorn.run"main:app"p`)."""
    text = "\ufeffimport uvicorn; from fastapi import FastAPI; app = FastAPI(); uvicorn.run(app, reload=True)\n"
    [finding] = [f for f in check(tmp_path, "main.py", text) if f.code == "UVI001"]
    start = text.index("app, reload")
    assert (finding.range.start.line, finding.range.start.character) == (0, start)
    [edit] = finding.best_fix.edits
    assert text[edit.range.start.character : edit.range.end.character] == "app"
    [launch] = [f for f in check(tmp_path, "run.sh", "\ufeffuvicorn mian:app --reload\n") if f.code == "UVI002"]
    assert launch.range.start.character == 9


def check(root, name: str, text: str):
    (root / name).write_text(text.lstrip("\ufeff"))
    return checker.check_text(text, root / name, Workspace(root), ALL_RULES).findings


def test_prepare_loads_the_grammar_the_first_check_parses_with(tmp_path):
    workspace = Workspace(tmp_path)
    assert "grammar" not in vars(workspace)
    checker.prepare(workspace)
    grammar = vars(workspace)["grammar"]  # cached: the first check does not load it again
    (tmp_path / "main.py").write_text("import uvicorn\nuvicorn.run(app, reload=True)\n")
    result = checker.check_text((tmp_path / "main.py").read_text(), tmp_path / "main.py", workspace, ALL_RULES)
    assert workspace.grammar is grammar
    assert [finding.code for finding in result.findings]
