"""Emacs 28 in --batch, with eglot (uvicorn-lsp-eglot.el) and with lsp-mode (lsp-uvicorn.el):
flymake shows the diagnostic, the preferred quick fix applies, the finding goes away."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent


# lsp-mode runs with lsp-uvicorn-severity UVI001 = "warning": the setting reaches the server.
@pytest.mark.parametrize(("client", "severity"), [("eglot", "eglot-error"), ("lsp-mode", ":warning")])
def test_emacs_diagnoses_and_fixes(client, severity, install, timed, sample_project, editor_env):
    emacs = install("install-emacs.sh")[-1]
    main = sample_project()
    with timed(f"run      emacs ({client})"):
        # Not -Q: Debian's site-start is what puts elpa-eglot and elpa-lsp-mode on the load-path.
        # The newline on stdin answers eglot's prompt for a code action with its default, the preferred fix.
        process = subprocess.run(
            [emacs, "--batch", "-l", str(HERE / "test_emacs.el"), client, str(HERE), str(main)],
            capture_output=True, text=True, input="\n", env=editor_env, cwd=main.parent, timeout=300,
        )
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout.strip().splitlines()[-1])
    assert "error" not in result, f"{result['error']}\nsteps done: {result['steps']}\nstderr: {process.stderr}"

    assert result["command"] == ["uvicorn-lsp", "serve"]
    [diagnostic] = result["diagnostics"]
    assert (diagnostic["line"], diagnostic["column"], diagnostic["end-column"]) == (7, 16, 19)
    assert diagnostic["type"] == severity
    assert "uvicorn.run() gets the FastAPI instance `app` with reload=True" in diagnostic["text"]
    preferred = [action["title"] for action in result["actions"] if action["preferred"]]
    assert len(preferred) == 1 and "main:app" in preferred[0], result["actions"]

    assert '    uvicorn.run("main:app", reload=True)\n' in result["text"]
    assert main.read_text() == result["text"]
