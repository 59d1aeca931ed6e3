"""The real server with two faults planted, for the tests of how failures show (run as a script).

UVI003's check raises on a text containing RULE_FAILS, the whole analysis on one containing WHOLE_ANALYSIS_FAILS."""

from __future__ import annotations

import dataclasses

from uvicorn_lsp.engine import checker
from uvicorn_lsp.lsp.server import serve
from uvicorn_lsp.rules import ALL_RULES

BROKEN_RULE = "UVI003"
RULE_FAILS = "# UVI003 fails here"
WHOLE_ANALYSIS_FAILS = "# the whole analysis fails here"


def _check_that_can_raise(context):
    if RULE_FAILS in context.source.text:
        raise AttributeError("planted failure")
    return _real_rule_check(context)


def _check_text(text, *args, **kwargs):
    if WHOLE_ANALYSIS_FAILS in text:
        raise RuntimeError("planted failure of the whole analysis")
    return _real_check_text(text, *args, **kwargs)


if __name__ == "__main__":
    index = next(i for i, rule in enumerate(ALL_RULES) if rule.code == BROKEN_RULE)
    _real_rule_check = ALL_RULES[index].check
    ALL_RULES[index] = dataclasses.replace(ALL_RULES[index], check=_check_that_can_raise)
    _real_check_text = checker.check_text
    checker.check_text = _check_text
    serve()
