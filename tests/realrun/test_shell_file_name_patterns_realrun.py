"""An unquoted `*` in a shell start is a file name pattern: `sh run.sh` runs uvicorn with the folder's file
names in its place, here `--forwarded-allow-ips main.py run.sh`, and uvicorn refuses the extra word (exit
status 2). So the value is not the `*` UVI007 warns about; the analysis leaves it unknown."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import APP_HEAD, free_port

pytestmark = pytest.mark.slow


def test_the_shell_expands_an_unquoted_star_to_the_folder_s_files(project):
    project.write("main.py", APP_HEAD.format())
    port = free_port()
    command = f'"{sys.executable}" -m uvicorn main:app --port {port} --forwarded-allow-ips *'
    project.write("run.sh", f"#!/bin/sh\n{command}\n")
    assert project.check("run.sh", codes=("UVI007",)) == []
    result = subprocess.run(["sh", "run.sh"], cwd=project.root, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2, result.stderr
    assert "Got unexpected extra argument (run.sh)" in result.stderr
