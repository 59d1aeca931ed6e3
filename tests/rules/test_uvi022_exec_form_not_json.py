"""UVI022: a Dockerfile start written as a list that is not JSON runs through /bin/sh and fails."""

from __future__ import annotations

import pytest

from ..conftest import apply_edits

HEAD = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"


def findings(project, text: str, name: str = "Dockerfile"):
    project.write(name, text)
    return project.check(name, codes=("UVI022",))


def test_single_quotes_are_reported_and_written_in_json(project):
    [finding] = findings(project, HEAD + "CMD ['uvicorn', 'main:app', '--host', '0.0.0.0']\n")
    assert finding.message.startswith("CMD is not a JSON list (single quotes): Docker runs it with /bin/sh")
    assert "no command `[uvicorn,` (exit status 127)" in finding.message
    assert (finding.range.start.line, finding.range.start.character) == (3, 4)
    fixed = apply_edits((project.root / "Dockerfile").read_text(), finding.best_fix.edits)
    assert fixed.endswith('CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n')
    assert findings(project, fixed) == []


@pytest.mark.parametrize(
    "start",
    [
        "CMD [ 'uvicorn', 'main:app', '--host', '0.0.0.0' ]",
        'CMD [ "uvicorn", "main:app", "--ssl-certfile" "cert.pem" ]',  # a comma missing
    ],
)
def test_a_list_opening_with_a_blank_runs_the_shell_s_test_command(project, start):
    # /bin/sh -c "[ 'uvicorn', ... ]": `[` is the test builtin ("[: uvicorn,: unexpected operator"), no lookup
    [finding] = findings(project, HEAD + start + "\n")
    assert "whose test command `[` rejects it (exit status 2, 1 in busybox)" in finding.message
    assert "127" not in finding.message and len(finding.message) <= 160


@pytest.mark.parametrize(
    "start",
    [
        'CMD ["uvicorn", "main:app"]',  # JSON
        "CMD uvicorn main:app",  # the shell form, written as one
        "CMD ['python', 'worker.py']",  # starts no server this tool knows
        "CMD ['uvicorn', 'main:app']\nCMD [\"uvicorn\", \"main:app\"]",  # overridden: never runs
        "ENTRYPOINT [\"uvicorn\"]\nCMD ['main:app']",  # CMD as arguments of an exec ENTRYPOINT: another failure
        "CMD ['uvicorn', 'main:app'",  # not a list at all
    ],
)
def test_starts_that_do_not_fail_so_are_not_reported(project, start):
    assert findings(project, HEAD + start + "\n") == []


def test_entrypoint_and_mixed_quotes_and_other_stages(project):
    [finding] = findings(project, HEAD + 'ENTRYPOINT ["gunicorn", \'-k\', "uvicorn.workers.UvicornWorker"]\n')
    assert finding.message.startswith("ENTRYPOINT is not a JSON list") and "`[gunicorn,`" in finding.message
    text = "FROM python:3.12 AS build\nCMD ['uvicorn', 'a:app']\nFROM python:3.12\nCMD ['fastapi', 'run']\n"
    assert [f.range.start.line for f in findings(project, text)] == [1, 3]  # each stage's start runs when built


def test_a_list_over_lines_is_reported_without_a_fix(project):
    [finding] = findings(project, HEAD + "CMD ['uvicorn', \\\n     'main:app']\n")
    assert finding.fixes == []


def test_other_command_files_are_not_judged(project):
    assert findings(project, "services:\n  web:\n    command: ['uvicorn', 'main:app']\n", "compose.yaml") == []


def test_a_trailing_comma_is_not_json_either(project):
    [finding] = findings(project, HEAD + 'CMD ["uvicorn", "main:app",]\n')
    assert finding.message.startswith("CMD is not a JSON list: Docker runs it with /bin/sh")
    fixed = apply_edits((project.root / "Dockerfile").read_text(), finding.best_fix.edits)
    assert fixed.endswith('CMD ["uvicorn", "main:app"]\n')


def test_a_missing_comma_gets_no_fix_guessing_the_words(project):
    """Python would join `'uvicorn' 'main:app'` into one word; what the list meant is not known."""
    [finding] = findings(project, HEAD + "CMD ['uvicorn' 'main:app']\n")
    assert "`[uvicorn`" in finding.message and finding.fixes == []


def test_a_comment_after_the_list_makes_it_the_shell_form(project):
    """Docker reads the rest of the line as the JSON array; only a line starting with `#` is a comment."""
    [finding] = findings(project, HEAD + 'CMD ["uvicorn", "main:app"]  # the API [v2]\n')
    assert finding.message.startswith("CMD is not a JSON list (a comment after it): Docker runs it with /bin/sh")
    assert finding.best_fix.title == "Move the comment to its own line"
    fixed = apply_edits((project.root / "Dockerfile").read_text(), finding.best_fix.edits)
    assert fixed.endswith('# the API [v2]\nCMD ["uvicorn", "main:app"]\n')
    assert findings(project, fixed) == []


def test_single_quotes_and_a_comment_are_both_mended_keeping_the_indentation(project):
    [finding] = findings(project, HEAD + "  CMD ['uvicorn', 'main:app']   # start\n")
    assert "(single quotes, a comment after it)" in finding.message
    fixed = apply_edits((project.root / "Dockerfile").read_text(), finding.best_fix.edits)
    assert fixed.endswith('  # start\n  CMD ["uvicorn", "main:app"]\n')


def test_other_text_after_the_list_is_reported_without_a_fix(project):
    [finding] = findings(project, HEAD + 'CMD ["uvicorn", "main:app"] && echo started\n')
    assert "(text after it)" in finding.message and finding.fixes == []
