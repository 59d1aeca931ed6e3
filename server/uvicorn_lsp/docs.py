"""docs/rules/ is generated from the rule modules; a test fails when it is stale."""

from __future__ import annotations

from pathlib import Path

from .rules import ALL_RULES


def rule_index() -> str:
    rows = ["# Rules", "", "| Code | Name | Default severity | On by default | Fix |", "|---|---|---|---|---|"]
    for rule in ALL_RULES:
        rows.append(
            f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.severity.label} | "
            f"{'yes' if rule.on_by_default else 'no'} | {rule.fix_label} |"
        )
    return "\n".join(rows) + "\n"


def rendered_docs() -> dict[str, str]:
    """File name → content of every generated page."""
    pages = {f"{rule.code}.md": rule.markdown() for rule in ALL_RULES}
    pages["README.md"] = rule_index()
    return pages


def write_rule_docs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in rendered_docs().items():
        path = folder / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
