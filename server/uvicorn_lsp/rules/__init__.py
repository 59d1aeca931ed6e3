"""The rule registry: the RULE of every `uviNNN_*.py` module here, in code order.

Adding a rule is adding a module; nothing else lists rules by hand."""

from __future__ import annotations

import importlib
import pkgutil
import re

from ..engine.rule import Rule

_RULE_MODULE = re.compile(r"^uvi\d{3}_\w+$")


def _discover() -> list[Rule]:
    rules = []
    for module_info in pkgutil.iter_modules(__path__):
        if _RULE_MODULE.match(module_info.name):
            rules.append(importlib.import_module(f"{__name__}.{module_info.name}").RULE)
    return sorted(rules, key=lambda rule: rule.code)


ALL_RULES: list[Rule] = _discover()
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
