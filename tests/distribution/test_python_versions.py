"""The oldest supported Python is one number in four places that must agree, and the bundled
server tells an older interpreter so in plain words."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import REPO

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

VSCODE = REPO / "editors" / "vscode"
BUNDLED_SERVER = VSCODE / "bundled" / "tool" / "server.py"


def test_every_place_names_the_same_oldest_python():
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    server = re.search(r"^MINIMUM_PYTHON = \((\d+), (\d+)\)$", BUNDLED_SERVER.read_text(), re.M)
    extension = re.search(
        r"const MINIMUM_PYTHON: readonly \[number, number\] = \[(\d+), (\d+)\];",
        (VSCODE / "src" / "extension.ts").read_text(),
    )
    packaging = re.search(r"^OLDEST_PYTHON=(\d+)\.(\d+) ", (VSCODE / "package.sh").read_text(), re.M)
    assert server and extension and packaging
    found = {
        "pyproject.toml requires-python": requires,
        "bundled/tool/server.py": ">={}.{}".format(*server.groups()),
        "src/extension.ts": ">={}.{}".format(*extension.groups()),
        "package.sh --python-version": ">={}.{}".format(*packaging.groups()),
    }
    assert found == dict.fromkeys(found, requires)


def test_the_bundled_server_refuses_an_older_python_with_a_clear_message():
    # This interpreter posing as 3.9.18: the check must run before anything from the bundle loads.
    pose = (
        "import runpy, sys; sys.version_info = (3, 9, 18, 'final', 0); "
        f"runpy.run_path({str(BUNDLED_SERVER)!r}, run_name='__main__')"
    )
    process = subprocess.run([sys.executable, "-c", pose], capture_output=True, text=True, timeout=60)
    assert process.returncode == 2
    assert process.stderr == f"uvicorn-lsp needs Python 3.10 or newer; {sys.executable} is Python 3.9.18\n"
    assert process.stdout == ""
