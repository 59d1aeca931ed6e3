"""Helpers for the rule tests: apply a fix and check again; a Python without uvicorn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.model import Fix

from ..conftest import Project, apply_edits


def apply_fix(project: Project, relative: str, fix: Fix, code: str, settings: Settings | None = None) -> str:
    """Write the fixed file and return its text; fails when it does not compile or `code` still fires."""
    path = project.root / relative
    # Bytes, not text mode: the line breaks the file has are part of what is checked.
    fixed = apply_edits(path.read_bytes().decode("utf-8"), fix.edits)
    compile(fixed, relative, "exec")
    path.write_bytes(fixed.encode("utf-8"))
    remaining = project.check(relative, settings, codes=(code,))
    assert not remaining, f"{code} still reported after the fix:\n{fixed}\n{remaining}"
    return fixed


@pytest.fixture(scope="session")
def without_uvicorn(tmp_path_factory) -> Settings:
    """Settings that analyse against a fresh virtual environment where uvicorn is not installed:
    jedi resolves nothing of uvicorn's there, so rules fall back to the syntax and built-in tables."""
    folder: Path = tmp_path_factory.mktemp("venv-without-uvicorn")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return Settings(python=str(folder / "bin" / "python"))
