"""Output formats of `check`. Rows and columns are 1-based code points."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..engine.model import Finding, Position, Severity
from ..rules import RULES_BY_CODE


@dataclass
class FileReport:
    path: Path
    findings: list[Finding]


def _location(position: Position) -> dict:
    return {"row": position.line + 1, "column": position.character + 1}


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def finding_to_json(path: Path, finding: Finding) -> dict:
    fix = finding.best_fix
    return {
        "code": finding.code,
        "severity": finding.severity.label,
        "message": finding.message,
        "filename": str(path.resolve()),
        "location": _location(finding.range.start),
        "end_location": _location(finding.range.end),
        "fix": None if fix is None else {
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
        "url": RULES_BY_CODE[finding.code].url if finding.code in RULES_BY_CODE else None,
    }


def render_json(reports: list[FileReport]) -> str:
    return json.dumps(
        [finding_to_json(report.path, finding) for report in reports for finding in report.findings],
        indent=2,
        ensure_ascii=False,
    )


def render_text(reports: list[FileReport]) -> str:
    lines = []
    counts = {severity: 0 for severity in Severity}
    fixable = 0
    for report in reports:
        for finding in report.findings:
            start = finding.range.start
            marker = " [*]" if finding.fixes else ""
            lines.append(f"{display_path(report.path)}:{start.line + 1}:{start.character + 1}: {finding.code}{marker} {finding.message}")
            counts[finding.severity] += 1
            fixable += bool(finding.fixes)
    total = sum(counts.values())
    if total == 0:
        lines.append("All checks passed!")
        return "\n".join(lines)
    parts = [f"{count} {severity.label}{'s' if count != 1 and severity.label != 'information' else ''}" for severity, count in counts.items() if count]
    lines.append(f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}).")
    if fixable:
        lines.append(f"[*] {fixable} with a quick fix (apply it in your editor).")
    return "\n".join(lines)
