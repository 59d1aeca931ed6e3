"""The fix loop both fronts run (`check --fix`, the editor's fix-all): fixes applied in code points on the text's
own line breaks, overlapping ones a pass later, and a loop that never settles or breaks the text left undone."""

from __future__ import annotations

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine import fixing as engine_fixing
from uvicorn_lsp.engine.fixing import applicable
from uvicorn_lsp.engine.model import Applicability, Fix, Range
from uvicorn_lsp.rules import ALL_RULES

from ..conftest import text_edit as edit


def test_edits_use_code_points_on_crlf_lines():
    text = "a = 'é😀'\r\nb = 1\rc = 2\n"
    fixed, applied = engine_fixing.apply_fixes(
        text, [Fix("x", (edit((0, 5), (0, 7), "ok"), edit((2, 4), (2, 5), "3")))]
    )
    assert (fixed, applied) == ("a = 'ok'\r\nb = 1\rc = 3\n", 1)


def test_inserted_newlines_follow_the_file():
    fixed, _ = engine_fixing.apply_fixes(
        "x = 1\r\ny = 2\r\n", [Fix("x", (edit((1, 0), (1, 0), "if True:\n    pass\n"),))]
    )
    assert fixed == "x = 1\r\nif True:\r\n    pass\r\ny = 2\r\n"


def test_overlapping_fixes_wait_for_the_next_pass():
    first = Fix("a", (edit((0, 0), (0, 3), "AAA"),))
    overlapping = Fix("b", (edit((0, 2), (0, 5), "BBB"),))
    insertion_before = Fix("c", (edit((0, 0), (0, 0), "C"),))
    touching = Fix("d", (edit((0, 5), (0, 6), "D"),))
    fixed, applied = engine_fixing.apply_fixes("0123456", [touching, overlapping, insertion_before, first])
    assert (fixed, applied) == ("CAAA34D6", 3)


def test_two_insertions_at_one_point_are_not_both_applied():
    fixed, applied = engine_fixing.apply_fixes(
        "x", [Fix("a", (edit((0, 0), (0, 0), "A"),)), Fix("b", (edit((0, 0), (0, 0), "B"),))]
    )
    assert (fixed, applied) == ("Ax", 1)


def test_one_fix_shared_by_two_findings_counts_for_both():
    """Two on_event handlers get one lifespan fix: applied once, two findings fixed (audit repro-12)."""
    shared = (edit((0, 0), (0, 1), "Z"),)
    fixed, applied = engine_fixing.apply_fixes("xy", [Fix("a", shared), Fix("b", shared)])
    assert (fixed, applied) == ("Zy", 2)


def test_fixes_that_never_settle_leave_the_file_unchanged(project, monkeypatch):
    """A fix that keeps producing its own finding stops after MAX_FIX_PASSES."""
    from uvicorn_lsp.engine.model import Finding, Severity
    from uvicorn_lsp.engine.workspace import Workspace

    def always(text, path, workspace, rules, **options):
        fix = Fix("grow", (edit((0, 0), (0, 0), "#"),), preferred=True)
        return checker.CheckResult(
            findings=[Finding("UVI999", "again", Range.of((0, 0), (0, 1)), Severity.ERROR, [fix])]
        )

    calls = []
    monkeypatch.setattr(checker, "check_text", lambda *args, **kwargs: calls.append(args[0]) or always(*args, **kwargs))
    outcome = engine_fixing.fix_text("x = 1\n", None, Workspace(project.root), ALL_RULES, unsafe_fixes=False)
    assert len(calls) == engine_fixing.MAX_FIX_PASSES + 1
    assert (outcome.text, outcome.applied) == ("x = 1\n", 0)
    assert "UVI999 do not settle" in outcome.problems[-1].message


def test_fix_that_breaks_the_file_is_refused(project, monkeypatch):
    from uvicorn_lsp.engine.model import Finding, Severity
    from uvicorn_lsp.engine.workspace import Workspace

    def breaking(text, path, workspace, rules, **options):
        fix = Fix("break", (edit((0, 0), (0, 0), "def ("),))
        return checker.CheckResult(findings=[Finding("UVI999", "bad", Range.of((0, 0), (0, 1)), Severity.ERROR, [fix])])

    monkeypatch.setattr(checker, "check_text", breaking)
    outcome = engine_fixing.fix_text("x = 1\n", None, Workspace(project.root), ALL_RULES, unsafe_fixes=False)
    assert (outcome.text, outcome.applied) == ("x = 1\n", 0)
    assert "UVI999 would make the file invalid Python" in outcome.problems[-1].message


def test_display_only_fixes_are_never_applied():
    assert not applicable(Fix("x", (), Applicability.DISPLAY_ONLY), unsafe_fixes=True)
    assert applicable(Fix("x", (), Applicability.UNSAFE), unsafe_fixes=True)
    assert not applicable(Fix("x", (), Applicability.UNSAFE), unsafe_fixes=False)
