"""`uvicorn-lsp`: the command line, a thin front on the engine like the LSP server."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import __version__
from ..engine import checker
from ..engine.config import Settings, settings_from_mapping
from ..rules import ALL_RULES, RULES_BY_CODE
from . import files, formats

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="uvicorn-lsp",
        description="Finds the mistakes people make when they start an ASGI app with uvicorn.",
    )
    parser.add_argument("--version", action="version", version=f"uvicorn-lsp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check files or folders and report findings")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: the current folder)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    check.add_argument("--select", help="comma-separated rule codes or prefixes to enable (replaces the configured set)")
    check.add_argument("--extend-select", help="comma-separated rule codes or prefixes to enable in addition")
    check.add_argument("--ignore", help="comma-separated rule codes or prefixes to disable")
    check.add_argument("--python", help="interpreter of the environment to analyse against")

    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("code", help="a rule code such as UVI001")

    commands.add_parser("rules", help="list every rule")

    serve = commands.add_parser("serve", help="run the language server over stdio")
    serve.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default and only transport)")
    serve.add_argument("--log-file", type=Path, help="also write the server's log to this file")

    docs = commands.add_parser("generate-docs", help="write docs/rules/*.md from the rule modules")
    docs.add_argument("folder", type=Path, nargs="?", default=Path("docs/rules"))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "check":
        return run_check(arguments)
    if arguments.command == "rule":
        rule = RULES_BY_CODE.get(arguments.code.upper())
        if rule is None:
            print(f"error: unknown rule {arguments.code!r}; `uvicorn-lsp rules` lists them", file=sys.stderr)
            return EXIT_ERROR
        print(rule.markdown(), end="")
        return EXIT_CLEAN
    if arguments.command == "rules":
        for rule in ALL_RULES:
            default = "" if rule.on_by_default else "  (off by default)"
            print(f"{rule.code}  {rule.name:<32} {rule.severity.label:<12} {rule.fix_label:<12} {rule.summary}{default}")
        return EXIT_CLEAN
    if arguments.command == "serve":
        from ..lsp.server import serve

        serve(arguments.log_file)
        return EXIT_CLEAN
    if arguments.command == "generate-docs":
        from ..docs import write_rule_docs

        for path in write_rule_docs(arguments.folder):
            print(path)
        return EXIT_CLEAN
    parser.print_help()
    return EXIT_ERROR


def _flag_settings(arguments) -> Settings | None:
    table = {
        key: value
        for key, value in (
            ("select", arguments.select),
            ("extend-select", arguments.extend_select),
            ("ignore", arguments.ignore),
            ("python", arguments.python),
        )
        if value is not None
    }
    settings, problems = settings_from_mapping(table, "command line")
    for problem in problems:
        print(f"error: {problem.message}", file=sys.stderr)
    return None if problems else settings


def run_check(arguments) -> int:
    settings = _flag_settings(arguments)
    if settings is None:
        return EXIT_ERROR
    paths = arguments.paths or [Path(".")]
    missing = [path for path in paths if not path.exists()]
    for path in missing:
        print(f"error: {path}: no such file or folder", file=sys.stderr)
    workspaces = files.Workspaces(settings)
    reports = []
    seen_problems: set[str] = set()
    for path in files.iter_python_files([p for p in paths if p.exists()]):
        result = checker.check_file(path, workspaces.for_file(path))
        for problem in result.problems:
            text = f"{problem.path or path}: {problem.message}"
            if text not in seen_problems:
                seen_problems.add(text)
                print(f"warning: {text}", file=sys.stderr)
        if result.findings:
            reports.append(formats.FileReport(path, result.findings))
    output = formats.render_json(reports) if arguments.format == "json" else formats.render_text(reports)
    print(output)
    if missing:
        return EXIT_ERROR
    return EXIT_FINDINGS if reports else EXIT_CLEAN
