from __future__ import annotations

import pytest

from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.model import Applicability, Severity

from .helpers import apply_fix, rule_findings

CODE = "UVI012"
SELECTED = Settings(extend_select=(CODE,))
APP = "import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\n"


findings = rule_findings(CODE, SELECTED)


@pytest.mark.parametrize(
    "call",
    [
        "uvicorn.run(app)\n",
        "uvicorn.run(app, port=8000, workers=None)\n",
        "uvicorn.run(app=app, reload=False)\n",
    ],
)
def test_app_object_without_workers_is_reported_when_selected(project, call):
    [finding] = findings(project, APP + call)
    assert finding.severity is Severity.INFORMATION
    assert "WEB_CONCURRENCY" in finding.message and "status 3" in finding.message
    assert '"main:app"' in finding.message


def test_aliases(project):
    code = "import uvicorn as uv\nfrom fastapi import FastAPI\napp = FastAPI()\nuv.run(app)\n"
    assert len(findings(project, code)) == 1
    code = "from uvicorn import run as serve\nfrom starlette.applications import Starlette\napp = Starlette()\nserve(app)\n"
    assert len(findings(project, code)) == 1


def test_off_by_default(project):
    assert findings(project, APP + "uvicorn.run(app)\n", settings=Settings()) == []


def test_severity_can_be_configured(project):
    settings = Settings(extend_select=(CODE,), severity={CODE: Severity.WARNING})
    [finding] = findings(project, APP + "uvicorn.run(app)\n", settings)
    assert finding.severity is Severity.WARNING


@pytest.mark.parametrize(
    "line",
    ["WEB_CONCURRENCY=4\n", 'export WEB_CONCURRENCY = "3"\n', "WEB_CONCURRENCY=1\nWEB_CONCURRENCY=2\n"],
)
def test_env_file_that_sets_it(project, line):
    project.write(".env", "DEBUG=1\n" + line)
    [finding] = findings(project, APP + 'uvicorn.run(app, env_file=".env")\n')
    assert "with WEB_CONCURRENCY=" in finding.message and "in '.env'" in finding.message
    assert finding.severity is Severity.INFORMATION


@pytest.mark.parametrize("content", ["WEB_CONCURRENCY=1\n", "OTHER=4\n", "# WEB_CONCURRENCY=4\n"])
def test_env_file_that_does_not_set_it_above_one(project, content):
    project.write(".env", content)
    [finding] = findings(project, APP + 'uvicorn.run(app, env_file=".env")\n')
    assert "'.env'" not in finding.message and "when WEB_CONCURRENCY is above 1" in finding.message


@pytest.mark.parametrize(
    "call",
    [
        'uvicorn.run("main:app")\n',
        "uvicorn.run(app, workers=1)\n",
        "uvicorn.run(app, workers=0)\n",
        # UVI001's cases.
        "uvicorn.run(app, reload=True)\n",
        "uvicorn.run(app, workers=4)\n",
        "import os\nuvicorn.run(app, workers=int(os.getenv('N', '1')))\n",
        # Not uvicorn's run.
        "import asyncio\nasyncio.run(app)\n",
    ],
)
def test_no_finding(project, call):
    assert findings(project, APP + call) == []


def test_unknown_app_is_not_reported(project):
    assert findings(project, "import uvicorn\nfrom somewhere import thing\nuvicorn.run(thing)\n") == []


def test_the_uvi001_fix_applies(project):
    [finding] = findings(project, APP + 'if __name__ == "__main__":\n    uvicorn.run(app)\n')
    fix = finding.best_fix
    assert fix.applicability is Applicability.SAFE
    fixed = apply_fix(project, "main.py", fix, CODE, SELECTED)
    assert 'uvicorn.run("main:app")' in fixed


def test_package_script_fix_is_unsafe(project):
    """Both launches work today; "main:app" would break `python -m pkg.main` (checked with real uvicorn)."""
    from uvicorn_lsp.engine.config import Settings

    project.write("pkg/__init__.py")
    project.write(
        "pkg/main.py",
        'import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nif __name__ == "__main__":\n    uvicorn.run(app)\n',
    )
    [finding] = project.check("pkg/main.py", Settings(extend_select=("UVI012",)), codes=("UVI012",))
    assert len(finding.fixes) == 2 and {fix.applicability.value for fix in finding.fixes} == {"unsafe"}
