"""engine/import_strings.py in process: the cases the stdio tests do not reach, and bad input."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from uvicorn_lsp.engine import import_strings
from uvicorn_lsp.engine.model import Position
from uvicorn_lsp.engine.workspace import Workspace

MAIN = """
from fastapi import FastAPI


class Holder:
    inner = FastAPI()
    count = 3


app = FastAPI()
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text(textwrap.dedent(MAIN))
    return tmp_path


def context(root: Path, text: str):
    return import_strings.parse(text, root / "run.py", Workspace(root))


def labels(root: Path, text: str, line: int, character: int) -> list[str]:
    return [c.label for c in import_strings.complete(context(root, text), Position(line, character)).candidates]


def test_class_attributes_after_a_dot(root: Path):
    text = 'import uvicorn\nuvicorn.run("app.main:Holder.")\n'
    assert labels(root, text, 1, 29) == ["inner", "count"]
    [inner] = import_strings.definitions(
        context(root, 'import uvicorn\nuvicorn.run("app.main:Holder.inner")\n'), Position(1, 31)
    )
    assert inner.path == root / "app" / "main.py" and inner.range.start == Position(5, 4)


def test_attributes_of_a_module_with_a_bare_return(root: Path):
    # A function with a bare `return` next to the app: completing the app's name failed with an internal error.
    (root / "app" / "guards.py").write_text(
        "from fastapi import FastAPI\n\n\ndef guard():\n    return\n\n\n"
        "def make():\n    if guard():\n        return\n    return FastAPI()\n\n\napp = FastAPI()\n"
    )
    found = import_strings.complete(context(root, 'import uvicorn\nuvicorn.run("app.guards:")\n'), Position(1, 24))
    assert [(c.label, c.detail) for c in found.candidates][:3] == [
        ("app", "FastAPI instance"),
        ("make", "factory → FastAPI"),
        ("guard", "function"),
    ]


def test_keywords_on_a_line_of_their_own(root: Path):
    text = 'import uvicorn\nuvicorn.run(\n    "app.main:app",\n    rel\n)\n'
    found = import_strings.complete(context(root, text), Position(3, 7)).candidates
    assert found[0].label == "host"  # the name being typed binds nothing; `app` is given
    assert "app" not in [c.label for c in found]
    assert {c.replace.start.character for c in found} == {4} and {c.replace.end.character for c in found} == {7}


def test_config_keywords_come_from_config_init(root: Path):
    text = 'import uvicorn\nuvicorn.Config("app.main:app", )\n'
    found = labels(root, text, 1, 31)
    assert "app" not in found and "self" not in found and "callback_notify" in found


def test_not_an_import_string(root: Path):
    # A keyword that is not the app, an f-string, bytes, and a call that is not uvicorn's.
    for text, column in [
        ('import uvicorn\nuvicorn.run(app, host="app.main")\n', 26),
        ('import uvicorn\nuvicorn.run(f"app.main:{x}")\n', 16),
        ('import uvicorn\nuvicorn.run(b"app.main:app")\n', 16),
        ('import uvicorn\nprint("app.main:app")\n', 10),
    ]:
        ctx = context(root, text)
        assert import_strings.string_at(ctx, Position(1, column)) is None
        assert import_strings.definitions(ctx, Position(1, column)) == []
        assert import_strings.rename_range(ctx, Position(1, column)) is None


@pytest.mark.parametrize("name", ["not valid", "class", "None"])  # keywords bind nothing (audit)
def test_rename_rejects_a_name_code_cannot_bind(root: Path, name: str):
    ctx = context(root, 'import uvicorn\nuvicorn.run("app.main:app")\n')
    with pytest.raises(ValueError):
        import_strings.rename(ctx, Position(1, 24), name, [])


BROKEN = [
    'import uvicorn\nuvicorn.run("")\n',
    'import uvicorn\nuvicorn.run(":")\n',
    'import uvicorn\nuvicorn.run("::app..x")\n',
    'import uvicorn\nuvicorn.run(".app:")\n',
    'import uvicorn\nuvicorn.run("app.:x.", reload=\n',
    'import uvicorn\nuvicorn.run("app.main:app.app.x", log_config="/etc/passwd", env_file="")\n',
    'import uvicorn\nuvicorn.run(r"app\\main:app", ssl_certfile=b"x")\n',
    'import uvicorn\nuvicorn.run("""app.main:app""")\nuvicorn.Config(\n',
    'import uvicorn\nuvicorn.run(f"{x}:app", **{"reload": True})\nuvicorn.run(app=\n',
    'import uvicorn\nuvicorn.run("app.main:app", "extra", reload=True)\n',
]


@pytest.mark.parametrize("text", BROKEN)
def test_every_position_of_odd_input_answers(root: Path, text: str):
    """Every question at every position (and past each line's end) answers without raising."""
    workspace = Workspace(root)
    for line, content in enumerate(text.split("\n")):
        for column in range(len(content) + 2):
            ctx = import_strings.parse(text, root / "run.py", workspace)
            position = Position(line, column)
            import_strings.complete(ctx, position)
            import_strings.definitions(ctx, position)
            import_strings.hover(ctx, position)
            import_strings.rename_range(ctx, position)
            import_strings.rename(ctx, position, "renamed", [root / "app" / "main.py"])
    import_strings.file_links(import_strings.parse(text, root / "run.py", workspace))
    import_strings.moved_module_edits(workspace, [(root / "app", root / "web")], [root / "run.py"])
