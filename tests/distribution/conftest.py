"""Release artifacts built from this repository: the sdist and wheel (`python -m build`), the .vsix
(editors/vscode/package.sh), and the tools that build and check them, installed from PyPI."""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOLS_REQUIREMENTS = Path(__file__).with_name("tools-requirements.txt")
TOOLS_VENV = REPO / ".cache" / "distribution" / "tools"
ARTIFACTS = REPO / "test-artifacts"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Two test runs in the same tree take turns at installing the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def run(*command: str | Path, timeout: float = 600, **options) -> subprocess.CompletedProcess[str]:
    """Runs a command and fails the test with its output when it exits non-zero."""
    process = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=timeout, **options
    )
    if process.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} exited with {process.returncode}:\n{process.stdout[-3000:]}\n"
            f"{process.stderr[-3000:]}",
            pytrace=False,
        )
    return process


@pytest.fixture(scope="session")
def tools_bin() -> Path:
    """The bin folder of a virtual environment holding tools-requirements.txt (build, twine, mkdocs),
    made once and again whenever that file changes."""
    stamp = TOOLS_VENV / f".installed-{hashlib.sha256(TOOLS_REQUIREMENTS.read_bytes()).hexdigest()[:16]}"
    with _locked(TOOLS_VENV.with_name("tools.lock")):
        if not stamp.is_file():
            run(sys.executable, "-m", "venv", "--clear", TOOLS_VENV)
            run(TOOLS_VENV / "bin" / "python", "-m", "pip", "install", "--quiet", "-r", TOOLS_REQUIREMENTS)
            stamp.touch()
    return TOOLS_VENV / "bin"


@pytest.fixture(scope="session")
def uv() -> Path:
    """uv from PyPI, installed by the script the VS Code packaging uses (one pinned version)."""
    process = run("bash", REPO / "editors" / "scripts" / "install-uv.sh")
    return Path(process.stdout.splitlines()[-1])


@pytest.fixture(scope="session")
def dist(tools_bin, tmp_path_factory) -> dict[str, Path]:
    """`python -m build` of the repository: the sdist, and the wheel built from that sdist."""
    out = tmp_path_factory.mktemp("dist")
    run(tools_bin / "python", "-m", "build", "--outdir", out, REPO, timeout=900)
    [sdist] = out.glob("uvicorn_lsp-*.tar.gz")
    [wheel] = out.glob("uvicorn_lsp-*-py3-none-any.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="session")
def wheel_venv(dist, tmp_path_factory) -> Path:
    """A fresh virtual environment with only the wheel (and its dependencies) installed; its bin folder."""
    venv = tmp_path_factory.mktemp("wheel-venv")
    run(sys.executable, "-m", "venv", "--clear", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", dist["wheel"], timeout=900)
    return venv / "bin"


@pytest.fixture(scope="session")
def vsix(tmp_path_factory) -> Path:
    """The .vsix made by editors/vscode/package.sh; its size goes to test-artifacts/vsix-size.txt."""
    out = tmp_path_factory.mktemp("vsix") / "uvicorn-lsp.vsix"
    started = time.monotonic()
    run("bash", REPO / "editors" / "vscode" / "package.sh", out, timeout=900)
    seconds = time.monotonic() - started
    with zipfile.ZipFile(out) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        files = len(archive.infolist())
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "vsix-size.txt").write_text(
        f"{out.stat().st_size / 1e6:.1f} MB packed, {unpacked / 1e6:.1f} MB unpacked, {files} files; "
        f"packaged in {seconds:.0f} s\n"
    )
    return out
