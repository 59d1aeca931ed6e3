"""An edited buffer's import map is kept across a keystroke that cannot change it, and equals the map built
from scratch after every edit (seeded runs of typing on real snippets, aliases and imports included)."""

from __future__ import annotations

import random
from pathlib import Path

import parso
import pytest

from uvicorn_lsp.engine import syntax
from uvicorn_lsp.engine.parsed_source import ParsedSource
from uvicorn_lsp.engine.source import SourceFile

from ..fuzz.texts import snippets
from .test_statement_reparse import edits

MODULE = """import os
import uvicorn
from fastapi import FastAPI

serve = uvicorn.run
app = FastAPI()


def main():
    port = int(os.environ.get("PORT", "8000"))
    workers = 2
    serve("main:app", port=port, workers=workers)
"""


class Parsed(ParsedSource):
    def __init__(self, source: SourceFile):
        self.source = source


def imports_of(text: str, path: Path, grammar) -> syntax.ImportMap:
    return Parsed(SourceFile(text, path, grammar=grammar, use_diff_cache=True)).imports


def built_afresh(text: str) -> syntax.ImportMap:
    source = SourceFile(text)
    return syntax.build_import_map(source.tree, source.used_names)


@pytest.mark.parametrize(
    ("old", "new", "kept"),
    [
        ("workers = 2", "workers = 4", True),  # a statement that mentions no import or imported name
        ("    workers = 2", "    debug = True\n    workers = 2", True),  # a statement added before it
        ("workers = 2", "workers = 2\n    debug = True", False),  # added after it, it joins `serve(...)`
        ('"8000"', '"8001"', False),  # it mentions `os`, an imported name: the imports are looked at again
        ("workers = 2", "workers = 2\n    run = uvicorn.run", False),  # an alias added
        ("workers = 2", "workers = 2\n    import json", False),  # an import added
        ("workers = 2", "# workers = 2", True),  # a statement commented out
    ],
)
def test_a_keystroke_keeps_the_import_map_only_when_it_cannot_change(tmp_path: Path, old, new, kept) -> None:
    grammar = parso.load_grammar()
    path = tmp_path / "main.py"
    first = imports_of(MODULE, path, grammar)
    edited = MODULE.replace(old, new)
    assert edited != MODULE
    second = imports_of(edited, path, grammar)
    assert (second.names is first.names) is kept
    assert (second.names, second.star_imports) == (built_afresh(edited).names, built_afresh(edited).star_imports)


def test_the_kept_map_asks_the_new_tree_which_names_are_bound_twice(tmp_path: Path) -> None:
    grammar = parso.load_grammar()
    path = tmp_path / "main.py"
    first = imports_of(MODULE, path, grammar)
    assert "serve" not in first.ambiguous
    second = imports_of(MODULE.replace("port=port)", "port=port)\n    debug = 1"), path, grammar)
    assert second.names is first.names and "serve" not in second.ambiguous


def typed(rng: random.Random, text: str, count: int):
    """Versions of `text` as typing valid code makes them: a digit changed, a comment added, a line commented
    out or back in, a statement added; any line of the module, its imports included."""
    lines = text.split("\n")
    for _ in range(count):
        number = rng.randrange(len(lines))
        line = lines[number]
        indent = line[: len(line) - len(line.lstrip())]
        choice = rng.randrange(4)
        if choice == 0 and any(c.isdigit() for c in line):
            line = "".join(str(rng.randrange(10)) if c.isdigit() else c for c in line)
        elif choice == 1 and line.strip():
            line += "  # typed"
        elif choice == 2 and line.strip() and not line.rstrip().endswith(":"):
            line = line[len(indent) :] if line.startswith("#") else f"{indent}# {line.strip()}"
        elif choice == 3 and line.strip() and not line.rstrip().endswith(":"):
            line = f"{indent}{rng.choice(['value = 1', 'import json', 'run = uvicorn.run', 'os = None'])}\n{line}"
        lines[number] = line
        yield "\n".join(lines)


HELPERS = "".join(f"\n\ndef helper_{n}(items):\n    total = sum(items) * {n}\n    return total\n" for n in range(20))


@pytest.mark.parametrize("seed", range(4))
def test_the_import_map_after_each_keystroke_equals_a_fresh_one(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    grammar = parso.load_grammar()
    kept = 0
    # Valid typing in a module most of whose statements mention no import (where the map is kept), and
    # hostile typing (syntax errors, unclosed strings) in real snippets.
    runs = [typed(rng, MODULE + HELPERS, 80), *(edits(rng, text, 40) for text in rng.sample(list(snippets()), 3))]
    for number, versions in enumerate(runs):
        path = tmp_path / f"module{number}.py"
        previous = None
        for text in versions:
            imports = imports_of(text, path, grammar)
            fresh = built_afresh(text)
            assert (imports.names, imports.star_imports) == (fresh.names, fresh.star_imports), repr(text)
            assert set(imports.ambiguous) == set(fresh.ambiguous), repr(text)
            kept += previous is not None and imports.names is previous.names
            previous = imports
    assert kept > 20  # the map was kept, not only built afresh
