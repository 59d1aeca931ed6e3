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
    texts = [*snippets(), hostile_module(seed)]
    for number in range(4):
        path = str(tmp_path / f"module{number}.py")
        first = rng.choice(texts)
        statement_reparse.parse(grammar, first, path)
        for text in edits(rng, first, 60):
            if rng.random() < 0.1:  # jedi parsing another text of the path changes the cached tree in place
                grammar.parse(text + rng.choice(["(\n", "x\n", "    y\n"]), path=path, diff_cache=True, cache=False)
            tree = statement_reparse.parse(grammar, text, path)
            assert tree.get_code() == text
            assert shape(tree) == shape(grammar.parse(text, error_recovery=True)), repr(text)
    assert sum(tree is not None for tree in reparsed) > 5  # the statement path was taken, not only parso's
