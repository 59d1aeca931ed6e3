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


@pytest.fixture(scope="session")
def with_fake_uvicorn(tmp_path_factory):
    """Makes a virtual environment whose installed `uvicorn` (with its dist-info
    version) has the given source: another uvicorn release, as far as the
    analysis can tell. Returns Settings that analyse against it."""

    def make(version: str, source: str) -> Settings:
        folder: Path = tmp_path_factory.mktemp(f"venv-uvicorn-{version}")
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
        [site_packages] = folder.glob("lib/python*/site-packages")
        (site_packages / "uvicorn").mkdir()
        (site_packages / "uvicorn" / "__init__.py").write_text(source)
        (site_packages / f"uvicorn-{version}.dist-info").mkdir()
        (site_packages / f"uvicorn-{version}.dist-info" / "METADATA").write_text(f"Name: uvicorn\nVersion: {version}\n")
        return Settings(python=str(folder / "bin" / "python"))

    return make
