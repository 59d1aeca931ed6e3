"""docs/ builds into the documentation site with `mkdocs build --strict`: no link to a missing
page or anchor, none leaving docs/ except to the repository's URL, and every rule has the page
generated from its module."""

from __future__ import annotations

import os

import pytest

from uvicorn_lsp.rules import ALL_RULES

from .conftest import REPO, run

pytestmark = pytest.mark.slow  # installs mkdocs on the first run


def test_mkdocs_builds_the_site_strictly_with_the_generated_rule_pages(tools_bin, tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = run(tools_bin / "mkdocs", "build", "--strict", "--site-dir", site, cwd=REPO, env=env)
    assert "WARNING" not in process.stderr, process.stderr
    for rule in ALL_RULES:
        page = (site / "rules" / rule.code / "index.html").read_text(encoding="utf-8")
        assert f"{rule.code}: " in page and rule.name in page, f"{rule.code}'s page lacks its title"
    assert (site / "rules" / "index.html").is_file()
    assert "Only Linux is tested" in (site / "install" / "index.html").read_text(encoding="utf-8")
