from __future__ import annotations

import pytest

from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.model import Severity

from .helpers import rule_findings

CODE = "UVI011"
SELECTED = Settings(extend_select=(CODE,))


findings = rule_findings(CODE, SELECTED)


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app", host="0.0.0.0")\n',
        'import uvicorn as uv\nuv.run("main:app", host="::")\n',
        'from uvicorn import Config\nConfig("main:app", "0.0.0.0", 8000)\n',
        'from uvicorn import run\nHOST = "0.0.0.0"\nrun("main:app", host=HOST)\n',
    ],
)
def test_all_interfaces_are_reported_when_selected(project, code):
    [finding] = findings(project, code)
    assert finding.severity is Severity.INFORMATION and finding.fixes == []
    assert "every network interface" in finding.message


def test_off_by_default(project):
    assert findings(project, 'import uvicorn\nuvicorn.run("main:app", host="0.0.0.0")\n', settings=Settings()) == []


def test_a_prefix_does_not_select_it(project):
    code = 'import uvicorn\nuvicorn.run("main:app", host="0.0.0.0")\n'
    assert findings(project, code, settings=Settings(select=("UVI",))) == []
    assert len(findings(project, code, settings=Settings(select=("UVI011",)))) == 1


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app", host="127.0.0.1")\n',
        'import uvicorn\nuvicorn.run("main:app")\n',
        'import os, uvicorn\nuvicorn.run("main:app", host=os.getenv("HOST", "0.0.0.0"))\n',
        'import uvicorn\nimport random\nHOST = "0.0.0.0"\nif random.random() > 0.5:\n    HOST = "127.0.0.1"\nuvicorn.run("main:app", host=HOST)\n',
        'def run(app, host): ...\nrun("main:app", host="0.0.0.0")\n',
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []
