"""docs/rules/ is generated from the rule modules and must match them."""

import textwrap
from pathlib import Path

from uvicorn_lsp.cli import main
from uvicorn_lsp.docs import rendered_docs
from uvicorn_lsp.rules import ALL_RULES

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules"


def test_rule_pages_are_current():
    expected = rendered_docs()
    stale = [
        name
        for name, content in expected.items()
        if not (DOCS / name).is_file() or (DOCS / name).read_text(encoding="utf-8") != content
    ]
    orphans = sorted(path.name for path in DOCS.glob("UVI*.md") if path.name not in expected)
    assert not stale and not orphans, f"stale: {stale}, orphans: {orphans}; run `uvicorn-lsp generate-docs docs/rules`"


def test_every_rule_documents_every_section():
    for rule in ALL_RULES:
        for section in ("what", "why", "example", "use_instead", "fix", "fix_safety"):
            assert getattr(rule.doc, section).strip(), f"{rule.code} has no {section}"
        if rule.doc.language == "python":  # command-line rules show a Dockerfile
            compile(textwrap.dedent(rule.doc.example), f"{rule.code} example", "exec")
            compile(textwrap.dedent(rule.doc.use_instead), f"{rule.code} use instead", "exec")


def test_rule_command_prints_the_page(capsys):
    assert main(["rule", "uvi001"]) == 0
    assert capsys.readouterr().out == next(r for r in ALL_RULES if r.code == "UVI001").markdown()


def test_unknown_rule_is_an_error(capsys):
    assert main(["rule", "UVI999"]) == 2
    assert "unknown rule" in capsys.readouterr().err


def test_readme_lists_every_rule():
    readme = (DOCS.parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [rule.code for rule in ALL_RULES if f"[{rule.code}](docs/rules/{rule.code}.md)" not in readme]
    assert not missing, f"README's rule table lacks {missing}"


def test_readme_table_states_each_rules_severity_and_fix_truthfully():
    readme = (DOCS.parents[1] / "README.md").read_text(encoding="utf-8")
    for rule in ALL_RULES:
        severity = rule.severity.label + ("" if rule.on_by_default else ", off by default")
        row = f"| [{rule.code}](docs/rules/{rule.code}.md) | {rule.summary} | {severity} | {rule.fix_label} |"
        assert row in readme, f"README's row for {rule.code} is stale; expected:\n{row}"
