"""Latency and memory of the language server, measured through a real stdio session.

    python bench/bench_lsp.py [--edits 60] [--select UVI001]

Figures:
- change → diagnostics, 1,000-line file with three uvicorn.run calls (median and p90, warm)
- change → diagnostics for a file that never mentions uvicorn, and the engine's own time for it
- first diagnostics after start (process start → initialize → open → diagnostics), cold
- resident memory of the server after opening 200 files
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SERVER = [sys.executable, "-m", "uvicorn_lsp", "serve"]

_FUNCTION = '''
def handler_{n}(request, limit: int = 10):
    """Return page {n} of the items."""
    items = [item for item in range(limit) if item % 3 != {m}]
    total = sum(items)
    if total > {n}:
        return {{"page": {n}, "items": items, "total": total}}
    return {{"page": {n}, "items": [], "total": 0}}

'''


def big_module(lines: int = 1000, with_uvicorn: bool = True) -> str:
    head = (
        "import os\n\nimport uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
        if with_uvicorn
        else "import os\n\n"
    )
    body = []
    n = 0
    while len((head + "".join(body)).splitlines()) < lines - 8:
        body.append(_FUNCTION.format(n=n, m=n % 3))
        n += 1
    tail = (
        (
            'if __name__ == "__main__":\n'
            "    uvicorn.run(app, reload=True)\n"
            '    uvicorn.run(app, workers=int(os.environ.get("WORKERS", "1")))\n'
            '    uvicorn.run("main:app", port=8001)\n'
        )
        if with_uvicorn
        else 'if __name__ == "__main__":\n    print(handler_0(None))\n'
    )
    return head + "".join(body) + tail


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("uvicorn-lsp-bench", "1")
        self.arrived: dict[str, dict[int | None, float]] = {}
        self.events: dict[str, asyncio.Event] = {}

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.arrived.setdefault(params.uri, {})[params.version] = time.perf_counter()
            self.events.setdefault(params.uri, asyncio.Event()).set()

        @self.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(params: types.ConfigurationParams):
            return [self.settings for _ in params.items]

    settings: dict = {}

    async def wait_version(self, uri: str, version: int, timeout: float = 30) -> float:
        deadline = time.perf_counter() + timeout
        while version not in self.arrived.get(uri, {}):
            event = self.events.setdefault(uri, asyncio.Event())
            event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no diagnostics for {uri} v{version}")
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self.arrived[uri][version]


async def start(root: Path, settings: dict) -> Client:
    client = Client()
    client.settings = settings
    await client.start_io(*SERVER)
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(configuration=True)),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="bench")],
        )
    )
    client.initialized(types.InitializedParams())
    return client


async def stop(client: Client) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def open_document(client: Client, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    return uri


async def edit_latencies(client: Client, uri: str, line: int, edits: int, first_version: int = 2) -> list[float]:
    """Type one character at a time, waiting for each version's diagnostics (a lone edit each)."""
    latencies = []
    for version in range(first_version, first_version + edits):
        # Alternately insert and delete one character, so the text stays valid.
        inserting = version % 2 == 0
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=line, character=4),
                end=types.Position(line=line, character=4 if inserting else 5),
            ),
            text="#" if inserting else "",
        )
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]
            )
        )
        arrived = await client.wait_version(uri, version)
        latencies.append((arrived - sent) * 1000)
    return latencies


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def engine_ms(text: str, path: Path, repeat: int = 200) -> float:
    from uvicorn_lsp.engine.checker import check_text
    from uvicorn_lsp.rules import ALL_RULES
    from uvicorn_lsp.engine.workspace import Workspace

    workspace = Workspace(path.parent)
    check_text(text, path, workspace, ALL_RULES)
    started = time.perf_counter()
    for _ in range(repeat):
        check_text(text, path, workspace, ALL_RULES, True)
    return (time.perf_counter() - started) * 1000 / repeat


def summary(name: str, values: list[float]) -> str:
    values = sorted(values)
    p90 = values[int(len(values) * 0.9) - 1]
    return (
        f"{name}: median {statistics.median(values):.1f} ms, p90 {p90:.1f} ms, min {values[0]:.1f} ms (n={len(values)})"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--select", help="comma-separated codes (default: the defaults)")
    arguments = parser.parse_args()
    settings = {"select": arguments.select.split(",")} if arguments.select else {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        main_py = root / "main.py"
        main_py.write_text(big_module())
        plain_py = root / "plain.py"
        plain_py.write_text(big_module(with_uvicorn=False))
        print(f"rules: {arguments.select or 'defaults'}; file: {len(main_py.read_text().splitlines())} lines")

        started = time.perf_counter()
        client = await start(root, settings)
        uri = open_document(client, main_py, main_py.read_text())
        first = await client.wait_version(uri, 1)
        print(f"first diagnostics after start (cold, incl. process start): {(first - started) * 1000:.0f} ms")

        line = len(main_py.read_text().splitlines()) // 2
        await edit_latencies(client, uri, line, 10)  # warm-up
        latencies = await edit_latencies(client, uri, line, arguments.edits, first_version=12)
        print(summary("change -> diagnostics, 1,000 lines, 3 uvicorn.run", latencies))

        plain_uri = open_document(client, plain_py, plain_py.read_text())
        await client.wait_version(plain_uri, 1)
        print(
            summary(
                "change -> diagnostics, no uvicorn mention (round trip)",
                await edit_latencies(client, plain_uri, line, arguments.edits),
            )
        )
        print(f"engine time, no uvicorn mention: {engine_ms(plain_py.read_text(), plain_py):.3f} ms")
        print(f"engine time, 1,000 lines with uvicorn (warm): {engine_ms(main_py.read_text(), main_py, 20):.1f} ms")

        for number in range(200):
            module = root / "pkg" / f"module_{number}.py"
            module.parent.mkdir(exist_ok=True)
            text = big_module(120) if number % 4 == 0 else big_module(120, with_uvicorn=False)
            module.write_text(text)
            module_uri = open_document(client, module, text)
            await client.wait_version(module_uri, 1)
        print(f"server resident memory after opening 200 files: {resident_mb(client._server.pid):.0f} MB")
        await stop(client)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    asyncio.run(main())
