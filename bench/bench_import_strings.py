"""Latency of the import-string features through a real stdio session on a 500-module workspace.

    python bench/bench_import_strings.py [--repeat 40] [--modules 500]

Generates packages of modules (each with an app, a factory and a few functions), a
`run.py` launching one of them and a Dockerfile starting another, starts `uvicorn-lsp serve`,
waits for the first diagnostics, asks each question once to warm up, then `--repeat` times:
- completion of a top-level module name, of a submodule, of an attribute
- completion outside any import string (a trigger character in Python code) and in a file
  that never mentions uvicorn
- definition and hover on the import string
- in the Dockerfile's CMD: completion of an attribute, of a flag and of a flag's value,
  definition and hover on the import string, hover on a flag, completion outside the CMD
and prints p50 / p90 in milliseconds. Goal (issue 14): completion, definition and hover
p50 <= 50 ms once warm; outside an import string well under 2 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SERVER = [sys.executable, "-m", "uvicorn_lsp", "serve"]
PACKAGES = 10

MODULE = """
from fastapi import FastAPI
from starlette.applications import Starlette

app = FastAPI(title="module {n}")


def create_app():
    return Starlette()


def handler_{n}(request, limit: int = 10):
    return [item for item in range(limit) if item % 3 != {m}]


class Settings{n}:
    debug = False
"""

RUN = """import uvicorn

if __name__ == "__main__":
    uvicorn.run("pkg3.mod17:app", reload=True)
"""
PLAIN = "import os\n\nprint(os.path.join('a', 'b'))\n"
DOCKERFILE = """FROM python:3.12-slim
WORKDIR /code
COPY . /code
CMD ["uvicorn", "pkg4.mod9:app", "--host", "0.0.0.0", "--lo", "--log-level", "info"]
"""


def generate(root: Path, modules: int) -> None:
    per_package = max(1, modules // PACKAGES)
    for package in range(PACKAGES):
        folder = root / f"pkg{package}"
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        for number in range(per_package):
            (folder / f"mod{number}.py").write_text(MODULE.format(n=number, m=number % 3))
    (root / "run.py").write_text(RUN)
    (root / "plain.py").write_text(PLAIN)
    (root / "Dockerfile").write_text(DOCKERFILE)


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("uvicorn-lsp-bench", "1")
        self.diagnosed = asyncio.Event()

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.diagnosed.set()

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            pass


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


async def timed(repeat: int, ask: Callable[[], Awaitable[object]], check: Callable[[object], bool]) -> list[float]:
    result = await ask()  # warm-up: the first question may wait for jedi and cold caches
    if not check(result):
        raise AssertionError(f"unexpected answer: {result!r}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = await ask()
        times.append((time.perf_counter() - start) * 1000)
        if not check(result):
            raise AssertionError(f"unexpected answer: {result!r}")
    return times


async def measure(root: Path, repeat: int) -> dict[str, list[float]]:
    client = Client()
    await client.start_io(*SERVER)
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                text_document=types.TextDocumentClientCapabilities(
                    completion=types.CompletionClientCapabilities(),
                    definition=types.DefinitionClientCapabilities(),
                    hover=types.HoverClientCapabilities(),
                )
            ),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="bench")],
        )
    )
    client.initialized(types.InitializedParams())
    documents = {}
    for name, language in (("run.py", "python"), ("plain.py", "python"), ("Dockerfile", "dockerfile")):
        path = root / name
        documents[name] = types.TextDocumentIdentifier(uri=path.as_uri())
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=path.as_uri(), language_id=language, version=1, text=path.read_text()
                )
            )
        )
    await asyncio.wait_for(client.diagnosed.wait(), 60)
    run, plain, dockerfile = documents["run.py"], documents["plain.py"], documents["Dockerfile"]
    cmd = DOCKERFILE.splitlines()[3]

    def completion(document: types.TextDocumentIdentifier, where: types.Position, trigger: str | None = None):
        context = types.CompletionContext(
            trigger_kind=types.CompletionTriggerKind.TriggerCharacter
            if trigger
            else types.CompletionTriggerKind.Invoked,
            trigger_character=trigger,
        )
        return lambda: client.text_document_completion_async(
            types.CompletionParams(text_document=document, position=where, context=context)
        )

    def labels(result: object) -> list[str]:
        return [item.label for item in getattr(result, "items", ())]

    # Line 3: `    uvicorn.run("pkg3.mod17:app", reload=True)`; the content starts at column 17.
    figures = {
        "completion: top-level module": await timed(
            repeat, completion(run, position(3, 17), '"'), lambda r: "pkg3" in labels(r)
        ),
        "completion: submodule": await timed(
            repeat, completion(run, position(3, 22), "."), lambda r: "mod17" in labels(r)
        ),
        "completion: attribute": await timed(
            repeat, completion(run, position(3, 28), ":"), lambda r: labels(r)[:2] == ["app", "create_app"]
        ),
        "completion: outside a string": await timed(
            repeat, completion(run, position(3, 11), "."), lambda r: labels(r) == []
        ),
        "completion: file without uvicorn": await timed(
            repeat, completion(plain, position(2, 9), "."), lambda r: labels(r) == []
        ),
        "definition": await timed(
            repeat,
            lambda: client.text_document_definition_async(
                types.DefinitionParams(text_document=run, position=position(3, 29))
            ),
            lambda r: bool(r) and r[0].uri.endswith("pkg3/mod17.py"),
        ),
        "hover": await timed(
            repeat,
            lambda: client.text_document_hover_async(types.HoverParams(text_document=run, position=position(3, 29))),
            lambda r: r is not None and "FastAPI instance" in r.contents.value,
        ),
        "Dockerfile completion: attribute": await timed(
            repeat,
            completion(dockerfile, position(3, cmd.index(":app") + 1), ":"),
            lambda r: labels(r)[:2] == ["app", "create_app"],
        ),
        "Dockerfile completion: flag": await timed(
            repeat, completion(dockerfile, position(3, cmd.index("--lo") + 4), "-"), lambda r: "--loop" in labels(r)
        ),
        "Dockerfile completion: flag value": await timed(
            repeat, completion(dockerfile, position(3, cmd.index("info") + 2)), lambda r: "debug" in labels(r)
        ),
        "Dockerfile completion: outside CMD": await timed(
            repeat, completion(dockerfile, position(1, 3)), lambda r: labels(r) == []
        ),
        "Dockerfile definition": await timed(
            repeat,
            lambda: client.text_document_definition_async(
                types.DefinitionParams(text_document=dockerfile, position=position(3, cmd.index(":app") + 2))
            ),
            lambda r: bool(r) and r[0].uri.endswith("pkg4/mod9.py"),
        ),
        "Dockerfile hover: import string": await timed(
            repeat,
            lambda: client.text_document_hover_async(
                types.HoverParams(text_document=dockerfile, position=position(3, cmd.index(":app") + 2))
            ),
            lambda r: r is not None and "FastAPI instance" in r.contents.value,
        ),
        "Dockerfile hover: flag": await timed(
            repeat,
            lambda: client.text_document_hover_async(
                types.HoverParams(text_document=dockerfile, position=position(3, cmd.index("--host") + 3))
            ),
            lambda r: r is not None and "`--host`" in r.contents.value,
        ),
    }
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--modules", type=int, default=500)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, options.modules)
        figures = await measure(root, options.repeat)
    print(f"{options.modules} modules, {options.repeat} requests each (ms)")
    for name, times in figures.items():
        ordered = sorted(times)
        p90 = ordered[int(len(ordered) * 0.9) - 1]
        print(f"  {name:34} p50 {statistics.median(times):7.2f}   p90 {p90:7.2f}")


if __name__ == "__main__":
    asyncio.run(main())
