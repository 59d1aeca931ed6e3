"""Re-checking the open documents that depend on an edited module.

A generated workspace of 500 library modules plus `shared.py`, which defines
the app, and 20 open entry scripts: 10 load `"shared:app"` (its dependents),
10 load a library module. After each edit of `shared.py` (an unsaved buffer,
renaming `app` back and forth), the dependents are picked by
`CheckResult.dependencies` and re-checked, as the LSP layer does. The figure
is the time for that re-check of the 10 dependents (goal: 200 ms or less).

    python bench/bench_dependents.py [--edits 20]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES

PACKAGES, MODULES_PER_PACKAGE, OPEN_PER_KIND = 10, 50, 10
SHARED = "from fastapi import FastAPI\n\nfrom lib_3.mod_7 import helper_7\n\n{name} = FastAPI()\n"
ENTRY = 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("{target}", reload=True)\n'
LIBRARY = (
    "import os\n\n\ndef helper_{index}(value=None):\n    return os.getcwd(), value\n\n\nCONSTANT_{index} = {index}\n"
)


def build_workspace(root: Path) -> tuple[list[Path], list[Path]]:
    for package in range(PACKAGES):
        folder = root / f"lib_{package}"
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        for index in range(MODULES_PER_PACKAGE):
            (folder / f"mod_{index}.py").write_text(LIBRARY.format(index=index))
    (root / "shared.py").write_text(SHARED.format(name="app"))
    dependents, others = [], []
    for index in range(OPEN_PER_KIND):
        dependent = root / f"entry_{index}.py"
        dependent.write_text(ENTRY.format(target="shared:app"))
        dependents.append(dependent)
        other = root / f"tool_{index}.py"
        other.write_text(ENTRY.format(target=f"lib_{index}.mod_{index}:helper_{index}"))
        others.append(other)
    return dependents, others


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        dependents, others = build_workspace(root)
        workspace = Workspace(root)
        open_documents = {path: path.read_text() for path in dependents + others}
        workspace.open_buffers.update(open_documents)
        started = time.perf_counter()
        results = {
            path: checker.check_text(text, path, workspace, ALL_RULES, use_diff_cache=True)
            for path, text in open_documents.items()
        }
        first = time.perf_counter() - started
        shared = root / "shared.py"
        timings = []
        for edit in range(arguments.edits):
            name = "api" if edit % 2 == 0 else "app"
            workspace.open_buffers[shared] = SHARED.format(name=name)
            started = time.perf_counter()
            affected = [path for path, result in results.items() if shared in result.dependencies]
            for path in affected:
                results[path] = checker.check_text(
                    open_documents[path], path, workspace, ALL_RULES, use_diff_cache=True
                )
            timings.append(time.perf_counter() - started)
            assert sorted(affected) == sorted(dependents), "dependents picked wrong"
            broken = all(any(f.code == "UVI002" for f in results[path].findings) for path in dependents)
            assert broken == (name == "api"), "re-check did not follow the edit"
    print(f"workspace: {PACKAGES * MODULES_PER_PACKAGE} library modules, {len(open_documents)} open documents")
    print(f"first check of all open documents: {first * 1000:.0f} ms (jedi and interpreter start included)")
    print(
        f"re-check of {len(dependents)} dependents after an edit: median {statistics.median(timings) * 1000:.1f} ms, "
        f"max {max(timings) * 1000:.1f} ms over {len(timings)} edits (goal: <= 200 ms)"
    )


if __name__ == "__main__":
    main()
