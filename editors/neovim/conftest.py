"""Shared by the Neovim tests: runs a test script in headless Neovim 0.11 with the shipped config."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


@pytest.fixture
def neovim(install, timed, editor_env) -> Callable[..., dict[str, Any]]:
    """neovim(SCRIPT, FILE, *ARGS, label=LABEL) runs `nvim --headless --clean -l SCRIPT editors/neovim FILE ARGS`
    in FILE's folder (SCRIPT in editors/neovim, using preamble.lua) and returns the JSON object it printed;
    fails the test with the script's error and the steps it did."""
    nvim = install("install-neovim.sh")[-1]

    def run(script: str, file: Path, *args: str, label: str) -> dict[str, Any]:
        with timed(f"run      {label}"):
            process = subprocess.run(
                [nvim, "--headless", "--clean", "-l", str(HERE / script), str(HERE), str(file), *args],
                capture_output=True,
                text=True,
                env=editor_env,
                cwd=file.parent,
                timeout=300,
            )
        assert process.returncode == 0, process.stderr
        result = json.loads(process.stdout.strip().splitlines()[-1])
        assert "error" not in result, f"{result['error']}\nsteps done: {result['steps']}\nstderr: {process.stderr}"
        return result

    return run
