"""`uvicorn-lsp`: the command line, a thin front on the engine like the LSP server."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import __version__
from ..engine import source
from ..engine.config import Settings, settings_from_mapping
from ..engine.model import Problem
from ..rules import ALL_RULES, RULES_BY_CODE
from . import files, fixing, formats, runner
from .formats import display_path

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="uvicorn-lsp",
        description="Finds the mistakes people make when they start an ASGI app with uvicorn.",
    )
    parser.add_argument("--version", action="version", version=f"uvicorn-lsp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check files or folders and report findings")
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: the current folder); - reads one file from stdin",
    )
    check.add_argument("--format", choices=formats.FORMATS, default="text", help="output format (default: text)")
    check.add_argument(
        "--select", help="comma-separated rule codes or prefixes to enable (replaces the configured set)"
    )
    check.add_argument("--extend-select", help="comma-separated rule codes or prefixes to enable in addition")
    check.add_argument("--ignore", help="comma-separated rule codes or prefixes to disable")
    check.add_argument("--python", help="interpreter of the environment to analyse against")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place, then report what remains")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, also apply unsafe fixes")
    check.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a unified diff instead of writing them (exit 1 when there are any)",
    )
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument(
        "--statistics", action="store_true", help="print the number of findings per rule instead of the findings"
    )
    check.add_argument(
        "-q", "--quiet", action="store_true", help="print the findings and nothing else (no summary, no warnings)"
    )
    check.add_argument(
        "--stdin-filename",
        type=Path,
        help="the path of the file read from stdin: for config lookup, messages and fixes",
    )
    check.add_argument(
        "--exclude",
        help="comma-separated globs of files and folders to skip (replaces the configured and default ones)",
    )
    check.add_argument("--extend-exclude", help="comma-separated globs to skip in addition to the configured ones")
    check.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the excludes to files named on the command line too (for pre-commit)",
    )
    check.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="processes to check with (default: the number of CPUs)",
    )

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
        try:
            return run_check(arguments)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
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
            print(
                f"{rule.code}  {rule.name:<32} {rule.severity.label:<12} {rule.fix_label:<12} {rule.summary}{default}"
            )
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


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _flag_settings(arguments) -> Settings | None:
    table = {
        key: value
        for key, value in (
            ("select", arguments.select),
            ("extend-select", arguments.extend_select),
            ("ignore", arguments.ignore),
            ("python", arguments.python),
            ("exclude", _globs(arguments.exclude)),
            ("extend-exclude", _globs(arguments.extend_exclude)),
        )
        if value is not None
    }
    settings, problems = settings_from_mapping(table, "command line")
    for problem in problems:
        print(f"error: {problem.message}", file=sys.stderr)
    return None if problems else settings


def _globs(text: str | None) -> list[str] | None:
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


class _Reporter:
    """Problems go to stderr once each; `--quiet` keeps only errors."""

    def __init__(self, quiet: bool):
        self._quiet = quiet
        self._seen: set[str] = set()
        self.failed = False

    def warn(self, problem: Problem, fallback_path: str | None = None) -> None:
        where = problem.path or fallback_path
        text = f"{display_path(where)}: {problem.message}" if where else problem.message
        if text not in self._seen and not self._quiet:
            self._seen.add(text)
            print(f"warning: {text}", file=sys.stderr)

    def error(self, message: str) -> None:
        self.failed = True
        print(f"error: {message}", file=sys.stderr)


def run_check(arguments) -> int:
    settings = _flag_settings(arguments)
    if settings is None:
        return EXIT_ERROR
    reading_stdin = arguments.paths == [Path("-")] or (not arguments.paths and arguments.stdin_filename is not None)
    if Path("-") in arguments.paths and not reading_stdin:
        print("error: `-` (stdin) cannot be combined with other paths", file=sys.stderr)
        return EXIT_ERROR
    mode = runner.Mode(fix=arguments.fix or arguments.diff, unsafe_fixes=arguments.unsafe_fixes)
    reporter = _Reporter(arguments.quiet)
    if reading_stdin:
        return _check_stdin(arguments, settings, mode, reporter)

    paths = arguments.paths or [Path(".")]
    for path in paths:
        if not path.exists():
            reporter.error(f"{path}: no such file or folder")
    discovery = files.Discovery(settings, force_exclude=arguments.force_exclude)
    sources = discovery.find([path for path in paths if path.exists()])
    scan_problems: list[Problem] = []
    progress = runner.Progress()
    try:
        checked = runner.check_all(
            runner.scan(sources, scan_problems), mode, settings, arguments.jobs or runner.default_jobs(), progress
        )
    finally:
        progress.close()
    for problem in discovery.problems + scan_problems:
        reporter.warn(problem)
    originals = {job.source.path: job.data for job, _ in checked}
    results = [result for _, result in checked]
    for result in results:
        for problem in result.problems:
            reporter.warn(problem, result.path)
    if arguments.diff:
        return _finish_diff(arguments, results, originals, reporter)
    fixed = 0
    reports = []
    for result in results:
        if result.fixed_text is not None:
            if not _write_fixes(result, originals[result.path], reporter):
                continue  # its findings describe text that never reached the disk
            fixed += result.applied
        if result.findings:
            reports.append(formats.FileReport(result.path, result.findings))
    return _report(arguments, reports, fixed, reporter, sys.stdout)


def _write_fixes(result: runner.FileResult, original: bytes, reporter: _Reporter) -> bool:
    shown = display_path(result.path)
    try:
        fixing.write_atomically(result.path, original, fixing.encode_like(original, result.fixed_text))
    except fixing.ChangedOnDisk:
        reporter.error(f"{shown}: changed on disk while being checked; not fixed (run again)")
        return False
    except UnicodeEncodeError as error:
        reporter.error(f"{shown}: the fixed text cannot be written in the file's encoding ({error.reason}); not fixed")
        return False
    except OSError as error:
        reporter.error(f"{shown}: cannot write: {error.strerror or error}")
        return False
    return True


def _finish_diff(
    arguments, results: list[runner.FileResult], originals: dict[str | None, bytes], reporter: _Reporter
) -> int:
    changed = [result for result in results if result.fixed_text is not None]
    for result in changed:
        before = source.decode_source(originals[result.path])
        sys.stdout.write(fixing.unified_diff(display_path(result.path), before, result.fixed_text))
    if not arguments.quiet:
        count = sum(result.applied for result in changed)
        print(
            f"Would fix {count} problem{'' if count == 1 else 's'} in {len(changed)} file{'' if len(changed) == 1 else 's'}."
            if changed
            else "No fixes available.",
            file=sys.stderr,
        )
    if reporter.failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if changed and not arguments.exit_zero else EXIT_CLEAN


def _check_stdin(arguments, settings: Settings, mode: runner.Mode, reporter: _Reporter) -> int:
    """`check -`: one file from stdin. With --fix the fixed source goes to stdout
    and the report to stderr, so editors and formatters can pipe through it."""
    data = sys.stdin.buffer.read()
    path = str(arguments.stdin_filename.resolve()) if arguments.stdin_filename else None
    root = files.project_root(path) if path else os.getcwd()
    result = runner.check_one(path, root, data, mode, files.Workspaces(settings))
    for problem in result.problems:
        reporter.warn(problem, path)
    if arguments.diff:
        return _finish_diff(arguments, [result], {path: data}, reporter)
    reports = [formats.FileReport(path, result.findings)] if result.findings else []
    if arguments.fix:
        sys.stdout.buffer.write(fixing.encode_like(data, result.fixed_text) if result.fixed_text is not None else data)
        sys.stdout.flush()
        return _report(arguments, reports, result.applied, reporter, sys.stderr)
    return _report(arguments, reports, 0, reporter, sys.stdout)


def _report(arguments, reports: list[formats.FileReport], fixed: int, reporter: _Reporter, stream) -> int:
    if arguments.statistics:
        output = formats.render_statistics(reports, arguments.format == "json", arguments.unsafe_fixes)
    elif arguments.format == "text":
        output = formats.render_text(reports, formats.Summary(arguments.unsafe_fixes, fixed, arguments.quiet))
    else:
        output = formats.RENDERERS[arguments.format](reports)
    if output:
        print(output, file=stream)
    if reporter.failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if reports and not arguments.exit_zero else EXIT_CLEAN
