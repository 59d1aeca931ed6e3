"""Precision study: `uvicorn-lsp check` on real public FastAPI/Starlette projects, two versions side by side.

    python bench/real_projects.py PROJECTS_DIR [--before SERVER_DIR] [--after SERVER_DIR]
                                               [--save DIR] [--timeout 300]

Every folder of PROJECTS_DIR is one project. Each version (a folder holding the `uvicorn_lsp` package, put on
PYTHONPATH; the run starts in a temporary directory so the shell's folder cannot matter) checks each project with
`check --format json` (plus `--no-cache` where the version knows it). The table gives, per project, the counts by
severity and code before and after; `--save DIR` keeps every JSON answer (`<project>.<label>.json`) for judging the
reports by hand. A version that exits 2 or prints no JSON is shown as `FAILED (...)`, never as zero findings.

The projects of issue 10's study (round 3: 48 projects), each at the commit used; bring them with the `fetch`
tool or `git clone` + `git checkout <commit>`, then copy the tree into PROJECTS_DIR/<repository name> (a snapshot
may lack large blobs: copy what `git ls-tree -r HEAD` lists through `git cat-file --batch`, skipping the missing,
since `git archive` stops at the first one and leaves half a tree):

    AaltoRSE/LLMGateway                                  53f11b6423b0742f722f9e4e9c67f5f6047a39b5
    Alkalit/ad_task                                      6a94ea5da91969f967c864a8167dd0b000316e30
    amang2/fastapi-best-practices                        a1b2ac3fbaffe97a5e9c9b041fd6c6a5edfd1e2f
    brstato/inkflow                                      6ec7642582bde515865082a20172a89a380b6c6e
    chenjr0719/concurrency_test                          f44b94d4893f8ed6aa1cac0d1e7fc619257bc6d4
    DaniilSever/FrontDrago                               751e03e2f277642ba60e2c253329428e555defd9
    Danoonka/meduzzen-backend-internship                 ac80a99967ad0deefc7b2c98186d08946af561a5
    darkweid/fastapi-template                            643c60fa0d7e92508421eab332903b9ed0813bb3  (folder darkweid-fastapi-template)
    emp7yhead/trivia-fastapi-app-api                     f56e4fe7248aee6f3758e342766bc55258784162
    emurze/fastapi-sqlalchemy-ddd-template               1ec96022be69d4de6e3ee85467d08c9bad5502d5
    ethando9999/RAG-Chatbot-Excel                        aebb9ab06f580699270d70029b484394d9646fab
    fastapi-practices/fastapi_best_architecture          2e86d79150c0abf0191dc8c189734214c4934a17
    fastapi/full-stack-fastapi-template                  68adb40d37425f6f8668ec7e5a054500d045e43e
    gomri15/order-management                             c80148912dc2b9432766b1750ad89c0a7cefedd7
    gunSlaveUnit/hotopia                                 b3c8826f7672c2ac95b222451c4777bd271d9d89
    hngprojects/hng_boilerplate_python_fastapi_web       5a01cac16e263f598896c0c57bd054007ad18b6b
    hoamxTrav/hoamx-watcher-agent                        e2e1099aa1a34334cd760e84fa0bff67343997e6
    insistence/RuoYi-Vue3-FastAPI                        b05614569fc6d77215f2629a33591335f4731ddc
    jod35/fastapi-deploy-demo                            b6f22dddb4af850d5f38d819277e41e04c7bf63f
    juanrpo19/api_dynamo                                 3fbe30d2f81d00b3e1382033e9de8073daa225f2
    logingrupa/whisperX-FastAPI                          91cb7c6753384aca2fa9f8f141198ad239e75235
    LuckySting/ARBserver                                 429e2b3aa55be7f6b3ebc10f95fa7bc329270717
    mahenzon/FastAPI-base-app                            b73780859205e6f0453a5837d5eec630e7731319
    Maksim-Junior/WebSocket-Chat-                        81aa434e8b9df3194bbbae22812b9a3fb3984cc7
    mg-login-examples/login-backend-fastapi              0a21252c78bc5307daee929a8c22ae1e2f03acba
    mnaimfaizy/fastapi_rbac                              990b9d1f12c04ac0e45947e6283564de9e8e68a9
    MOSTDORGEOTREST/dashboard                            7fa1e820f3528daaee1cacdcadaa08e6e103c323
    nexent-dev/faraja-yangu-tv-backend                   4332967e64778bc7f3ce954328642cf7d6885411
    nika-doroshkevich/Base_fastapi_app                   3261fdfdd8ff2db4f334656a3b7d37ab6fff90c5
    nyashkin/open-shop                                   8f4de73e0aae5ca568a06b8a59af376866113685
    rajeshbond/testing-13.4.2024                         a01b7ac7c1e63600750c24a45c52d2098f6c8f62
    renalreg/ukrdc-fastapi                               5517a87eef0f8608c322533351a4389679d364c8
    runningwyh/BookManagementProject                     5b284dea3768df7286ca933fd064728cd1f0028a
    ryanwclark1/fastapi-template                         4874ef79d4d8ea3105685383c17f670969634809  (folder ryanwclark1-fastapi-template)
    SebastianMV/FastAPI-Enterprise-Boilerplate           8b8a7373eac8b8c06e24e75f9b098641f156869c
    Shokhzod-25/Test-Repository                          28d99d325a24a15a83fa7cca51f4ac47b8f1d24b
    stac-utils/stac-fastapi                              68cf814247e8290c4e3618372b227e409a88f341
    Steven-Mendez/starter-template-fastapi               366b35377e2f3e4874377183acdf1140cb3eba75
    supervisely-ecosystem/dev-names-generator-tutorial   8d0c542229b63e7a60949e5b5b11f5883b90e286
    talasbekov/test-project-fastapi                      56ef25edc93b21e531213c0704cb12f055c27787
    talkdai/dialog                                       f8f4035252836760ac141090764463234047425c
    TEA-21/MRZ_Read                                      5bcc75fb02a48aa17f8d813360a78a3da525ed93
    ThirVondukr/tarkov-backend                           96fb9a133b1e874de62e876c23922d078817d943
    uriyyo/fastapi-pagination                            112bb00cafaa6448ff49b2a65363f18383913f6e
    vasilistotskas/grooveshop-django-api                 ddb4ecd3abb24f5d80fa299940223515bdbba45e
    walkerchiu/fastapi-starter                           9631b48847afa2398496a3f1d1911d2fae74b6b5
    woopzz/pkb-users                                     f25fa305b4c8c7570716603917dd0e4eebb9dec2
    xkurozaru/plant-diagnosis-backend                    765edeb15b9b09433e2658bc989e81c36aa1d779

The default versions are the end of the previous round (/work/before_round/server, a worktree of that commit)
and this checkout's server/.
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
