"""A tree built by re-parsing only the edited module-level statement is the tree a full parse
of the new text gives: same nodes, leaves, positions and prefixes, over seeded runs of small
edits (the typing an editor sends) on real snippets and hostile texts, clean or broken."""

from __future__ import annotations

import random

import parso
import pytest

from uvicorn_lsp.engine import statement_reparse

from ..fuzz.texts import PIECES, snippets
from ..lsp.texts import hostile_module

# Edits a keystroke makes: a character, a line break, an indent, a comment mark, a bracket or quote.
_TYPED = ["x", " ", "\n", "    ", "#", "(", ")", '"', "'''", ":", "\\", "\r\n", "\t", "pass\n", "def f():\n", *PIECES]


# Blocks in blocks, where an edit is parsed with the statement of its innermost block.
NESTED_BLOCKS = """import uvicorn


@decorated
class Service(Base):
    \"\"\"Doc.\"\"\"

    async def start(self, port: int = 8000):
        # starting
        if port:
            for attempt in range(3):
                try:
                    uvicorn.run("main:app", port=port)
                except OSError:  # busy
                    continue
                else:
                    break
        elif self.fallback:
            while True:
                with self.lock as held:
                    held.wait()
        else:
            match port:
                case 0:
                    pass
                case _:
                    async with self.session() as session:
                        await session.close()

    @property
    def name(self):
        return "service"  # the name


def main():
    def inner(x):
        return x + \\
            1
    return inner(1)
"""


def shape(node) -> tuple:
    """Everything of a tree a check can read: types, values, positions, prefixes, nesting."""
    children = getattr(node, "children", None)
    if children is None:
        return (node.type, node.value, node.start_pos, node.prefix)
    for child in children:
        assert child.parent is node
    return (node.type, node.start_pos, node.end_pos, tuple(shape(child) for child in children))


def edits(rng: random.Random, text: str, count: int):
    """Texts typed into `text`: a piece inserted, then (mostly) taken out again, as typing and undoing do."""
    for _ in range(count):
        start = rng.randrange(len(text) + 1)
        typed = rng.choice(_TYPED)
        yield text[:start] + typed + text[start:]
        if rng.random() < 0.8:
            yield text
        else:
            text = text[:start] + typed + text[start:]


@pytest.mark.parametrize("seed", range(6))
def test_reparsed_tree_equals_a_full_parse(seed: int, tmp_path, monkeypatch) -> None:
    rng = random.Random(seed)
    grammar = parso.load_grammar()
    reparsed = []
    reparse = statement_reparse._reparse_statement
    monkeypatch.setattr(
        statement_reparse, "_reparse_statement", lambda *args: reparsed.append(reparse(*args)) or reparsed[-1]
    )
    nested_regions = []
    parse_region = statement_reparse._parse_region

    def recorded(grammar, region, first_line, column):
        parsed = parse_region(grammar, region, first_line, column)
        if column is not None:  # an indented block's statement
            nested_regions.append(parsed)
        return parsed

    monkeypatch.setattr(statement_reparse, "_parse_region", recorded)
    texts = [*snippets(), hostile_module(seed), NESTED_BLOCKS]
    for number in range(4):
        path = str(tmp_path / f"module{number}.py")
        first = rng.choice(texts)
        statement_reparse.parse(grammar, first, path)
        for text in edits(rng, first, 60):
            if rng.random() < 0.1:  # jedi parsing another text of the path changes the cached tree in place
                grammar.parse(text + rng.choice(["(\n", "x\n", "    y\n"]), path=path, diff_cache=True, cache=False)
            tree, _ = statement_reparse.parse(grammar, text, path)
            assert tree.get_code() == text
            assert shape(tree) == shape(grammar.parse(text, error_recovery=True)), repr(text)
    assert sum(tree is not None for tree in reparsed) > 2  # the statement path was taken, not only parso's
    assert any(region is not None for region in nested_regions)  # and statements of indented blocks alone


def parse_recording_regions(grammar, text: str, path: str) -> tuple:
    """The tree of `text`, and the regions parsed alone on the way."""
    parsed_regions = []
    parse_region = statement_reparse._parse_region

    def recorded(grammar, region, first_line, column):
        parsed_regions.append(region)
        return parse_region(grammar, region, first_line, column)

    statement_reparse._parse_region = recorded
    try:
        return statement_reparse.parse(grammar, text, path)[0], parsed_regions
    finally:
        statement_reparse._parse_region = parse_region


def test_an_edit_in_a_method_reparses_only_its_statement(tmp_path) -> None:
    grammar = parso.load_grammar()
    path = str(tmp_path / "service.py")
    methods = "".join(f"    def method_{n}(self):\n        value = {n}\n        return value\n\n" for n in range(50))
    text = f"import uvicorn\n\n\nclass Service:\n{methods}\nuvicorn.run('service:app')\n"
    statement_reparse.parse(grammar, text, path)
    edited = text.replace("        value = 25\n", "        value = 25  # typed\n        other = 1\n")
    tree, parsed_regions = parse_recording_regions(grammar, edited, path)
    assert parsed_regions == ["        value = 25  # typed\n        other = 1\n"]  # not the 200-line class
    assert shape(tree) == shape(grammar.parse(edited, error_recovery=True))


@pytest.mark.parametrize(
    ("old", "new", "parses_a_region"),
    [
        # A line of a method commented out: its lines join the next statement's prefix, nothing is parsed.
        ("        value = 25\n", "#        value = 25\n", False),
        ("        value = 25\n", "        # value = 25\n", False),
        ("        value = 25\n", "\n", False),
        # The method's only statement: an empty block is an error in a full parse, so the method is parsed.
        ("    def method_7(self):\n        return 7\n", "    def method_7(self):\n        # return 7\n", True),
    ],
)
def test_a_statement_commented_out_is_taken_out_without_parsing(tmp_path, old, new, parses_a_region) -> None:
    grammar = parso.load_grammar()
    path = str(tmp_path / "service.py")
    methods = "".join(f"    def method_{n}(self):\n        value = {n}\n        return value\n\n" for n in range(50))
    text = f"import uvicorn\n\n\nclass Service:\n{methods}    def method_7(self):\n        return 7\n\nrun()\n"
    statement_reparse.parse(grammar, text, path)
    edited = text.replace(old, new)
    assert edited != text
    tree, parsed_regions = parse_recording_regions(grammar, edited, path)
    assert bool(parsed_regions) is parses_a_region
    assert tree.get_code() == edited
    assert shape(tree) == shape(grammar.parse(edited, error_recovery=True))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "a",
        "a\r",
        "a\r\n\r",
        "x = 1\ny = 2",
        "x\x0cy\n",
        "a\x0b\nb",
        "s = '\u2028'\r\n",
        "\x85\x1c\x1d\x1e\u2029\n",
    ],
)
def test_the_lines_compared_are_parsos_own(text: str) -> None:
    assert statement_reparse.parso_lines(text) == parso.split_lines(text, keepends=True)


def test_a_statement_edit_names_the_statements_it_replaced(tmp_path) -> None:
    grammar = parso.load_grammar()
    path = str(tmp_path / "main.py")
    text = "import uvicorn\n\n\ndef main():\n    port = 8000\n    uvicorn.run('main:app', port=port)\n"
    _, first = statement_reparse.parse(grammar, text, path)
    _, second = statement_reparse.parse(grammar, text.replace("8000", "8001"), path)
    edit = statement_reparse.edit_between(path, first, second)
    assert edit is not None and (edit.removed, edit.inserted) == ("    port = 8000\n", "    port = 8001\n")
    # The same text again is the same version; another path's versions are not this one's.
    assert statement_reparse.parse(grammar, text.replace("8000", "8001"), path)[1] == second
    assert statement_reparse.edit_between(str(tmp_path / "other.py"), first, second) is None
    # Another parse of the path between two of ours (jedi shares parso's cache): the versions are not adjacent.
    grammar.parse(text, path=path, diff_cache=True, cache=False)
    _, third = statement_reparse.parse(grammar, text.replace("8000", "8002"), path)
    assert statement_reparse.edit_between(path, second, third) is None
    # An edit across two statements of a block replaces the statement that holds both.
    _, fourth = statement_reparse.parse(grammar, text.replace("8000\n    uvicorn", "8000; uvicorn"), path)
    edit = statement_reparse.edit_between(path, third, fourth)
    assert edit is not None and edit.removed.startswith("\n\ndef main():") and "8002" in edit.removed
    # A text with a syntax error is parsed by parso's diff parser: no statement edit makes that version.
    _, fifth = statement_reparse.parse(grammar, text.replace("port = 8000", "port = (8000"), path)
    assert statement_reparse.edit_between(path, fourth, fifth) is None
