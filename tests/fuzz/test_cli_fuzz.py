"""The command line over the same hostile texts as the server fuzz (seeded; slow).

Pass: `check` never fails with an internal error or a traceback, and `--fix` (unsafe fixes
included) never turns a file that parsed into one that does not."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .texts import extreme_texts, fuzz_texts, single_mutations, snippets

SEED = int(os.environ.get("UVICORN_LSP_FUZZ_SEED", "20261130")) + 1
FILES = 400
CHECK = [sys.executable, "-m", "uvicorn_lsp", "check", "--no-cache", "--timeout-per-file", "20"]
INTERNAL_ERROR_MARKS = ("internal error", "This is a bug", "Traceback")


def _write_corpus(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    texts = [*snippets(), *single_mutations(SEED, FILES), *fuzz_texts(SEED, FILES), *extreme_texts()]
    for number, text in enumerate(texts):
        path = folder / f"case_{number:04}.py"
        # newline="" keeps every line ending as generated; surrogatepass keeps odd text writable.
        with path.open("w", encoding="utf-8", errors="surrogatepass", newline="") as file:
            file.write(text)
        paths.append(path)
    return paths


def _parses(path: Path) -> bool:
    try:
        ast.parse(path.read_bytes())  # as Python reads files: BOM and coding cookies honoured
    except (SyntaxError, ValueError):
        return False
    return True


def _run(*arguments: str | Path) -> subprocess.CompletedProcess:
    done = subprocess.run([*CHECK, *map(str, arguments)], capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1, 2), (done.returncode, done.stderr[-2000:])
    for mark in INTERNAL_ERROR_MARKS:
        assert mark not in done.stderr and mark not in done.stdout, done.stderr[-4000:]
    return done


@pytest.mark.slow
def test_check_never_fails_internally_on_hostile_files(tmp_path):
    paths = _write_corpus(tmp_path / "corpus")
    done = _run("--format", "json", tmp_path / "corpus")
    assert done.stdout.lstrip().startswith("["), done.stdout[:500]
    assert len(paths) == len(snippets()) + 2 * FILES + len(extreme_texts())


@pytest.mark.slow
def test_fix_never_breaks_a_file_that_parsed(tmp_path):
    paths = [path for path in _write_corpus(tmp_path / "corpus") if _parses(path)]
    # About a quarter of the corpus still parses: 196 to 232 files over the seeds tried.
    assert len(paths) > 150, "the corpus must hold enough valid files to prove something"
    before = {path: path.read_bytes() for path in paths}
    _run("--fix", "--unsafe-fixes", *paths)
    changed = [path for path in paths if path.read_bytes() != before[path]]
    broken = [path.name for path in changed if not _parses(path)]
    assert broken == [], broken
    assert changed, "no fix was applied: the corpus no longer exercises --fix"
