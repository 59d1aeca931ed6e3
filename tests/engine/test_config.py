"""Rule selection semantics, as in ruff."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine.config import Settings, settings_from_mapping


@pytest.mark.parametrize(
    "settings, code, on_by_default, enabled",
    [
        (Settings(), "UVI001", True, True),
        (Settings(), "UVI011", False, False),
        (Settings(select=("UVI",)), "UVI011", False, False),  # prefixes never enable off-by-default rules
        (Settings(select=("UVI011",)), "UVI011", False, True),
        (Settings(extend_select=("UVI011",)), "UVI011", False, True),
        (Settings(extend_select=("UVI011",)), "UVI001", True, True),
        (Settings(select=("UVI002",)), "UVI001", True, False),
        (Settings(select=("UVI00",), ignore=("UVI001",)), "UVI001", True, False),
        (Settings(select=("UVI001",), ignore=("UVI",)), "UVI001", True, True),  # the more specific selector wins
        (Settings(ignore=("ALL",)), "UVI001", True, False),
    ],
)
def test_selection(settings, code, on_by_default, enabled):
    assert settings.is_enabled(code, on_by_default) is enabled


def test_editor_settings_override_pyproject():
    file_settings = Settings(select=("UVI001",), severity={"UVI001": "warning"})
    editor, problems = settings_from_mapping(
        {"select": ["UVI002"], "extendSelect": ["UVI011"], "perFileIgnores": {"a.py": ["UVI002"]}}, "editor"
    )
    merged = file_settings.overridden_by(editor)
    assert problems == []
    assert merged.select == ("UVI002",) and merged.extend_select == ("UVI011",)
    assert merged.severity == {"UVI001": "warning"} and merged.per_file_ignores == {"a.py": ("UVI002",)}


def test_codes_may_be_a_comma_separated_string():
    settings, _ = settings_from_mapping({"ignore": "uvi001, UVI002"}, "cli")
    assert settings.ignore == ("UVI001", "UVI002")
