"""UVI013: factory=True on an app instance or on a factory that needs arguments; a factory without it."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine.model import Severity

from .helpers import apply_fix

CODE = "UVI013"
HEADER = """\
import uvicorn
from fastapi import FastAPI

app = FastAPI()


def create_app():
    return FastAPI()


def build(settings, debug=False):
    return FastAPI(debug=debug)

"""


def uvi013(project, call: str, relative="main.py", header=HEADER):
    project.write(relative, f"{header}\nif __name__ == '__main__':\n    {call}\n")
    return project.check(relative, codes=(CODE,))


@pytest.mark.parametrize(
    "call",
    [
        'uvicorn.run("main:app", factory=True)',
        "uvicorn.run(app, factory=True)",
        'uvicorn.Config("main:app", factory=True, port=8001)',
    ],
)
def test_factory_true_on_an_app_instance(project, call):
    [finding] = uvi013(project, call)
    assert finding.severity is Severity.ERROR
    assert "the FastAPI instance `app` is not a factory" in finding.message
    assert "uvicorn cannot call it" in finding.message and "exit status 3" in finding.message
    fixed = apply_fix(project, "main.py", finding.best_fix, CODE)
    assert "factory" not in fixed.split("if __name__")[1]


@pytest.mark.parametrize("call", ['uvicorn.run("main:build", factory=True)', "uvicorn.run(build, factory=True)"])
def test_factory_true_on_a_factory_that_needs_arguments(project, call):
    [finding] = uvi013(project, call)
    assert finding.severity is Severity.ERROR
    assert "the function `build` needs 1 argument" in finding.message
    assert finding.fixes == []


def test_under_reload_the_failure_is_silent(project):
    [finding] = uvi013(project, 'uvicorn.run("main:app", factory=True, reload=True)')
    assert "the reloader keeps running and nothing is served" in finding.message


@pytest.mark.parametrize(
    "call, expected",
    [
        ('uvicorn.run("main:create_app")', 'uvicorn.run("main:create_app", factory=True)'),
        ('uvicorn.run("main:create_app", factory=False)', 'uvicorn.run("main:create_app", factory=True)'),
        ("uvicorn.run(create_app, port=8001)", "uvicorn.run(create_app, port=8001, factory=True)"),
    ],
)
def test_zero_argument_factory_without_factory_true(project, call, expected):
    [finding] = uvi013(project, call)
    assert finding.severity is Severity.INFORMATION
    assert "uvicorn guesses, calls it and warns at every start" in finding.message
    assert expected in apply_fix(project, "main.py", finding.best_fix, CODE)


@pytest.mark.parametrize("pinned, reported", [("0.12.3", False), ("0.13.0", True)])
def test_a_uvicorn_before_0_13_has_no_factories(project, pinned, reported):
    """uvicorn 0.12.3 serves `create_app` itself (every request fails with HTTP 500) and stops at startup with a
    TypeError on factory=True: neither the note nor its fix holds there (audit, real runs with 0.12.3)."""
    project.write("requirements.txt", f"fastapi\nuvicorn=={pinned}\n")
    assert bool(uvi013(project, 'uvicorn.run("main:create_app")')) is reported
    assert bool(uvi013(project, 'uvicorn.run("main:app", factory=True)')) is reported
    project.write("run.sh", "#!/bin/sh\nuvicorn main:app --factory\n")
    assert bool(project.check("run.sh", codes=(CODE,))) is reported


def test_factory_in_another_module(project):
    project.write("pkg/__init__.py")
    project.write(
        "pkg/factory.py", "from fastapi import FastAPI\n\ndef make(config):\n    return FastAPI()\n\napi = FastAPI()\n"
    )
    [needs_arguments] = uvi013(project, 'uvicorn.run("pkg.factory:make", factory=True)', "run.py", "import uvicorn\n")
    assert "`make` needs 1 argument" in needs_arguments.message
    [instance] = uvi013(project, 'uvicorn.run("pkg.factory:api", factory=True)', "run.py", "import uvicorn\n")
    assert "the FastAPI instance `api`" in instance.message


@pytest.mark.parametrize(
    "call",
    [
        'uvicorn.run("main:create_app", factory=True)',
        'uvicorn.run("main:app")',
        "uvicorn.run(app)",
        'uvicorn.run("main:create_app", factory=FACTORY)',  # not known
        'uvicorn.run("main:cached", factory=True)',  # a decorator may change the signature
        'uvicorn.run("main:missing", factory=True)',  # UVI002's finding
    ],
)
def test_silent(project, call):
    header = HEADER + (
        "import functools, os\nFACTORY = os.environ.get('FACTORY') == '1'\n\n"
        "@functools.lru_cache\ndef cached(settings):\n    return FastAPI()\n\n"
        "async def made():\n    return FastAPI()\n"
    )
    assert uvi013(project, call, header=header) == []


@pytest.mark.parametrize("call", ['uvicorn.run("main:build")', "uvicorn.run(build, port=8001)"])
def test_factory_that_needs_arguments_without_factory_true(project, call):
    """uvicorn's call without arguments fails, so it serves `build` itself: every request fails (realrun test)."""
    [finding] = uvi013(project, call)
    assert finding.severity is Severity.ERROR
    assert "the function `build` needs 1 argument, so uvicorn serves the function itself" in finding.message
    assert "every request fails" in finding.message and finding.fixes == []


def test_factory_object_that_needs_arguments_with_reload_is_uvi001s(project):
    """Given as an object with reload, uvicorn exits with status 3 before serving it: UVI001 says so."""
    assert uvi013(project, "uvicorn.run(build, reload=True)") == []
    assert len(uvi013(project, 'uvicorn.run("main:build", reload=True)')) == 1


def test_factory_that_needs_arguments_on_a_command_line(project):
    project.write("main.py", HEADER)
    project.write("Makefile", "run:\n\tuvicorn main:build --port 8001\n")
    [finding] = project.check("Makefile", codes=(CODE,))
    assert "`build` needs 1 argument" in finding.message and finding.severity is Severity.ERROR


@pytest.mark.parametrize(
    "call",
    [
        'uvicorn.run("main:asgi2")',  # an ASGI 2 app: called with the scope, it returns the instance for it
        'uvicorn.run("main:unknown")',  # returns what the analysis cannot tell
        'uvicorn.run("main:build", interface="asgi3")',  # the interface is chosen, not guessed
        'uvicorn.run("main:wsgi_app")',  # returns a string: UVI013 has no say
    ],
)
def test_functions_that_need_arguments_and_may_be_apps_are_left_alone(project, call):
    header = HEADER + (
        "import os\n\n\nclass Handler:\n    def __init__(self, scope):\n        self.scope = scope\n\n"
        "    async def __call__(self, receive, send):\n        pass\n\n\n"
        "def asgi2(scope):\n    return Handler(scope)\n\n\n"
        "def unknown(settings):\n    return os.environ[settings]\n\n\n"
        "def wsgi_app(environ, start_response):\n    return 'ok'\n"
    )
    assert uvi013(project, call, header=header) == []


def test_factory_true_on_an_asgi_function(project):
    """Checked with real uvicorn: exit 3, "Error loading ASGI app factory: app() missing 3 required positional arguments"."""
    project.write("web.py", "async def app(scope, receive, send):\n    pass\n")
    project.write("main.py", 'import uvicorn\nuvicorn.run("web:app", factory=True)\n')
    [finding] = [f for f in project.check("main.py") if f.code == "UVI013"]
    assert "needs 3 arguments" in finding.message and finding.severity.label == "error"


def test_asgi_function_without_factory_is_fine(project):
    project.write("web.py", "async def app(scope, receive, send):\n    pass\n")
    project.write("main.py", 'import uvicorn\nuvicorn.run("web:app")\n')
    assert [f for f in project.check("main.py") if f.code == "UVI013"] == []


def test_async_zero_argument_factory(project):
    project.write("web.py", "from fastapi import FastAPI\n\nasync def create_app():\n    return FastAPI()\n")
    project.write("main.py", 'import uvicorn\nuvicorn.run("web:create_app", factory=True)\n')
    [finding] = [f for f in project.check("main.py") if f.code == "UVI013"]
    assert "coroutine" in finding.message and finding.fixes == []


CALLABLE_OBJECTS = """\
import functools
import uvicorn
from starlette.applications import Starlette


def build(settings):
    return Starlette()


class Asgi:
    async def __call__(self, scope, receive, send):
        pass


class Builder:
    def __call__(self):
        return Starlette()


partial_factory = functools.partial(build, {})
builder = Builder()
asgi = Asgi()
starlette = Starlette()
"""


@pytest.mark.parametrize("name", ["partial_factory", "builder"])
def test_factory_true_on_an_instance_that_is_a_zero_argument_callable(project, name):
    """A functools.partial or an object whose `__call__` takes nothing is a factory uvicorn can call."""
    assert uvi013(project, f'uvicorn.run("main:{name}", factory=True)', header=CALLABLE_OBJECTS) == []
    assert uvi013(project, f"uvicorn.run({name}, factory=True)", header=CALLABLE_OBJECTS) == []


@pytest.mark.parametrize("name", ["asgi", "starlette"])
def test_factory_true_on_an_instance_called_with_scope_receive_send(project, name):
    [finding] = uvi013(project, f'uvicorn.run("main:{name}", factory=True)', header=CALLABLE_OBJECTS)
    assert finding.severity is Severity.ERROR and "is not a factory" in finding.message


def test_gunicorn_takes_no_factory_flag_so_the_call_is_named(project):
    # gunicorn exits with status 2 on `--factory`; it calls the factory itself for "main:create_app()".
    project.write("main.py", HEADER)
    project.write("run.sh", "#!/bin/sh\ngunicorn main:create_app -k uvicorn_worker.UvicornWorker -b 127.0.0.1:8001\n")
    [finding] = project.check("run.sh", codes=(CODE,))
    assert finding.severity is Severity.INFORMATION
    assert 'name the call: "main:create_app()"' in finding.message and "--factory" not in finding.message
    assert not finding.fixes


@pytest.mark.parametrize("string", ["main:create_app", "backend.app.main:create_app"])
def test_gunicorn_factory_message_keeps_the_function_named_whole(project, string):
    # The message used to run past the limit even with short names, and the cut fell inside the phrase:
    # "the f…reate_app` is an app factory" (audit40d: a Procfile's gunicorn app.main:create_app).
    module = string.rpartition(":")[0]
    project.write(module.replace(".", "/") + ".py", HEADER)
    project.write("Procfile", f"web: gunicorn {string} -k uvicorn_worker.UvicornWorker --bind 0.0.0.0:$PORT\n")
    [finding] = project.check("Procfile", codes=(CODE,))
    assert finding.message.startswith("the function `create_app` is an app factory")
    assert f'name the call: "{string}()"' in finding.message and "…" not in finding.message


def test_gunicorn_calling_the_factory_itself_is_fine(project):
    project.write("main.py", HEADER)
    project.write("run.sh", '#!/bin/sh\ngunicorn "main:create_app()" -k uvicorn_worker.UvicornWorker\n')
    assert project.check("run.sh", codes=(CODE,)) == []


@pytest.mark.parametrize(
    ("relative", "text"),
    [
        ("Procfile", "web: gunicorn -k uvicorn_worker.UvicornWorker main:{factory}() --bind 0.0.0.0:$PORT\n"),
        ("Dockerfile", "FROM python:3.12\nCOPY . .\nCMD gunicorn -k uvicorn_worker.UvicornWorker main:{factory}()\n"),
        ("app.service", "[Service]\nExecStart=/usr/bin/gunicorn -k uvicorn_worker.UvicornWorker main:{factory}()\n"),
    ],
)
@pytest.mark.parametrize("factory", ["create_app", "make"])
def test_a_call_written_without_quotes_is_not_read_as_the_bare_function(project, relative, text, factory):
    # sh and bash refuse the unquoted `(` (syntax error, exit status 2: nothing starts) and systemd hands
    # gunicorn "main:create_app()" whole: neither serves the bare function. It was judged as `main:create_app`
    # ('name the call: "main:create_app()"') and an async one as served ("every request fails").
    project.write("main.py", HEADER + "\nasync def make():\n    return FastAPI()\n")
    project.write(relative, text.format(factory=factory))
    assert project.check(relative, codes=(CODE,)) == []
