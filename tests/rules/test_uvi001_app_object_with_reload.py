"""UVI001: app object passed to uvicorn.run with reload or workers."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.model import Severity

from ..conftest import apply_edits
from .helpers import apply_fix

HEADER = """
import uvicorn
from fastapi import FastAPI

app = FastAPI()
"""


def uvi001(project, relative="main.py", settings=None):
    return project.check(relative, settings, codes=("UVI001",))


def check_code(project, body: str, header: str = HEADER):
    project.write("main.py", header + textwrap.dedent(body))
    return uvi001(project)


# -- which calls are uvicorn.run ---------------------------------------------
@pytest.mark.parametrize(
    "imports, call",
    [
        ("import uvicorn", "uvicorn.run"),
        ("import uvicorn as uv", "uv.run"),
        ("from uvicorn import run", "run"),
        ("from uvicorn import run as serve", "serve"),
        ("from uvicorn.main import run", "run"),
        ("import uvicorn.main", "uvicorn.main.run"),
        ("import uvicorn\nstart = uvicorn.run", "start"),
    ],
)
def test_every_alias_form_is_found(project, imports, call):
    header = f"{imports}\nfrom fastapi import FastAPI\napp = FastAPI()\n"
    [finding] = check_code(project, f"{call}(app, reload=True)\n", header)
    assert finding.severity is Severity.ERROR


@pytest.mark.parametrize(
    "body",
    [
        "import subprocess\nsubprocess.run(app, reload=True)\n",
        "import asyncio\nasyncio.run(app, reload=True)\n",
        "def run(app, reload):\n    pass\nrun(app, reload=True)\n",
        "server = uvicorn.Server(uvicorn.Config('main:app'))\nserver.run(app, reload=True)\n",
        "class Runner:\n    def run(self, app, reload):\n        pass\nRunner().run(app, reload=True)\n",
    ],
)
def test_unrelated_run_is_never_flagged(project, body):
    assert check_code(project, body) == []


# -- app kinds -----------------------------------------------------------------
@pytest.mark.parametrize(
    "definition, shown",
    [
        ("from fastapi import FastAPI\napp = FastAPI()", "FastAPI instance"),
        ("from starlette.applications import Starlette\napp = Starlette()", "Starlette instance"),
        ("async def app(scope, receive, send):\n    pass", "function"),
        ("class App:\n    async def __call__(self, scope, receive, send):\n        pass\napp = App()", "App instance"),
    ],
)
def test_every_app_kind_is_an_object(project, definition, shown):
    project.write("main.py", f"import uvicorn\n{definition}\n\nuvicorn.run(app, workers=2)\n")
    [finding] = uvi001(project)
    assert shown in finding.message
    assert "workers=2" in finding.message and "status 3" in finding.message


def test_factory_call_result_is_an_object(project):
    [finding] = check_code(
        project, "def create_app():\n    return FastAPI()\n\nuvicorn.run(create_app(), reload=True)\n"
    )
    assert "app object `create_app()`" in finding.message


def test_factory_with_a_bare_return_still_makes_an_app(project):
    # parso gives a bare `return` as its keyword leaf, not a return_stmt (audit: aticie/osu-gst-backend);
    # the app it builds still makes uvicorn exit with status 3 (real run).
    [finding] = check_code(
        project,
        "def make():\n    if False:\n        return\n    return FastAPI()\n\n"
        "application = make()\nuvicorn.run(application, reload=True)\n",
    )
    assert "app object `application`" in finding.message


@pytest.mark.parametrize(
    "app",
    [
        '"main:app"',
        "'main:app'",
        'f"main:{name}"',
        "APP_PATH",
        "sys.argv[1]",
        "get_app()",
        "some_param",
    ],
)
def test_strings_and_unknowns_stay_silent(project, app):
    body = f"""
    import sys
    name = "app"
    APP_PATH = "main:app"
    def get_app(): ...
    def main(some_param):
        uvicorn.run({app}, reload=True)
    """
    assert check_code(project, body) == []


# -- values of reload and workers ----------------------------------------------
@pytest.mark.parametrize(
    "arguments",
    [
        "reload=True",
        "reload=1",
        'reload="yes"',
        "workers=2",
        "workers=16",
        "reload=RELOAD",
        "workers=WORKERS",
        '**{"reload": True}',
        "**options",
        "**dict(workers=3)",
        "reload=True, workers=1",
    ],
)
def test_definite_values_are_errors(project, arguments):
    body = f"""
    RELOAD = True
    WORKERS = 4
    options = {{"host": "127.0.0.1", "reload": True}}
    uvicorn.run(app, {arguments})
    """
    [finding] = check_code(project, body)
    assert finding.severity is Severity.ERROR


@pytest.mark.parametrize(
    "arguments",
    [
        "reload=False",
        "reload=0",
        "reload=None",
        "workers=0",
        "workers=1",
        "workers=None",
        "",
        "port=8000",
        "reload=OFF",
        '**{"reload": False}',
        "**unknown_settings",
    ],
)
def test_off_values_stay_silent(project, arguments):
    body = f"""
    OFF = False
    unknown_settings = load()
    uvicorn.run(app, {arguments})
    """
    assert check_code(project, body) == []


@pytest.mark.parametrize(
    "arguments, condition",
    [
        ('reload=os.getenv("RELOAD") == "1"', "when RELOAD is true"),
        ('workers=int(os.environ.get("WORKERS", "1"))', "when WORKERS is more than 1"),
        ("reload=settings.reload", "when `settings.reload` is true"),
        ("reload=DEV_MODE", "when DEBUG is true"),  # the variable the name is read from
        ("reload=settings.debug or DEV_MODE", "when `settings.debug or DEV_MODE` is true"),
    ],
)
def test_unknown_values_are_warnings_saying_when(project, arguments, condition):
    body = f"""
    import os
    DEV_MODE = os.getenv("DEBUG") is not None
    if os.getenv("CI"):
        DEV_MODE = False
    uvicorn.run(app, {arguments})
    """
    [finding] = check_code(project, body)
    assert finding.severity is Severity.WARNING
    assert condition in finding.message


def test_name_with_mixed_constant_assignments_is_a_warning(project):
    body = """
    import os
    RELOAD = False
    if os.getenv("DEV"):
        RELOAD = True
    uvicorn.run(app, reload=RELOAD)
    """
    [finding] = check_code(project, body)
    assert finding.severity is Severity.WARNING


def test_keyword_app_argument(project):
    [finding] = check_code(project, "uvicorn.run(app=app, reload=True)\n")
    fixed = apply_edits(project.root.joinpath("main.py").read_text(), finding.best_fix.edits)
    assert 'uvicorn.run(app="main:app", reload=True)' in fixed


def test_range_is_the_app_argument(project):
    [finding] = check_code(project, "if __name__ == '__main__':\n    uvicorn.run(app, reload=True)\n")
    line = project.root.joinpath("main.py").read_text().split("\n")[finding.range.start.line]
    assert line[finding.range.start.character : finding.range.end.character] == "app"


def test_comments_before_an_argument_are_not_part_of_it(project):
    # parso keeps a comment in the prefix of the argument after it (qzhao19/MarketMind-Flow comments
    # out the import string above the app): the message named `# "src.api.app:app",\n app`, and a
    # value after a comment was unknown, so reload=True became "when ... is true", a warning.
    body = 'uvicorn.run(\n    # "main:app",\n    app,\n    reload=  # dev only\n    True,\n)\n'
    [finding] = check_code(project, body)
    assert finding.severity is Severity.ERROR
    assert "the FastAPI instance `app` with reload=True:" in finding.message
    assert "#" not in finding.message


# -- fixes ---------------------------------------------------------------------
def fixed_text(project, relative="main.py", title_contains=None):
    [finding] = uvi001(project, relative)
    fix = finding.best_fix if title_contains is None else next(f for f in finding.fixes if title_contains in f.title)
    text = apply_edits((project.root / relative).read_text(), fix.edits)
    compile(text, relative, "exec")
    (project.root / relative).write_text(text)
    assert uvi001(project, relative) == []
    return text, finding


def test_fix_module_level_app(project):
    check_code(project, "if __name__ == '__main__':\n    uvicorn.run(app, reload=True, port=8000)\n")
    text, finding = fixed_text(project)
    assert 'uvicorn.run("main:app", reload=True, port=8000)' in text
    assert len(finding.fixes) == 1 and finding.fixes[0].title == 'Pass the import string "main:app"'


def test_fix_app_imported_from_another_module(project):
    project.write("web/__init__.py")
    project.write("web/api.py", "from fastapi import FastAPI\n\napi = FastAPI()\n")
    project.write(
        "run.py", "import uvicorn\nfrom web.api import api as application\n\nuvicorn.run(application, reload=True)\n"
    )
    text, _ = fixed_text(project, "run.py")
    assert 'uvicorn.run("web.api:api", reload=True)' in text


def test_fix_attribute_of_module_level_object(project):
    project.write(
        "main.py",
        """
        import uvicorn
        from fastapi import FastAPI

        class Container:
            def __init__(self):
                self.app = FastAPI()

        container = Container()
        uvicorn.run(container.app, workers=2)
    """,
    )
    text, _ = fixed_text(project)
    assert 'uvicorn.run("main:container.app", workers=2)' in text


def test_fix_attribute_of_imported_module(project):
    project.write("service.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    project.write("run.py", "import uvicorn\nimport service\n\nuvicorn.run(service.app, reload=True)\n")
    text, _ = fixed_text(project, "run.py")
    assert 'uvicorn.run("service:app", reload=True)' in text


@pytest.mark.parametrize(
    "call, expected",
    [
        ("uvicorn.run(create_app(), reload=True)", 'uvicorn.run("main:create_app", reload=True, factory=True)'),
        (
            "uvicorn.run(\n    create_app(),\n    reload=True,\n)",
            'uvicorn.run(\n    "main:create_app",\n    reload=True,\n    factory=True,\n)',
        ),
        (
            "uvicorn.run(create_app(), reload=True, factory=False)",
            'uvicorn.run("main:create_app", reload=True, factory=True)',
        ),
    ],
)
def test_fix_factory_adds_factory_true(project, call, expected):
    check_code(project, f"def create_app(debug=False):\n    return FastAPI()\n\n{call}\n")
    text, finding = fixed_text(project)
    assert expected in text
    assert "with factory=True" in finding.best_fix.title


@pytest.mark.parametrize(
    "body, reason",
    [
        ("def main():\n    local_app = FastAPI()\n    uvicorn.run(local_app, reload=True)\n", "inside a function"),
        (
            "def create_app(settings):\n    return FastAPI()\n\nuvicorn.run(create_app(None), reload=True)\n",
            "with arguments",
        ),
        (
            "def create_app(settings):\n    return FastAPI()\n\ndef main():\n    uvicorn.run(create_app(), reload=True)\n",
            "needs arguments",
        ),
        ("uvicorn.run(FastAPI(), reload=True)\n", "created inline"),
        ("uvicorn.run(lambda scope, receive, send: None, reload=True)\n", "lambda"),
    ],
)
def test_no_fix_when_nothing_importable(project, body, reason):
    [finding] = check_code(project, body)
    assert finding.fixes == []
    assert reason in finding.message
    assert "no import string can name the app" in finding.message


def test_package_script_offers_both_launches(project):
    project.write("pkg/__init__.py")
    project.write("pkg/main.py", HEADER + "uvicorn.run(app, reload=True)\n")
    [finding] = uvi001(project, "pkg/main.py")
    titles = [(fix.title, fix.preferred) for fix in finding.fixes]
    assert titles == [
        ('Pass the import string "main:app" (for `python pkg/main.py`)', True),
        ('Pass the import string "pkg.main:app" (for `python -m pkg.main`)', False),
    ]


@pytest.mark.parametrize("setup", ["relative_import", "dunder_main", "project_script", "own_package_import"])
def test_module_launch_is_preferred_when_the_file_says_so(project, setup):
    project.write("pkg/__init__.py")
    project.write("pkg/helpers.py", "X = 1\n")
    name = "pkg/__main__.py" if setup == "dunder_main" else "pkg/main.py"
    extra = {"relative_import": "from .helpers import X\n", "own_package_import": "from pkg.helpers import X\n"}.get(
        setup, ""
    )
    if setup == "project_script":
        project.write("pyproject.toml", '[project]\nname = "pkg"\n[project.scripts]\nserve = "pkg.main:cli"\n')
    project.write(name, HEADER + extra + "uvicorn.run(app, reload=True)\n")
    [finding] = uvi001(project, name)
    module = "pkg.__main__" if setup == "dunder_main" else "pkg.main"
    assert finding.best_fix.title.startswith(f'Pass the import string "{module}:app"')
    if setup in ("own_package_import", "relative_import"):
        # `python pkg/main.py` fails at its own `from pkg.helpers import X` (or, without a package, at
        # `from .helpers import X`): the -m launch is the only one.
        assert [fix.title for fix in finding.fixes] == [f'Pass the import string "{module}:app"']
    else:
        assert f"python -m {module.removesuffix('.__main__')}`" in finding.best_fix.title


def test_launch_whose_own_imports_fail_is_dropped(project):
    """`python pkg/main.py` never reaches uvicorn.run when the file imports its own package by name:
    UVI001 fixes and UVI002 judge only `python -m pkg.main`, so the fix leaves nothing to report."""
    project.write("pkg/__init__.py")
    project.write("pkg/helpers.py", "X = 1\n")
    project.write("pkg/main.py", HEADER + "from pkg.helpers import X\nuvicorn.run(app, reload=True)\n")
    [finding] = uvi001(project, "pkg/main.py")
    [fix] = finding.fixes
    apply_fix(project, "pkg/main.py", fix, "UVI001")
    assert project.check("pkg/main.py", codes=("UVI001", "UVI002")) == []


def test_third_party_import_missing_everywhere_keeps_every_launch(project):
    project.write("pkg/__init__.py")
    project.write("pkg/main.py", HEADER + "import not_installed_anywhere\nuvicorn.run(app, reload=True)\n")
    [finding] = uvi001(project, "pkg/main.py")
    assert len(finding.fixes) == 2


def test_src_layout(project):
    project.write("src/shop/__init__.py")
    project.write("src/shop/server.py", HEADER + "uvicorn.run(app, workers=2)\n")
    [finding] = uvi001(project, "src/shop/server.py")
    values = [fix.title.split('"')[1] for fix in finding.fixes]
    assert values == ["server:app", "shop.server:app"]
    assert "python -m shop.server" in finding.fixes[1].title


# -- suppression and configuration ------------------------------------------------
@pytest.mark.parametrize(
    "comment, silenced",
    [
        ("# noqa", True),
        ("# noqa: UVI001", True),
        ("# NOQA:UVI001,UVI005", True),
        ("# noqa: UVI005", False),
        ("# note", False),
    ],
)
def test_noqa(project, comment, silenced):
    findings = check_code(project, f"uvicorn.run(app, reload=True)  {comment}\n")
    assert (findings == []) is silenced


@pytest.mark.parametrize(
    "settings, expected",
    [
        (Settings(ignore=("UVI001",)), None),
        (Settings(ignore=("UVI",)), None),
        (Settings(select=("UVI002",)), None),
        (Settings(select=("UVI0",)), Severity.ERROR),
        (Settings(severity={"UVI001": Severity.WARNING}), Severity.WARNING),
        (Settings(per_file_ignores={"main.py": ("UVI001",)}), None),
        (Settings(per_file_ignores={"other/*.py": ("UVI001",)}), Severity.ERROR),
    ],
)
def test_settings(project, settings, expected):
    project.write("main.py", HEADER + "uvicorn.run(app, reload=True)\n")
    findings = uvi001(project, settings=settings)
    assert [f.severity for f in findings] == ([] if expected is None else [expected])


def test_pyproject_configuration(project):
    project.write("pyproject.toml", '[tool.uvicorn-lsp]\nseverity = { UVI001 = "hint" }\n')
    project.write("main.py", HEADER + "uvicorn.run(app, reload=True)\n")
    [finding] = uvi001(project)
    assert finding.severity is Severity.HINT


@pytest.mark.parametrize(
    "content, complaint",
    [
        ("[tool.uvicorn-lsp\n", "invalid TOML"),
        ('[tool.uvicorn-lsp]\nselect = "UVI001"\nignore = 3\n', "setting 'ignore' ignored"),
        ('[tool.uvicorn-lsp]\nselct = ["UVI001"]\n', "unknown setting 'selct'"),
        ('[tool.uvicorn-lsp]\nseverity = { UVI001 = "fatal" }\n', "unknown severity"),
    ],
)
def test_broken_configuration_gives_a_message_and_defaults(project, content, complaint):
    project.write("pyproject.toml", content)
    project.write("main.py", HEADER + "uvicorn.run(app, reload=True)\n")
    result = project.result("main.py")
    assert "UVI001" in [f.code for f in result.findings]
    assert any(complaint in problem.message for problem in result.problems)


# -- without uvicorn (or fastapi) in the analysed environment ------------------------
@pytest.fixture(scope="module")
def bare_python(tmp_path_factory):
    """An interpreter whose environment has neither uvicorn nor fastapi."""
    folder = tmp_path_factory.mktemp("bare-venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return str(folder / "bin" / "python")


@pytest.mark.parametrize(
    "imports, call",
    [
        ("import uvicorn", "uvicorn.run"),
        ("import uvicorn as uv", "uv.run"),
        ("from uvicorn import run as serve", "serve"),
    ],
)
def test_syntax_fallback_without_uvicorn_installed(project, bare_python, imports, call):
    project.write("main.py", f"{imports}\nfrom fastapi import FastAPI\napp = FastAPI()\n{call}(app, reload=True)\n")
    [finding] = uvi001(project, settings=Settings(python=bare_python))
    assert finding.best_fix.edits[0].new_text == '"main:app"'


def test_syntax_fallback_still_ignores_unrelated_run(project, bare_python):
    project.write(
        "main.py", "import asyncio\nfrom fastapi import FastAPI\napp = FastAPI()\nasyncio.run(app, reload=True)\n"
    )
    assert uvi001(project, settings=Settings(python=bare_python)) == []


def test_syntax_fallback_follows_an_app_imported_from_the_project(project, bare_python):
    """Without fastapi in the environment jedi cannot type the app, but finds where it is defined."""
    project.write("app/__init__.py")
    project.write("app/main.py", "from fastapi import FastAPI\n\napplication = FastAPI()\n")
    project.write("serve.py", "import uvicorn\nfrom app.main import application\nuvicorn.run(application, workers=4)\n")
    [finding] = uvi001(project, "serve.py", settings=Settings(python=bare_python))
    assert "FastAPI instance" in finding.message
    assert finding.best_fix.edits[0].new_text == '"app.main:application"'


def test_syntax_fallback_follows_an_imported_factory(project, bare_python):
    project.write("app/__init__.py")
    project.write("app/main.py", "from fastapi import FastAPI\n\ndef create_app():\n    return FastAPI()\n")
    project.write("serve.py", "import uvicorn\nfrom app.main import create_app\nuvicorn.run(create_app(), workers=4)\n")
    [finding] = uvi001(project, "serve.py", settings=Settings(python=bare_python))
    fixed = apply_edits(project.root.joinpath("serve.py").read_text(), finding.best_fix.edits)
    assert 'uvicorn.run("app.main:create_app", workers=4, factory=True)' in fixed


def test_app_created_under_the_main_guard_has_no_fix(project):
    project.write(
        "main.py",
        """
        import uvicorn
        from fastapi import FastAPI

        if __name__ == "__main__":
            app = FastAPI()
            uvicorn.run(app, reload=True)
    """,
    )
    [finding] = uvi001(project)
    assert finding.fixes == []
    assert 'under `if __name__ == "__main__":`' in finding.message


def test_app_changed_under_the_main_guard_makes_the_fix_unsafe(project):
    project.write(
        "main.py",
        """
        import uvicorn
        from fastapi import FastAPI

        app = FastAPI()

        if __name__ == "__main__":
            @app.get("/debug")
            def debug():
                return {}

            uvicorn.run(app, reload=True)
    """,
    )
    [finding] = uvi001(project)
    assert finding.best_fix.applicability.value == "unsafe"
    assert "line 7 changes `app`" in finding.message


@pytest.mark.parametrize(
    "mutation",
    ['OPTS["reload"] = False', 'del OPTS["reload"]', "OPTS.update(reload=False)", 'OPTS |= {"reload": False}'],
)
def test_dict_changed_after_its_literal_is_not_trusted(project, mutation):
    findings = check_code(project, f'OPTS = {{"reload": True}}\n{mutation}\nuvicorn.run(app, **OPTS)\n')
    assert findings == []


@pytest.mark.parametrize("import_line", ["from .routes import router", "from app.routes import router"])
def test_folder_without_init_run_with_m_from_the_workspace_root(project, import_line):
    """`app/` has no __init__.py (a namespace package): the file's imports show it runs as `python -m app.main`."""
    project.write("app/routes.py", "from fastapi import APIRouter\n\nrouter = APIRouter()\n")
    project.write(
        "app/main.py",
        HEADER
        + f"{import_line}\napp.include_router(router)\n\nif __name__ == '__main__':\n    uvicorn.run(app, reload=True)\n",
    )
    [finding] = uvi001(project, "app/main.py")
    # `python app/main.py` fails at its own import (of `app.routes`, or relative without a package):
    # the -m launch is the only one left.
    assert [fix.title for fix in finding.fixes] == ['Pass the import string "app.main:app"']


def test_plain_folder_script_keeps_the_script_string(project):
    project.write("scripts/serve.py", HEADER + "if __name__ == '__main__':\n    uvicorn.run(app, reload=True)\n")
    [finding] = uvi001(project, "scripts/serve.py")
    assert [fix.title for fix in finding.fixes] == ['Pass the import string "serve:app"']


def test_package_inside_a_plain_folder_without_import_signs(project):
    """Launching `python -m proj.api.main` from the root is possible, but nothing in the file says so."""
    project.write("proj/api/__init__.py")
    project.write("proj/api/main.py", HEADER + "if __name__ == '__main__':\n    uvicorn.run(app, reload=True)\n")
    [finding] = uvi001(project, "proj/api/main.py")
    assert [fix.title.split('"')[1] for fix in finding.fixes] == ["main:app", "api.main:app"]


def test_second_run_call_under_the_guard_keeps_the_fix_safe(project):
    check_code(
        project, "if __name__ == '__main__':\n    uvicorn.run(app, reload=True)\n    uvicorn.run(app, port=9000)\n"
    )
    [finding] = uvi001(project)
    assert finding.best_fix.applicability.value == "safe"


def test_file_name_with_a_hyphen_is_importable_by_uvicorn(project):
    """importlib loads `my-api.py` as "my-api" (checked with real uvicorn: it serves)."""
    project.write("my-api.py", HEADER + "if __name__ == '__main__':\n    uvicorn.run(app, reload=True)\n")
    [finding] = uvi001(project, "my-api.py")
    assert finding.best_fix.edits[0].new_text == '"my-api:app"'


@pytest.mark.parametrize(
    "constants", ["RELOAD, WORKERS = True, 1", "(RELOAD, WORKERS) = (True, 1)", "[RELOAD, WORKERS] = [True, 1]"]
)
def test_tuple_unpacked_constants_are_known(project, constants):
    [finding] = check_code(project, f"{constants}\nuvicorn.run(app, reload=RELOAD, workers=WORKERS)\n")
    assert finding.severity is Severity.ERROR


def test_starred_unpacking_stays_unknown(project):
    [finding] = check_code(project, "RELOAD, *REST = True, 1, 2\nuvicorn.run(app, reload=RELOAD)\n")
    assert finding.severity is Severity.WARNING


def test_keywords_forwarded_through_a_helper_function(project):
    [finding] = check_code(project, "def serve(**options):\n    uvicorn.run(app, **options)\n\nserve(reload=True)\n")
    assert finding.severity is Severity.ERROR and "reload=True" in finding.message


def test_helper_called_without_the_keyword_stays_silent(project):
    assert check_code(project, "def serve(**options):\n    uvicorn.run(app, **options)\n\nserve(port=8000)\n") == []


def test_rebound_keyword_dict_is_not_followed(project):
    body = "def serve(**options):\n    options = {}\n    uvicorn.run(app, **options)\n\nserve(reload=True)\n"
    assert check_code(project, body) == []


def test_exit_status_follows_the_installed_uvicorn(project, with_fake_uvicorn):
    """sys.exit(1) up to uvicorn 0.49, STARTUP_FAILURE (3) since 0.50."""
    settings = with_fake_uvicorn("0.45.0", "def run(app, **kwargs):\n    pass\n")
    project.write("main.py", HEADER + "uvicorn.run(app, reload=True)\n")
    [finding] = uvi001(project, settings=settings)
    assert "exits with status 1" in finding.message


# -- values and apps the file shows only indirectly ------------------------------------
def test_workers_converted_from_a_constant(project):
    [finding] = check_code(project, 'WORKERS = "10"\nuvicorn.run(app, workers=int(WORKERS))\n')
    assert finding.severity is Severity.ERROR and "workers=int(WORKERS)" in finding.message


def test_shadowed_int_is_not_the_builtin(project):
    [finding] = check_code(project, "def int(value):\n    return 0\nuvicorn.run(app, workers=int(4))\n")
    assert finding.severity is Severity.WARNING  # a value known only at run time


def test_app_in_a_simple_namespace(project):
    code = "from types import SimpleNamespace\ncontainer = SimpleNamespace(app=FastAPI())\nuvicorn.run(container.app, workers=2)\n"
    [finding] = check_code(project, code)
    assert finding.severity is Severity.ERROR
    assert '"main:container.app"' in finding.best_fix.title


def test_unreadable_factory_named_as_one_is_an_app(project):
    code = "from unreadable_factories import create_app\nuvicorn.run(create_app(), reload=True)\n"
    [finding] = check_code(project, code)
    assert finding.severity is Severity.ERROR
    assert "create_app" in finding.message and "factory=True" in finding.best_fix.title


def test_unreadable_callee_with_another_name_is_information(project):
    code = "from unreadable_factories import launch_target\nuvicorn.run(launch_target(), reload=True)\n"
    [finding] = check_code(project, code)
    assert finding.severity is Severity.INFORMATION and not finding.fixes


def test_app_a_function_binds_as_global_is_a_module_attribute(project):
    body = "app = None\n\ndef main():\n    global app\n    app = FastAPI()\n    uvicorn.run(app, reload=True)\n"
    [finding] = check_code(project, body, header="import uvicorn\nfrom fastapi import FastAPI\n")
    # The module-level `app` is None when uvicorn imports the module: no import string serves it.
    assert "inside a function" not in finding.message
    assert "gets its value in `main()`" in finding.message and finding.fixes == []


def test_exit_status_follows_the_pinned_uvicorn_where_none_is_installed(project, without_uvicorn):
    """A project pinned to uvicorn 0.45 runs that version: sys.exit(1), whatever the analysis has."""
    project.write("requirements.txt", "uvicorn==0.45.0\n")
    project.write("main.py", HEADER + "uvicorn.run(app, reload=True)\n")
    [finding] = uvi001(project, settings=without_uvicorn)
    assert "exits with status 1" in finding.message


def test_no_import_string_where_a_package_of_the_same_name_shadows_the_file(project):
    """`app.py` beside a package `app/`: "app:app" would import the package, not the file (audit: the safe fix
    wrote it, and the fixed start served nothing)."""
    project.write("app/__init__.py")
    project.write(
        "app.py",
        "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n"
        'if __name__ == "__main__":\n    uvicorn.run(app, reload=True)\n',
    )
    [finding] = project.check("app.py", codes=("UVI001",))
    assert finding.fixes == [] and '"app:app"' not in finding.message


def test_a_call_setting_up_the_app_under_the_guard_makes_the_fix_unsafe(project):
    """`setup()` adds the routes under `if __name__ == "__main__":`: the app "main:app" imports has none (audit:
    the safe fix turned 200 into 404). Printing and logging set nothing up: the fix stays safe."""
    head = (
        "import logging\nimport uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\ndef setup():\n    pass\n\n"
    )
    for guarded, applicability in (
        ("    setup()\n", "unsafe"),
        ('    logging.basicConfig(level=logging.INFO)\n    print("starting")\n', "safe"),
    ):
        project.write("main.py", head + f'if __name__ == "__main__":\n{guarded}    uvicorn.run(app, reload=True)\n')
        [finding] = project.check("main.py", codes=("UVI001",))
        assert finding.best_fix.applicability.value == applicability, guarded


def test_an_assigned_call_given_the_app_under_the_guard_makes_the_fix_unsafe(project):
    """`plugin = add_plugin(app)` adds routes under the guard as `add_plugin(app)` does (audit:
    auto-bedrock-chat-fastapi, the safe fix turned /chat into 404). An assignment that is not given
    the app (`port = int(...)`) sets nothing up: the fix stays safe."""
    head = "import os\nimport uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\ndef add_plugin(app):\n    pass\n\n"
    for guarded, applicability in (
        ("    plugin = add_plugin(app)\n", "unsafe"),
        ("    plugin: object = add_plugin(app=app)\n", "unsafe"),
        # A long callee used to push the message past 160 characters: the terse caveat keeps it within.
        ("    register_every_route_of_the_application(app)\n", "unsafe"),
        ('    port = int(os.environ.get("PORT", "8000"))\n', "safe"),
    ):
        project.write("main.py", head + f'if __name__ == "__main__":\n{guarded}    uvicorn.run(app, reload=True)\n')
        [finding] = project.check("main.py", codes=("UVI001",))
        assert finding.best_fix.applicability.value == applicability, guarded
        assert ("line 12" in finding.message) == (applicability == "unsafe"), guarded


def test_a_conditional_app_that_is_the_string_when_reloading_is_not_reported(project):
    """`"main:app" if reload else app` with reload=reload: uvicorn gets the string whenever it reloads
    (audit: served 200 with and without reload). Both branches objects: still reported."""
    head = "import os\nimport uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\nother = FastAPI()\n\n\n"
    project.write(
        "main.py",
        head + 'def serve(reload: bool = False):\n    uvicorn.run("main:app" if reload else app, reload=reload)\n',
    )
    assert project.check("main.py", codes=("UVI001",)) == []
    project.write(
        "main.py",
        head + 'if __name__ == "__main__":\n    uvicorn.run(app if os.getenv("A") else other, reload=True)\n',
    )
    [finding] = project.check("main.py", codes=("UVI001",))
    assert finding.severity.name == "ERROR"
