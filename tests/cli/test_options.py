"""Exit codes, --exit-zero, --statistics, --quiet, --extend-exclude, stdin, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import APP_FIXED, APP_WITH_RELOAD, run_cli, write


def test_exit_codes(cli, tmp_path):
    write(tmp_path, "clean/main.py", APP_FIXED)
    assert cli("clean").code == 0
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    assert cli(".").code == 1
    assert cli("--exit-zero", ".").code == 0
    missing = cli("--exit-zero", "missing.py")
    assert missing.code == 2 and "error: missing.py: no such file or folder" in missing.err
    assert cli("--exclude", "", ".").code == 1


def test_usage_errors_exit_2(tmp_path):
    completed = run_cli(tmp_path, "--no-such-flag")
    assert completed.returncode == 2 and b"unrecognized arguments: --no-such-flag" in completed.stderr


def test_unknown_format_is_a_usage_error(tmp_path):
    completed = run_cli(tmp_path, "--format", "xml")
    assert completed.returncode == 2 and b"invalid choice: 'xml'" in completed.stderr


def test_statistics_count_per_code(cli, tmp_path):
    write(tmp_path, "a/main.py", APP_WITH_RELOAD)
    write(tmp_path, "b/main.py", APP_WITH_RELOAD)
    run = cli("--statistics", "--select", "UVI001", ".")
    assert run.code == 1
    assert run.out == "2\tUVI001\t[*] app-object-with-reload\n"
    as_json = cli("--statistics", "--format", "json", "--select", "UVI001", ".")
    assert json.loads(as_json.out) == [
        {"code": "UVI001", "name": "app-object-with-reload", "count": 2, "fixable": True}
    ]


def test_statistics_without_findings_print_nothing(cli, tmp_path):
    write(tmp_path, "main.py", APP_FIXED)
    assert cli("--statistics", ".").out == ""


def test_quiet_prints_the_findings_only(cli, tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    write(tmp_path, "pyproject.toml", "[tool.uvicorn-lsp]\nselect = 3\n")  # a broken setting: a warning
    loud = cli(".")
    assert "Found 1 problem" in loud.out and "warning:" in loud.err
    quiet = cli("--quiet", ".")
    assert quiet.out.splitlines() == [loud.out.splitlines()[0]]
    assert quiet.err == ""
    write(tmp_path, "main.py", APP_FIXED)
    assert cli("-q", ".").out == ""


def test_stdin_with_filename_uses_its_config_and_module_name(tmp_path):
    write(tmp_path, "pkg/pyproject.toml", '[tool.uvicorn-lsp]\nseverity = { UVI001 = "warning" }\n')
    completed = run_cli(
        tmp_path, "--format", "json", "--stdin-filename", "pkg/server.py", "-", stdin=APP_WITH_RELOAD.encode()
    )
    assert completed.returncode == 1, completed.stderr
    [entry] = json.loads(completed.stdout)
    assert entry["filename"] == str((tmp_path / "pkg" / "server.py").resolve())
    assert entry["severity"] == "warning"
    assert entry["fix"]["edits"][0]["content"] == '"server:app"'


def test_stdin_without_filename(tmp_path):
    completed = run_cli(tmp_path, "-", stdin=APP_WITH_RELOAD.encode())
    assert completed.returncode == 1
    assert completed.stdout.decode().startswith("-:7:17: UVI001 ")


def test_stdin_filename_alone_reads_stdin(tmp_path):
    write(tmp_path, "main.py", APP_FIXED)  # what an editor does: the file exists, the buffer is newer
    completed = run_cli(tmp_path, "--stdin-filename", "main.py", stdin=APP_FIXED.encode())
    assert (completed.returncode, completed.stdout) == (0, b"All checks passed!\n")


def test_stdin_fix_prints_the_fixed_source_and_reports_on_stderr(tmp_path):
    on_disk = write(tmp_path, "main.py", APP_FIXED)
    source = APP_WITH_RELOAD.replace("\n", "\r\n").encode()
    completed = run_cli(tmp_path, "--fix", "--stdin-filename", "main.py", "-", stdin=source)
    assert completed.returncode == 0
    assert completed.stdout == APP_FIXED.replace("\n", "\r\n").encode()
    assert completed.stderr == b"Found 1 problem (1 fixed, 0 remaining).\n"
    assert on_disk.read_text() == APP_FIXED


def test_stdin_fix_without_fixes_echoes_the_source(tmp_path):
    source = b"x = 1  # no uvicorn here\n"
    completed = run_cli(tmp_path, "--fix", "-", stdin=source)
    assert (completed.returncode, completed.stdout) == (0, source)


def test_stdin_diff(tmp_path):
    write(tmp_path, "main.py", APP_FIXED)
    completed = run_cli(tmp_path, "--diff", "--stdin-filename", "main.py", stdin=APP_WITH_RELOAD.encode())
    assert completed.returncode == 1
    assert completed.stdout.decode().startswith("--- main.py\n+++ main.py\n")


def test_stdin_with_other_paths_is_an_error(cli, tmp_path):
    write(tmp_path, "main.py", APP_FIXED)
    run = cli("-", "main.py")
    assert run.code == 2 and "cannot be combined" in run.err


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"import uvicorn\nx = '\xff\xfe'\n", "cannot decode as Python source"),
        (b"x = '\xff'  # no trigger word, still reported\n", "cannot decode as Python source"),
        (b"# -*- coding: klingon -*-\nimport uvicorn\n", "cannot decode as Python source"),
    ],
)
def test_undecodable_files_are_a_clear_warning(tmp_path, content, says):
    (tmp_path / "bad.py").write_bytes(content)
    write(tmp_path, "main.py", APP_FIXED)
    completed = run_cli(tmp_path, ".")
    assert completed.returncode == 0
    assert f"warning: bad.py: {says}" in completed.stderr.decode()
    assert b"Traceback" not in completed.stderr


def test_a_command_file_in_another_encoding_that_starts_nothing_is_no_warning(tmp_path):
    """A UTF-16 workflow file (url-shortner's nightly.yml) is no Python source: nothing to say of it."""
    workflow = tmp_path / ".github" / "workflows" / "nightly.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_bytes("name: nightly\non: push\njobs: {}\n".encode("utf-16"))
    write(tmp_path, "main.py", APP_FIXED)
    completed = run_cli(tmp_path, ".")
    assert (completed.returncode, completed.stderr.decode()) == (0, "")


def test_syntax_errors_and_unreadable_files_never_give_a_traceback(tmp_path):
    write(tmp_path, "broken.py", "import uvicorn\ndef (:\n    uvicorn.run(app, reload=True\n")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "gone.py")  # unreadable even for root
    completed = run_cli(tmp_path, ".")
    assert completed.returncode == 0, completed.stdout
    assert sorted(completed.stderr.decode().splitlines()) == [
        "warning: broken.py: syntax errors: only findings in code that parses are reported, "
        "and no fix edits next to an error",
        "warning: dangling.py: cannot read: No such file or directory",
    ]


def test_broken_config_is_one_clear_warning(tmp_path):
    write(tmp_path, "pyproject.toml", "[tool.uvicorn-lsp\nselect = [")
    write(tmp_path, "a/main.py", APP_WITH_RELOAD)
    write(tmp_path, "b/main.py", APP_WITH_RELOAD)
    completed = run_cli(tmp_path, ".")
    assert completed.returncode == 1
    warnings = [line for line in completed.stderr.decode().splitlines() if "invalid TOML" in line]
    assert len(warnings) == 1 and b"Traceback" not in completed.stderr


def test_jobs_must_be_positive(tmp_path):
    completed = run_cli(tmp_path, "--jobs", "0")
    assert completed.returncode == 2 and b"must be at least 1" in completed.stderr


def test_output_larger_than_a_pipe_buffer_arrives_whole_with_each_exit_code(tmp_path):
    """`check` ends its process without the usual clean-up: everything printed must still arrive,
    from buffered streams too (PYTHONUNBUFFERED unset, as in a user's shell)."""
    for index in range(150):
        write(tmp_path, f"svc{index:03d}/main.py", APP_WITH_RELOAD)
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}

    def check(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "uvicorn_lsp", "check", "--no-cache", *args]
        return subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, timeout=120, check=False)

    completed = check("--format", "json", ".")
    assert completed.returncode == 1 and len(completed.stdout) > 65_536
    assert len(json.loads(completed.stdout)) == 150
    clean = check("--exit-zero", "--select", "UVI001", "svc000")
    assert (clean.returncode, clean.stdout.decode().count("UVI001")) == (0, 1)
    missing = check("missing.py")
    assert missing.returncode == 2 and b"missing.py: no such file or folder" in missing.stderr


def test_exclude_end_to_end(tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    write(tmp_path, "vendored/main.py", APP_WITH_RELOAD)
    write(tmp_path, ".gitignore", "ignored/\n")
    (tmp_path / ".git").mkdir()
    write(tmp_path, "ignored/main.py", APP_WITH_RELOAD)
    completed = run_cli(tmp_path, "--extend-exclude", "vendored", "--format", "json", ".")
    assert completed.returncode == 1
    assert completed.stdout.count(b'"filename"') == 1
