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


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        # The line ends inside a triple-quoted string: a comment there would be part of the string (audit).
        ('uvicorn.run(app, reload=True, root_path="""\n""")\n', 0, None),
        # `# noqa` inside a string is text: the comment goes after the string.
        ('uvicorn.run(app, root_path="/x# noqa: UVI005")\n', 0, "  # noqa: UVI001"),
        ("uvicorn.run(app)  # start # noqa: UVI005\n", 0, ", UVI001"),
    ],
)
def test_python_comments_are_those_the_tokenizer_reads(text, line, expected):
    edit = noqa_comment(text.splitlines(), line, "UVI001", None)
    assert (edit.new_text if edit is not None else None) == expected


def test_a_noqa_inside_a_string_silences_nothing(tmp_path):
    from uvicorn_lsp.engine import checker
    from uvicorn_lsp.engine.workspace import Workspace
    from uvicorn_lsp.rules import ALL_RULES

    head = 'import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nif __name__ == "__main__":\n'
    for call, silenced in [
        ('    uvicorn.run(app, reload=True, root_path="/api#noqa")\n', False),
        ('    uvicorn.run(app, reload=True, root_path="/api")  # noqa\n', True),
        ('    uvicorn.run(app, reload=True, root_path="a#b")  # noqa: UVI001\n', True),
    ]:
        (tmp_path / "main.py").write_text(head + call)
        result = checker.check_text(head + call, tmp_path / "main.py", Workspace(tmp_path), ALL_RULES)
        assert ("UVI001" not in {finding.code for finding in result.findings}) is silenced, call
