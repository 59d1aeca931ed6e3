"""The quick parser builds parso's own tree: the same classes, types, values, positions and prefixes, on valid
code, on broken code (where parso's error recovery decides the shape) and on thousands of mutations."""

from __future__ import annotations

import random
from pathlib import Path

import parso
import pytest

from uvicorn_lsp.engine import quick_parser

PACKAGE = Path(quick_parser.__file__).parents[1]

BROKEN = [
    "def f(:\n    pass\n",
    "if x:\n  a\n    b\n  c\nd\n",
    "class A:\n    def f(self):\n        return (1,\n\n    def g(self): pass\n",
    "x = [1, 2\ny = 3\n",
    'uvicorn.run("main:app", reload=True\n',
    "    indented = 1\nback = 2\n",
    "for x in y:\n\tpass\n        other\n",
    "try:\n    pass\nexcept* ValueError:\n    pass\n",
    "match command:\n    case [x, *rest]:\n        pass\n    case _:\n        pass\n",
    "async def f():\n    await x\n    async with a as b, c:\n        yield\n",
    "f'{x!r:>{width}} {y=}' f\"{'nested'}\"\n",
    "lambda: (yield)\n@decorator\n",
    "<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> branch\n",
    "def f():\n    x = 1\n  y = 2\n",
    "a = 1 +\n",
    "\ufeffprint('bom')\r\nx = 1\rz = 2\n",
    "if True:\n    pass\n  else:\n    pass\n",
    "(" * 120 + ")" * 120 + "\n",
    "def",
    "",
    "\n\n",
    'x = \'unterminated\ny = """also\n',
]


def _shape(node) -> tuple:
    if hasattr(node, "children"):
        for child in node.children:
            assert child.parent is node
        return (type(node).__name__, node.type, tuple(_shape(child) for child in node.children))
    return (type(node).__name__, node.type, node.value, node.start_pos, node.prefix)


def _assert_same_tree(text: str) -> None:
    grammar = parso.load_grammar()
    expected = grammar.parse(text, diff_cache=False, cache=False, error_recovery=True)
    module = quick_parser.parse_module(grammar, text)
    assert _shape(module) == _shape(expected), text
    # The names the parser collected are the tree's, as parso's walk finds them (same leaves, same order).
    collected = dict(module.get_used_names())
    module._used_names = None
    assert collected == dict(module.get_used_names()), text


@pytest.mark.parametrize("text", BROKEN)
def test_broken_code_gets_parsos_error_recovery(text):
    _assert_same_tree(text)


def test_the_packages_own_modules_parse_to_the_same_trees():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50
    for module in modules:
        _assert_same_tree(module.read_text(encoding="utf-8"))


def test_mutated_code_parses_to_the_same_trees():
    """Cuts, splices and swapped characters through real modules: error recovery at every kind of place."""
    rng = random.Random(20261201)
    texts = [path.read_text(encoding="utf-8") for path in sorted(PACKAGE.rglob("*.py"))]
    texts = [text for text in texts if len(text) > 200]
    noise = ["(", ")", ":", "\n", "    ", "\t", '"', "'''", "def ", "if ", "else", "=", ",", "*", "@", "\\", "{", "}"]
    for _ in range(400):
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.randrange(0, 200))
        cut = text[:start] + rng.choice(noise) + text[end:]
        window = rng.randrange(max(1, len(cut) - 3000))
        _assert_same_tree(cut[window : window + 3000])


def test_another_parso_line_is_parsed_by_parso_itself(monkeypatch):
    """The loop copies parso 0.8's; another line of parso may build its trees differently."""
    monkeypatch.setattr(quick_parser, "WRITTEN_FOR", "9.9.")
    grammar = parso.load_grammar()
    calls = []
    original = type(grammar).parse

    def counted(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(grammar), "parse", counted)
    module = quick_parser.parse_module(grammar, "x = 1\n")
    assert calls == [("x = 1\n",)]
    assert module.children[0].children[0].type == "expr_stmt"
