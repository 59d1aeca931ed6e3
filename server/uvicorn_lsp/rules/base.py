"""The shape every rule module fills in: one `RULE = Rule(...)` per module.

The registry, `uvicorn-lsp rule CODE`, hover text, the docs under docs/rules/
and SARIF metadata are all generated from these fields.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..engine.model import Applicability, Finding, Severity, Tag

if TYPE_CHECKING:
    from ..engine.context import RuleContext

DOCS_URL = "https://github.com/uvicorn-lsp/uvicorn-lsp/blob/main/docs/rules/{code}.md"


@dataclass(frozen=True)
class RuleDoc:
    what: str  # what it does
    why: str  # why it matters
    example: str  # code that triggers it
    use_instead: str  # the same code, right
    fix: str  # what the quick fix does (or why there is none)
    fix_safety: str  # when the fix could change behaviour
    notes: str = ""  # options, limits, references


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: Severity
    doc: RuleDoc
    check: Callable[[RuleContext], Iterable[Finding]]
    fix_applicability: Applicability | None = None  # None: the rule has no fix
    on_by_default: bool = True
    triggers: tuple[str, ...] = ("uvicorn",)  # words whose absence skips the rule
    tags: tuple[Tag, ...] = ()

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code)

    @property
    def fix_label(self) -> str:
        if self.fix_applicability is None:
            return "no fix"
        return f"{self.fix_applicability.value} fix"

    def markdown(self) -> str:
        """The rule's documentation page, as written to docs/rules/CODE.md."""
        d = self.doc
        default = "on" if self.on_by_default else "off (enable with `select` or `extend-select`)"
        sections = [
            f"# {self.code}: {self.name}",
            f"{self.summary}\n\n"
            f"- Default severity: **{self.severity.label}**\n"
            f"- On by default: {default}\n"
            f"- Fix: {self.fix_label}",
            f"## What it does\n\n{_clean(d.what)}",
            f"## Why is this bad?\n\n{_clean(d.why)}",
            f"## Example\n\n```python\n{_clean(d.example)}\n```",
            f"## Use instead\n\n```python\n{_clean(d.use_instead)}\n```",
            f"## Fix\n\n{_clean(d.fix)}",
            f"## Fix safety\n\n{_clean(d.fix_safety)}",
        ]
        if d.notes:
            sections.append(f"## Notes\n\n{_clean(d.notes)}")
        sections.append(
            "## Suppressing\n\n"
            f"Add `# noqa: {self.code}` to the line, or list `{self.code}` under `ignore` "
            "(or `per-file-ignores`) in `[tool.uvicorn-lsp]`."
        )
        return "\n\n".join(sections) + "\n"

    def hover(self) -> str:
        return f"**{self.code}** ({self.name}): {self.summary}\n\n{_clean(self.doc.why)}\n\n[Documentation]({self.url})"


def _clean(text: str) -> str:
    return textwrap.dedent(text).strip("\n")
