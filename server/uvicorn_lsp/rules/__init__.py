"""The rule registry: every rule module's RULE, in code order."""

from __future__ import annotations

from . import uvi001_app_object_with_reload
from .base import Rule

ALL_RULES: list[Rule] = sorted(
    (module.RULE for module in (uvi001_app_object_with_reload,)),
    key=lambda rule: rule.code,
)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
