"""UVI002: import strings given to uvicorn.run / uvicorn.Config that will not load."""

from __future__ import annotations

import sys

import pytest

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.model import Applicability, Severity
from uvicorn_lsp.engine.rule import MESSAGE_LIMIT
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES

from .helpers import apply_fix

CODE = "UVI002"
APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


def uvi002(project, relative="main.py"):
    return project.check(relative, codes=(CODE,))


def main_file(project, call: str, relative="main.py", header=APP):
    project.write(relative, f"import uvicorn\n{header}\nif __name__ == '__main__':\n    {call}\n")
    return uvi002(project, relative)


# -- format ----------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["main", ":app", "main:", "main.app"])
def test_format_errors_name_the_format(project, text):
    [finding] = main_file(project, f'uvicorn.run("{text}")')
    assert finding.severity is Severity.ERROR
    assert f'"{text}" is not "<module>:<attribute>"' in finding.message
    assert "exit status 3" in finding.message


def test_a_dot_for_the_colon_is_fixed(project):
    [finding] = main_file(project, 'uvicorn.run("main.app")')
    assert 'Did you mean "main:app"?' in finding.message
    fixed = apply_fix(project, "main.py", finding.best_fix, CODE)
    assert 'uvicorn.run("main:app")' in fixed


# -- modules, per launch -------------------------------------------------------------
def test_missing_module_is_an_error_with_a_near_name(project):
    [finding] = main_file(project, 'uvicorn.run("mian:app")')
    assert finding.severity is Severity.ERROR
    assert '"mian:app" will not load: module not found' in finding.message
    assert finding.best_fix.applicability is Applicability.UNSAFE
    assert 'uvicorn.run("main:app")' in apply_fix(project, "main.py", finding.best_fix, CODE)


def test_missing_parent_package_is_importlibs_error(project):
    [finding] = main_file(project, 'uvicorn.run("nowhere.main:other")')
    assert "No module named 'nowhere'" in finding.message and "exit status 1" in finding.message


def test_a_file_path_is_turned_into_a_module_name(project):
    project.write("app/__init__.py")
    project.write("app/web.py", APP)
    [finding] = main_file(project, 'uvicorn.run("app/web.py:app")', header="")
    assert 'Did you mean "app.web:app"?' in finding.message
    apply_fix(project, "main.py", finding.best_fix, CODE)


def test_script_and_module_launch_of_a_package_file(project):
    project.write("pkg/__init__.py")
    [script_only] = main_file(project, 'uvicorn.run("main:app")', "pkg/main.py")
    assert script_only.severity is Severity.WARNING
    assert "loads with `python pkg/main.py`, not with `python -m pkg.main`: module not found" in script_only.message
    [module_only] = main_file(project, 'uvicorn.run("pkg.main:app")', "pkg/main.py")
    assert (
        "loads with `python -m pkg.main`, not with `python pkg/main.py`: No module named 'pkg'" in module_only.message
    )
    # The fix is the string for the other launch, as UVI001 computes it.
    assert [fix.title for fix in script_only.fixes] == ['Use "pkg.main:app" (for `python -m pkg.main`)']


def test_wrong_module_path_for_this_files_app_gets_the_computed_string(project):
    # Relative imports: the file only runs with `-m`, so the module launch's string clears it.
    project.write("pkg/__init__.py")
    project.write("pkg/helpers.py")
    [finding] = main_file(
        project, 'uvicorn.run("app.main:app", reload=True)', "pkg/main.py", "from . import helpers\n" + APP
    )
    assert finding.severity is Severity.ERROR
    assert "the reloader keeps running and nothing is served" in finding.message
    assert finding.best_fix.title == 'Use "pkg.main:app"'
    fixed = apply_fix(project, "pkg/main.py", finding.best_fix, CODE)
    assert 'uvicorn.run("pkg.main:app", reload=True)' in fixed


@pytest.mark.parametrize("package_marker", [True, False])
def test_relative_imports_in_a_sub_folder_run_from_the_folder_above_it(project, package_marker):
    """backend/app/main.py with `from .api import app`: `python -m app.main` in backend/ serves "app.api:app",
    `python -m backend.app.main` at the top does not, with or without app/__init__.py (real run, uvicorn 0.54:
    200 on /docs from backend/; audit: lorella-grazing, where the error said no launch loads it)."""
    if package_marker:
        project.write("backend/app/__init__.py")
    project.write("backend/app/api.py", APP)
    [finding] = main_file(project, 'uvicorn.run("app.api:app")', "backend/app/main.py", "from .api import app\n")
    assert finding.severity is Severity.WARNING
    assert "loads with `python -m app.main`, not with `python -m backend.app.main`" in finding.message


def test_a_plain_sub_folder_script_is_rescued_by_the_folder_above_it_only(project):
    """Without relative imports `python -m tools.run` from src/ is possible, not the usual start: it loads
    "main:app" from src/ and keeps the error away, and fails nothing on its own."""
    project.write("src/main.py", APP)
    assert main_file(project, 'uvicorn.run("main:app")', "src/tools/run.py", header="") == []
    assert main_file(project, 'uvicorn.run("tools.run:app")', "src/tools/run.py") == []


def test_plain_folder_script_naming_a_workspace_package(project):
    project.write("app/__init__.py")
    project.write("app/web.py", APP)
    [finding] = main_file(project, 'uvicorn.run("app.web:app")', "scripts/run.py", header="")
    assert finding.severity is Severity.WARNING
    assert "loads with `python -m scripts.run`, not with `python scripts/run.py`" in finding.message


def test_a_dunder_main_is_judged_by_python_m_of_its_package(project):
    """weight-exhibit: backend/app/__main__.py runs "app.main:app" with `python -m app` (its README), which serves;
    `python backend/app/__main__.py` fails, but nobody starts a `__main__.py` so: no warning for that alone."""
    project.write("backend/app/__init__.py")
    project.write("backend/app/main.py", APP)
    assert main_file(project, 'uvicorn.run("app.main:app")', "backend/app/__main__.py", header="") == []
    # A string that only the script launch loads still fails where the file is meant to run.
    [finding] = main_file(project, 'uvicorn.run("main:app")', "backend/app/__main__.py", header="")
    assert finding.severity is Severity.WARNING
    assert "loads with `python backend/app/__main__.py`, not with `python -m app`" in finding.message


def test_src_layout(project):
    project.write("src/shop/__init__.py")
    project.write("src/shop/web.py", APP)
    assert main_file(project, 'uvicorn.run("shop.web:app")', "run.py", header="") == []
    assert main_file(project, 'uvicorn.run("shop.web:app")', "src/shop/cli.py", header="") == []
    [finding] = main_file(project, 'uvicorn.run("shop.wbe:app")', "run.py", header="")
    assert 'Did you mean "shop.web:app"?' in finding.message


def test_a_relative_app_dir_of_a_script_in_a_subfolder_may_be_meant_from_there(project):
    """backend/run.py with app_dir="app": `cd backend && python run.py` serves (real run), `python backend/run.py`
    from the workspace root does not; which folder it starts in is not known, so a warning, not an error."""
    project.write("backend/app/main.py", APP)
    [finding] = main_file(project, 'uvicorn.run("main:app", app_dir="app")', "backend/run.py", header="")
    assert finding.severity is Severity.WARNING
    assert "loads with `cd backend && python run.py`, not with `python backend/run.py`" in finding.message
    # A string that loads from neither folder is still an error.
    [finding] = main_file(project, 'uvicorn.run("mian:app", app_dir="app")', "backend/run.py", header="")
    assert finding.severity is Severity.ERROR


def test_app_dir_is_searched_first(project):
    project.write("backend/server.py", APP)
    assert main_file(project, 'uvicorn.run("server:app", app_dir="backend")', "run.py", header="") == []
    [finding] = main_file(project, 'uvicorn.run("server:app")', "run.py", header="")
    assert '"server:app" will not load: module not found' in finding.message
    # Known only at run time: no verdict on where modules come from.
    assert main_file(project, 'uvicorn.run("server:app", app_dir=os.getcwd())', "run.py", header="import os\n") == []


def test_config_strings_are_checked_too(project):
    [finding] = main_file(project, 'uvicorn.Server(uvicorn.Config("main:ap")).run()')
    assert 'Attribute "ap" not found in module "main"' in finding.message
    assert 'uvicorn.Config("main:app")' in apply_fix(project, "main.py", finding.best_fix, CODE)


# -- attributes ---------------------------------------------------------------------------
def test_nested_attribute_missing_names_the_part(project):
    header = APP + "\nclass Container:\n    api = app\n"
    assert main_file(project, 'uvicorn.run("main:Container.api")', header=header) == []
    [finding] = main_file(project, 'uvicorn.run("main:Container.apj")', header=header)
    assert 'Attribute "Container.apj" not found in module "main" (no `apj` in `Container`)' in finding.message
    assert 'uvicorn.run("main:Container.api")' in apply_fix(project, "main.py", finding.best_fix, CODE)


def test_attribute_of_another_workspace_module(project):
    project.write("web.py", "from fastapi import FastAPI\n\napplication = FastAPI()\n")
    [finding] = main_file(project, "uvicorn.run('web:aplication')", "run.py", header="")
    assert 'Attribute "aplication" not found in module "web"' in finding.message
    # The literal keeps its quotes.
    assert "uvicorn.run('web:application')" in apply_fix(project, "run.py", finding.best_fix, CODE)


BROKEN = "from fastapi import FastAPI\n\napplication = FastAPI()\napp = FastAPI(\ntry:\n    pass\nexcept Exception:\n    pass\n"


def test_a_module_that_does_not_parse_is_the_reason_not_a_missing_attribute(project):
    """`app = FastAPI(` cut short: importing web raises SyntaxError (uvicorn's traceback, exit status 1) before any
    attribute is looked up, and parso's error recovery loses `app`; no other name of web loads either."""
    project.write("web.py", BROKEN)
    [finding] = main_file(project, "uvicorn.run('web:app')", "run.py", header="")
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith('"web:app" will not load: module "web" has a syntax error (SyntaxError')
    assert "exit status 1" in finding.message and "not found" not in finding.message
    assert "Did you mean" not in finding.message and not finding.fixes


def test_a_module_that_does_not_parse_here_may_parse_in_the_analysed_python(project):
    """This Python refusing the module says nothing of an analysed interpreter of another version (`type X = int` is
    a SyntaxError on 3.11 and valid on 3.12): no verdict; one of this version (a venv of it) keeps the error."""
    project.write("web.py", BROKEN)
    project.write(".venv/bin/python")
    this = f"{sys.version_info.major}.{sys.version_info.minor}"
    for version, expected in ((f"3.{sys.version_info.minor + 1}", []), (this, ["UVI002"])):
        project.write(".venv/pyvenv.cfg", f"home = /nowhere\nversion = {version}.1\n")
        assert [finding.code for finding in main_file(project, "uvicorn.run('web:app')", "run.py", header="")] == (
            expected
        ), version


NEWER = f"3.{sys.version_info.minor + 1}"


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [
        (f'[project]\nname = "x"\nversion = "0"\nrequires-python = ">={NEWER}"\n', []),
        (f'[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^{NEWER}"\n', []),
        ('[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.8"\n', ["UVI002"]),
    ],
)
def test_a_module_that_does_not_parse_here_may_parse_in_the_python_the_project_requires(project, pyproject, expected):
    """A project that requires newer Pythons only (`requires-python = ">=3.12"`, Poetry's `python = "^3.12"`) may
    write what this Python refuses (a multi-line f-string, valid since 3.12): no verdict from the names parso's
    recovery lost (audit50e: aiffel's ml_app/main.py, "main:app" called "will not load" where it serves)."""
    project.write("pyproject.toml", pyproject)
    project.write("web.py", BROKEN)
    codes = [finding.code for finding in main_file(project, "uvicorn.run('web:app')", "run.py", header="")]
    assert codes == expected


NEWER_SYNTAX = (
    "from fastapi import FastAPI\n\n\ndef kind(value):\n    match value:\n        case 1:\n            return 'one'\n"
    "        case _:\n            return 'other'\n\n\napp = FastAPI()\n"
)


@pytest.mark.parametrize("attribute", ["app", "application"])
def test_a_module_in_syntax_parso_cannot_read_is_no_reason_for_a_verdict(project, attribute):
    """Valid Python that parso 0.8 does not read (`match`): it imports (`app` loads), and where parso's error
    recovery leaves a name out, nothing says the module lacks it: no finding, and no "syntax error" claimed."""
    project.write("web.py", NEWER_SYNTAX)
    assert main_file(project, f"uvicorn.run('web:{attribute}')", "run.py", header="") == []


ROUTES = "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
RELATIVE_MAIN = (
    "from fastapi import FastAPI\n\nfrom .routes import router\n\napp = FastAPI()\napp.include_router(router)\n"
)


def test_a_module_with_relative_imports_loaded_without_its_package(project):
    """`cd app && uvicorn main:app` of app/main.py doing `from .routes import router`: main is a top-level
    module there, and its relative import raises ImportError (a traceback, exit status 1)."""
    project.write("app/__init__.py")
    project.write("app/routes.py", ROUTES)
    project.write("app/main.py", RELATIVE_MAIN)
    project.write("Makefile", "run:\n\tcd app && uvicorn main:app\n")
    [finding] = project.check("Makefile", codes=(CODE,))
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith('"main:app" will not load: `main` is imported without a package')
    assert "ImportError" in finding.message and "exit status 1" in finding.message and not finding.fixes
    assert len(finding.message) <= MESSAGE_LIMIT


@pytest.mark.parametrize(
    ("main", "command"),
    [
        (RELATIVE_MAIN, "uvicorn app.main:app"),  # imported in its package: the import is relative to app
        (
            "try:\n    from .routes import router\nexcept ImportError:\n    from routes import router\n",
            "cd app && uvicorn main:app",
        ),
    ],
)
def test_relative_imports_that_load(project, main, command):
    project.write("app/__init__.py")
    project.write("app/routes.py", ROUTES)
    project.write("app/main.py", main + "from fastapi import FastAPI\n\napp = FastAPI()\n")
    project.write("Makefile", f"run:\n\t{command}\n")
    assert project.check("Makefile", codes=(CODE,)) == []


SIBLING_MAIN = "from fastapi import FastAPI\nfrom domain.models import User\n\napp = FastAPI()\n"


def test_a_module_whose_sibling_import_only_its_own_folder_finds(project):
    """backend/main.py does `from domain.models import User` (backend/domain/): started from the top as
    backend.main, `domain` is on no sys.path entry, ModuleNotFoundError (a traceback, exit status 1; audit:
    sandialabs/atlas-ui-3); `cd backend && uvicorn main:app` loads it."""
    project.write("backend/__init__.py")
    project.write("backend/domain/__init__.py")
    project.write("backend/domain/models.py", "User = object\n")
    project.write("backend/main.py", SIBLING_MAIN)
    project.write("Makefile", "run:\n\tuvicorn backend.main:app\nrun-here:\n\tcd backend && uvicorn main:app\n")
    [finding] = project.check("Makefile", codes=(CODE,))
    assert finding.severity is Severity.ERROR and finding.range.start.line == 1
    assert finding.message.startswith(
        '"backend.main:app" will not load: `backend.main` imports `domain.models`, only beside it'
    )
    assert "No module named 'domain'" in finding.message and "exit status 1" in finding.message
    assert not finding.fixes and len(finding.message) <= MESSAGE_LIMIT


def test_a_sibling_import_under_reload_fits_the_message_limit(project):
    """With reload's consequence the message was 181 characters: it goes without the string, which the reason names."""
    project.write("backend/__init__.py")
    project.write("backend/domain/__init__.py")
    project.write("backend/domain/models.py", "User = object\n")
    project.write("backend/main.py", SIBLING_MAIN)
    project.write(
        "run.py", "import uvicorn\n\nif __name__ == '__main__':\n    uvicorn.run('backend.main:app', reload=True)\n"
    )
    [finding] = project.check("run.py", codes=(CODE,))
    assert finding.message.startswith(
        "`backend.main` imports `domain.models`, only beside it: No module named 'domain'"
    )
    assert "the reloader keeps running" in finding.message and len(finding.message) <= MESSAGE_LIMIT


PACKAGE_MAIN = "from fastapi import FastAPI\nfrom app.core.config import NAME\n\napp = FastAPI(title=NAME)\n"


def package_layout(project, main=PACKAGE_MAIN):
    """backend/app/main.py imports its own package by its short name (`from app.core.config import NAME`), so it
    loads from backend/ only; a launcher at the top names it `backend.app.main`."""
    project.write("backend/app/__init__.py")
    project.write("backend/app/core/__init__.py")
    project.write("backend/app/core/config.py", "NAME = 'shop'\n")
    project.write("backend/app/main.py", main)


def test_a_module_importing_its_own_package_by_the_short_name(project):
    """Real run (uvicorn 0.54, realrun test): `python run.py` at the top, reload=True: the child fails with
    ModuleNotFoundError: No module named 'app' and the reloader serves nothing; `cd backend` it loads."""
    package_layout(project)
    project.write(
        "run.py", "import uvicorn\n\nif __name__ == '__main__':\n    uvicorn.run('backend.app.main:app', reload=True)\n"
    )
    [finding] = project.check("run.py", codes=(CODE,))
    assert finding.severity is Severity.ERROR
    assert "`backend.app.main` imports `app.core.config`, only in backend/: No module named 'app'" in finding.message
    assert "the reloader keeps running" in finding.message and len(finding.message) <= MESSAGE_LIMIT
    project.write("Makefile", "run:\n\tcd backend && uvicorn app.main:app\n")
    assert project.check("Makefile", codes=(CODE,)) == []


def test_a_module_importing_its_own_package_by_the_full_name_from_inside_it(project):
    """gamma's render.yaml: `cd backend && uvicorn main:app`, backend/main.py doing `from backend.config import
    settings`: loaded as `main` from backend/, `backend` is found only from the folder above (ModuleNotFoundError,
    exit status 1). With that folder on PYTHONPATH, or loaded as `backend.main` from the top, it loads."""
    project.write("backend/__init__.py")
    project.write("backend/config.py", "NAME = 'shop'\n")
    project.write(
        "backend/main.py", "from fastapi import FastAPI\nfrom backend.config import NAME\n\napp = FastAPI()\n"
    )
    project.write("Makefile", "run:\n\tcd backend && uvicorn main:app\n")
    [finding] = project.check("Makefile", codes=(CODE,))
    assert finding.severity is Severity.ERROR
    assert (
        f"`main` imports `backend.config`, only in {project.root.name}/: No module named 'backend'" in finding.message
    )
    assert "exit status 1" in finding.message and len(finding.message) <= MESSAGE_LIMIT
    for start in ("cd backend && PYTHONPATH=.. uvicorn main:app", "uvicorn backend.main:app"):
        project.write("Makefile", f"run:\n\t{start}\n")
        assert project.check("Makefile", codes=(CODE,)) == []


@pytest.mark.parametrize(
    "main",
    [
        PACKAGE_MAIN.replace("from app.core", "from backend.app.core"),
        PACKAGE_MAIN.replace("from app.core", "from .core"),
        "import sys, os\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\n" + PACKAGE_MAIN,
    ],
)
def test_a_module_importing_its_own_package_so_that_it_loads(project, main):
    package_layout(project, main)
    project.write("Makefile", "run:\n\tuvicorn backend.app.main:app\n")
    assert project.check("Makefile", codes=(CODE,)) == []


@pytest.mark.parametrize(
    "change",
    [
        ("backend/main.py", "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n" + SIBLING_MAIN),
        ("backend/__init__.py", "import sys, pathlib\nsys.path.append(str(pathlib.Path(__file__).parent))\n"),
        ("domain/models.py", "User = object\n"),  # a `domain` at the top too: that one is imported
        ("backend/main.py", "try:\n    from domain.models import User\nexcept ImportError:\n    User = None\n"),
    ],
)
def test_sibling_imports_that_load_or_may(project, change):
    project.write("backend/__init__.py")
    project.write("backend/domain/__init__.py")
    project.write("backend/domain/models.py", "User = object\n")
    project.write("backend/main.py", SIBLING_MAIN)
    project.write(*change)
    if change[0] == "backend/main.py" and "try" in change[1]:
        project.write("backend/main.py", change[1] + "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write("Makefile", "run:\n\tuvicorn backend.main:app\n")
    assert project.check("Makefile", codes=(CODE,)) == []


def test_a_sibling_folder_named_like_a_declared_distribution_is_not_the_import(project):
    """src/main.py does `from redis import asyncio` beside its own src/redis/ package: the redis the
    requirements install is what the import finds where it runs (audit: llm-api-aggregator-backend,
    `uvicorn src.main:app` served 200). Without the requirement it stays an error. (A name no test
    environment has installed stands for redis.)"""
    project.write("src/__init__.py")
    project.write("src/acmequeue/__init__.py")
    project.write("src/main.py", "from acmequeue import asyncio\nfrom fastapi import FastAPI\n\napp = FastAPI()\n")
    project.write("Makefile", "run:\n\tuvicorn src.main:app\n")
    [finding] = project.check("Makefile", codes=(CODE,))
    assert "imports `acmequeue`, only beside it" in finding.message
    project.write("requirements/requirements.txt", "fastapi\nacmequeue==5.0.7\n")
    assert project.check("Makefile", codes=(CODE,)) == []


PATH_SETUP = "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"


@pytest.mark.parametrize(
    ("files", "first_import"),
    [
        ({"backend/paths.py": PATH_SETUP}, "import backend.paths"),
        ({"backend/paths.py": PATH_SETUP}, "from . import paths"),
        ({"backend/core/__init__.py": PATH_SETUP, "backend/core/config.py": ""}, "from backend.core import config"),
        ({"backend/paths.py": PATH_SETUP, "backend/config.py": "from . import paths\n"}, "from .config import *"),
    ],
)
def test_sibling_imports_after_a_module_that_puts_the_folder_on_sys_path(project, files, first_import):
    """backend/main.py imports first a module of the project that puts backend/ on sys.path, then `from domain.models
    import User`: the sibling loads (real run, uvicorn 0.54: `uvicorn backend.main:app` from the top serves, 200)."""
    project.write("backend/__init__.py")
    project.write("backend/domain/__init__.py")
    project.write("backend/domain/models.py", "User = object\n")
    for path, text in files.items():
        project.write(path, text)
    project.write("backend/main.py", first_import + "\n" + SIBLING_MAIN)
    project.write("Makefile", "run:\n\tuvicorn backend.main:app\n")
    assert project.check("Makefile", codes=(CODE,)) == []


def test_sibling_import_before_the_module_that_changes_sys_path(project):
    """The sibling import runs first, so the change comes too late: ModuleNotFoundError all the same."""
    project.write("backend/__init__.py")
    project.write("backend/domain/__init__.py")
    project.write("backend/domain/models.py", "User = object\n")
    project.write("backend/paths.py", PATH_SETUP)
    project.write("backend/main.py", SIBLING_MAIN + "import backend.paths\n")
    project.write("Makefile", "run:\n\tuvicorn backend.main:app\n")
    [finding] = project.check("Makefile", codes=(CODE,))
    assert "only beside it" in finding.message


# -- values --------------------------------------------------------------------------------
def test_constant_is_checked_and_fixed_where_it_is_written(project):
    [finding] = main_file(project, "uvicorn.run(APP_PATH)", header=APP + 'APP_PATH = "main:apq"\n')
    assert 'Attribute "apq" not found in module "main"' in finding.message
    assert 'APP_PATH = "main:app"' in apply_fix(project, "main.py", finding.best_fix, CODE)


def test_fstring_of_constants_is_checked_without_a_fix(project):
    [finding] = main_file(project, 'uvicorn.run(f"{MODULE}:app")', header=APP + 'MODULE = "mian"\n')
    assert '"mian:app" will not load: module not found' in finding.message
    assert finding.fixes == []


def test_each_value_of_a_conditional_constant_is_checked(project):
    header = APP + 'import sys\nTARGET = "main:app"\nif len(sys.argv) > 1:\n    TARGET = "main:nope"\n'
    [finding] = main_file(project, "uvicorn.run(TARGET)", header=header)
    assert 'Attribute "nope" not found in module "main"' in finding.message and finding.fixes == []


# -- installed packages ---------------------------------------------------------------
def test_installed_packages(project):
    assert main_file(project, 'uvicorn.run("fastapi.applications:FastAPI")') == []
    [finding] = main_file(project, 'uvicorn.run("starlette.applications:Starlete")')
    assert 'Did you mean "starlette.applications:Starlette"?' in finding.message


# -- negatives ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, header",
    [
        ('uvicorn.run("main:app", reload=True)', APP),
        ('uvicorn.run(app="main:app")', APP),
        ("uvicorn.run(app)", APP),
        ("uvicorn.run(os.environ['APP'])", "import os\n"),
        ('uvicorn.run("main:app")', "def __getattr__(name):\n    return name\n"),
        ('uvicorn.run("helpers:app")', "import sys\nsys.path.insert(0, 'lib')\n"),
        ('other.run("nowhere:app")', "import other\n"),
    ],
)
def test_valid_or_unknowable_strings_stay_silent(project, call, header):
    assert main_file(project, call, header=header) == []


def test_noqa_silences(project):
    assert main_file(project, 'uvicorn.run("mian:app")  # noqa: UVI002') == []


# -- dependencies and buffers --------------------------------------------------------
def test_result_dependencies_name_the_files_the_string_was_resolved_from(project):
    project.write("web.py", APP)
    main_file(project, 'uvicorn.run("web:app")\n    uvicorn.run("later:app")', "run.py", header="")
    dependencies = project.result("run.py").dependencies
    assert project.root / "web.py" in dependencies
    # Not there yet: creating it must re-check run.py.
    assert {project.root / "later.py", project.root / "later/__init__.py"} <= dependencies


def test_an_unsaved_rename_in_another_buffer_wins(project):
    project.write("web.py", APP)
    run = project.write("run.py", 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("web:app")\n')
    workspace = Workspace(project.root)
    assert checker.check_text(run.read_text(), run, workspace, ALL_RULES).findings == []
    workspace.open_buffers[project.root / "web.py"] = APP.replace("app =", "api =")
    [finding] = checker.check_text(run.read_text(), run, workspace, ALL_RULES).findings
    assert finding.code == CODE and 'Did you mean "web:api"?' in finding.message


@pytest.mark.parametrize(
    "options, consequence",
    [
        ("", "uvicorn stops at startup (exit status 3)"),
        (", reload=True", "with reload=True the reloader keeps running and nothing is served"),
        (", workers=4", "the workers fail to start and uvicorn stops, with exit status 0"),
        (", reload=True, workers=4", "the reloader keeps running"),  # reload wins over workers
    ],
)
def test_the_consequence_follows_the_supervisor(project, options, consequence):
    [finding] = main_file(project, f'uvicorn.run("main:ap"{options})')
    assert consequence in finding.message


def test_attribute_bound_only_under_the_main_guard_does_not_load(project):
    project.write(
        "main.py",
        'import uvicorn\nfrom fastapi import FastAPI\n\nif __name__ == "__main__":\n    app = FastAPI()\n    uvicorn.run("main:app", reload=True)\n',
    )
    [finding] = [f for f in project.check("main.py") if f.code == "UVI002"]
    assert 'Attribute "app" not found in module "main"' in finding.message


def test_module_file_with_a_hyphen_loads(project):
    project.write("my-web.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write("main.py", 'import uvicorn\nif __name__ == "__main__":\n    uvicorn.run("my-web:app", reload=True)\n')
    assert [f for f in project.check("main.py") if f.code == "UVI002"] == []


def test_star_import_takes_only_the_names_in_dunder_all(project):
    project.write("web.py", 'from fastapi import FastAPI\n\n__all__ = ["api"]\napp = FastAPI()\napi = app\n')
    project.write("main.py", "from web import *\n")
    project.write(
        "run.py",
        'import uvicorn\nif __name__ == "__main__":\n    uvicorn.run("main:app", reload=True)\n    uvicorn.run("main:api", reload=True)\n',
    )
    findings = [f for f in project.check("run.py") if f.code == "UVI002"]
    assert len(findings) == 1 and 'Attribute "app" not found in module "main"' in findings[0].message


def test_star_import_with_a_computed_dunder_all_stays_silent(project):
    project.write(
        "web.py",
        'from fastapi import FastAPI\n\napp = FastAPI()\n__all__ = [name for name in dir() if not name.startswith("_")]\n',
    )
    project.write("main.py", "from web import *\n")
    project.write("run.py", 'import uvicorn\nif __name__ == "__main__":\n    uvicorn.run("main:app", reload=True)\n')
    assert [f for f in project.check("run.py") if f.code == "UVI002"] == []


# -- what the analysis cannot see is not an error ------------------------------------
def test_launch_that_cannot_run_the_file_is_not_judged(project):
    """`python pkg/main.py` fails at the file's own `from pkg.helpers import X` before uvicorn
    starts, so "pkg.main:app" failing with that launch is no finding."""
    project.write("pkg/__init__.py")
    project.write("pkg/helpers.py", "X = 1\n")
    header = APP + "from pkg.helpers import X\n"
    assert main_file(project, 'uvicorn.run("pkg.main:app", reload=True)', "pkg/main.py", header) == []


def test_package_not_in_the_workspace_is_not_an_error(project):
    """A service folder checked without its project: the file's own imports of `auth_server`
    do not resolve either, so whether "auth_server.app:app" loads cannot be told."""
    header = APP + "from auth_server.settings import SETTINGS\n"
    assert main_file(project, 'uvicorn.run("auth_server.app:app", reload=True)', "serve.py", header) == []


def test_missing_package_the_file_does_not_import_is_still_reported(project):
    header = APP + "from auth_server.settings import SETTINGS\n"
    [finding] = main_file(project, 'uvicorn.run("billing.app:app", reload=True)', "serve.py", header)
    assert "No module named 'billing'" in finding.message


@pytest.mark.parametrize("options", ["reload=True", "workers=2"])
def test_main_module_string_loads_the_running_script(project, options):
    """uvicorn resolves "__main__:app" in the spawned child to the re-imported script."""
    assert main_file(project, f'uvicorn.run("__main__:app", {options})') == []


def test_main_module_string_with_a_missing_attribute(project):
    [finding] = main_file(project, 'uvicorn.run("__main__:api", reload=True)')
    assert 'Attribute "api" not found in module "__main__"' in finding.message


def test_main_module_string_for_an_app_bound_under_the_guard(project):
    """The spawned child re-imports the script without its guarded block (checked with uvicorn 0.54:
    "Attribute "app" not found in module "__main__""); the script's own process has the name."""
    call = 'app = FastAPI()\n    uvicorn.run("__main__:app", {})'
    [finding] = main_file(project, call.format("reload=True"), header="from fastapi import FastAPI\n")
    assert 'Attribute "app" not found in module "__main__"' in finding.message
    assert main_file(project, call.format("port=8000"), header="from fastapi import FastAPI\n") == []


# -- suggestions name what the launch needs ---------------------------------------------
ROUTER_AND_FACTORY = (
    "from fastapi import APIRouter, FastAPI\n\napi = APIRouter()\n\n\ndef create_app():\n    return FastAPI()\n"
)


def test_did_you_mean_with_factory_names_a_factory_not_a_router(project):
    [finding] = main_file(project, 'uvicorn.run("main:ap", factory=True)', header=ROUTER_AND_FACTORY)
    assert '"main:api"' not in finding.message
    assert all("main:api" not in fix.title for fix in finding.fixes)


def test_did_you_mean_never_offers_a_router_for_an_app(project):
    header = "from fastapi import APIRouter, FastAPI\n\napi = APIRouter()\napplication = FastAPI()\n"
    [finding] = main_file(project, 'uvicorn.run("main:ap", reload=True)', header=header)
    assert 'Did you mean "main:application"?' in finding.message or "Did you mean" not in finding.message
    assert all("main:api" not in fix.title for fix in finding.fixes)


def test_did_you_mean_without_factory_skips_a_factory(project):
    [finding] = main_file(project, 'uvicorn.run("main:create_ap", reload=True)', header=ROUTER_AND_FACTORY)
    assert "Did you mean" not in finding.message


def test_did_you_mean_with_factory_offers_the_factory(project):
    [finding] = main_file(project, 'uvicorn.run("main:create_ap", factory=True)', header=ROUTER_AND_FACTORY)
    assert 'Did you mean "main:create_app"?' in finding.message


def test_a_long_module_name_is_elided_to_keep_the_message_short(project):
    """An 80-character dotted name keeps its first package and its last parts; the message stays
    within MESSAGE_LIMIT with every fact in it (the failure, the consequence, the suggestion)."""
    package = "company_internal/platform_services/customer_accounts/billing_gateway/api/v2"
    for depth in range(1, package.count("/") + 2):
        project.write("/".join(package.split("/")[:depth]) + "/__init__.py")
    project.write(f"{package}/main.py", APP)
    module = package.replace("/", ".") + ".main"
    assert len(module) >= 80
    [finding] = main_file(project, f'uvicorn.run("{module}:ap", reload=True)', "run.py", header="")
    message = finding.message
    assert len(message) <= MESSAGE_LIMIT, message
    assert message.startswith('Attribute "ap" not found in module "compa…') and 'v2.main";' in message
    assert "the reloader keeps running" in message and 'Did you mean "compa…' in message and 'main:app"?' in message
    assert f'uvicorn.run("{module}:app", reload=True)' in apply_fix(project, "run.py", finding.best_fix, CODE)


def test_file_path_as_module_fails_at_its_first_part(project):
    """importlib looks `app/main` up in folder listings, which never hold a `/`: "No module named
    'app/main'", a traceback from uvicorn (exit status 1), not "module not found"."""
    project.write("app/__init__.py")
    project.write("app/main.py", APP)
    project.write("Procfile", "web: uvicorn app/main.py:app\n")
    [finding] = project.check("Procfile", codes=(CODE,))
    assert "No module named 'app/main'" in finding.message and "exit status 1" in finding.message


@pytest.mark.parametrize(
    ("start", "errors"),
    [
        ('if __name__ == "__main__":\n    uvicorn.run("pkg:app")\n', 1),  # runs only as `python pkg/__init__.py`
        ('if __name__ == "__main__":\n    uvicorn.run("__init__:app")\n', 0),
        # Outside the guard the call also runs when `python -m pkg.cli` imports the package.
        ('if os.environ.get("SERVE"):\n    uvicorn.run("pkg:app")\n', 0),
    ],
)
def test_call_in_a_package_init(project, start, errors):
    project.write("pkg/__init__.py", "import os\nimport uvicorn\n" + APP + start)
    project.write("pkg/cli.py", "import pkg\n")
    found = [f for f in project.check("pkg/__init__.py", codes=(CODE,)) if f.severity is Severity.ERROR]
    assert len(found) == errors


@pytest.mark.parametrize(
    ("pinned", "consequence"),
    [
        ("0.29.0", "the workers fail to start and uvicorn keeps running without serving"),
        ("0.30.0", "the workers die at startup and are restarted without end"),
        ("0.46.0", "the workers die at startup and are restarted without end"),
        ("0.47.0", "uvicorn stops at startup (exit status 1)"),
        ("0.50.0", "the workers fail to start and uvicorn stops, with exit status 0"),
    ],
)
def test_the_consequence_of_failing_workers_follows_the_running_version(project, without_uvicorn, pinned, consequence):
    """Checked with each release (`uvicorn.run("main:ap", workers=2)`, 10 s): 0.29 logs two failures and its
    parent stays up; 0.30 and 0.46 log 40, starting a new worker for each; 0.47 exits 1 at once; since 0.50 exit 0
    (audit: the 0.30-0.46 message said the parent only kept running)."""
    project.write("requirements.txt", f"uvicorn=={pinned}\n")
    project.write(
        "main.py", f"import uvicorn\n{APP}\nif __name__ == '__main__':\n    uvicorn.run('main:ap', workers=2)\n"
    )
    [finding] = project.check("main.py", without_uvicorn, codes=(CODE,))
    assert consequence in finding.message


@pytest.mark.parametrize(
    ("spec", "consequence"),
    [
        ("mian:app", "gunicorn stops: Worker failed to boot"),
        ("main:ap", "gunicorn stops: App failed to load"),
    ],
)
def test_gunicorn_launches_end_as_gunicorn_does(project, spec, consequence):
    """With four workers no exit status is named: the master's halt races the second failed worker (4 or 1)."""
    project.write("main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write("Procfile", f"web: gunicorn {spec} -k uvicorn_worker.UvicornWorker -w 4 --reload\n")
    [error] = project.check("Procfile", codes=("UVI002",))
    assert consequence in error.message and "uvicorn" not in error.message.split(";")[1]
    assert "exit status" not in error.message


def test_one_gunicorn_worker_ends_with_the_app_load_status(project):
    project.write("main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write("Procfile", "web: gunicorn main:ap -k uvicorn_worker.UvicornWorker\n")
    [error] = project.check("Procfile", codes=("UVI002",))
    assert "gunicorn stops: App failed to load (exit status 4)" in error.message


def test_a_package_missing_where_nothing_installed_can_be_seen_is_not_judged(project):
    """The analysed interpreter could not be asked (broken, or a program the project holds, never run): a top-level
    package missing from the project may be installed, so no error; a module missing from a project package is."""
    python = project.root / "bin" / "python"
    python.parent.mkdir()
    python.write_text("#!/bin/sh\nexit 1\n")
    python.chmod(0o755)
    project.write("pkg/__init__.py")
    project.write(
        "main.py", 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("somepkg.server:app", reload=True)\n'
    )
    from uvicorn_lsp.engine.config import Settings

    settings = Settings(python=str(python))
    assert project.check("main.py", settings, codes=("UVI002",)) == []
    project.write(
        "main.py", 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("pkg.mian:app", reload=True)\n'
    )
    assert len(project.check("main.py", settings, codes=("UVI002",))) == 1


def test_launches_whose_workers_fail_differently_each_say_what_their_parent_does(project):
    """`-m`: the attribute is missing, each worker exits 3 and the parent stops (status 0); as a script, `pkg` is
    not importable, each worker dies of the exception and is replaced (tests/realrun/test_import_strings.py)."""
    project.write("pkg/__init__.py")
    project.write(
        "pkg/main.py",
        'import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\nif __name__ == "__main__":\n'
        '    uvicorn.run("pkg.main:ap", workers=2)\n',
    )
    [finding] = project.check("pkg/main.py", codes=("UVI002",))
    assert "(stops, exit status 0; `python pkg/main.py`: workers restarted without end)" in finding.message


@pytest.mark.parametrize(
    ("name", "judged"),
    [
        ("tests/test_server.py", False),
        ("test_server.py", False),
        ("server_test.py", False),
        ("conftest.py", False),
        ("tests/helpers/live.py", False),
        ("src/testing_tools.py", True),
        ("server.py", True),
    ],
)
def test_tests_are_not_how_the_project_starts(project, name, judged):
    """A test builds a Config it never serves, patches uvicorn.run, starts a server its fixture stops (real run:
    py-shiny's test of Config("app:app") passes; audit)."""
    code = (
        "import asyncio\nfrom uvicorn.config import Config\nfrom uvicorn.server import Server\n\n\n"
        'def test_startup():\n    server = Server(config=Config("app:app"))\n    asyncio.run(server.startup())\n'
    )
    project.write(name, code)
    assert bool(project.check(name, codes=("UVI002",))) is judged


@pytest.mark.parametrize(("options", "reported"), [("reload=True", True), ("workers=2", True), ("port=8000", False)])
def test_the_main_module_string_in_a_package_main(project, options, reported):
    """`python -m pkg` runs pkg/__main__.py; the processes reload and workers spawn do not import it again, so
    "__main__:app" is not found there (real run); as a script, or without spawned processes, it loads."""
    project.write("pkg/__init__.py")
    project.write(
        "pkg/__main__.py",
        "import uvicorn\n" + APP + f'\nif __name__ == "__main__":\n    uvicorn.run("__main__:app", {options})\n',
    )
    found = project.check("pkg/__main__.py", codes=(CODE,))
    assert [finding.severity for finding in found] == ([Severity.WARNING] if reported else [])
    if reported:
        assert 'not with `python -m pkg`: Attribute "app" not found in module "__main__"' in found[0].message


CONSOLE_APP = (
    "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\ndef run():\n    uvicorn.run({string!r})\n"
)


@pytest.mark.parametrize(
    "scripts",
    [
        '[project.scripts]\nshop-serve = "shop.main:run"\n',
        '[tool.poetry.scripts]\nshop-serve = { callable = "shop.main:run" }\n',
    ],
)
def test_a_function_only_a_console_script_runs_is_judged_by_that_script(project, scripts):
    """`shop-serve = "shop.main:run"`: the installed script's sys.path has the project's packages, not src/shop/
    (real run: `Could not import module "main"`); running src/shop/main.py itself never calls `run`."""
    project.write("pyproject.toml", f'[project]\nname = "shop"\nversion = "0.1"\n\n{scripts}')
    project.write("src/shop/__init__.py")
    project.write("src/shop/main.py", CONSOLE_APP.format(string="main:app"))
    [finding] = uvi002(project, "src/shop/main.py")
    assert finding.severity is Severity.ERROR and finding.message.startswith('"main:app" will not load: module')
    assert "uvicorn.run('shop.main:app')" in apply_fix(project, "src/shop/main.py", finding.best_fix, CODE)
    project.write("src/shop/main.py", CONSOLE_APP.format(string="shop.main:app"))
    assert uvi002(project, "src/shop/main.py") == []


def test_a_console_script_function_the_file_also_runs_keeps_the_file_launches(project):
    """`if __name__ == "__main__": run()` runs the call too: the file's launches stay, and the script is one more."""
    project.write(
        "pyproject.toml", '[project]\nname = "shop"\nversion = "0.1"\n[project.scripts]\nserve = "shop.main:run"\n'
    )
    project.write("src/shop/__init__.py")
    main = CONSOLE_APP.format(string="main:app") + '\n\nif __name__ == "__main__":\n    run()\n'
    project.write("src/shop/main.py", main)
    [finding] = uvi002(project, "src/shop/main.py")
    assert finding.severity is Severity.WARNING
    assert "loads with `python src/shop/main.py`, not with `python -m shop.main` or `serve`" in finding.message
    # Another module's function of the same name is no entry point of this one.
    project.write(
        "pyproject.toml", '[project]\nname = "shop"\nversion = "0.1"\n[project.scripts]\nserve = "shop.cli:run"\n'
    )
    [finding] = uvi002(project, "src/shop/main.py")
    assert "`serve`" not in finding.message


LOADER = "from uvicorn import Config, Server\n\nconfig = Config({string!r}, port=8000)\nserver = Server(config)\n"
BOT_MAIN = (
    "import asyncio\n\nfrom bot.core.loader import server\n\n\n"
    'if __name__ == "__main__":\n    asyncio.run(server.serve())\n'
)


def test_a_module_level_config_that_an_importer_serves(project):
    """bot/core/loader.py builds the config and server, bot/__main__.py serves them (`python -m bot`): running
    loader.py itself builds the config and exits (real run: no error), so it is judged as imported, by its full
    name; it used to be told it fails with `python bot/core/loader.py`: No module named 'bot'."""
    project.write("bot/__init__.py")
    project.write("bot/core/__init__.py")
    project.write("bot/core/webhook.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    project.write("bot/__main__.py", BOT_MAIN)
    project.write("bot/core/loader.py", LOADER.format(string="bot.core.webhook:app"))
    assert uvi002(project, "bot/core/loader.py") == []
    project.write("bot/core/loader.py", LOADER.format(string="webhook:app"))
    [finding] = uvi002(project, "bot/core/loader.py")
    assert finding.severity is Severity.ERROR and finding.message.startswith('"webhook:app" will not load')


def test_a_module_level_config_the_file_serves_itself_keeps_its_launches(project):
    """`if __name__ == "__main__": server.run()`: `python bot/core/loader.py` runs it too, and fails there."""
    project.write("bot/__init__.py")
    project.write("bot/core/__init__.py")
    project.write("bot/core/webhook.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    main = LOADER.format(string="bot.core.webhook:app") + '\n\nif __name__ == "__main__":\n    server.run()\n'
    project.write("bot/core/loader.py", main)
    [finding] = uvi002(project, "bot/core/loader.py")
    assert finding.severity is Severity.WARNING
    assert "not with `python bot/core/loader.py`: No module named 'bot'" in finding.message


@pytest.mark.parametrize(
    ("relative", "text"),
    [
        ("start.sh", '#!/bin/sh\nrun() {\n  uvicorn mian:app "$@"\n}\nrun --reload\n'),
        (
            "serve.py",
            'import json\nimport uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("mian:app", **json.load(open("o.json")))\n',
        ),
    ],
)
def test_options_only_the_run_knows_leave_the_exit_unsaid(project, relative, text):
    """`"$@"` or `**options` may add --reload (the reloader keeps running) or workers: the string fails and
    nothing is served whatever they hold, but the exit status is theirs to say (audit50b)."""
    project.write("main.py", APP)
    project.write(relative, text)
    [finding] = project.check(relative, codes=(CODE,))
    assert finding.severity is Severity.ERROR
    assert "will not load: module not found; nothing is served" in finding.message
    assert "exit status" not in finding.message


def test_a_start_in_a_thread_stops_the_thread_not_the_process(project):
    """uvicorn.run in a function a threading.Thread targets: uvicorn's exit ends the thread, and the process goes
    on (real run, 0.54: 'Could not import module "mian"', the main thread still running, exit status 0)."""
    project.write(
        "main.py",
        "import threading\n\nimport uvicorn\n" + APP + '\n\ndef serve():\n    uvicorn.run("mian:app")\n\n\n'
        'if __name__ == "__main__":\n    threading.Thread(target=serve).start()\n',
    )
    [finding] = uvi002(project)
    assert "will not load: module not found; the thread it runs in stops and nothing is served" in finding.message
