"""The per-edit views of a file that read only what they are asked about (the name leaves of one
name, the syntax-error lines around one range, the import map from the places of `import`) give
exactly what a walk of the whole tree gives, on hostile texts and on trees parso's diff parser
built from the previous text."""

from __future__ import annotations

import random
import re
from pathlib import Path

import parso
import pytest

from uvicorn_lsp.engine import syntax
from uvicorn_lsp.engine.source import BrokenLines, NameLeaves, SourceFile, enclosing_statement

from ..fuzz.texts import fuzz_texts

_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMPOUND = syntax._COMPOUND


def walked_broken_lines(module) -> set[int]:
    """The syntax-error lines as a walk of every node finds them (the definition `broken_lines` follows)."""
    broken: set[int] = set()

    def lines_of(node) -> range:
        (first, _), (last, column) = node.start_pos, node.end_pos
        return range(first - 1, last - 1 if column == 0 and last > first else last)

    for statement in module.children:
        if statement.start_pos[1] > 0 and statement.type != "endmarker":
            broken.update(lines_of(statement))
    nodes = [module]
    while nodes:
        for child in nodes.pop().children:
            if child.type in ("error_node", "error_leaf"):
                broken.update(lines_of(enclosing_statement(child) or child))
            elif hasattr(child, "children"):
                nodes.append(child)
    return broken


def walked_statements(node):
    """Every statement of the module's blocks, at any depth, in order."""
    for child in getattr(node, "children", ()):
        if child.type in _COMPOUND:
            yield from walked_statements(child)
        elif child.type not in ("newline", "endmarker", "operator", "keyword", "name"):
            yield child


def walked_import_map(module) -> tuple[dict[str, str], list[str], set[str]]:
    """The import map as a walk of every statement builds it: each import, then each alias of a name bound so far."""
    used = module.get_used_names()
    names: dict[str, str] = {}
    stars: list[str] = []
    for statement in walked_statements(module):
        if statement.type in ("import_name", "import_from") or statement.type == "expr_stmt":
            partial = syntax.ImportMap(names=names, star_imports=stars)
            if statement.type == "expr_stmt":
                syntax._record_alias(statement, partial)
                continue
            if statement.type == "import_name":
                names.update(syntax._import_name_bindings(statement))
                continue
            prefix = "." * statement.level
            source = ".".join(n.value for n in statement.get_from_names()) if syntax._has_from_names(statement) else ""
            if statement.is_star_import():
                stars.append(prefix + source)
            for original, alias in statement._as_name_tuples():
                if original.value != "*":
                    base = prefix + source
                    names[(alias or original).value] = (
                        f"{base}{'' if base.endswith('.') or not base else '.'}{original.value}"
                    )
    ambiguous = {
        alias
        for alias in names
        if any(leaf.is_definition() and not syntax._is_binding_we_know(leaf) for leaf in used.get(alias, ()))
    }
    return names, stars, ambiguous


def texts() -> list[str]:
    odd = [
        "\ufeffimport uvicorn as uv\nserve = uv.run\nserve(app)\n",
        "x = 0xapp + 1.jpp + 1app\napp = 1\npp = 2\n",
        "def f():\n    import uvicorn\n    run = uvicorn.run\n    return run\n",
        "a = 1\r\nb = a\rimport os\x0c; c = os.path\u2028 d = c\n",
        "import a.b as c, d\nfrom . import (e as f, g)\nfrom .. h import *\nh = f.x\nc = 2\n",
        "if True:\n  import uvicorn\nelse:\n  uvicorn = None\nprint(uvicorn.run)\n",
        "import os\nos.environ = os\nx, y = os, os.path\nz: int = os.sep\nw = v = os\nq = lambda: (r := os)\n",
    ]
    return odd + list(fuzz_texts(seed=11, count=250))


@pytest.mark.parametrize("use_diff_cache", [False, True])
def test_views_equal_whole_tree_walks(tmp_path: Path, use_diff_cache: bool) -> None:
    grammar = parso.load_grammar()
    path = tmp_path / "main.py"
    rng = random.Random(5)
    for text in texts():
        source = SourceFile(text, path, grammar=grammar, use_diff_cache=use_diff_cache)
        walked = source.tree.get_used_names()
        asked = set(walked) | set(rng.sample(_WORDS.findall(text), min(5, len(_WORDS.findall(text)))))
        for name in asked:
            # A view of its own for each name: one lookup never runs out of budget, so the search answers it.
            assert NameLeaves(source).get(name, []) == list(walked.get(name, [])), (name, text)
        assert dict(source.used_names) == {name: list(leaves) for name, leaves in walked.items()}

        expected_broken = walked_broken_lines(source.tree)
        lines = range(len(source.lines) + 1)
        # A view of its own for each line: each answers from the statements around that line alone.
        assert {line for line in lines if line in BrokenLines(source.tree)} == expected_broken
        assert set(source.broken_lines) == expected_broken

        import_map = syntax.build_import_map(source.tree, source.used_names)
        names, stars, ambiguous = walked_import_map(source.tree)
        assert (import_map.names, import_map.star_imports, set(import_map.ambiguous)) == (names, stars, ambiguous)


def test_a_module_asked_about_very_many_names_is_walked_once() -> None:
    text = "".join(f"name_{number} = {number}\n" for number in range(5_000))
    source = SourceFile(text)
    for number in range(0, 5_000, 7):
        assert [leaf.start_pos for leaf in source.used_names[f"name_{number}"]] == [(number + 1, 0)]
    assert source.used_names._walked is not None  # the budget of searches ran out: one walk answered the rest
