"""`uvicorn-lsp`: the command line, a thin front on the engine like the LSP server."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from .. import __version__, generated_code
from ..engine import config, discovery
from ..engine.config import Settings, settings_from_mapping
from ..engine.model import Problem, ProblemKind
from . import cache as cache_module
from . import formats, runner
from .cache import Cache, RuleSet
from .file_check import FileResult, Mode
from .formats import display_path

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
ISSUES_URL = "https://github.com/uvicorn-lsp/uvicorn-lsp/issues"
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
    check.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the cache of results (.uvicorn-lsp_cache)"
    )
    check.add_argument("--cache-dir", help="the folder of the cache of results (default: .uvicorn-lsp_cache)")
    check.add_argument(
        "--timeout-per-file",
        type=_positive_float,
        metavar="SECONDS",
        help="stop analysing a file after this long; it is reported and the run exits 2 (default: no limit)",
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


def entry() -> None:
    """The `uvicorn-lsp` command and `python -m uvicorn_lsp`. After `check`, which leaves nothing to
    finish (its files are written, its pool shut down), the process ends without freeing the run's
    objects one by one (~10 ms of a re-run over 10,000 files), as mypy does."""
    try:
        code = main()
    except Exception:  # the tool itself failed outside any rule: the run did not complete
        import traceback

        traceback.print_exc()
        print(f"error: uvicorn-lsp crashed. This is a bug: please report it at {ISSUES_URL}", file=sys.stderr)
        sys.exit(EXIT_ERROR)
    generated_code.save()
    if sys.argv[1:2] != ["check"] or code == EXIT_INTERRUPTED:  # Ctrl-C: the normal exit waits for the workers
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a closed pipe: the output is lost whichever way the process ends
            pass
    os._exit(code)


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
        from ..rules import RULES_BY_CODE

        rule = RULES_BY_CODE.get(arguments.code.upper())
        if rule is None:
            print(f"error: unknown rule {arguments.code!r}; `uvicorn-lsp rules` lists them", file=sys.stderr)
            return EXIT_ERROR
        print(rule.markdown(), end="")
        return EXIT_CLEAN
    if arguments.command == "rules":
        from ..rules import ALL_RULES

        for rule in ALL_RULES:
            default = "" if rule.on_by_default else "  (off by default)"
            print(
                f"{rule.code}  {rule.name:<32} {rule.severity.label:<12} {rule.fix_label:<12} {rule.summary}{default}"
            )
        return EXIT_CLEAN
    if arguments.command == "serve":
        import gc

        gc.disable()  # the server's imports build objects that live as long as it: no collection passes over them
        generated_code.extend_to_attrs()  # lsprotocol's message classes
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


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _flag_settings(arguments) -> tuple[Settings, list[Problem]]:
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
    return settings_from_mapping(table, "command line")


def _globs(text: str | None) -> list[str] | None:
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


class _Reporter:
    """Problems go to stderr once each; `--quiet` keeps only errors. Configuration and
    internal errors, and files cut short by --timeout-per-file, fail the run (exit 2)."""

    def __init__(self, quiet: bool):
        self._quiet = quiet
        self._seen: set[str] = set()
        self.failed = False
        self._internal_errors = 0

    def problem(self, problem: Problem, fallback_path: str | None = None) -> None:
        where = problem.path or fallback_path
        text = f"{display_path(where)}: {problem.message}" if where else problem.message
        if problem.is_error:
            self.error(text)
            self._internal_errors += problem.kind is ProblemKind.INTERNAL_ERROR
        else:
            self.warn(text)

    def warn(self, text: str) -> None:
        if text not in self._seen and not self._quiet:
            self._seen.add(text)
            print(f"warning: {text}", file=sys.stderr)

    def error(self, message: str) -> None:
        self.failed = True
        if message not in self._seen:
            self._seen.add(message)
            print(f"error: {message}", file=sys.stderr)

    def result(self, result: FileResult) -> None:
        for problem in result.problems:
            self.problem(problem, result.path)
        if result.timed_out:
            self.failed = True
            self.warn(f"{display_path(result.path)}: not fully checked: --timeout-per-file ran out")

    def close(self) -> None:
        if self._internal_errors:
            print(
                f"error: uvicorn-lsp failed on {self._internal_errors} check{'' if self._internal_errors == 1 else 's'}; "
                f"its findings may be missing. This is a bug: please report it at {ISSUES_URL} "
                "with the file (or the smallest part of it that still fails) and the message above.",
                file=sys.stderr,
            )


def _open_cache(arguments) -> Cache:
    """--no-cache, else --cache-dir, else `cache-dir` of the pyproject.toml nearest the current
    folder (relative to that file), else .uvicorn-lsp_cache in the current project (as ruff)."""
    if arguments.no_cache or arguments.paths == [Path("-")] or (not arguments.paths and arguments.stdin_filename):
        return Cache(None)
    if arguments.cache_dir:
        return Cache(Path(arguments.cache_dir).absolute())
    settings, _ = config.load_settings(Path.cwd())
    return Cache(cache_module.default_folder(discovery.project_root(os.getcwd()), settings.cache_dir, settings.base))


def run_check(arguments) -> int:
    reading_stdin = arguments.paths == [Path("-")] or (not arguments.paths and arguments.stdin_filename is not None)
    if Path("-") in arguments.paths and not reading_stdin:
        print("error: `-` (stdin) cannot be combined with other paths", file=sys.stderr)
        return EXIT_ERROR
    cache = _open_cache(arguments)
    settings, problems = _flag_settings(arguments)
    keys = None
    if not reading_stdin and not problems:
        keys = runner.CacheKeys(cache, settings, discovery.Workspaces(settings))
        for path in arguments.paths or [Path(".")]:
            if path.exists():  # the analysed interpreter answers while the rules load and the files are read
                keys.ask_sys_path_ahead(discovery.project_root(os.path.abspath(path)))
    rules = cache.rule_set()
    problems += config.unknown_rule_codes(settings, rules.codes, where="command line")
    for problem in problems:
        print(f"error: {problem.message}", file=sys.stderr)
    if problems:
        return EXIT_ERROR
    mode = Mode(
        fix=arguments.fix or arguments.diff,
        unsafe_fixes=arguments.unsafe_fixes,
        timeout=arguments.timeout_per_file,
        known_codes=rules.codes,
    )
    reporter = _Reporter(arguments.quiet)
    try:
        if reading_stdin:
            return _check_stdin(arguments, settings, mode, reporter)
        assert keys is not None
        return _check_paths(arguments, settings, mode, reporter, cache, rules, keys)
    finally:
        reporter.close()


def _check_paths(
    arguments, settings: Settings, mode: Mode, reporter: _Reporter, cache: Cache, rules: RuleSet, keys: runner.CacheKeys
) -> int:
    paths = arguments.paths or [Path(".")]
    for path in paths:
        if not path.exists():
            reporter.error(f"{path}: no such file or folder")
    finder = discovery.Discovery(
        settings, force_exclude=arguments.force_exclude, known_codes=rules.codes, gitignores=cache.gitignores
    )
    sources = finder.find([path for path in paths if path.exists()])
    scan_problems: list[Problem] = []
    from_cache: list[FileResult] = []
    progress = runner.Progress()
    try:
        jobs = runner.scan(sources, scan_problems, rules, cache, keys, from_cache, mode)
        checked = runner.check_all(jobs, mode, settings, arguments.jobs or runner.default_jobs(), progress, cache)
    finally:
        progress.close()
    cache.save()
    for problem in finder.problems + scan_problems:
        reporter.problem(problem)
    originals: dict[str | None, bytes] = {job.source.path: job.data for job, _ in checked}
    results = sorted([result for _, result in checked] + from_cache, key=lambda result: result.path or "")
    for result in results:
        reporter.result(result)
    if arguments.diff:
        return _finish_diff(arguments, results, originals, reporter)
    fixed = 0
    reports = []
    for result in results:
        if result.fixed_text is not None:
            assert result.path is not None  # a file found on disk; only stdin's (checked apart) may have none
            if not _write_fixes(result.path, originals[result.path], result.fixed_text, reporter):
                continue  # its findings describe text that never reached the disk
            fixed += result.applied
        if result.findings:
            reports.append(formats.FileReport(result.path, result.findings))
    return _report(arguments, reports, fixed, reporter, sys.stdout)


def _write_fixes(path: str, original: bytes, fixed_text: str, reporter: _Reporter) -> bool:
    from . import fixing  # here and below: a run that fixes nothing never imports it

    shown = display_path(path)
    try:
        fixing.write_atomically(path, original, fixing.encode_like(original, fixed_text))
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


def _finish_diff(arguments, results: list[FileResult], originals: dict[str | None, bytes], reporter: _Reporter) -> int:
    from ..engine import source
    from . import fixing

    changed = [(result, result.fixed_text) for result in results if result.fixed_text is not None]
    for result, fixed_text in changed:
        before = source.decode_source(originals[result.path])
        sys.stdout.write(fixing.unified_diff(display_path(result.path), before, fixed_text))
    if not arguments.quiet:
        count = sum(result.applied for result, _ in changed)
        print(
            f"Would fix {count} problem{'' if count == 1 else 's'} in {len(changed)} file{'' if len(changed) == 1 else 's'}."
            if changed
            else "No fixes available.",
            file=sys.stderr,
        )
    if reporter.failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if changed and not arguments.exit_zero else EXIT_CLEAN


def _check_stdin(arguments, settings: Settings, mode: Mode, reporter: _Reporter) -> int:
    """`check -`: one file from stdin. With --fix the fixed source goes to stdout
    and the report to stderr, so editors and formatters can pipe through it."""
    from . import fixing

    data = sys.stdin.buffer.read()
    path = str(arguments.stdin_filename.resolve()) if arguments.stdin_filename else None
    root = discovery.project_root(path) if path else os.getcwd()
    # The text read is the file at --stdin-filename, whether or not it is on disk (yet).
    result = runner.check_one(path, root, data, mode, discovery.Workspaces(settings), overlay=True)
    reporter.result(result)
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
        output = formats.render_text(
            reports, formats.Summary(arguments.unsafe_fixes, fixed, arguments.quiet, reporter.failed)
        )
    else:
        output = formats.RENDERERS[arguments.format](reports)
    if output:
        _write(output, stream)
    if reporter.failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if reports and not arguments.exit_zero else EXIT_CLEAN


def _write(output: str, stream: TextIO) -> None:
    """Print the report. A reader that stops reading (`uvicorn-lsp check | head`) is no failure of the run: the
    rest of the output has nowhere to go, and the exit status stays the run's."""
    try:
        print(output, file=stream)
        stream.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # what is still buffered goes nowhere
