from __future__ import annotations

import textwrap

import pytest

from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.model import Severity
from uvicorn_lsp.rules.uvi021_state_not_shared_by_workers import RULE

from .helpers import rule_findings

CODE = "UVI021"
ON = Settings(extend_select=[CODE])

HEAD = "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
RUN = '\nif __name__ == "__main__":\n    uvicorn.run("main:app", workers=4)\n'


findings = rule_findings(CODE, ON)


def test_documented_example(project):
    [finding] = findings(project, textwrap.dedent(RULE.doc.example))
    assert finding.severity is Severity.INFORMATION
    assert finding.message.startswith("route handler `visit` ")
    assert "`visits` (this file, line 5): with workers=4 each worker has its own copy" in finding.message


def test_off_by_default(project):
    assert findings(project, textwrap.dedent(RULE.doc.example), Settings()) == []


@pytest.mark.parametrize(
    ("state", "handler", "how"),
    [
        ("hits = 0", "    global hits\n    hits += 1\n", "rebinds the global"),
        ("seen = []", "    seen.append(1)\n", "calls `.append()` on"),
        ("cache = dict()", "    cache.update(a=1)\n", "calls `.update()` on"),
        ("names = set()", "    names.add('x')\n", "calls `.add()` on"),
        ("import collections\ncounts = collections.Counter()", "    counts['x'] += 1\n", "changes an item of"),
        ("sessions = {}", "    del sessions['x']\n", "deletes an item of"),
    ],
)
def test_changes_by_a_route_handler(project, state, handler, how):
    code = f"{HEAD}{state}\n\n@app.post('/')\nasync def change():\n{handler}{RUN}"
    [finding] = findings(project, code)
    assert f"`change` {how}" in finding.message


def test_the_app_module_named_by_the_import_string(project):
    project.write("web.py", f"{HEAD}hits = []\n\n@app.get('/')\ndef index():\n    hits.append(1)\n")
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("web:app", workers=2)\n')
    assert "`hits` (web, line 5)" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        # One process: reload, no workers, workers=1, Config + Server.
        f"{HEAD}hits = []\n\n@app.get('/')\ndef index():\n    hits.append(1)\n"
        + RUN.replace("workers=4", "reload=True"),
        f"{HEAD}hits = []\n\n@app.get('/')\ndef index():\n    hits.append(1)\n" + RUN.replace("workers=4", "workers=1"),
        # Read only, changed outside a route handler, or local to the handler.
        f"{HEAD}LIMITS = {{'a': 1}}\n\n@app.get('/')\ndef index():\n    return LIMITS['a']\n{RUN}",
        f"{HEAD}hits = []\n\ndef helper():\n    hits.append(1)\n{RUN}",
        f"{HEAD}hits = []\n\n@app.get('/')\ndef index():\n    hits = []\n    hits.append(1)\n{RUN}",
        # Rebound without `global`: a local of the handler.
        f"{HEAD}hits = 0\n\n@app.get('/')\ndef index():\n    hits = 1\n{RUN}",
        # Bound twice at module level: which one the handler sees is not clear.
        f"{HEAD}hits = []\nhits = []\n\n@app.get('/')\ndef index():\n    hits.append(1)\n{RUN}",
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []
