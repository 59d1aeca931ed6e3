"""A run that could not do what it was asked exits 2 and says why: a rule that raises,
unknown rule codes in the settings, a missing path, a file cut short by --timeout-per-file.
Warnings (an unknown code in `# noqa`) do not change the exit status."""

from __future__ import annotations

import dataclasses
import json

import pytest

from uvicorn_lsp import rules as rules_module

from .conftest import APP_FIXED, APP_WITH_RELOAD, run_cli, write

LAMBDA_WRAPPER = """\
import uvicorn
from fastapi import FastAPI

app = FastAPI()
_run = uvicorn.run
uvicorn.run = lambda app, **kw: _run(app, **kw)

if __name__ == "__main__":
    uvicorn.run(app, reload=True)
"""


@pytest.fixture
def raising_uvi001(monkeypatch):
    """UVI001 raises on every file, as a bug in a rule would (the CLI takes the rule set at check time)."""

    def broken(context):
        raise AttributeError("'Lambda' object has no attribute 'name'")

    patched = [
        dataclasses.replace(rule, check=broken) if rule.code == "UVI001" else rule for rule in rules_module.ALL_RULES
    ]
    monkeypatch.setattr(rules_module, "ALL_RULES", patched)


def test_a_rule_that_raises_makes_check_exit_2(cli, tmp_path, raising_uvi001):
    write(tmp_path, "main.py", APP_FIXED)  # clean for every other rule
    run = cli("--jobs", "1", "--no-cache", "main.py")
    assert run.code == 2
    assert "All checks passed!" not in run.out
    assert "error: main.py: internal error in UVI001: AttributeError" in run.err
    assert "please report it at https://github.com/uvicorn-lsp/uvicorn-lsp/issues" in run.err


def test_other_rules_still_report_when_one_raises(cli, tmp_path, raising_uvi001):
    write(tmp_path, "main.py", APP_WITH_RELOAD.replace("reload=True", "reload=True, workers=2"))
    run = cli("--jobs", "1", "--no-cache", "--format", "json", "main.py")
    assert run.code == 2
    assert {finding["code"] for finding in json.loads(run.out)} == {"UVI003"}


@pytest.mark.parametrize("output_format", ["json", "sarif", "github", "text"])
def test_machine_formats_stay_valid_when_a_rule_raises(cli, tmp_path, raising_uvi001, output_format):
    write(tmp_path, "main.py", APP_FIXED)
    run = cli("--jobs", "1", "--no-cache", "--format", output_format, "main.py")
    assert run.code == 2
    if output_format == "json":
        assert json.loads(run.out) == []
    elif output_format == "sarif":
        assert json.loads(run.out)["runs"][0]["results"] == []
    else:
        assert run.out == ""


def test_the_lambda_wrapper_is_never_a_silent_pass(tmp_path):
    """The issue's case through the real CLI: either every rule copes (exit 1, the
    UVI001 finding) or the failure is an error, never "All checks passed!" with exit 0."""
    write(tmp_path, "main.py", LAMBDA_WRAPPER)
    completed = run_cli(tmp_path, "--no-cache", "main.py")
    out, err = completed.stdout.decode(), completed.stderr.decode()
    assert "All checks passed!" not in out
    if "internal error" in err:
        assert completed.returncode == 2
    else:
        assert completed.returncode == 1 and "UVI001" in out


@pytest.mark.parametrize(
    ("flags", "code", "setting"),
    [
        (["--select", "UVI999"], "UVI999", "select"),
        (["--extend-select", "UVI0011"], "UVI0011", "extend-select"),
        (["--ignore", "UVX"], "UVX", "ignore"),
    ],
)
def test_unknown_codes_on_the_command_line_are_errors(tmp_path, flags, code, setting):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    completed = run_cli(tmp_path, *flags, ".")
    err = completed.stderr.decode()
    assert completed.returncode == 2 and completed.stdout == b""
    assert f"error: command line: unknown rule code {code} in `{setting}`; known: UVI001, UVI002" in err


@pytest.mark.parametrize(
    "table",
    [
        'select = ["UVI999"]',
        'extend-select = ["UVI999"]',
        'ignore = ["UVI999"]',
        'per-file-ignores = { "tests/*" = ["UVI999"] }',
        'severity = { UVI999 = "hint" }',
        'severity = { UVI00 = "hint" }',  # severities are looked up by full code: a prefix does nothing
    ],
)
def test_unknown_codes_in_pyproject_are_errors(tmp_path, table):
    write(tmp_path, "pyproject.toml", f"[tool.uvicorn-lsp]\n{table}\n")
    write(tmp_path, "main.py", APP_FIXED)
    completed = run_cli(tmp_path, ".")
    err = completed.stderr.decode()
    assert completed.returncode == 2
    assert "All checks passed!" not in completed.stdout.decode()
    assert err.count("unknown rule code") == 1, err
    assert "error: pyproject.toml: unknown rule code UVI" in err


def test_unknown_codes_in_pyproject_are_errors_even_with_nothing_to_check(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.uvicorn-lsp]\nselect = ["UVI999"]\n')
    write(tmp_path, "other.py", "x = 1\n")
    assert run_cli(tmp_path, ".").returncode == 2


@pytest.mark.parametrize("selector", ["UVI", "UVI0", "UVI00", "UVI001", "ALL"])
def test_prefixes_that_match_codes_stay_valid(tmp_path, selector):
    write(tmp_path, "pyproject.toml", f'[tool.uvicorn-lsp]\nselect = ["{selector}"]\n')
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    completed = run_cli(tmp_path, "--ignore", selector[:3], "--extend-select", selector, ".")
    assert completed.returncode in (0, 1) and b"unknown rule code" not in completed.stderr


def test_unknown_code_in_noqa_is_a_warning(cli, tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD.replace("reload=True)", "reload=True)  # noqa: UVI001, UVI999, E501"))
    run = cli("--no-cache", "main.py")
    assert run.code == 0 and "All checks passed!" in run.out
    assert run.err == "warning: main.py: line 7: `# noqa` names unknown rule code UVI999\n"
    assert cli("--no-cache", "--quiet", "main.py").err == ""


def test_a_missing_path_prints_only_the_error(tmp_path):
    completed = run_cli(tmp_path, "/nonexistent")
    assert completed.returncode == 2
    assert completed.stdout == b""
    assert completed.stderr == b"error: /nonexistent: no such file or folder\n"


def test_a_missing_path_still_checks_the_others(tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    completed = run_cli(tmp_path, "--format", "json", "/nonexistent", "main.py")
    assert completed.returncode == 2
    assert [finding["code"] for finding in json.loads(completed.stdout)] == ["UVI001"]


def test_stdin_text_is_the_module_named_by_stdin_filename(tmp_path):
    """No main.py on disk: the text read is main.py, so "main:app" loads."""
    text = APP_FIXED.encode()
    completed = run_cli(tmp_path, "--stdin-filename", "main.py", "-", stdin=text)
    assert (completed.returncode, completed.stdout) == (0, b"All checks passed!\n"), completed.stderr
    assert not (tmp_path / "main.py").exists()
    wrong = run_cli(tmp_path, "--stdin-filename", "main.py", "-", stdin=text.replace(b'"main:app"', b'"main:ap"'))
    assert wrong.returncode == 1 and b"UVI002" in wrong.stdout


def test_timeout_per_file_is_a_warning_and_exit_2(tmp_path):
    # Parsing 3,000 lines takes far longer than a millisecond: the budget is spent before the first rule.
    padding = "".join(f"def helper_{index}(value):\n    return value + {index}\n\n" for index in range(1000))
    write(tmp_path, "main.py", padding + APP_WITH_RELOAD)
    completed = run_cli(tmp_path, "--no-cache", "--timeout-per-file", "0.001", "main.py")
    assert completed.returncode == 2
    assert "warning: main.py: not fully checked: --timeout-per-file ran out" in completed.stderr.decode()
    assert b"All checks passed!" not in completed.stdout and b"analysis-timeout" not in completed.stdout
    assert run_cli(tmp_path, "--no-cache", "--timeout-per-file", "60", "main.py").returncode == 1


def test_timeout_per_file_must_be_positive(tmp_path):
    completed = run_cli(tmp_path, "--timeout-per-file", "0", ".")
    assert completed.returncode == 2 and b"must be more than 0" in completed.stderr


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_reader_that_stops_reading_is_no_failure(tmp_path, output):
    """`uvicorn-lsp check | head`: the report is longer than the pipe holds and the reader goes away; the run
    keeps its exit status (findings: 1) and prints no BrokenPipeError traceback."""
    import subprocess
    import sys

    for number in range(300):
        write(tmp_path, f"service_{number:03}.py", APP_WITH_RELOAD)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn_lsp", "check", "--format", output, "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(200)
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1, errors
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
