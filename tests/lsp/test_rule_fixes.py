"""Every fixable rule of UVI003-UVI012, fixed through a real server: open the
file, take the rule's preferred quick fix, apply it like an editor, and see the
diagnostic go away with the file still compiling."""

from __future__ import annotations

import pytest

from .conftest import apply_action, code_actions, lsp_session, open_file, wait_for_diagnostics, write

CASES = [
    pytest.param(
        "UVI003",
        "main.py",
        'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", reload=True, workers=4)\n',
        'uvicorn.run("main:app", reload=True)\n',
        None,
        id="UVI003-remove-workers",
    ),
    pytest.param(
        "UVI004",
        "main.py",
        'import uvicorn as uv\n\nif __name__ == "__main__":\n    uv.run("main:app", relaod=True)\n',
        'uv.run("main:app", reload=True)\n',
        None,
        id="UVI004-typo",
    ),
    pytest.param(
        "UVI004",
        "main.py",
        'from uvicorn import run\n\nif __name__ == "__main__":\n    run("main:app", debug=True)\n',
        'run("main:app", reload=True)\n',
        None,
        id="UVI004-debug",
    ),
    pytest.param(
        "UVI005",
        "main.py",
        'import uvicorn\n\nuvicorn.run(\n    "main:app",\n    reload=True,\n)\n',
        'if __name__ == "__main__":\n    uvicorn.run(\n        "main:app",\n        reload=True,\n    )\n',
        None,
        id="UVI005-guard",
    ),
    pytest.param(
        "UVI009",
        "gunicorn.conf.py",
        'workers = 2\nworker_class = "uvicorn.workers.UvicornWorker"\n',
        'worker_class = "uvicorn_worker.UvicornWorker"\n',
        None,
        id="UVI009-gunicorn-config",
    ),
    pytest.param(
        "UVI009",
        "workers.py",
        "from uvicorn.workers import UvicornWorker\n\n\nclass Worker(UvicornWorker):\n    CONFIG_KWARGS = {}\n",
        "from uvicorn_worker import UvicornWorker\n",
        None,
        id="UVI009-import",
    ),
    pytest.param(
        "UVI010",
        "main.py",
        'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.on_event("startup")\nasync def connect():\n    pass\n',
        "    await connect()\n    yield\n\n\napp = FastAPI(lifespan=lifespan)\n",
        None,
        id="UVI010-lifespan",
    ),
    pytest.param(
        "UVI012",
        "main.py",
        'import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\nif __name__ == "__main__":\n    uvicorn.run(app)\n',
        'uvicorn.run("main:app")\n',
        {"extendSelect": ["UVI012"]},
        id="UVI012-import-string",
    ),
]


@pytest.mark.parametrize(("code", "name", "source", "expected", "configuration"), CASES)
async def test_quick_fix_removes_the_diagnostic(tmp_path, code, name, source, expected, configuration):
    path = write(tmp_path, name, source)
    async with lsp_session(tmp_path, configuration=configuration) as client:
        uri = open_file(client, path)
        diagnostics = await wait_for_diagnostics(client, uri, lambda found: any(d.code == code for d in found))
        diagnostic = next(d for d in diagnostics if d.code == code)
        actions = await code_actions(client, uri, diagnostic.range)
        [fix] = [a for a in actions if a.is_preferred and a.diagnostics and a.diagnostics[0].code == code]
        fixed = await apply_action(client, uri, source, fix, version=2)
        assert expected in fixed
        compile(fixed, name, "exec")
        await wait_for_diagnostics(client, uri, lambda found: not any(d.code == code for d in found))
