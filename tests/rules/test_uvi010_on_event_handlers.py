from __future__ import annotations

import textwrap

import pytest

from uvicorn_lsp.engine.model import Applicability, Severity, Tag

from .helpers import apply_fix, rule_findings

CODE = "UVI010"


findings = rule_findings(CODE)


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


def test_the_lifespan_goes_above_the_comment_over_the_app(project):
    """`# Initialize the app` describes `app = FastAPI()`: the new function goes above the comment, not between
    them (audit: SeedCraft, imagin3d)."""
    code = dedent("""\
        from fastapi import FastAPI

        # Initialize the app
        # with its routes
        app = FastAPI()


        @app.on_event("startup")
        def connect():
            pass
    """)
    [finding] = findings(project, code)
    fixed = apply_fix(project, "main.py", finding.fixes[0], CODE)
    compile(fixed, "main.py", "exec")
    assert "    yield\n\n\n# Initialize the app\n# with its routes\napp = FastAPI(lifespan=lifespan)\n" in fixed


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
        (
            'from fastapi import FastAPI\napp = FastAPI()\n@app.on_event("startup")\ndef go(x): ...\n',
            "no fix: handler `go` takes parameters",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI()\nEVENT = "startup"\n@app.on_event(EVENT)\ndef go(): ...\n',
            "no fix: an event not written as a literal",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI()\n@app.on_event("startup")\n@other\ndef go(): ...\n',
            "no fix: handler `go` has other decorators",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI()\ndef go(): ...\napp.on_event("startup")(go)\n',
            "no fix: on_event not used as a decorator",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI(**opts)\n@app.on_event("startup")\ndef go(): ...\n',
            "no fix: the app's ** arguments may pass lifespan",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI(on_startup=[a])\n@app.on_event("startup")\ndef go(): ...\n',
            "no fix: on_startup= also registers handlers",
        ),
        (
            'from fastapi import APIRouter, FastAPI\nr = APIRouter(on_shutdown=[a])\napp = FastAPI()\n@app.on_event("startup")\ndef go(): ...\n',
            "no fix: on_shutdown= also registers handlers",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI()\napp.add_event_handler("startup", a)\n@app.on_event("startup")\ndef go(): ...\n',
            "no fix: add_event_handler() also registers handlers",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI()\napp.router.on_startup.append(a)\n@app.on_event("startup")\ndef go(): ...\n',
            "no fix: on_startup.append() also registers handlers",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI()\napp.router.on_shutdown += [a]\n@app.on_event("startup")\ndef go(): ...\n',
            "no fix: on_shutdown += also registers handlers",
        ),
        (
            'from fastapi import APIRouter\nr = APIRouter()\n@r.on_event("startup")\ndef go(): ...\n',
            "no fix: a router's handlers belong in its app's lifespan",
        ),
        (
            'from fastapi import FastAPI\ndef make():\n    app = FastAPI()\n    @app.on_event("startup")\n    def go(): ...\n    return app\n',
            "no fix: the app is not assigned once at module level",
        ),
        (
            'from fastapi import FastAPI\napp = FastAPI()\n@app.on_event("startup")\ndef a(): ...\n@app.on_event("startup")\ndef b(x): ...\n',
            "no fix: handler `b` takes parameters",
        ),
    ],
)
def test_no_fix_and_the_message_says_why(project, code, reason):
    found = findings(project, code)
    assert found
    for finding in found:
        assert finding.fixes == [], reason
        assert finding.message.endswith(reason), finding.message
        assert len(finding.message) <= 160, finding.message


@pytest.mark.parametrize(
    "reader",
    [
        # Only reads the lists, or another object's keyword: registers nothing on the app.
        "print(len(app.router.on_startup))\n",
        "worker = Worker(on_startup=[print])\n",
        "bus.add_event_handler\n",
    ],
)
def test_names_that_register_nothing_keep_the_fix(project, reader):
    code = f'from fastapi import FastAPI\napp = FastAPI()\n{reader}@app.on_event("startup")\ndef go(): ...\n'
    [finding] = findings(project, code)
    assert finding.fixes and "no fix" not in finding.message


def test_handlers_named_like_the_tutorials_get_the_fix(project):
    """FastAPI's tutorial names its handlers on_startup/on_shutdown: a name is no reason to withhold the fix."""
    code = dedent("""
        from fastapi import FastAPI

        app = FastAPI()


        @app.on_event("startup")
        async def on_startup():
            pass


        @app.on_event("shutdown")
        def on_shutdown():
            pass
    """)
    found = findings(project, code)
    assert len(found) == 2 and all(finding.fixes for finding in found)
    fixed = apply_fix(project, "main.py", found[0].fixes[0], CODE)
    assert "async def lifespan(app):\n    await on_startup()\n    yield\n    on_shutdown()\n" in fixed
    assert "app = FastAPI(lifespan=lifespan)\n" in fixed


def test_found_without_fastapi_resolvable(project, without_uvicorn):
    code = 'from fastapi import FastAPI\napp = FastAPI()\n@app.on_event("startup")\ndef go(): ...\n'
    [finding] = findings(project, code, settings=without_uvicorn)
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


def test_a_misspelt_event_withholds_the_fix_and_says_so(project):
    # `on_event("shutwodw")` is a literal naming no event (audit: KIchkinevVladislav/PET_FastAPI_CRUD): the
    # startup handler's warning said "an event not written as a literal", which the file plainly contradicts.
    code = (
        'from fastapi import FastAPI\napp = FastAPI()\n@app.on_event("startup")\ndef go(): ...\n'
        '@app.on_event("shutwodw")\ndef stop(): ...\n'
    )
    startup, misspelt = findings(project, code)
    assert startup.message.endswith("no fix: a handler's event is neither startup nor shutdown"), startup.message
    assert startup.fixes == [] and "AssertionError" in misspelt.message


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
    app_finding = next(f for f in findings if f.message.startswith("`app.on_event"))
    assert app_finding.message.endswith("no fix: an included router's handlers would change order")


def test_starlette_app_with_a_lifespan_says_why_there_is_no_fix(project):
    code = 'from starlette.applications import Starlette\napp = Starlette(lifespan=ls)\n@app.on_event("startup")\ndef go(): ...\n'
    [finding] = findings(project, code)
    assert finding.fixes == [] and finding.message.endswith("no fix: the app already has lifespan=")


@pytest.mark.parametrize(
    ("constructor", "fixed"),
    [
        # One argument per line stays one per line, with or without a trailing comma.
        ('app = FastAPI(\n    title="x",\n)', 'app = FastAPI(\n    title="x",\n    lifespan=lifespan,\n)'),
        ('app = FastAPI(\n    title="x"\n)', 'app = FastAPI(\n    title="x",\n    lifespan=lifespan,\n)'),
        # A comment stays on the line of the argument it is about.
        (
            'app = FastAPI(\n    title="x",  # shown in /docs\n)',
            'app = FastAPI(\n    title="x",  # shown in /docs\n    lifespan=lifespan,\n)',
        ),
        # Hanging indentation, closing parenthesis after the last argument.
        (
            'app = FastAPI(title="x",\n              debug=True)',
            'app = FastAPI(title="x",\n              debug=True,\n              lifespan=lifespan)',
        ),
        # Several arguments on a line: one more there.
        ('app = FastAPI(\n    title="x", debug=True)', 'app = FastAPI(\n    title="x", debug=True, lifespan=lifespan)'),
        ('app = FastAPI(title="x")', 'app = FastAPI(title="x", lifespan=lifespan)'),
    ],
)
def test_fix_keeps_the_constructor_layout(project, constructor, fixed):
    code = f'from fastapi import FastAPI\n{constructor}\n@app.on_event("startup")\ndef go():\n    pass\n'
    [finding] = findings(project, code)
    assert f"\n{fixed}\n" in apply_fix(project, "main.py", finding.fixes[0], CODE)


FASTAPI_EVENT = 'from fastapi import FastAPI\napp = FastAPI({lifespan})\n@app.on_event("startup")\ndef go(): ...\n'
STARLETTE_EVENT = (
    'from starlette.applications import Starlette\napp = Starlette()\n@app.on_event("startup")\ndef go(): ...\n'
)


@pytest.mark.parametrize(
    ("requirements", "code", "reported"),
    [
        # Checked: fastapi 0.95.2 runs on_event without a DeprecationWarning; under 0.92 the lifespan fix's
        # FastAPI(lifespan=...) went to **extra and the startup handler never ran.
        ("fastapi==0.95.2\n", FASTAPI_EVENT.format(lifespan=""), False),
        ("fastapi==0.92.0\n", FASTAPI_EVENT.format(lifespan=""), False),
        ("fastapi>=0.104\n", FASTAPI_EVENT.format(lifespan=""), True),
        ("fastapi<0.100\n", FASTAPI_EVENT.format(lifespan=""), False),  # no one version: not known
        ("", FASTAPI_EVENT.format(lifespan=""), True),  # the newest, where nothing is declared or installed
        ("fastapi==0.95.2\n", FASTAPI_EVENT.format(lifespan="lifespan=ls"), True),  # skipped since 0.93
        ("fastapi==0.92.0\n", FASTAPI_EVENT.format(lifespan="lifespan=ls"), False),  # **extra: it still runs
        ("starlette==0.37.2\n", STARLETTE_EVENT, False),  # deprecated there, not removed
        ("starlette>=1.0\n", STARLETTE_EVENT, True),
        # FastAPI before 0.133 requires starlette<1.0: fastapi==0.100.0 brought Starlette 0.27, where the
        # handler ran (audit, real run); 0.133.0 admits Starlette 1.
        ("fastapi==0.100.0\nuvicorn==0.22.0\n", STARLETTE_EVENT, False),
        ("fastapi==0.132.1\n", STARLETTE_EVENT, False),
        ("fastapi==0.133.0\n", STARLETTE_EVENT, True),
        ("fastapi<0.100\n", STARLETTE_EVENT, False),  # no one FastAPI version: not known
    ],
)
def test_said_only_where_the_running_version_does_it(project, without_uvicorn, requirements, code, reported):
    project.write("requirements.txt", requirements)
    assert len(findings(project, code, settings=without_uvicorn)) == int(reported)


def test_versions_pinned_in_a_requirements_folder_are_the_ones_that_run(project):
    """fastapi_template pins uvicorn 0.16 and FastAPI 0.70 in requirements/base.txt (its image installs that file):
    `debug=` is a parameter of 0.16's run and `on_event` is not deprecated before FastAPI 0.104 (a real run with
    those pins started with no TypeError and no warning)."""
    project.write("requirements/base.txt", "uvicorn==0.16.0\nfastapi~=0.70.1\n")
    project.write(
        "run.py",
        "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.on_event('startup')\n"
        "def startup():\n    print('started')\n\n\nif __name__ == '__main__':\n"
        "    uvicorn.run('run:app', port=8000, reload=True, debug=True)\n",
    )
    assert project.check("run.py", codes=("UVI004", "UVI010")) == []
    (project.root / "requirements" / "base.txt").unlink()
    assert {finding.code for finding in project.check("run.py", codes=("UVI004", "UVI010"))} == {"UVI004", "UVI010"}
