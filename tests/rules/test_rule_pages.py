"""What every rule page and message promises: the command-line form next to the Python one (or why
there is none), and messages within MESSAGE_LIMIT with the names they quote kept recognisable."""

from __future__ import annotations

import dataclasses

import pytest

from uvicorn_lsp.engine.model import Severity
from uvicorn_lsp.engine.rule import MESSAGE_LIMIT, Quoted, Rule, RuleDoc, elide, fit_message
from uvicorn_lsp.rules import ALL_RULES

DOC = RuleDoc(what="w", why="y", example="x = 1", use_instead="x = 2", fix="f", fix_safety="s")


def _rule(doc: RuleDoc, judges_commands: bool) -> Rule:
    return Rule(
        code="UVI999",
        name="made-up",
        summary="s",
        severity=Severity.WARNING,
        doc=doc,
        check=lambda ctx: [],
        judges_commands=judges_commands,
    )


@pytest.mark.parametrize(
    ("doc", "judges_commands"),
    [
        (DOC, True),  # judges command lines, shows none
        (dataclasses.replace(DOC, command_example="# run.sh\nuvicorn main:app"), True),  # an example without its fix
        (DOC, False),  # Python only, without saying why
        (dataclasses.replace(DOC, python_only="one\ntwo"), False),  # in more than one line
        (dataclasses.replace(DOC, python_only="why", command_example="# run.sh\nuvicorn main:app"), False),
    ],
)
def test_a_page_without_its_command_line_form_or_reason_is_refused(doc, judges_commands):
    with pytest.raises(ValueError):
        _rule(doc, judges_commands)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_every_page_shows_the_command_line_form_or_says_python_only(rule):
    page = rule.markdown()
    if not rule.judges_commands:
        assert page.count("Python only: ") == 1 and "On a command line:" not in page
    elif rule.doc.language == "python":
        example, use_instead = page.split("## Use instead")
        assert "On a command line:" in example.split("## Example")[1] and "On a command line:" in use_instead
    else:  # the rule reads command lines only: its example is one
        assert rule.doc.language != "python" and "Python only" not in page


def test_elide_keeps_the_start_and_the_longer_end():
    name = "company_internal.platform_services.customer_accounts.api.v2.main"
    short = elide(name, 32)
    assert len(short) == 32 and short.startswith("company_") and short.endswith("accounts.api.v2.main")
    assert elide("main:app", 32) == "main:app"


def test_elide_cuts_a_phrase_inside_its_longest_word():
    phrase = "the script run by backend/deploy/Dockerfile.production's ENTRYPOINT"
    short = elide(phrase, 60)
    assert len(short) == 60 and short.startswith("the script run by backend/") and short.endswith("'s ENTRYPOINT")
    # A word too short to take the cut: the phrase is cut as a whole, as before.
    assert elide("the coroutine `main`", 16) == "the c…ine `main`"


def test_fit_message_cuts_names_only_when_the_message_is_too_long():
    template = '"{name}" will not load: ' + "x" * 100
    assert fit_message(template, name=Quoted("main:app")) == '"main:app" will not load: ' + "x" * 100
    long = fit_message(template, name=Quoted("pkg." * 30 + "main:app"))
    assert len(long) <= MESSAGE_LIMIT and "…" in long and long.startswith('"pkg.') and 'main:app"' in long
    # A field's value is inserted as it is, never read as a template (user code may hold braces).
    assert fit_message("{a}{b}", a="{b}", b=Quoted("x")) == "{b}x"


def test_fit_message_takes_the_shorter_wording_before_cutting_a_name():
    """Audit repro-2: a phrase and a 27-character import string were cut to fit ("the F…ance `app`")."""
    name = Quoted("fastapi_playground.main:app")
    long, short = "use {name} " + "x" * 140, "use {name}"
    assert fit_message(long, short, name=name) == "use fastapi_playground.main:app"
    assert fit_message("use {name}", "{name}", name=name) == "use fastapi_playground.main:app"  # it fits
