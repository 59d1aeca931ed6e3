"""examples/docker: the broken files report what the README shows; the right Dockerfile reports nothing."""

from __future__ import annotations

from pathlib import Path

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES

EXAMPLE = Path(__file__).parents[3] / "examples" / "docker"


def codes(name: str) -> list[tuple[int, int, str]]:
    result = checker.check_file(EXAMPLE / name, Workspace(EXAMPLE), ALL_RULES)
    return [(f.range.start.line + 1, f.range.start.character + 1, f.code) for f in result.findings]


def test_broken_files_report_each_mistake():
    assert {(9, 6, "UVI015"), (9, 45, "UVI014")} <= set(codes("Dockerfile"))
    assert {(5, 35, "UVI015"), (5, 62, "UVI014")} <= set(codes("compose.prod.yaml"))


def test_right_dockerfile_is_clean():
    assert codes("Dockerfile.right") == []
