"""The shape every rule module fills in: one `RULE = Rule(...)` per module.

It lives in the engine, below both the checker and the rules, so the engine never
imports a rule: the fronts (CLI, LSP) pass the rule set in. The registry,
`uvicorn-lsp rule CODE`, hover text, the docs under docs/rules/ and SARIF metadata
are all generated from these fields.
"""

from __future__ import annotations

import enum
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Applicability, Finding, Severity, Tag

if TYPE_CHECKING:
    from .context import RuleContext

DOCS_URL = "https://github.com/uvicorn-lsp/uvicorn-lsp/blob/main/docs/rules/{code}.md"
# The longest finding message: what fails and its consequence, once; the rule page explains the rest.
MESSAGE_LIMIT = 160
# The widths `fit_message` tries for the names a message quotes, widest first.
_NAME_WIDTHS = (48, 40, 32, 24, 16)
# What a rule page says of notebooks when its RuleDoc does not say otherwise.
_NOTEBOOKS_PYTHON = "Checked like any Python file: a notebook's code cells, joined in order."
_NOTEBOOKS_COMMANDS = "Not checked: notebooks hold Python code, not the command lines this rule reads."


@dataclass(frozen=True)
class RuleDoc:
    what: str  # what it does
    why: str  # why it matters
    example: str  # code that triggers it
    use_instead: str  # the same code, right
    fix: str  # what the quick fix does (or why there is none)
    fix_safety: str  # when the fix could change behaviour
    notes: str = ""  # options, limits, references
    notebooks: str = ""  # how `.ipynb` files are treated, when not as every Python file
    language: str = "python"  # of the example and use_instead code blocks ("dockerfile" for a command rule)
    # A rule that judges command lines and has a Python example shows the command-line form next to it:
    # a file that triggers the rule (its first line names it: `# Dockerfile`, `# Procfile`, `# run.sh`)
    # and the same file right. tests/test_snapshots.py checks both in the example's project.
    command_example: str = ""
    command_use_instead: str = ""
    command_language: str = "dockerfile"  # of the command-line code blocks ("sh", "text" for a Procfile)
    # A rule that reads Python code only says so, in one line: why command lines are not its business.
    python_only: str = ""
    # A command-line rule whose verdict depends on the app the command starts: that module (its first line names
    # it: `# main.py`), shown before the example and written beside it (and beside `use_instead`) by the tests.
    example_module: str = ""


class FixAvailability(enum.Enum):
    """Whether a rule's findings come with a fix, as ruff's `FixAvailability`."""

    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NONE = "never"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: Severity
    doc: RuleDoc
    check: Callable[[RuleContext], Iterable[Finding]]
    # Whether findings carry fixes, and every safety those fixes can have (checked by the
    # test suite against every fix any test produces).
    fix_availability: FixAvailability = FixAvailability.NONE
    fix_applicabilities: tuple[Applicability, ...] = ()
    on_by_default: bool = True
    triggers: tuple[str, ...] = ("uvicorn",)  # words whose absence skips the rule
    # More words that select it in a command file (`fastapi run` names no uvicorn); a Python file without one
    # of `triggers` is not parsed for it.
    command_triggers: tuple[str, ...] = ()
    # Whether it judges launches from every source (Dockerfile, compose, Procfile... through
    # `ctx.launches`), not only Python files; a rule that reads Python syntax keeps False.
    judges_commands: bool = False
    tags: tuple[Tag, ...] = ()

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code)

    def __post_init__(self) -> None:
        if (self.fix_availability is FixAvailability.NONE) != (not self.fix_applicabilities):
            raise ValueError(f"{self.code}: fix availability and fix applicabilities disagree")
        doc = self.doc
        shows_commands = bool(doc.command_example and doc.command_use_instead)
        if self.judges_commands and doc.language == "python" and not shows_commands:
            raise ValueError(f"{self.code}: judges command lines, so its page needs their example and fix")
        python_only = doc.python_only.strip()
        if not self.judges_commands and (doc.command_example or not python_only or "\n" in python_only):
            raise ValueError(
                f"{self.code}: reads Python only, so its page says why in python_only, with no command example"
            )

    @property
    def fix_label(self) -> str:
        """ "no fix", "safe fix", "sometimes: safe or unsafe fix"."""
        if self.fix_availability is FixAvailability.NONE:
            return "no fix"
        kinds = " or ".join(applicability.value for applicability in self.fix_applicabilities)
        prefix = "sometimes: " if self.fix_availability is FixAvailability.SOMETIMES else ""
        return f"{prefix}{kinds} fix"

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
            f"## Example\n\n{self._example_module()}```{d.language}\n{_clean(d.example)}\n```"
            f"{self._command_form(d.command_example, python_only=True)}",
            f"## Use instead\n\n```{d.language}\n{_clean(d.use_instead)}\n```{self._command_form(d.command_use_instead, python_only=False)}",
            f"## Fix\n\n{_clean(d.fix)}",
            f"## Fix safety\n\n{_clean(d.fix_safety)}",
        ]
        notebooks = d.notebooks or (_NOTEBOOKS_PYTHON if d.language == "python" else _NOTEBOOKS_COMMANDS)
        sections.append(f"## Notebooks\n\n{_clean(notebooks)}")
        if d.notes:
            sections.append(f"## Notes\n\n{_clean(d.notes)}")
        sections.append(
            "## Suppressing\n\n"
            f"Add `# noqa: {self.code}` to the line, or list `{self.code}` under `ignore` "
            "(or `per-file-ignores`) in `[tool.uvicorn-lsp]`."
        )
        return "\n\n".join(sections) + "\n"

    def _example_module(self) -> str:
        """The module the example starts, when the verdict depends on it."""
        return f"```python\n{_clean(self.doc.example_module)}\n```\n\n" if self.doc.example_module else ""

    def _command_form(self, code: str, python_only: bool) -> str:
        """What follows the Python form of an example: the command-line form, or (once) why there is none."""
        if code:
            return f"\n\nOn a command line:\n\n```{self.doc.command_language}\n{_clean(code)}\n```"
        if python_only and self.doc.python_only:
            return f"\n\nPython only: {_clean(self.doc.python_only)}"
        return ""

    def hover(self) -> str:
        return f"**{self.code}** ({self.name}): {self.summary}\n\n{_clean(self.doc.why)}\n\n[Documentation]({self.url})"


def _clean(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


# The fewest characters a word of a phrase is cut to; past that the whole phrase is cut instead.
_SHORTEST_CUT_WORD = 10


def elide(text: str, width: int) -> str:
    """`text` within `width` characters: its start and its longer end around "…", so a dotted
    module name keeps its first package and its last parts (`company…services.api.main:app`).
    A phrase is cut inside its longest word (the name it quotes), so its other words still read:
    cut across them, "the script run by backend/Dockerfile.prod's ENTRYPOINT" read "the script run b…nd/…"."""
    if len(text) <= width:
        return text
    words = text.split(" ")
    longest = max(range(len(words)), key=lambda index: len(words[index]))
    kept = len(words[longest]) - (len(text) - width)
    if len(words) > 1 and kept >= _SHORTEST_CUT_WORD:
        words[longest] = elide(words[longest], kept)
        return " ".join(words)
    tail = (width - 1) * 2 // 3
    return f"{text[: width - 1 - tail]}…{text[len(text) - tail :]}"


@dataclass(frozen=True)
class Quoted:
    """A name or phrase a message quotes from the user's code, which `fit_message` may elide."""

    text: str
    scale: int = 1  # a phrase (a command's own error) gets this many names' width


def fit_message(template: str, shorter: str | None = None, /, **fields: str | Quoted) -> str:
    """`template.format(**fields)`, each Quoted field elided to the widest width that keeps the
    message within MESSAGE_LIMIT: short names are never cut, an 80-character module name is.
    `shorter`: a terser wording of the same message, used (with the names whole if it can) when the
    template's would not fit whole."""
    if shorter is not None:
        whole = template.format(**{key: getattr(value, "text", value) for key, value in fields.items()})
        if len(whole) > MESSAGE_LIMIT:
            template = shorter
    whole = template.format(**{key: getattr(value, "text", value) for key, value in fields.items()})
    if len(whole) <= MESSAGE_LIMIT:
        return whole
    for width in _NAME_WIDTHS:
        message = template.format(
            **{
                key: elide(value.text, width * value.scale) if isinstance(value, Quoted) else value
                for key, value in fields.items()
            }
        )
        if len(message) <= MESSAGE_LIMIT:
            return message
    return message
