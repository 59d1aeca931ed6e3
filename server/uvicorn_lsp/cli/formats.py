"""Output formats of `check`. Rows and columns are 1-based code points."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from .. import __version__
from ..engine.fixing import applicable
from ..engine.model import Finding, Fix, Position, Range, Severity
from .notebooks import file_range, relocate_json, text_location

# json, textwrap, urllib and the rules' docs are imported by the formats that use them: the
# text format of an unchanged re-run needs none of them.

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_URI = "https://github.com/uvicorn-lsp/uvicorn-lsp"


class FileReport(NamedTuple):
    path: str | None  # absolute; None for stdin without --stdin-filename
    findings: list[Finding]


class Summary(NamedTuple):
    """What the text format says after the findings."""

    unsafe_fixes: bool = False
    fixed: int = 0
    quiet: bool = False
    failed: bool = False  # the run could not complete (errors on stderr): never "All checks passed!"


def _location(position: Position) -> dict:
    return {"row": position.line + 1, "column": position.character + 1}


def display_path(path: str | None) -> str:
    if path is None:
        return "-"
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path


def finding_to_json(path: str | None, finding: Finding) -> dict:
    from ..engine.rule import DOCS_URL

    fix = finding.best_fix
    return {
        "code": finding.code,
        "severity": finding.severity.label,
        "message": finding.message,
        "filename": str(Path(path).resolve()) if path else "-",
        "location": _location(finding.range.start),
        "end_location": _location(finding.range.end),
        "fix": None
        if fix is None
        else {
            "message": fix.title,
            "applicability": fix.applicability.value,
            "edits": [
                {
                    "content": edit.new_text,
                    "location": _location(edit.range.start),
                    "end_location": _location(edit.range.end),
                }
                for edit in fix.edits
            ],
        },
        "url": DOCS_URL.format(code=finding.code),
    }


def _all_findings(reports: list[FileReport]):
    return ((report.path, finding) for report in reports for finding in report.findings)


def render_json(reports: list[FileReport]) -> str:
    import json

    return json.dumps(
        [relocate_json(path, finding_to_json(path, finding), finding) for path, finding in _all_findings(reports)],
        indent=2,
        ensure_ascii=False,
    )


def render_text(reports: list[FileReport], summary: Summary | None = None) -> str:
    summary = summary if summary is not None else Summary()
    lines = []
    counts = Counter(finding.severity for _, finding in _all_findings(reports))
    fixable = hidden = 0
    for path, finding in _all_findings(reports):
        start = finding.range.start
        can_fix = applicable(finding.best_fix, summary.unsafe_fixes)
        fixable += can_fix
        hidden += finding.best_fix is not None and not can_fix and applicable(finding.best_fix, True)
        marker = " [*]" if can_fix else ""
        lines.append(f"{display_path(path)}:{text_location(path, start)}: {finding.code}{marker} {finding.message}")
    if summary.quiet:
        return "\n".join(lines)
    total = sum(counts.values())
    severities = ", ".join(
        f"{counts[severity]} {_severity_label(severity, counts[severity])}" for severity in Severity if counts[severity]
    )
    if summary.fixed:
        detail = f"{summary.fixed} fixed, {total} remaining" + (f": {severities}" if total else "")
        lines.append(f"Found {total + summary.fixed} problem{_plural(total + summary.fixed)} ({detail}).")
    elif total:
        lines.append(f"Found {total} problem{_plural(total)} ({severities}).")
    elif not summary.failed:
        lines.append("All checks passed!")
    if fixable:
        lines.append(f"[*] {fixable} fixable with the `--fix` option.")
    if hidden:
        lines.append(f"{hidden} more fixable with `--fix --unsafe-fixes` (check the rule's fix safety first).")
    return "\n".join(lines)


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _severity_label(severity: Severity, count: int) -> str:
    return severity.label if count == 1 or severity is Severity.INFORMATION else severity.label + "s"


def render_statistics(reports: list[FileReport], as_json: bool, unsafe_fixes: bool) -> str:
    """Counts per code, most frequent first (like ruff's --statistics)."""
    from ..rules import RULES_BY_CODE  # the rule names; a cached run has not imported the rules

    counts = Counter(finding.code for _, finding in _all_findings(reports))
    fixable = {finding.code for _, finding in _all_findings(reports) if applicable(finding.best_fix, unsafe_fixes)}
    rows = [
        {
            "code": code,
            "name": RULES_BY_CODE[code].name if code in RULES_BY_CODE else "",
            "count": count,
            "fixable": code in fixable,
        }
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    if as_json:
        import json

        return json.dumps(rows, indent=2)
    width = max((len(str(row["count"])) for row in rows), default=1)
    return "\n".join(
        f"{row['count']:>{width}}\t{row['code']}\t{'[*]' if row['fixable'] else '[ ]'} {row['name']}" for row in rows
    )


# GitHub workflow commands -----------------------------------------------------

_GITHUB_LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "notice",
    Severity.HINT: "notice",
}


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(reports: list[FileReport]) -> str:
    """One `::error file=…,line=…::message` workflow command per finding."""
    lines = []
    for path, finding in _all_findings(reports):
        # A notebook's finding: where its JSON holds that text, and the place in the cell in the message.
        in_file = file_range(path, finding.range)
        start, end = (in_file or finding.range).start, (in_file or finding.range).end
        message = (
            finding.message if in_file is None else f"{text_location(path, finding.range.start)}: {finding.message}"
        )
        properties = {
            "file": display_path(path).replace(os.sep, "/"),
            "line": start.line + 1,
            "col": start.character + 1,
            "endLine": end.line + 1,
            "endColumn": end.character + 1,
            "title": finding.code,
        }
        joined = ",".join(f"{key}={_github_property(str(value))}" for key, value in properties.items())
        lines.append(f"::{_GITHUB_LEVELS[finding.severity]} {joined}::{_github_data(message)}")
    return "\n".join(lines)


# SARIF 2.1.0 ------------------------------------------------------------------

_SARIF_LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}


def _sarif_rule(rule) -> dict:
    import textwrap

    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": textwrap.dedent(rule.doc.what).strip()},
        "help": {"text": rule.markdown(), "markdown": rule.markdown()},
        "helpUri": rule.url,
        "defaultConfiguration": {"level": _SARIF_LEVELS[rule.severity], "enabled": rule.on_by_default},
        "properties": {"fix": rule.fix_label},
    }


def _sarif_region(where: Range) -> dict:
    return {
        "startLine": where.start.line + 1,
        "startColumn": where.start.character + 1,
        "endLine": where.end.line + 1,
        "endColumn": where.end.character + 1,
    }


def _artifact_location(path: str | None) -> dict:
    """Relative to %SRCROOT% (the current folder) when below it, else an absolute file URI."""
    from urllib.parse import quote

    if path is None:
        return {"uri": "stdin"}
    relative = display_path(path)
    if os.path.isabs(relative) or relative.startswith(".."):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(relative.replace(os.sep, "/")), "uriBaseId": "%SRCROOT%"}


def _sarif_fix(location: dict, fix: Fix) -> dict:
    return {
        "description": {"text": fix.title},
        "artifactChanges": [
            {
                "artifactLocation": location,
                "replacements": [
                    {"deletedRegion": _sarif_region(edit.range), "insertedContent": {"text": edit.new_text}}
                    for edit in fix.edits
                ],
            }
        ],
        "properties": {"applicability": fix.applicability.value, "preferred": fix.preferred},
    }


def render_sarif(reports: list[FileReport]) -> str:
    import json

    from ..rules import ALL_RULES  # every rule's metadata; a cached run has not imported the rules

    rule_index = {rule.code: index for index, rule in enumerate(ALL_RULES)}
    results = []
    for path, finding in _all_findings(reports):
        location = _artifact_location(path)
        # A notebook's finding: where its JSON holds that text, the place in the cell in the message, and no fixes
        # (their edits are of the cells' text, not of the JSON that encodes it).
        in_file = file_range(path, finding.range)
        message = (
            finding.message if in_file is None else f"{text_location(path, finding.range.start)}: {finding.message}"
        )
        result = {
            "ruleId": finding.code,
            "level": _SARIF_LEVELS[finding.severity],
            "message": {"text": message},
            "locations": [
                {"physicalLocation": {"artifactLocation": location, "region": _sarif_region(in_file or finding.range)}}
            ],
        }
        if finding.code in rule_index:
            result["ruleIndex"] = rule_index[finding.code]
        if finding.fixes and in_file is None:
            result["fixes"] = [_sarif_fix(location, fix) for fix in finding.fixes]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "uvicorn-lsp",
                        "version": __version__,
                        "informationUri": TOOL_URI,
                        "rules": [_sarif_rule(rule) for rule in ALL_RULES],
                    }
                },
                # Engine columns count code points; SARIF's default would be UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


RENDERERS = {"json": render_json, "sarif": render_sarif, "github": render_github}
