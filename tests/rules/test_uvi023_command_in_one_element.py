"""UVI023: a Dockerfile start whose JSON list holds the whole command in its first element."""

from __future__ import annotations

import pytest

from ..conftest import apply_edits

HEAD = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"


def findings(project, text: str, name: str = "Dockerfile"):
    project.write(name, text)
    return project.check(name, codes=("UVI023",))


@pytest.mark.parametrize(
    ("start", "fixed"),
    [
        (
            'CMD ["uvicorn main:app --host 0.0.0.0 --port 80"]',
            'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "80"]',
        ),
        ('ENTRYPOINT ["uvicorn main:app", "--port", "80"]', 'ENTRYPOINT ["uvicorn", "main:app", "--port", "80"]'),
        ('CMD [ "python -m uvicorn main:app" ]', 'CMD [ "python", "-m", "uvicorn", "main:app" ]'),
        (
            'CMD ["/venv/bin/gunicorn  -k uvicorn_worker.UvicornWorker main:app"]',
            'CMD ["/venv/bin/gunicorn", "-k", "uvicorn_worker.UvicornWorker", "main:app"]',
        ),
    ],
)
def test_the_command_in_one_element_is_reported_and_split(project, start, fixed):
    [finding] = findings(project, HEAD + start + "\n")
    assert "first element holds the whole command: no program is named" in finding.message
    assert "(exit status 127)" in finding.message
    text = apply_edits((project.root / "Dockerfile").read_text(), finding.best_fix.edits)
    assert text == HEAD + fixed + "\n"
    assert findings(project, text) == []


@pytest.mark.parametrize(
    "start",
    [
        'CMD ["uvicorn main:app --port $PORT"]',  # only a shell expands $PORT
        'CMD ["uvicorn main:app && echo done"]',
    ],
)
def test_what_a_shell_must_read_gets_no_fix(project, start):
    [finding] = findings(project, HEAD + start + "\n")
    assert finding.fixes == [] and '["sh", "-c", "..."]' in finding.message


@pytest.mark.parametrize(
    "start",
    [
        'CMD ["uvicorn", "main:app"]',  # one word per element
        "CMD uvicorn main:app --host 0.0.0.0",  # the shell form
        'CMD ["python worker.py"]',  # starts no server this tool knows
        'ENTRYPOINT ["/bin/sh", "-c"]\nCMD ["uvicorn main:app --host 0.0.0.0"]',  # the CMD is the shell's script
        'CMD ["uvicorn main:app"]\nCMD ["uvicorn", "main:app"]',  # overridden: never runs
        "CMD ['uvicorn main:app']",  # not JSON: UVI022's
    ],
)
def test_starts_that_do_not_fail_so_are_not_reported(project, start):
    assert findings(project, HEAD + start + "\n") == []


def test_the_split_is_unsafe_when_elements_follow(project):
    """`["uvicorn main:app", "run", "app.py", "--server.port=8501"]` (a real Dockerfile): split, uvicorn still
    refuses the arguments written for another program (exit status 2), so the split is not safe to apply."""
    [finding] = findings(project, HEAD + 'CMD ["uvicorn main:app", "run", "app.py", "--server.port=8501"]\n')
    assert [fix.applicability.name for fix in finding.fixes] == ["UNSAFE"]
    [alone] = findings(project, HEAD + 'CMD ["uvicorn main:app --port 80"]\n')
    assert [fix.applicability.name for fix in alone.fixes] == ["SAFE"]
