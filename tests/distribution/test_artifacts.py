"""The release artifacts install clean and agree: sdist and wheel pass `twine check`, the wheel in a
fresh virtual environment checks like the editable install, `uv tool install` puts the command on
PATH, and every artifact reports the version written in server/uvicorn_lsp/__init__.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

import uvicorn_lsp

from .conftest import REPO, run

pytestmark = pytest.mark.slow

SHOP = REPO / "examples" / "shop"


def test_build_makes_an_sdist_and_a_wheel_that_twine_accepts(dist, tools_bin):
    run(tools_bin / "twine", "check", "--strict", dist["sdist"], dist["wheel"])
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
        info = f"uvicorn_lsp-{uvicorn_lsp.__version__}.dist-info"
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert {"uvicorn_lsp/__init__.py", "uvicorn_lsp/rules/__init__.py", f"{info}/licenses/LICENSE"} <= names
    assert "uvicorn-lsp = uvicorn_lsp.startup:entry" in entry_points
    with tarfile.open(dist["sdist"]) as sdist:
        root = f"uvicorn_lsp-{uvicorn_lsp.__version__}"
        members = set(sdist.getnames())
    assert {f"{root}/{name}" for name in ("pyproject.toml", "README.md", "LICENSE")} <= members


def test_the_wheel_in_a_fresh_venv_checks_like_the_editable_install(wheel_venv, tmp_path):
    """Same findings, summary and exit status on the example project, both analysing the test
    environment (uvicorn 0.54) so only the installed code differs. Each run gets its own copy of
    the project, so neither reads results the other cached."""
    outputs = []
    for name, command in (("editable", [sys.executable, "-m", "uvicorn_lsp"]), ("wheel", [wheel_venv / "uvicorn-lsp"])):
        copy = tmp_path / name
        shutil.copytree(SHOP, copy / "examples" / "shop")
        process = run_check(*command, "check", "examples/shop", "--python", sys.executable, cwd=copy)
        outputs.append((process.returncode, process.stdout, process.stderr))
    editable, wheel = outputs
    assert editable[0] == 1 and "UVI001" in editable[1], editable
    assert wheel == editable


def test_uv_tool_install_puts_the_command_on_path(uv, dist, tmp_path):
    tool_bin = tmp_path / "bin"
    env = {**os.environ, "UV_TOOL_DIR": str(tmp_path / "tools"), "UV_TOOL_BIN_DIR": str(tool_bin)}
    run(uv, "tool", "install", "--python", sys.executable, dist["wheel"], env=env, timeout=900)
    command = shutil.which("uvicorn-lsp", path=str(tool_bin))
    assert command is not None, f"uvicorn-lsp is not in {tool_bin}: {sorted(os.listdir(tool_bin))}"
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_text(
        'import uvicorn\n\napp = object()\n\nif __name__ == "__main__":\n    uvicorn.run(app, reload=True)\n'
    )
    process = run_check(command, "check", "main.py", cwd=project)
    assert process.returncode == 1 and "main.py:6:17: UVI001" in process.stdout, process


async def test_every_artifact_reports_the_same_version(dist, wheel_venv, vsix, tmp_path):
    version = uvicorn_lsp.__version__
    reported = {
        "wheel file name": dist["wheel"].name.split("-")[1],
        "sdist file name": dist["sdist"].name.removesuffix(".tar.gz").split("-")[1],
        "uvicorn-lsp --version": run(wheel_venv / "uvicorn-lsp", "--version").stdout.split(),
        "SARIF tool.driver.version": _sarif_version(wheel_venv / "uvicorn-lsp", tmp_path),
        "serverInfo of uvicorn-lsp serve": await _server_version(str(wheel_venv / "uvicorn-lsp"), "serve"),
    }
    with zipfile.ZipFile(vsix) as archive:
        archive.extractall(tmp_path / "vsix")
    manifest = json.loads((tmp_path / "vsix" / "extension" / "package.json").read_text())
    reported[".vsix package.json"] = manifest["version"]
    vsixmanifest = (tmp_path / "vsix" / "extension.vsixmanifest").read_text()
    reported[".vsix Identity"] = vsixmanifest.split('Id="uvicorn-lsp" Version="')[1].split('"')[0]
    bundled = tmp_path / "vsix" / "extension" / "bundled" / "tool" / "server.py"
    reported["serverInfo of the .vsix's bundled server"] = await _server_version(sys.executable, str(bundled))
    assert reported["uvicorn-lsp --version"] == ["uvicorn-lsp", version]
    reported["uvicorn-lsp --version"] = version
    assert reported == dict.fromkeys(reported, version)


def run_check(*command, cwd: Path):
    """`check` exits 1 when it finds something, so only 2 (an error) fails here."""
    process = subprocess.run([str(part) for part in command], capture_output=True, text=True, cwd=cwd, timeout=300)
    assert process.returncode in (0, 1), process
    return process


def _sarif_version(command: Path, tmp_path: Path) -> str:
    source = tmp_path / "sarif" / "main.py"
    source.parent.mkdir()
    source.write_text("import uvicorn\n")
    process = run_check(command, "check", "--format", "sarif", "main.py", cwd=source.parent)
    return json.loads(process.stdout)["runs"][0]["tool"]["driver"]["version"]


async def _server_version(*command: str) -> str:
    """Starts a server over stdio, and returns the serverInfo.version of its initialize result."""
    client = LanguageClient("distribution-test", "1")
    await client.start_io(*command)
    try:
        result = await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
    assert result.server_info is not None and result.server_info.name == "uvicorn-lsp"
    return result.server_info.version
