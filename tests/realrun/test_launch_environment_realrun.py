"""A Makefile that exports PYTHONPATH to its recipes: `make run` really serves an app whose module is
found only through it (UVI002 stays silent), and without the export really fails (UVI002 reports)."""

from __future__ import annotations

import sys

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

MAKE_RUN = ["-c", "import subprocess, sys; sys.exit(subprocess.call(['make', '--no-print-directory', 'run']))"]


@pytest.mark.parametrize(("header", "serves"), [("export PYTHONPATH = src\n", True), ("PYTHONPATH = src\n", False)])
def test_make_recipe_finds_the_module_through_exported_pythonpath(project, header, serves):
    port = free_port()
    project.write("src/main.py", APP_HEAD.format())
    project.write("Makefile", f"{header}\nrun:\n\t{sys.executable} -m uvicorn main:app --port {port}\n")
    outcome = run_server(MAKE_RUN, project.root, port)
    errors = [finding for finding in project.check("Makefile", codes=("UVI002",)) if finding.severity.name == "ERROR"]
    assert outcome.served is serves, outcome.output
    if serves:
        assert errors == []
    else:
        assert 'Could not import module "main"' in outcome.output
        [error] = errors
        assert '"main:app" will not load: module not found' in error.message
