"""Precision study: `uvicorn-lsp check` on real public FastAPI/Starlette projects, two versions side by side.

    python bench/real_projects.py PROJECTS_DIR [--before SERVER_DIR] [--after SERVER_DIR]
                                               [--save DIR] [--timeout 300]

Every folder of PROJECTS_DIR is one project. Each version (a folder holding the `uvicorn_lsp` package, put on
PYTHONPATH; the run starts in a temporary directory so the shell's folder cannot matter) checks each project with
`check --format json` (plus `--no-cache` where the version knows it). The table gives, per project, the counts by
severity and code before and after; `--save DIR` keeps every JSON answer (`<project>.<label>.json`) for judging the
reports by hand. A version that exits 2 or prints no JSON is shown as `FAILED (...)`, never as zero findings.

The projects of issue 10's study (round 3), each at the commit used; bring them with the `fetch` tool or
`git clone` + `git checkout <commit>`, then `git archive HEAD | tar -x -C PROJECTS_DIR/<name>`:

    Maksim-Junior/WebSocket-Chat-                   81aa434e8b9df3194bbbae22812b9a3fb3984cc7
    SebastianMV/FastAPI-Enterprise-Boilerplate      8b8a7373eac8b8c06e24e75f9b098641f156869c
    Steven-Mendez/starter-template-fastapi          366b35377e2f3e4874377183acdf1140cb3eba75
    darkweid/fastapi-template                       643c60fa0d7e92508421eab332903b9ed0813bb3
    emurze/fastapi-sqlalchemy-ddd-template          1ec96022be69d4de6e3ee85467d08c9bad5502d5
    fastapi/full-stack-fastapi-template             68adb40d37425f6f8668ec7e5a054500d045e43e
    fastapi-practices/fastapi_best_architecture     2e86d79150c0abf0191dc8c189734214c4934a17
    hngprojects/hng_boilerplate_python_fastapi_web  5a01cac16e263f598896c0c57bd054007ad18b6b
    insistence/RuoYi-Vue3-FastAPI                   b05614569fc6d77215f2629a33591335f4731ddc
    logingrupa/whisperX-FastAPI                     91cb7c6753384aca2fa9f8f141198ad239e75235
    mahenzon/FastAPI-base-app                       b73780859205e6f0453a5837d5eec630e7731319
    mg-login-examples/login-backend-fastapi         0a21252c78bc5307daee929a8c22ae1e2f03acba
    mnaimfaizy/fastapi_rbac                         990b9d1f12c04ac0e45947e6283564de9e8e68a9
    renalreg/ukrdc-fastapi                          5517a87eef0f8608c322533351a4389679d364c8
    ryanwclark1/fastapi-template                    4874ef79d4d8ea3105685383c17f670969634809
    stac-utils/stac-fastapi                         68cf814247e8290c4e3618372b227e409a88f341
    uriyyo/fastapi-pagination                       112bb00cafaa6448ff49b2a65363f18383913f6e
    walkerchiu/fastapi-starter                      9631b48847afa2398496a3f1d1911d2fae74b6b5

The folder names used were the repository names (`fastapi-template` for darkweid's). The default versions are the
end of the previous round (/work/before_round/server, a worktree of that commit) and this checkout's server/.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY_SERVER = Path(__file__).resolve().parent.parent / "server"


@dataclass
class Outcome:
    """One version's answer on one project: counts by (severity, code), or why there is none."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    failure: str | None = None

    def summary(self) -> str:
        if self.failure is not None:
            return f"FAILED ({self.failure})"
        if not self.counts:
            return "-"
        by_severity = Counter[str]()
        for (severity, _code), number in self.counts.items():
            by_severity[severity] += number
        codes = " ".join(
            f"{code}:{severity[0]}{number}"
            for (severity, code), number in sorted(self.counts.items(), key=lambda item: item[0][::-1])
        )
        totals = "/".join(str(by_severity[severity]) for severity in ("error", "warning", "information"))
        return f"{totals} [{codes}]"


def knows_no_cache(server_dir: Path, work_dir: str) -> bool:
    """Whether this version's `check` takes `--no-cache` (older ones have no cache and reject the flag)."""
    help_text = run_version(server_dir, ["check", "--help"], work_dir, timeout=60).stdout
    return "--no-cache" in help_text


def run_version(server_dir: Path, arguments: list[str], work_dir: str, timeout: float) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONPATH=str(server_dir))
    return subprocess.run(
        [sys.executable, "-m", "uvicorn_lsp", *arguments],
        cwd=work_dir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def check_project(
    server_dir: Path, project: Path, no_cache: bool, work_dir: str, timeout: float
) -> tuple[Outcome, str]:
    arguments = ["check", "--format", "json", *(["--no-cache"] if no_cache else []), str(project)]
    try:
        completed = run_version(server_dir, arguments, work_dir, timeout)
    except subprocess.TimeoutExpired:
        return Outcome(failure=f"timed out after {timeout:.0f} s"), ""
    try:
        findings = json.loads(completed.stdout)
    except json.JSONDecodeError:
        last_line = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return Outcome(failure=f"exit {completed.returncode}: {last_line[:120]}"), completed.stdout
    outcome = Outcome(counts=Counter((finding["severity"], finding["code"]) for finding in findings))
    if completed.returncode == 2:
        outcome.failure = f"exit 2 with {len(findings)} findings: {completed.stderr.strip()[:120]}"
    return outcome, completed.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", type=Path, help="a folder holding one folder per project")
    parser.add_argument("--before", type=Path, default=Path("/work/before_round/server"))
    parser.add_argument("--after", type=Path, default=REPOSITORY_SERVER)
    parser.add_argument("--save", type=Path, help="keep every JSON answer in this folder")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per project and version")
    options = parser.parse_args()

    versions = {"before": options.before.resolve(), "after": options.after.resolve()}
    projects = sorted(path for path in options.projects.resolve().iterdir() if path.is_dir())
    if options.save:
        options.save.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work_dir:
        no_cache = {label: knows_no_cache(server, work_dir) for label, server in versions.items()}
        rows = []
        for project in projects:
            outcomes = {}
            for label, server in versions.items():
                outcomes[label], raw = check_project(server, project, no_cache[label], work_dir, options.timeout)
                if options.save:
                    (options.save / f"{project.name}.{label}.json").write_text(raw)
            rows.append((project.name, outcomes))
            print(
                f"{project.name}: before {outcomes['before'].summary()} | after {outcomes['after'].summary()}",
                file=sys.stderr,
            )

    print("counts are errors/warnings/information [CODE:<severity initial><count>]")
    print(f"{'project':<40} {'before':<60} after")
    for name, outcomes in rows:
        print(f"{name:<40} {outcomes['before'].summary():<60} {outcomes['after'].summary()}")
    failed = any(outcome.failure for _name, outcomes in rows for outcome in outcomes.values())
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
