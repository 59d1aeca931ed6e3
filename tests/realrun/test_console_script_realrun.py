"""A console script of the project (`[project.scripts] shop-serve = "shop.main:run"`) runs `uvicorn.run` with the
installed script's sys.path: the installed packages, the project's among them, and not the folder it starts in.
Running the file itself never reaches a call in a function it does not call: the script is the launch UVI002
judges (its warning used to name `python src/shop/main.py` and `python -m shop.main`, neither of which runs it)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

PYPROJECT = """
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "shop"
version = "0.1"

[project.scripts]
shop-serve = "shop.main:run"
"""


@pytest.mark.parametrize(("string", "serves"), [("main:app", False), ("shop.main:app", True)])
def test_a_console_script_loads_what_is_installed(project, tmp_path_factory, string, serves):
    port = free_port()
    project.write("pyproject.toml", PYPROJECT)
    project.write("src/shop/__init__.py")
    project.write(
        "src/shop/main.py",
        APP_HEAD.format() + f'\n\ndef run():\n    uvicorn.run("{string}", port={port}, reload=True)\n',
    )
    folder = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(folder)], check=True)
    subprocess.run(
        [str(folder / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "-e", "."],
        cwd=project.root,
        check=True,
        timeout=300,
    )
    script = str(folder / "bin" / "shop-serve")
    outcome = run_server(["-c", f"import os; os.execv({script!r}, [{script!r}])"], project.root, port)
    assert outcome.served is serves, outcome.output
    if not serves:
        assert 'Could not import module "main"' in outcome.output
    found = project.check("src/shop/main.py", codes=("UVI002",))
    assert [finding.severity.name for finding in found] == ([] if serves else ["ERROR"])
