"""`include` / `extend-include`: validation (bad values dropped with a message, as for every
setting), editor settings over pyproject, and which paths the globs name (ruff's meaning)."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvicorn_lsp.engine import commands
from uvicorn_lsp.engine.config import Settings, load_settings, settings_from_mapping


@pytest.mark.parametrize("value", ["deploy/*.txt", 42, [1], ["ok", ""], {"a": "b"}])
@pytest.mark.parametrize("key", ["include", "extend-include"])
def test_bad_values_are_dropped_with_a_clear_message(key, value):
    settings, problems = settings_from_mapping({key: value}, "[tool.uvicorn-lsp]")
    assert settings.include is None and settings.extend_include == ()
    [problem] = problems
    assert problem.message.startswith(f"[tool.uvicorn-lsp]: setting '{key}' ignored: expected a list of glob patterns")


def test_bad_value_in_pyproject_names_the_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.uvicorn-lsp]\nextend-include = "start.txt"\n')
    settings, [problem] = load_settings(tmp_path / "start.txt")
    assert problem.path == str(tmp_path / "pyproject.toml")
    assert "'extend-include' ignored" in problem.message and settings.extend_include == ()


def test_editor_spellings_and_override():
    editor, problems = settings_from_mapping({"extendInclude": ["*.txt"], "include": ["*.py"]}, "editor settings")
    assert problems == []
    merged = Settings(include=("Dockerfile",), extend_include=("*.sh",)).overridden_by(editor)
    assert merged.include == ("*.py",) and merged.extend_include == ("*.txt",)


@pytest.mark.parametrize(
    "patterns, relative, named",
    [
        (("start.txt",), "start.txt", True),
        (("start.txt",), "deep/down/start.txt", True),  # a plain name matches in any folder
        (("deploy/start-*.txt",), "deploy/start-web.txt", True),
        (("deploy/start-*.txt",), "other/deploy/start-web.txt", False),  # a path is relative to the config
        (("deploy/*.txt",), "deploy/sub/start.txt", True),  # `*` crosses `/`, as globset's default in ruff
        (("/deploy/*.txt",), "deploy/start.txt", False),  # an absolute pattern stays absolute
        (("*.txt",), "notes.md", False),
    ],
)
def test_which_paths_the_globs_name(tmp_path, patterns, relative, named):
    settings = Settings(extend_include=patterns, base=tmp_path)
    assert settings.names_file(tmp_path / relative, Path("/elsewhere")) is named


def test_without_a_config_relative_patterns_start_at_the_workspace_root(tmp_path):
    assert Settings(include=("deploy/*.txt",)).names_file(tmp_path / "deploy/a.txt", tmp_path)


@pytest.mark.parametrize(
    "name, head, kind",
    [
        ("Dockerfile", "", "dockerfile"),
        ("prod-dockerfile", "", "dockerfile"),
        ("stack.yml", "", "compose"),
        ("Procfile-dev", "", "procfile"),
        ("tasks.json", "", "launch.json"),
        ("programs.ini", "", "supervisord"),
        ("start.txt", "", "shell"),
        ("serve", "#!/bin/sh\n", "shell"),
        ("serve", "#!/usr/bin/env python3\n", None),  # Python, checked as Python
        ("app.pyw", "", None),
    ],
)
def test_the_source_a_selected_file_is_read_as(name, head, kind):
    assert commands.implied_kind(Path("/p") / name, head) == kind
