"""The shell tokenizer: words, their values and exact places."""

from __future__ import annotations

from uvicorn_lsp.engine.commands.shell import commands
from uvicorn_lsp.engine.commands.text import lines_span
from uvicorn_lsp.engine.model import Position
from uvicorn_lsp.engine.source import split_lines


def words_of(text: str) -> list[list[tuple[str, bool, str, tuple[int, int, int, int]]]]:
    lines = split_lines(text)
    placed = lines_span(lines, Position(0, 0), Position(len(lines) - 1, len(lines[-1])))
    return [
        [
            (
                word.value,
                word.expanded,
                word.quote,
                (word.range.start.line, word.range.start.character, word.range.end.line, word.range.end.character),
            )
            for word in command.words
        ]
        for command in commands(placed)
    ]


def test_quotes_and_escapes_keep_the_raw_places():
    [words] = words_of('uvicorn \'main:app\' "--host" a\\ b --x="1 2"')
    assert words == [
        ("uvicorn", False, "", (0, 0, 0, 7)),
        ("main:app", False, "'", (0, 8, 0, 18)),
        ("--host", False, '"', (0, 19, 0, 27)),
        ("a b", False, "", (0, 28, 0, 32)),
        ("--x=1 2", False, "", (0, 33, 0, 42)),
    ]


def test_chains_pipes_and_redirections_split_commands():
    found = words_of("cd app && exec uvicorn main:app 2>&1 | tee log; echo done > out.txt & true")
    assert [[word[0] for word in command] for command in found] == [
        ["cd", "app"],
        ["exec", "uvicorn", "main:app"],
        ["tee", "log"],
        ["echo", "done"],
        ["true"],
    ]


def test_expansions_are_unknown_words():
    [words] = words_of('uvicorn $APP --port ${PORT:-8000} --host "$(hostname -i)" --root-path `pwd` ${{ matrix.x }}')
    expanded = {word[0]: word[1] for word in words}
    assert expanded == {
        "uvicorn": False,
        "$APP": True,
        "--port": False,
        "${PORT:-8000}": True,
        "--host": False,
        "$(hostname -i)": True,
        "--root-path": False,
        "`pwd`": True,
        "${{ matrix.x }}": True,
    }


def test_continuations_join_lines_and_words_keep_their_own_line():
    [words] = words_of("uvicorn main:app \\\n    --reload \\\n    --workers 4")
    assert [(word[0], word[3]) for word in words] == [
        ("uvicorn", (0, 0, 0, 7)),
        ("main:app", (0, 8, 0, 16)),
        ("--reload", (1, 4, 1, 12)),
        ("--workers", (2, 4, 2, 13)),
        ("4", (2, 14, 2, 15)),
    ]


def test_comments_and_heredocs_are_skipped():
    text = "cat <<EOF > x\nuvicorn not:this\nEOF\nuvicorn main:app # --reload\n"
    found = words_of(text)
    assert [[word[0] for word in command] for command in found] == [["cat"], ["uvicorn", "main:app"]]


def test_reserved_words_are_not_programs():
    found = words_of("if true; then uvicorn main:app; fi")
    assert ["uvicorn", "main:app"] in [[word[0] for word in command] for command in found]


def test_unclosed_quotes_do_not_crash():
    assert words_of("uvicorn 'main:app") == [
        [("uvicorn", False, "", (0, 0, 0, 7)), ("main:app", False, "'", (0, 8, 0, 17))]
    ]
    words_of('uvicorn "$(oops')
    words_of("\\")


def conditional_programs(text: str) -> list[tuple[str, bool]]:
    lines = split_lines(text)
    placed = lines_span(lines, Position(0, 0), Position(len(lines) - 1, len(lines[-1])))
    return [(command.words[0].value, command.conditional) for command in commands(placed)]


def test_commands_that_run_on_a_condition_are_marked():
    script = """\
cd /app && alembic upgrade head
if [ "$ENV" = "dev" ]; then
    uvicorn main:app --reload
else
    gunicorn main:app
fi
[ -n "$DEBUG" ] && uvicorn main:app --reload
uvicorn main:app || echo failed
case "$1" in
  dev) uvicorn main:app --reload ;;
esac
start() {
    uvicorn main:app --reload
}
for i in 1 2; do echo "$i"; done
exec uvicorn main:app --host 0.0.0.0 | tee log
"""
    assert conditional_programs(script) == [
        ("cd", False),
        ("alembic", False),
        ("[", True),
        ("uvicorn", True),
        ("gunicorn", True),
        ("[", False),
        ("uvicorn", True),
        ("uvicorn", False),
        ("echo", True),
        ("case", True),
        ("dev", True),
        ("uvicorn", True),
        ("uvicorn", True),
        ("for", True),
        ("echo", True),
        ("exec", False),
        ("tee", False),
    ]


def test_a_condition_carries_over_a_line_break_after_the_operator():
    assert conditional_programs('[ "$RELOAD" ] &&\n  uvicorn main:app --reload\nuvicorn main:app\n') == [
        ("[", False),
        ("uvicorn", True),
        ("uvicorn", False),
    ]


def test_subshells_and_branches_are_numbered():
    """`( )` groups and and-or lists sent to the background run in subshells; `else` and `;;` start branches."""
    lines = split_lines("(cd a && x)\ncd b && y &\nz\nif t; then cd c\nelse w; fi\n")
    placed = lines_span(lines, Position(0, 0), Position(len(lines) - 1, len(lines[-1])))
    found = {
        command.words[0].value + (command.words[1].value if len(command.words) > 1 else ""): command
        for command in commands(placed)
    }
    assert found["cda"].subshells == found["x"].subshells != ()
    assert found["cdb"].subshells == found["y"].subshells != () and found["y"].subshells != found["x"].subshells
    assert found["z"].subshells == () and found["z"].blocks == ()
    assert found["cdc"].blocks[:-1] == found["w"].blocks[:-1] and found["cdc"].blocks != found["w"].blocks


def test_unquoted_file_name_patterns_are_marked():
    # The shell replaces them with the names of the files they match (any number of words); quoted, or in a
    # word starting with `-` (no file is named so), they stay as written.
    lines = split_lines("uvicorn main:app --forwarded-allow-ips * --x=* '*' \"*\" *.py a?c [ab] [")
    placed = lines_span(lines, Position(0, 0), Position(0, len(lines[0])))
    [command] = commands(placed)
    assert [(word.value, word.pattern) for word in command.words] == [
        ("uvicorn", False),
        ("main:app", False),
        ("--forwarded-allow-ips", False),
        ("*", True),
        ("--x=*", False),
        ("*", False),
        ("*", False),
        ("*.py", True),
        ("a?c", True),
        ("[ab]", True),
        ("[", False),
    ]


def test_both_streams_redirected_runs_in_either_shell():
    """`&>file` and `&>>file` send both output streams to a file in bash, and the command to the background in sh:
    `cd backend &>/dev/null` changes the folder of what follows in one and not the other, so the command is marked
    conditional (the folder after it unknown), not a background subshell (audit34n: pushd backend &> /dev/null)."""
    lines = split_lines("cd backend &>/dev/null\npip install x &>> log.txt\nuvicorn main:app")
    placed = lines_span(lines, Position(0, 0), Position(len(lines) - 1, len(lines[-1])))
    found = commands(placed)
    assert [[word.value for word in command.words] for command in found] == [
        ["cd", "backend"],
        ["pip", "install", "x"],
        ["uvicorn", "main:app"],
    ]
    assert not any(command.background or command.subshells for command in found)
    assert [command.conditional for command in found] == [True, True, False]


def test_words_glued_to_a_parenthesis_are_no_command():
    """`gunicorn app:create_app() --bind ...`: sh and bash refuse a `(` right after a word of a command (a syntax
    error), a program runner passes `app:create_app()` on whole: what runs is not the words before it. A blank
    before `(` opens a subshell, a `$(` stays in its word."""
    found = words_of(
        "gunicorn -k w app:create_app() --bind :80\n(cd a && uvicorn main:app)\necho $(date) x\nserve() { uvicorn main:app; }"
    )
    assert [[word[0] for word in command] for command in found] == [
        ["--bind", ":80"],
        ["cd", "a"],
        ["uvicorn", "main:app"],
        ["echo", "$(date)", "x"],
        ["uvicorn", "main:app"],
    ]
