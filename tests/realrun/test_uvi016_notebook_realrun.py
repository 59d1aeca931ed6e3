"""UVI016 in a notebook, run in a real ipykernel: the cell with uvicorn.run fails with the running
loop's RuntimeError; after `check --fix --unsafe-fixes` the fixed cell serves.

ipykernel and jupyter_client are installed from PyPI into a virtual environment of the test's own
(with the system site-packages, for uvicorn and fastapi); the kernel runs there."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.cli.conftest import run_cli
from tests.notebooks.notebook_files import code, notebook_text

from .conftest import free_port

pytestmark = pytest.mark.slow

# Runs the notebook's code cells in order in a fresh kernel; a cell that serves is stopped by an
# interrupt once "/" answered. Prints one JSON line per cell: its status, error name, and whether it served.
DRIVER = r"""
import json, sys, threading, time, urllib.request
from jupyter_client.manager import start_new_kernel

notebook, port = json.load(open(sys.argv[1])), int(sys.argv[2])
km, kc = start_new_kernel(kernel_name="python3")
try:
    for cell in notebook["cells"]:
        served, errors = [], []

        def probe():
            for _ in range(150):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                        served.append(response.status)
                        break
                except Exception:
                    time.sleep(0.1)
            km.interrupt_kernel()

        source = "".join(cell["source"])
        if "uvicorn.run(" in source or ".serve()" in source:  # a cell that starts the server
            threading.Thread(target=probe, daemon=True).start()
        hook = lambda msg: errors.append(msg["content"]["evalue"]) if msg["msg_type"] == "error" else None
        reply = kc.execute_interactive(source, timeout=60, output_hook=hook)
        print(json.dumps({"status": reply["content"]["status"], "errors": errors, "served": served}), flush=True)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
"""


def _kernel_venv(folder, *packages: str) -> str:
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(folder)], check=True)
    python = str(folder / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "ipykernel", "jupyter_client", *packages], check=True)
    return python


@pytest.fixture(scope="module")
def kernel_python(tmp_path_factory) -> str:
    return _kernel_venv(tmp_path_factory.mktemp("ipykernel-venv"), "nest_asyncio")


@pytest.fixture(scope="module")
def old_uvicorn_kernel_python(tmp_path_factory) -> str:
    """uvicorn 0.29 (its server calls asyncio.run, which nest_asyncio patches) over the system's fastapi."""
    return _kernel_venv(tmp_path_factory.mktemp("ipykernel-uvicorn-0.29"), "nest_asyncio", "uvicorn==0.29.0")


def run_cells(kernel_python: str, notebook, port: int) -> list[dict]:
    completed = subprocess.run(
        [kernel_python, "-c", DRIVER, str(notebook), str(port)], capture_output=True, text=True, timeout=180
    )
    assert completed.returncode == 0, completed.stderr
    return [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]


def test_run_in_a_cell_fails_and_the_fixed_cell_serves(tmp_path, kernel_python):
    port = free_port()
    path = tmp_path / "serve.ipynb"
    path.write_text(
        notebook_text(
            code("import uvicorn\n", "from fastapi import FastAPI\n", "\n", "app = FastAPI()\n", "\n", "\n",
                 "@app.get('/')\n", "def index():\n", "    return {'ok': True}"),
            code(f"uvicorn.run(app, port={port})"),
        ),
        encoding="utf-8",
    )  # fmt: skip
    report = run_cli(tmp_path, "--select", "UVI016", "serve.ipynb").stdout.decode()
    assert report.startswith("serve.ipynb:cell 2:1:1: UVI016"), report
    defined, started = run_cells(kernel_python, path, port)
    assert defined["status"] == "ok"
    assert started["status"] == "error" and started["served"] == []
    assert started["errors"] == ["Cannot run the event loop while another loop is running"]

    run_cli(tmp_path, "--select", "UVI016", "--fix", "--unsafe-fixes", "serve.ipynb")
    assert "await uvicorn.Server(uvicorn.Config(app, port=" in path.read_text(encoding="utf-8")
    _, serving = run_cells(kernel_python, path, port)
    assert serving["served"] == [200], serving


NESTED = (
    "import nest_asyncio\n",
    "nest_asyncio.apply()\n",
    "import uvicorn\n",
    "from fastapi import FastAPI\n",
    "\n",
    "app = FastAPI()\n",
    "\n",
    "\n",
    "@app.get('/')\n",
    "def index():\n",
    "    return {'ok': True}",
)


@pytest.mark.parametrize(("pinned", "serves"), [("0.29.0", True), ("0.54.0", False)])
def test_nest_asyncio_lets_uvicorn_before_0_36_run_in_a_cell(
    tmp_path, kernel_python, old_uvicorn_kernel_python, pinned, serves
):
    """nest_asyncio patches asyncio.run, which uvicorn 0.29 calls; 0.36 and newer run an asyncio.Runner it leaves
    alone (audit: a notebook serving with 0.29 was reported as failing)."""
    port = free_port()
    (tmp_path / "requirements.txt").write_text(f"uvicorn=={pinned}\nfastapi\n")
    path = tmp_path / "serve.ipynb"
    path.write_text(notebook_text(code(*NESTED), code(f"uvicorn.run(app, port={port})")), encoding="utf-8")
    report = run_cli(tmp_path, "--select", "UVI016", "serve.ipynb").stdout.decode()
    assert report.startswith("serve.ipynb:cell 2:1:1: UVI016") is not serves, report
    python = old_uvicorn_kernel_python if pinned == "0.29.0" else kernel_python
    defined, started = run_cells(python, path, port)
    assert defined["status"] == "ok", defined
    assert (started["served"] == [200]) is serves, started
