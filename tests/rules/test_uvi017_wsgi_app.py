from __future__ import annotations

import textwrap

import pytest

from uvicorn_lsp.engine.model import Applicability, Severity
from uvicorn_lsp.rules.uvi017_wsgi_app import RULE

from .helpers import apply_fix, rule_findings

CODE = "UVI017"

DJANGO_WSGI = "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"
DJANGO_ASGI = "from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n"


findings = rule_findings(CODE)


def test_documented_example(project):
    [finding] = findings(project, textwrap.dedent(RULE.doc.example))
    assert finding.severity is Severity.ERROR
    assert "`app` is a Flask app" in finding.message
    assert "every request answers 500 (TypeError: missing 'start_response')" in finding.message
    assert "WsgiToAsgi" in finding.message
    [wrap] = finding.fixes
    assert wrap.applicability is Applicability.UNSAFE
    fixed = apply_fix(project, "main.py", wrap, CODE)
    assert fixed.startswith("from asgiref.wsgi import WsgiToAsgi\nimport uvicorn\n")
    assert "uvicorn.run(WsgiToAsgi(app))" in fixed
    assert findings(project, textwrap.dedent(RULE.doc.use_instead)) == []


def test_a_comment_before_the_app_stays_out_of_the_message_and_the_wrapper(project):
    # parso keeps the comment in the argument's prefix: the wrapper repeated it inside its parentheses.
    code = textwrap.dedent(RULE.doc.example).replace("uvicorn.run(app", "uvicorn.run(\n    # the site\n    app")
    [finding] = findings(project, code)
    assert finding.message.startswith("`app` is a Flask app")
    fixed = apply_fix(project, "main.py", finding.fixes[0], CODE)
    assert "    # the site\n    WsgiToAsgi(app)" in fixed


def test_no_wrap_without_asgiref_or_for_an_import_string(project, without_uvicorn):
    [finding] = findings(
        project, 'import uvicorn\nfrom flask import Flask\napp = Flask("x")\nuvicorn.run("main:app")\n'
    )
    assert finding.fixes == []
    project.write("main.py", textwrap.dedent(RULE.doc.example))
    [finding] = project.check("main.py", without_uvicorn, codes=(CODE,))
    assert finding.fixes == []


def test_an_imported_wrapper_is_reused_and_a_foreign_name_blocks_the_fix(project):
    code = 'import uvicorn\nfrom asgiref.wsgi import WsgiToAsgi\nfrom flask import Flask\nflask_app = Flask("x")\nuvicorn.run(flask_app)\n'
    [finding] = findings(project, code)
    assert [edit.new_text for edit in finding.fixes[0].edits] == ["WsgiToAsgi(flask_app)"]
    clash = 'import uvicorn\nfrom flask import Flask\nWsgiToAsgi = None\napp = Flask("x")\nuvicorn.run(app)\n'
    assert findings(project, clash)[0].fixes == []


@pytest.mark.parametrize(
    ("definition", "framework"),
    [
        ("from flask import Flask\napp = Flask(__name__)\n", "Flask"),
        ("import flask\napp = flask.Flask('x')\n", "Flask"),
        ("from bottle import Bottle\napp = Bottle()\n", "Bottle"),
        ("import bottle\napp = bottle.default_app()\n", "Bottle"),
        ("import falcon\napp = falcon.App()\n", "Falcon"),
        ("from django.core.wsgi import get_wsgi_application\napp = get_wsgi_application()\n", "Django"),
    ],
)
def test_frameworks_by_their_definition(project, definition, framework):
    found = findings(project, definition + 'import uvicorn\nuvicorn.run(app)\nuvicorn.run("main:app")\n')
    assert [finding.message.split(" is a ")[0] for finding in found] == ["`app`", '"main:app"']
    assert all(f"is a {framework} app" in finding.message for finding in found)


def test_import_string_followed_to_its_module_and_asgi3_wording(project):
    project.write("web/__init__.py")
    project.write("web/site.py", "from flask import Flask\n\nserver = Flask(__name__)\n")
    [string, asgi3] = findings(
        project, 'import uvicorn\nuvicorn.run("web.site:server")\nuvicorn.run("web.site:server", interface="asgi3")\n'
    )
    assert string.message.startswith('"web.site:server" is a Flask app')
    assert "takes 3 positional arguments but 4 were given" in asgi3.message


def test_object_imported_from_another_module_by_inference(project):
    project.write("web.py", "from flask import Flask\n\nserver = Flask(__name__)\n")
    [finding] = findings(project, "import uvicorn\nfrom web import server\nuvicorn.run(server)\n")
    assert "`server` is a Flask app" in finding.message


def test_django_gets_its_asgi_application(project):
    project.write("mysite/__init__.py")
    project.write("mysite/wsgi.py", DJANGO_WSGI)
    project.write("mysite/asgi.py", DJANGO_ASGI)
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("mysite.wsgi:application")\n')
    assert '"mysite.asgi:application"' in finding.message
    [fix] = finding.fixes
    assert fix.applicability is Applicability.UNSAFE
    assert 'uvicorn.run("mysite.asgi:application")' in apply_fix(project, "main.py", fix, CODE)


def test_django_without_asgi_module_gets_advice_only(project):
    project.write("mysite/__init__.py")
    project.write("mysite/wsgi.py", DJANGO_WSGI)
    project.write("mysite/asgi.py", "application = None\n")
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("mysite.wsgi:application")\n')
    assert "get_asgi_application()" in finding.message and finding.fixes == []  # a string: no wrapping either


@pytest.mark.parametrize(
    "code",
    [
        # Told to speak WSGI, or the interface is known only at run time.
        'from flask import Flask\nimport uvicorn\napp = Flask("x")\nuvicorn.run(app, interface="wsgi")\n',
        'import os\nfrom flask import Flask\nimport uvicorn\napp = Flask("x")\nuvicorn.run(app, interface=os.environ["I"])\n',
        # Wrapped for ASGI.
        "from asgiref.wsgi import WsgiToAsgi\nfrom flask import Flask\nimport uvicorn\n"
        'app = WsgiToAsgi(Flask("x"))\nuvicorn.run(app)\n',
        # ASGI frameworks, Falcon's ASGI App, and a name that only looks WSGI.
        "import falcon.asgi\nimport uvicorn\napp = falcon.asgi.App()\nuvicorn.run(app)\n",
        "from fastapi import FastAPI\nimport uvicorn\nwsgi = FastAPI()\nuvicorn.run(wsgi)\n",
        # Bound twice: the syntax cannot tell which one runs.
        'import sys\nfrom flask import Flask\nfrom fastapi import FastAPI\nimport uvicorn\napp = Flask("x")\n'
        "if sys.argv:\n    app = FastAPI()\nuvicorn.run(app)\n",
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []


def test_a_module_named_wsgi_is_not_enough(project):
    project.write("mysite/__init__.py")
    project.write("mysite/wsgi.py", "from fastapi import FastAPI\n\napplication = FastAPI()\n")
    assert findings(project, 'import uvicorn\nuvicorn.run("mysite.wsgi:application")\n') == []


def test_import_string_on_a_command_line(project):
    project.write("web.py", "from flask import Flask\n\napp = Flask(__name__)\n")
    project.write("run.sh", "#!/bin/sh\nuvicorn web:app --port 8000\nuvicorn web:app --interface wsgi\n")
    [finding] = project.check("run.sh", codes=(CODE,))
    assert finding.message.startswith('"web:app" is a Flask app') and finding.fixes == []


def test_gunicorn_counts_only_with_a_uvicorn_worker(project):
    """gunicorn's own workers serve WSGI: a Procfile pairing `gunicorn mysite.wsgi:application` with a uvicorn
    process is right, and serving the ASGI app there instead would fail (audit: doc_chat)."""
    project.write("web.py", "from flask import Flask\n\napp = Flask(__name__)\n")
    project.write(
        "entrypoint.sh",
        "#!/bin/sh\ngunicorn api:app -k uvicorn.workers.UvicornWorker &\ngunicorn -w 1 -b 0.0.0.0:8070 web:app\n"
        "gunicorn -k gevent web:app\ngunicorn -k uvicorn_worker.UvicornH11Worker web:app\n",
    )
    [finding] = project.check("entrypoint.sh", codes=(CODE,))
    assert finding.range.start.line == 4 and finding.message.startswith('"web:app" is a Flask app')


FLASK_FACTORY = """from flask import Flask


def create_app(config=None):
    app = Flask(__name__)

    @app.get("/")
    def index():
        return "ok"

    return app
"""


@pytest.mark.parametrize(
    "launch",
    [
        'uvicorn.run("web:create_app", factory=True)',
        'uvicorn.run("web:create_app")',  # uvicorn calls a zero-argument callable without the flag too
    ],
)
def test_a_factory_that_returns_a_wsgi_app(project, launch):
    project.write("web.py", FLASK_FACTORY)
    [finding] = findings(project, f"import uvicorn\n{launch}\n")
    assert finding.message.startswith('"web:create_app" returns a Flask app (WSGI)')
    assert "wrap what it returns" in finding.message and finding.fixes == []


def test_a_factory_defined_in_the_file_and_on_a_command_line(project):
    code = (
        FLASK_FACTORY
        + "\n\nif __name__ == '__main__':\n    import uvicorn\n    uvicorn.run(create_app, factory=True)\n"
    )
    [finding] = findings(project, code)
    assert finding.message.startswith("`create_app` returns a Flask app")
    project.write("web.py", FLASK_FACTORY)
    project.write("Procfile", "web: uvicorn web:create_app --factory --host 0.0.0.0 --port $PORT\n")
    [finding] = project.check("Procfile", codes=(CODE,))
    assert finding.message.startswith('"web:create_app" returns a Flask app')


def test_a_django_factory_is_told_to_return_the_asgi_app(project):
    project.write(
        "web.py",
        "from django.core.wsgi import get_wsgi_application\n\ndef make():\n    return get_wsgi_application()\n",
    )
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("web:make", factory=True)\n')
    assert "return get_asgi_application() instead" in finding.message and finding.fixes == []


@pytest.mark.parametrize(
    "web",
    [
        # Not called with no arguments: a required parameter, an async def (never awaited), a generator.
        FLASK_FACTORY.replace("config=None", "config"),
        FLASK_FACTORY.replace("def create_app", "async def create_app"),
        FLASK_FACTORY.replace("    return app", "    yield app"),
        # A return that gives something else too, a bare return, or a name bound twice in the function.
        FLASK_FACTORY.replace("    return app", "    if config:\n        return config\n    return app"),
        FLASK_FACTORY.replace("    return app", "    if config:\n        return\n    return app"),
        FLASK_FACTORY.replace("    return app", "    if config:\n        app = config\n    return app"),
        # The returned name is bound outside the function.
        "from flask import Flask\napp = Flask(__name__)\n\ndef create_app():\n    return app\n",
        # An ASGI app returned.
        "from fastapi import FastAPI\n\ndef create_app():\n    app = FastAPI()\n    return app\n",
    ],
)
def test_no_finding_for_other_factories(project, web):
    project.write("web.py", web)
    assert findings(project, 'import uvicorn\nuvicorn.run("web:create_app", factory=True)\n') == []


def test_an_instance_with_factory_true_is_not_served(project):
    # uvicorn calls the Flask instance, gets a TypeError and stops (UVI013 says so): no request ever fails.
    project.write("web.py", "from flask import Flask\n\napp = Flask(__name__)\n")
    assert findings(project, 'import uvicorn\nuvicorn.run("web:app", factory=True)\n') == []
