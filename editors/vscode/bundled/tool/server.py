"""Runs the uvicorn-lsp bundled in the VS Code extension with whichever Python starts this file.

The extension's `bundled/libs` (uvicorn-lsp and its pure-Python dependencies) goes first on
sys.path, ahead of anything installed in that interpreter, so a different pygls or jedi in the
user's environment cannot break the server. The analysed environment is unaffected: the server
asks the interpreter named by its `python` setting (or this one) for its sys.path in a fresh
process, which does not see this insertion.
"""

import os
import sys

# The oldest Python the bundle was resolved for (package.sh: --python-version); requires-python in
# pyproject.toml says the same (tests/distribution compares them). Checked before anything else is
# imported, in syntax any Python 3 reads, so an old interpreter gets this message, not a traceback.
MINIMUM_PYTHON = (3, 10)
EXIT_ERROR = 2

if sys.version_info[:2] < MINIMUM_PYTHON:
    sys.stderr.write(
        "uvicorn-lsp needs Python {}.{} or newer; {} is Python {}\n".format(
            MINIMUM_PYTHON[0], MINIMUM_PYTHON[1], sys.executable, ".".join(map(str, sys.version_info[:3]))
        )
    )
    sys.exit(EXIT_ERROR)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs"))

from uvicorn_lsp.cli import main  # noqa: E402  (importable once libs is on sys.path)

sys.exit(main(["serve", *sys.argv[1:]]))
