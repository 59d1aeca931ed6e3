"""Where a `noqa` comment can silence a finding without changing what the file does (audit: the action
appended `# noqa` to exec forms, continued lines, launch.json and YAML block scalars, breaking them)."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine.suppression import noqa_comment


def appended(text: str, line: int, kind: str | None) -> str | None:
    lines = text.split("\n")
    edit = noqa_comment(lines, line, "UVI014", kind)
    if edit is None:
        return None
    assert edit.range.start == edit.range.end
    lines[line] = lines[line][: edit.range.start.character] + edit.new_text + lines[line][edit.range.end.character :]
    return lines[line]


@pytest.mark.parametrize(
    ("kind", "text", "line", "expected"),
    [
        (None, 'uvicorn.run("main:app", reload=True)', 0, 'uvicorn.run("main:app", reload=True)  # noqa: UVI014'),
        ("dockerfile", "CMD uvicorn main:app --reload", 0, "CMD uvicorn main:app --reload  # noqa: UVI014"),
        ("dockerfile", "CMD uvicorn main:app \\\n    --reload", 1, "    --reload  # noqa: UVI014"),
        ("shell", "exec uvicorn main:app --reload", 0, "exec uvicorn main:app --reload  # noqa: UVI014"),
        ("procfile", "web: uvicorn main:app --reload", 0, "web: uvicorn main:app --reload  # noqa: UVI014"),
        (
            "launch.json",
            '      "args": ["main:app", "--reload"],',
            0,
            '      "args": ["main:app", "--reload"],  // noqa: UVI014',
        ),
        (
            "compose",
            "services:\n  web:\n    command: uvicorn main:app --reload",
            2,
            "    command: uvicorn main:app --reload  # noqa: UVI014",
        ),
        ("compose", "    command:\n      - --reload\n      - --port", 1, "      - --reload  # noqa: UVI014"),
        (
            "dockerfile",
            "CMD uvicorn main:app --reload  # noqa: UVI015",
            0,
            "CMD uvicorn main:app --reload  # noqa: UVI015, UVI014",
        ),
    ],
)
def test_a_comment_where_the_format_reads_one(kind, text, line, expected):
    assert appended(text, line, kind) == expected


@pytest.mark.parametrize(
    ("kind", "text", "line"),
    [
        ("dockerfile", 'CMD ["uvicorn", "main:app", "--reload"]', 0),  # JSON: no comments
        ("dockerfile", 'CMD ["uvicorn", "main:app", \\\n     "--reload"]', 1),
        ("dockerfile", "ENV UVICORN_RELOAD=true", 0),  # `#` would be a value
        ("dockerfile", "CMD uvicorn main:app --reload \\\n    --port 80", 0),  # would cut the continuation
        ("shell", "uvicorn main:app --reload \\", 0),
        ("shell", "echo 'uvicorn main:app --reload", 0),  # inside an open quote
        ("compose", "    command: >\n      uvicorn main:app --reload", 1),  # a folded block scalar's text
        ("compose", "    command: uvicorn main:app\n      --reload", 0),  # a plain scalar going on below
        ("workflow", "      - run: |\n          uvicorn main:app --reload", 1),
        ("systemd", "ExecStart=/usr/bin/uvicorn main:app --reload", 0),  # passed to the program
        ("supervisord", "command=uvicorn main:app --reload", 0),
        (None, "x = 1 + \\", 0),
    ],
)
def test_no_comment_where_it_would_change_or_break_the_file(kind, text, line):
    assert appended(text, line, kind) is None
