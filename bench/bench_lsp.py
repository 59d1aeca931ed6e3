"""Edit latency of the language server through a real stdio session, beside a minimal pygls floor.

    python bench/bench_lsp.py [--edits 60] [--big-edits 20] [--select UVI001]

For uvicorn-lsp and, as the floor, a minimal pygls 2 server that runs one regex per line
(same client, same files, incremental sync, push diagnostics):
- spawn to first diagnostics (process start, initialize, open the 1,000-line file): the median of --spawns
  starts, the two servers taking turns
- change to diagnostics, 1,000-line file with three uvicorn.run calls: p50 and p90 (warm)
- change to diagnostics, the same functions as methods of one 1,000-line class: p50 and p90
- change to diagnostics, 20,000-line file of the same shape: p50 and p90
- resident memory of the server at the end
Both servers start as an installed package does, from bytecode, and uvicorn-lsp with the code its classes
generate and its parser tables cached as it keeps them between starts (both written once, untimed, into the bench's temporary folder:
PYTHONPYCACHEPREFIX, XDG_CACHE_HOME); --no-bytecode compiles every module from source at each start instead,
as a checkout under PYTHONDONTWRITEBYTECODE=1 does.
Goals (issue 11): 1,000-line p50 <= 5 ms, 20,000-line p50 <= 100 ms, first diagnostics <= 400 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SERVER = [sys.executable, "-m", "uvicorn_lsp", "serve"]

# The floor: pygls' own document sync plus one regex over each line, nothing else (FLOOR_PATTERN: another
# regex, each of its matches a diagnostic, for files whose findings are many).
FLOOR_SERVER = """
import os
import re
from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("floor", "1", text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
PATTERN = re.compile(os.environ.get("FLOOR_PATTERN", r"uvicorn\\.run\\(app,"))


def publish(ls, uri, version):
    document = ls.workspace.get_text_document(uri)
    diagnostics = [
        types.Diagnostic(
            range=types.Range(start=types.Position(line=number, character=match.start()),
                              end=types.Position(line=number, character=match.end())),
            message="app object",
        )
        for number, line in enumerate(document.source.split("\\n"))
        for match in PATTERN.finditer(line)
    ]
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
    )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls, params):
    publish(ls, params.text_document.uri, params.text_document.version)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls, params):
    publish(ls, params.text_document.uri, params.text_document.version)


server.start_io()
"""

_FUNCTION = '''
def handler_{n}(request, limit: int = 10):
    """Return page {n} of the items."""
    items = [item for item in range(limit) if item % 3 != {m}]
    total = sum(items)
    if total > {n}:
        return {{"page": {n}, "items": items, "total": total}}
    return {{"page": {n}, "items": [], "total": 0}}

'''
_FUNCTION_LINES = _FUNCTION.count("\n")


def big_module(lines: int = 1000) -> str:
    """A valid module of about `lines` lines with three uvicorn.run calls at its end."""
    head = "import os\n\nimport uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
    functions = max(0, (lines - 10) // _FUNCTION_LINES)
    body = "".join(_FUNCTION.format(n=n, m=n % 3) for n in range(functions))
    tail = (
        'if __name__ == "__main__":\n'
        "    uvicorn.run(app, reload=True)\n"
        '    uvicorn.run(app, workers=int(os.environ.get("WORKERS", "1")))\n'
        '    uvicorn.run("main:app", port=8001)\n'
    )
    return head + body + tail


def class_module(lines: int = 1000) -> str:
    """The same shape with the functions as methods of one class: an edit in a method is inside one
    module-level statement of `lines` lines."""
    module = big_module(lines)
    head, _, rest = module.partition("app = FastAPI()\n")
    body, guard, tail = rest.partition('if __name__ == "__main__":\n')
    methods = "".join(f"    {line}" if line.strip() else line for line in body.splitlines(keepends=True))
    return f"{head}app = FastAPI()\n\n\nclass Service:\n{methods.replace('(request,', '(self, request,')}{guard}{tail}"


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("uvicorn-lsp-bench", "1")
        self.arrived: dict[str, dict[int | None, float]] = {}
        self.events: dict[str, asyncio.Event] = {}

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.arrived.setdefault(params.uri, {})[params.version] = time.perf_counter()
            self.events.setdefault(params.uri, asyncio.Event()).set()

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            pass  # the server's log is not measured

        @self.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(params: types.ConfigurationParams) -> list[dict]:
            return [self.settings for _ in params.items]

    settings: dict = {}

    async def wait_version(self, uri: str, version: int, timeout: float = 120) -> float:
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


async def start(command: list[str], root: Path, settings: dict) -> Client:
    client = Client()
    client.settings = settings
    await client.start_io(*command)
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(configuration=True)),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="bench")],
        )
    )
    client.initialized(types.InitializedParams())
    return client


async def first_diagnostics(command: list[str], root: Path) -> float:
    """Milliseconds from spawning `command` to the diagnostics of the 1,000-line file."""
    started = time.perf_counter()
    client = await start(command, root, {})
    await client.wait_version(open_document(client, root / "main.py", (root / "main.py").read_text()), 1)
    elapsed = (time.perf_counter() - started) * 1000
    await stop(client)
    return elapsed


async def use_bytecode_cache(folder: Path, commands: list[list[str]], root: Path) -> None:
    """Spawn the servers as an installed package runs: pip writes every module's bytecode at install, and
    uvicorn-lsp's first start the code its classes generate and its parser tables. Both caches live in `folder` (never in the source
    tree or the user's cache folder); one untimed start of each server writes them."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder)
    os.environ["XDG_CACHE_HOME"] = str(folder)
    for command in commands:
        await first_diagnostics(command, root)


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


async def edit_latencies(
    client: Client, uri: str, line: int, edits: int, first_version: int, column: int = 4
) -> list[float]:
    """Type one character at a time, waiting for each version's diagnostics (a lone edit each)."""
    latencies = []
    for version in range(first_version, first_version + edits):
        # Alternately insert and delete one character, so the text stays valid.
        inserting = version % 2 == 0
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=line, character=column),
                end=types.Position(line=line, character=column if inserting else column + 1),
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


def edited_line(text: str) -> int:
    """The first statement line of a function body from the middle on: a `#` typed at its column 4
    comments it out and the text stays valid (on the blank middle line of the 1,000-line file the
    client's column was clamped and the deletions deleted nothing)."""
    lines = text.splitlines()
    return next(n for n in range(len(lines) // 2, len(lines)) if lines[n].startswith("    ") and len(lines[n]) > 5)


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Figures:
    small: list[float]
    in_class: list[float]
    big: list[float]
    resident_mb: float


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def measure(command: list[str], root: Path, settings: dict, edits: int, big_edits: int) -> Figures:
    small_py, big_py = root / "main.py", root / "big.py"
    client = await start(command, root, settings)
    small_uri = open_document(client, small_py, small_py.read_text())
    await client.wait_version(small_uri, 1)
    small_line = edited_line(small_py.read_text())
    await edit_latencies(client, small_uri, small_line, 10, first_version=2)  # warm-up
    small = await edit_latencies(client, small_uri, small_line, edits, first_version=12)

    class_py = root / "service.py"
    class_uri = open_document(client, class_py, class_py.read_text())
    await client.wait_version(class_uri, 1)
    # A `#` typed at the start of a method's statement (`total = sum(items)`), in the middle of the class.
    class_lines = class_py.read_text().splitlines()
    class_line = next(n for n in range(len(class_lines) // 2, len(class_lines)) if "total = sum" in class_lines[n])
    await edit_latencies(client, class_uri, class_line, 10, first_version=2, column=8)  # warm-up
    in_class = await edit_latencies(client, class_uri, class_line, edits, first_version=12, column=8)

    big_uri = open_document(client, big_py, big_py.read_text())
    await client.wait_version(big_uri, 1)
    big_line = edited_line(big_py.read_text())
    await edit_latencies(client, big_uri, big_line, 2, first_version=2)  # warm-up
    big = await edit_latencies(client, big_uri, big_line, big_edits, first_version=4)
    memory = resident_mb(client._server.pid)
    await stop(client)
    return Figures(small, in_class, big, memory)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=60, help="edits measured on the 1,000-line file")
    parser.add_argument("--big-edits", type=int, default=20, help="edits measured on the 20,000-line file")
    parser.add_argument("--select", help="comma-separated codes (default: the defaults)")
    parser.add_argument("--spawns", type=int, default=5, help="starts timed for the spawn figure (median)")
    parser.add_argument("--no-bytecode", action="store_true", help="compile every module at each start")
    arguments = parser.parse_args()
    settings = {"select": arguments.select.split(",")} if arguments.select else {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "main.py").write_text(big_module(1000))
        (root / "big.py").write_text(big_module(20000))
        (root / "service.py").write_text(class_module(1000))
        floor_py = root / "floor_server.py"
        floor_py.write_text(FLOOR_SERVER)
        sizes = [len((root / name).read_text().splitlines()) for name in ("main.py", "big.py")]
        print(f"rules: {arguments.select or 'defaults'}; files: {sizes[0]:,} and {sizes[1]:,} lines, 3 uvicorn.run")
        floor_command = [sys.executable, str(floor_py)]
        if arguments.no_bytecode:
            print("no bytecode: every module is compiled from source at each start")
        else:
            await use_bytecode_cache(root / "bytecode", [SERVER, floor_command], root)

        spawns: dict[str, list[float]] = {"ours": [], "floor": []}
        for _ in range(arguments.spawns):
            spawns["ours"].append(await first_diagnostics(SERVER, root))
            spawns["floor"].append(await first_diagnostics(floor_command, root))
        ours = await measure(SERVER, root, settings, arguments.edits, arguments.big_edits)
        floor = await measure(floor_command, root, {}, arguments.edits, arguments.big_edits)

    rows = [
        ("spawn to first diagnostics (ms)", statistics.median(spawns["ours"]), statistics.median(spawns["floor"]), 400),
        ("1,000-line edit p50 (ms)", statistics.median(ours.small), statistics.median(floor.small), 5),
        ("1,000-line edit p90 (ms)", percentile(ours.small, 0.9), percentile(floor.small, 0.9), None),
        ("1,000-line class edit p50 (ms)", statistics.median(ours.in_class), statistics.median(floor.in_class), None),
        ("1,000-line class edit p90 (ms)", percentile(ours.in_class, 0.9), percentile(floor.in_class, 0.9), None),
        ("20,000-line edit p50 (ms)", statistics.median(ours.big), statistics.median(floor.big), 100),
        ("20,000-line edit p90 (ms)", percentile(ours.big, 0.9), percentile(floor.big, 0.9), None),
        ("server resident memory (MB)", ours.resident_mb, floor.resident_mb, None),
    ]
    # The machine is shared: the load says how far the figures are from an idle machine's.
    print(f"load average (1, 5, 15 min) at the end: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    print(f"{'':34}{'uvicorn-lsp':>12}{'pygls floor':>13}{'goal':>7}")
    for name, value, floor_value, goal in rows:
        print(f"{name:34}{value:12.1f}{floor_value:13.1f}{'' if goal is None else f'<= {goal}':>7}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    asyncio.run(main())
