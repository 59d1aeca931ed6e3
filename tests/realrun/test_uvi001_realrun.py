"""UVI001 against real uvicorn: the app object with reload or workers exits with status 3;
the file fixed by the engine's quick fix serves, launched the way the fix's title names."""

from __future__ import annotations

import pytest

from tests.conftest import apply_edits

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

MAIN = (
    APP_HEAD
    + """

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port={port}, {supervision})
"""
)
SUPERVISION = ["reload=True", "workers=2"]


def args_of(command: str) -> list[str]:
    """`python -m pkg.main` → ["-m", "pkg.main"], for run_server."""
    return command.split()[1:]


def finding(project, relative: str):
    [found] = project.check(relative, codes=("UVI001",))
    return found


def apply(project, relative: str, fix) -> None:
    path = project.root / relative
    path.write_text(apply_edits(path.read_text(), fix.edits))
    assert project.check(relative, codes=("UVI001",)) == []


@pytest.mark.parametrize("supervision", SUPERVISION)
def test_unfixed_app_object_exits_with_status_3(project, supervision):
    port = free_port()
    project.write("main.py", MAIN.format(port=port, supervision=supervision))
    finding(project, "main.py")
    outcome = run_server(["main.py"], project.root, port)
    assert (outcome.served, outcome.exit_code) == (False, 3), outcome.output
    assert "You must pass the application as an import string" in outcome.output


@pytest.mark.parametrize("supervision", SUPERVISION)
def test_preferred_fix_serves(project, supervision):
    port = free_port()
    project.write("main.py", MAIN.format(port=port, supervision=supervision))
    fix = finding(project, "main.py").best_fix
    apply(project, "main.py", fix)
    assert 'uvicorn.run("main:app"' in (project.root / "main.py").read_text()
    outcome = run_server(["main.py"], project.root, port)
    assert outcome.served, outcome.output


@pytest.mark.parametrize("supervision", SUPERVISION)
def test_package_layout_each_fix_serves_with_its_launch(project, supervision):
    """`pkg/main.py`: "main:app" for `python pkg/main.py`, "pkg.main:app" for `python -m pkg.main`."""
    project.write("pkg/__init__.py")
    for command in ("python pkg/main.py", "python -m pkg.main"):
        port = free_port()
        project.write("pkg/main.py", MAIN.format(port=port, supervision=supervision))
        [fix] = [fix for fix in finding(project, "pkg/main.py").fixes if fix.title.endswith(f"(for `{command}`)")]
        apply(project, "pkg/main.py", fix)
        outcome = run_server(args_of(command), project.root, port)
        assert outcome.served, (command, (project.root / "pkg/main.py").read_text(), outcome.output)


def test_folder_without_init_serves_with_the_preferred_launch(project):
    """`app/` without __init__.py, relative import: the only launch is `python -m app.main`, its string the fix."""
    port = free_port()
    project.write("app/helpers.py", "GREETING = 'hi'\n")
    project.write("app/main.py", "from .helpers import GREETING\n" + MAIN.format(port=port, supervision="reload=True"))
    fix = finding(project, "app/main.py").best_fix
    assert fix.title == 'Pass the import string "app.main:app"', fix.title
    apply(project, "app/main.py", fix)
    outcome = run_server(["-m", "app.main"], project.root, port)
    assert outcome.served, outcome.output


def test_fix_is_unsafe_when_an_assignment_under_the_guard_sets_up_the_app(project):
    """`plugin = add_plugin(app)` under the guard adds the route: the string fix serves an app without it
    (audit: auto-bedrock-chat-fastapi, /chat answered 404), so the fix must be unsafe."""
    port = free_port()
    project.write(
        "main.py",
        "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        "def add_plugin(app):\n    app.add_api_route('/', lambda: {'ok': True})\n    return app\n\n\n"
        'if __name__ == "__main__":\n    plugin = add_plugin(app)\n'
        f'    uvicorn.run(app, host="127.0.0.1", port={port}, reload=True)\n',
    )
    fix = finding(project, "main.py").best_fix
    assert fix.applicability.value == "unsafe"
    path = project.root / "main.py"
    path.write_text(apply_edits(path.read_text(), fix.edits))
    outcome = run_server(["main.py"], project.root, port, timeout=10)
    assert "Application startup complete" in outcome.output and not outcome.served, outcome.output


def test_conditional_app_that_is_the_string_when_reloading_serves(project):
    """`"main:app" if reload else app, reload=reload`: served with and without reload, so UVI001 is silent."""
    project.write(
        "main.py",
        APP_HEAD.format()
        + '\n\nif __name__ == "__main__":\n    import os\n    reload = os.environ.get("RELOAD") == "1"\n'
        '    uvicorn.run("main:app" if reload else app, host="127.0.0.1", port=int(os.environ["PORT"]), reload=reload)\n',
    )
    assert project.check("main.py", codes=("UVI001",)) == []
    for reload in ("1", "0"):
        port = free_port()
        outcome = run_server(["main.py"], project.root, port, env={"RELOAD": reload, "PORT": str(port)})
        assert outcome.served, (reload, outcome.output)
