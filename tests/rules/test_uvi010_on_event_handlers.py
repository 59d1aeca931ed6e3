from __future__ import annotations

import textwrap

import pytest

from uvicorn_lsp.engine.model import Applicability, Severity, Tag

from .helpers import apply_fix

CODE = "UVI010"


def findings(project, code: str, settings=None):
    project.write("main.py", code)
    return project.check("main.py", settings, codes=(CODE,))


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ('from fastapi import FastAPI\napp = FastAPI()\n@app.on_event("startup")\ndef go(): ...\n', "FastAPI 0.104"),
        (
            'import fastapi as fa\napi = fa.FastAPI(title="x")\n@api.on_event("shutdown")\nasync def stop(): ...\n',
            "FastAPI 0.104",
        ),
        (
            'from fastapi import APIRouter\nrouter = APIRouter()\n@router.on_event("startup")\ndef go(): ...\n',
            "FastAPI 0.104",
        ),
        (
            'from starlette.applications import Starlette\napp = Starlette()\n@app.on_event("startup")\ndef go(): ...\n',
            "AttributeError",
        ),
        ('from fastapi import FastAPI\napp = FastAPI()\ndef go(): ...\napp.on_event("startup")(go)\n', "FastAPI 0.104"),
    ],
)
def test_on_event_is_reported(project, code, says):
    [finding] = findings(project, code)
    assert finding.severity is Severity.WARNING and finding.tags == (Tag.DEPRECATED,)
    assert says in finding.message and "lifespan" in finding.message


def test_app_known_only_to_jedi(project):
    project.write("factory.py", "from fastapi import FastAPI\n\ndef make() -> FastAPI:\n    return FastAPI()\n")
    [finding] = findings(project, 'from factory import make\napp = make()\n@app.on_event("startup")\ndef go(): ...\n')
    assert finding.fixes == []  # not a constructor call the fix could extend


@pytest.mark.parametrize(
    "code",
    [
        "from fastapi import FastAPI\napp = FastAPI(lifespan=None)\n",
        'class Bus:\n    def on_event(self, name): return lambda f: f\nbus = Bus()\n@bus.on_event("startup")\ndef go(): ...\n',
        'import socketio\nsio = socketio.AsyncServer()\n@sio.on_event("connect")\ndef go(): ...\n',
        "# app.on_event is deprecated\nx = 1\n",
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []


def test_fix_builds_a_lifespan(project):
    code = dedent('''
        """Service."""
        from __future__ import annotations

        import logging

        from fastapi import FastAPI

        app = FastAPI(title="svc")


        @app.on_event("startup")
        async def connect():
            logging.info("up")


        @app.on_event("shutdown")
        def disconnect():
            logging.info("down")


        @app.on_event("startup")
        def warm():
            pass


        @app.get("/")
        def index():
            return {}
    ''')
    found = findings(project, code)
    assert len(found) == 3
    assert {fix.edits for finding in found for fix in finding.fixes} == {found[0].fixes[0].edits}
    fix = found[0].fixes[0]
    assert fix.applicability is Applicability.UNSAFE
    assert apply_fix(project, "main.py", fix, CODE) == dedent('''
        """Service."""
        from __future__ import annotations

        from contextlib import asynccontextmanager
        import logging

        from fastapi import FastAPI


        @asynccontextmanager
        async def lifespan(app):
            await connect()
            warm()
            yield
            disconnect()


        app = FastAPI(title="svc", lifespan=lifespan)


        async def connect():
            logging.info("up")


        def disconnect():
            logging.info("down")


        def warm():
            pass


        @app.get("/")
        def index():
            return {}
    ''')


def test_fix_reuses_contextlib_and_a_free_name(project):
    code = dedent("""
        import contextlib
        from starlette.applications import Starlette
        from starlette.routing import Route
        lifespan = "taken"
        app = Starlette(
            routes=[], debug=True,
        )
        @app.on_event("startup")
        def go():
            pass
    """)
    [finding] = findings(project, code)
    fixed = apply_fix(project, "main.py", finding.fixes[0], CODE)
    assert "@contextlib.asynccontextmanager\nasync def app_lifespan(app):\n    go()\n    yield\n" in fixed
    assert "app = Starlette(\n    routes=[], debug=True,\n    lifespan=app_lifespan,\n)\n" in fixed
    assert fixed.count("import") == 3


def test_fix_with_asynccontextmanager_already_imported_and_two_space_indent(project):
    code = dedent("""
        from contextlib import asynccontextmanager as acm
        from fastapi import FastAPI
        app = FastAPI()
        if True:
          pass
        @app.on_event("shutdown")
        async def stop():
          pass
    """)
    [finding] = findings(project, code)
    fixed = apply_fix(project, "main.py", finding.fixes[0], CODE)
    assert (
        "\n\n\n@acm\nasync def lifespan(app):\n  yield\n  await stop()\n\n\napp = FastAPI(lifespan=lifespan)\n" in fixed
    )


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ('from fastapi import FastAPI\napp = FastAPI()\n@app.on_event("startup")\ndef go(x): ...\n', "parameters"),
        (
            'from fastapi import FastAPI\napp = FastAPI()\nEVENT = "startup"\n@app.on_event(EVENT)\ndef go(): ...\n',
            "event in a variable",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI()\n@app.on_event("startup")\n@other\ndef go(): ...\n',
            "other decorators",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI(**opts)\n@app.on_event("startup")\ndef go(): ...\n',
            "** arguments",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI(on_startup=[a])\n@app.on_event("startup")\ndef go(): ...\n',
            "on_startup",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI()\napp.add_event_handler("startup", a)\n@app.on_event("startup")\ndef go(): ...\n',
            "add_event_handler",
        ),
        ('from fastapi import APIRouter\nr = APIRouter()\n@r.on_event("startup")\ndef go(): ...\n', "a router"),
        (
            'from fastapi import FastAPI\ndef make():\n    app = FastAPI()\n    @app.on_event("startup")\n    def go(): ...\n    return app\n',
            "not module level",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI()\n@app.on_event("startup")\ndef a(): ...\n@app.on_event("startup")\ndef b(x): ...\n',
            "one handler cannot move",
        ),
    ],
)
def test_no_fix(project, code, reason):
    found = findings(project, code)
    assert found, reason
    assert all(finding.fixes == [] for finding in found), reason


def test_found_without_fastapi_resolvable(project, without_uvicorn):
    code = 'from fastapi import FastAPI\napp = FastAPI()\n@app.on_event("startup")\ndef go(): ...\n'
    [finding] = findings(project, code, without_uvicorn)
    apply_fix(project, "main.py", finding.fixes[0], CODE, without_uvicorn)


def test_fix_removes_a_decorator_over_several_lines_and_keeps_crlf(project):
    code = 'from fastapi import FastAPI\r\napp = FastAPI()\r\n@app.on_event(\r\n    "startup",\r\n)\r\ndef go():\r\n    pass\r\n'
    path = project.root / "main.py"
    path.write_bytes(code.encode())
    [finding] = project.check("main.py", codes=(CODE,))
    fixed = apply_fix(project, "main.py", finding.fixes[0], CODE)
    assert "on_event" not in fixed
    assert "\n" not in fixed.replace("\r\n", "")


def test_handler_next_to_lifespan_never_runs(project):
    """Checked with real uvicorn: only the lifespan runs."""
    project.write(
        "main.py",
        'from contextlib import asynccontextmanager\nfrom fastapi import FastAPI\n\n@asynccontextmanager\nasync def lifespan(app):\n    yield\n\napp = FastAPI(lifespan=lifespan)\n\n@app.on_event("startup")\ndef start():\n    pass\n',
    )
    [finding] = [f for f in project.check("main.py") if f.code == "UVI010"]
    assert "never runs" in finding.message and finding.severity.label == "error"


def test_unknown_event_name_fails_at_import(project):
    project.write(
        "main.py", 'from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.on_event("start")\ndef start():\n    pass\n'
    )
    [finding] = [f for f in project.check("main.py") if f.code == "UVI010"]
    assert "AssertionError" in finding.message and finding.fixes == []


def test_no_fix_when_an_included_router_has_handlers_too(project):
    """FastAPI runs an included router's handlers at their place; a lifespan for the app alone would reorder them."""
    project.write(
        "main.py",
        'from fastapi import APIRouter, FastAPI\n\nrouter = APIRouter()\n\n@router.on_event("startup")\ndef r_start():\n    pass\n\napp = FastAPI()\napp.include_router(router)\n\n@app.on_event("startup")\nasync def a_start():\n    pass\n',
    )
    findings = [f for f in project.check("main.py") if f.code == "UVI010"]
    assert len(findings) == 2 and all(f.fixes == [] for f in findings)
