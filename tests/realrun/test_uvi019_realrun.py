"""UVI019 run for real: reload_dirs without reload logs uvicorn's warning and never reloads; after
either fix the warning is gone, and with reload turned on the server runs under the reloader."""

from __future__ import annotations

import pytest

from tests.conftest import apply_edits

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

MAIN = APP_HEAD + '\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port}, reload_dirs=["."])\n'
WARNING = "Current configuration will not reload as not all conditions are met"


def test_ignored_reload_dirs_and_both_fixes(project):
    port = free_port()
    path = project.write("main.py", MAIN.format(port=port))
    original = path.read_text()
    [finding] = project.check("main.py", codes=("UVI019",))
    before = run_server(["main.py"], project.root, port)
    assert before.served and WARNING in before.output and "reloader" not in before.output, before.output

    remove, add_reload = finding.fixes
    path.write_text(apply_edits(original, remove.edits))
    removed = run_server(["main.py"], project.root, port)
    assert removed.served and WARNING not in removed.output, removed.output

    path.write_text(apply_edits(original, add_reload.edits))
    assert project.check("main.py", codes=("UVI019",)) == []
    reloading = run_server(["main.py"], project.root, port)
    assert reloading.served and WARNING not in reloading.output, reloading.output
    assert "Started reloader process" in reloading.output
