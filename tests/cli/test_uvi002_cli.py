"""UVI002 and UVI013 through `uvicorn-lsp check --format json`: the CLI reports what the engine finds."""

from __future__ import annotations

import json

from .conftest import run_cli

RUNNER = """\
import uvicorn

if __name__ == "__main__":
    uvicorn.run("web:aplication", reload=True)
"""
WEB = "from fastapi import FastAPI\n\napplication = FastAPI()\n"


def test_json_reports_uvi002_with_its_did_you_mean_fix(tmp_path):
    (tmp_path / "web.py").write_text(WEB)
    (tmp_path / "run.py").write_text(RUNNER)
    completed = run_cli(tmp_path, "--format", "json", "run.py")
    assert completed.returncode == 1, completed.stderr
    [finding] = json.loads(completed.stdout)
    assert finding["code"] == "UVI002" and finding["severity"] == "error"
    assert 'Attribute "aplication" not found in module "web"' in finding["message"]
    assert finding["location"] == {"row": 4, "column": 17}
    assert finding["fix"]["applicability"] == "unsafe"
    assert finding["fix"]["edits"][0]["content"] == '"web:application"'
    assert finding["url"].endswith("/UVI002.md")


def test_a_created_module_clears_the_finding(tmp_path):
    (tmp_path / "run.py").write_text(RUNNER.replace("web:aplication", "web:application"))
    first = run_cli(tmp_path, "--format", "json", "run.py")
    assert [item["code"] for item in json.loads(first.stdout)] == ["UVI002"]
    (tmp_path / "web.py").write_text(WEB)
    second = run_cli(tmp_path, "--format", "json", "run.py")
    assert (second.returncode, json.loads(second.stdout)) == (0, [])


def test_json_reports_uvi013(tmp_path):
    (tmp_path / "main.py").write_text(
        WEB + '\nif __name__ == "__main__":\n    import uvicorn\n    uvicorn.run("main:application", factory=True)\n'
    )
    [finding] = json.loads(run_cli(tmp_path, "--format", "json", "main.py").stdout)
    assert finding["code"] == "UVI013" and finding["fix"]["message"] == "Remove factory=True"
