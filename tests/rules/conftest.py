"""Fixtures for the rule tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from uvicorn_lsp.engine.config import Settings


@pytest.fixture(scope="session")
def without_uvicorn(tmp_path_factory) -> Settings:
    """Settings that analyse against a fresh virtual environment where uvicorn is not installed:
    jedi resolves nothing of uvicorn's there, so rules fall back to the syntax and built-in tables."""
    folder: Path = tmp_path_factory.mktemp("venv-without-uvicorn")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return Settings(python=str(folder / "bin" / "python"))
