"""--fix, --unsafe-fixes and --diff: round trips on real files."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import stat
import tempfile
import textwrap
from pathlib import Path

import pytest

from uvicorn_lsp.cli import fixing, main, runner
from uvicorn_lsp.cli.file_check import Mode
from uvicorn_lsp.engine import checker, source
from uvicorn_lsp.engine.model import Applicability, Fix, Range
from uvicorn_lsp.rules import ALL_RULES

from ..conftest import text_edit as edit
from .conftest import APP_FIXED, APP_WITH_RELOAD, run_cli, write

# Rules whose example is Python (command-line rules' Dockerfiles: tests/cli/test_command_files_cli.py).
FIXABLE_RULES = [rule for rule in ALL_RULES if rule.fix_applicabilities and rule.doc.language == "python"]


def example(rule) -> str:
    return textwrap.dedent(rule.doc.example).strip("\n") + "\n"


# How files differ on disk; each must survive a fix byte for byte outside the edit.
VARIANTS = {
    "lf": lambda text: text.encode(),
    "crlf": lambda text: text.replace("\n", "\r\n").encode(),
    "no-final-newline": lambda text: text.rstrip("\n").encode(),
    "non-ascii": lambda text: ("# Grüße, 世界 😀\n" + text).encode(),
    "bom": lambda text: b"\xef\xbb\xbf" + text.encode(),
    "latin-1-cookie": lambda text: ("# -*- coding: latin-1 -*-\n# café\n" + text).encode("latin-1"),
}


def fix_flags(rule) -> list[str]:
    flags = ["--select", rule.code]
    # The example's preferred fix may be an unsafe one wherever the rule has any.
    return flags + ["--unsafe-fixes"] if Applicability.UNSAFE in rule.fix_applicabilities else flags


def test_every_fixable_rule_is_covered():
    assert "UVI001" in {rule.code for rule in FIXABLE_RULES}


@functools.cache
def fixed_example(rule) -> str:
    """The rule's example after --fix, computed in-process."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "main.py")
        path.write_text(example(rule))
        with contextlib.redirect_stdout(io.StringIO()):
            main(["check", "--fix", *fix_flags(rule), str(path)])
        return path.read_text()


@pytest.mark.parametrize("rule", FIXABLE_RULES, ids=lambda rule: rule.code)
@pytest.mark.parametrize("variant", VARIANTS)
def test_fix_round_trip_on_each_rule_example(cli, tmp_path, rule, variant):
    """The doc example of every fixable rule, in every on-disk variant: --diff
    predicts exactly what --fix writes, only the edits change, the finding is
    gone and the file still compiles. In-process: one subprocess test below
    covers the same end to end."""
    original = VARIANTS[variant](example(rule))
    path = tmp_path / "main.py"
    path.write_bytes(original)

    diff = cli("--diff", *fix_flags(rule), "main.py")
    assert diff.code == 1, diff.err
    assert path.read_bytes() == original, "--diff must not write"

    fixed = cli("--fix", *fix_flags(rule), "main.py")
    assert fixed.code == 0, fixed.out + fixed.err
    after = path.read_bytes()
    assert after == VARIANTS[variant](fixed_example(rule)) != original
    assert diff.out == fixing.unified_diff("main.py", source.decode_source(original), source.decode_source(after))
    assert cli("--select", rule.code, "main.py").code == 0
    compile(source.decode_source(after), "main.py", "exec")


def test_fix_end_to_end_on_a_crlf_file_without_final_newline(tmp_path):
    path = tmp_path / "main.py"
    path.write_bytes(APP_WITH_RELOAD.rstrip("\n").replace("\n", "\r\n").encode())
    completed = run_cli(tmp_path, "--fix", "main.py")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert path.read_bytes() == APP_FIXED.rstrip("\n").replace("\n", "\r\n").encode()


def test_uvi001_app_object_with_reload_becomes_the_import_string(tmp_path):
    path = write(tmp_path, "main.py", APP_WITH_RELOAD)
    completed = run_cli(tmp_path, "--fix", "main.py")
    assert completed.returncode == 0
    assert path.read_text() == APP_FIXED
    assert completed.stdout.decode().splitlines() == ["Found 1 problem (1 fixed, 0 remaining)."]


def test_uvi001_doc_example_fixes_to_its_use_instead(tmp_path):
    [rule] = [rule for rule in ALL_RULES if rule.code == "UVI001"]
    path = write(tmp_path, "main.py", example(rule))
    assert run_cli(tmp_path, "--fix", "main.py").returncode == 0
    assert path.read_text() == textwrap.dedent(rule.doc.use_instead).strip("\n") + "\n"


def test_uvi001_diff_is_a_unified_diff_and_exit_1(tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    completed = run_cli(tmp_path, "--diff", "main.py")
    assert completed.returncode == 1
    assert completed.stdout.decode() == (
        "--- main.py\n+++ main.py\n@@ -4,4 +4,4 @@\n app = FastAPI()\n \n"
        ' if __name__ == "__main__":\n-    uvicorn.run(app, reload=True)\n+    uvicorn.run("main:app", reload=True)\n'
    )
    assert completed.stderr.decode() == "Would fix 1 problem in 1 file.\n"


def test_diff_without_changes_exits_0(tmp_path):
    write(tmp_path, "main.py", APP_FIXED)
    completed = run_cli(tmp_path, "--diff", "main.py")
    assert (completed.returncode, completed.stdout) == (0, b"")


def test_remaining_findings_are_reported_after_fixing(tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    write(
        tmp_path,
        "local.py",
        """\
        import uvicorn
        from fastapi import FastAPI

        def main():
            app = FastAPI()
            uvicorn.run(app, reload=True)
        """,
    )
    completed = run_cli(tmp_path, "--fix", "--select", "UVI001", ".")
    assert completed.returncode == 1
    lines = completed.stdout.decode().splitlines()
    assert lines[0].startswith("local.py:6:17: UVI001 ")  # no import string can name a local app
    assert lines[1] == "Found 2 problems (1 fixed, 1 remaining: 1 error)."
    assert (tmp_path / "main.py").read_text() == APP_FIXED


def test_unsafe_fixes_need_the_flag(cli, tmp_path):
    """On the first rule example whose preferred fix is unsafe (per finding, not per rule)."""
    for rule in FIXABLE_RULES:
        path = write(tmp_path, f"{rule.code}/main.py", example(rule))
        report = json.loads(cli("--format", "json", "--select", rule.code, str(path)).out)
        if any(entry["fix"] and entry["fix"]["applicability"] == "unsafe" for entry in report):
            break
    else:
        pytest.fail("no rule example with an unsafe fix to test --unsafe-fixes with")
    safe_only = cli("--fix", "--select", rule.code, str(path))
    assert safe_only.code == 1 and path.read_text() == example(rule)
    assert "fixable with `--fix --unsafe-fixes`" in safe_only.out
    assert cli("--fix", "--unsafe-fixes", "--select", rule.code, str(path)).code == 0
    assert path.read_text() != example(rule)


def test_file_mode_is_kept(tmp_path):
    path = write(tmp_path, "main.py", APP_WITH_RELOAD)
    path.chmod(0o751)
    assert run_cli(tmp_path, "--fix", "main.py").returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []


def test_file_changed_between_read_and_write_is_left_alone(cli, tmp_path, monkeypatch):
    path = write(tmp_path, "main.py", APP_WITH_RELOAD)
    someone_else = "# edited in the editor meanwhile\n" + APP_WITH_RELOAD
    real_check = checker.check_text

    def check_while_someone_saves(text, file_path, workspace, rules, **options):
        path.write_text(someone_else)
        return real_check(text, file_path, workspace, rules, **options)

    monkeypatch.setattr(checker, "check_text", check_while_someone_saves)
    run = cli("--fix", "--jobs", "1", "main.py")
    assert run.code == 2
    assert "main.py: changed on disk while being checked; not fixed" in run.err
    assert path.read_text() == someone_else


def test_unreadable_fix_target_is_reported_not_raised(cli, tmp_path, monkeypatch):
    write(tmp_path, "main.py", APP_WITH_RELOAD)

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fixing, "write_atomically", refuse)
    run = cli("--fix", "main.py")
    assert run.code == 2 and "main.py: cannot write: Permission denied" in run.err


# Applying edits ------------------------------------------------------------------


def test_fixes_that_undo_each_other_leave_the_file_unchanged(cli, tmp_path, monkeypatch):
    """Two launch forms, each fix pointing back at the other: "a:app" <-> "b:app"."""
    from uvicorn_lsp.engine.model import Finding, Severity

    path = write(tmp_path, "main.py", 'import uvicorn\nuvicorn.run("a:app")\n')

    def flip_flop(text, file_path, workspace, rules, **options):
        other = '"b:app"' if '"a:app"' in text else '"a:app"'
        fix = Fix("flip", (edit((1, 12), (1, 19), other),), preferred=True)
        return checker.CheckResult(
            findings=[Finding("UVI999", "flip", Range.of((1, 12), (1, 19)), Severity.ERROR, [fix])]
        )

    monkeypatch.setattr(checker, "check_text", flip_flop)
    run = cli("--fix", "main.py")
    assert run.code == 1
    assert "main.py: the fixes of UVI999 do not settle" in run.err
    assert path.read_text() == 'import uvicorn\nuvicorn.run("a:app")\n'
    assert run.out.startswith("main.py:2:13: UVI999 [*] flip\n")


def test_mode_fix_reports_the_fixed_text_only_when_it_changed(project):
    from uvicorn_lsp.engine.config import Settings
    from uvicorn_lsp.engine.discovery import Workspaces

    path = project.write("main.py", APP_FIXED)
    result = runner.check_one(str(path), str(project.root), path.read_bytes(), Mode(fix=True), Workspaces(Settings()))
    assert result.fixed_text is None and result.applied == 0


def test_fix_that_the_file_encoding_cannot_hold_is_not_written(cli, tmp_path, monkeypatch):
    from uvicorn_lsp.engine.model import Finding, Severity

    original = "# -*- coding: latin-1 -*-\nimport uvicorn  # café\n".encode("latin-1")
    path = tmp_path / "main.py"
    path.write_bytes(original)

    def insert_cjk(text, file_path, workspace, rules, **options):
        if "世界" in text:
            return checker.CheckResult()
        fix = Fix("greet", (edit((1, 0), (1, 0), "# 世界\n"),))
        return checker.CheckResult(findings=[Finding("UVI999", "m", Range.of((1, 0), (1, 1)), Severity.ERROR, [fix])])

    monkeypatch.setattr(checker, "check_text", insert_cjk)
    run = cli("--fix", "main.py")
    assert run.code == 2
    assert "main.py: the fixed text cannot be written in the file's encoding" in run.err
    assert path.read_bytes() == original


def test_symlinked_file_is_fixed_through_the_link(tmp_path):
    target = write(tmp_path, "real/main.py", APP_WITH_RELOAD)
    (tmp_path / "main.py").symlink_to(target)
    assert run_cli(tmp_path, "--fix", "--select", "UVI001", "main.py").returncode == 0
    assert (tmp_path / "main.py").is_symlink()
    assert target.read_text() == APP_FIXED


def test_diff_splits_lines_like_the_engine():
    before = "a = 1\f\nb = 2\u2028c\r\nd\re\n"
    after = before.replace("b = 2", "b = 3")
    assert fixing.unified_diff("x.py", before, after) == (
        "--- x.py\n+++ x.py\n@@ -1,4 +1,4 @@\n a = 1\f\n-b = 2\u2028c\r\n+b = 3\u2028c\r\n d\r e\n"
    )
