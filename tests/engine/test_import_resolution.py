"""Import-string resolution: search paths per launch of the checked file, and attribute chains
followed through modules, imports and plain classes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from uvicorn_lsp.engine import import_resolution
from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.context import RuleContext
from uvicorn_lsp.engine.import_resolution import Outcome
from uvicorn_lsp.engine.source import SourceFile
from uvicorn_lsp.engine.workspace import Workspace


def context(project, relative: str, workspace: Workspace | None = None) -> RuleContext:
    path = project.root / relative
    workspace = workspace or Workspace(project.root)
    return RuleContext(SourceFile(path.read_text(), path), workspace, Settings())


# -- search paths per launch ---------------------------------------------------------
def launches(paths):
    return [(path.launch.command, path.roots[0], path.usual) for path in paths]


def test_script_outside_a_package_has_one_launch(project):
    project.write("main.py", "import uvicorn\n")
    assert launches(import_resolution.search_paths(context(project, "main.py"))) == [
        ("python main.py", project.root, True)
    ]


def test_file_in_a_package_has_module_and_script_launches(project):
    project.write("pkg/__init__.py")
    project.write("pkg/main.py", "import uvicorn\n")
    assert launches(import_resolution.search_paths(context(project, "pkg/main.py"))) == [
        ("python -m pkg.main", project.root, True),
        ("python pkg/main.py", project.root / "pkg", True),
    ]


def test_relative_imports_rule_out_the_script_launch(project):
    """Run as a script, the file has no package: its top-level relative import stops it before uvicorn."""
    project.write("pkg/__init__.py")
    project.write("pkg/main.py", "from . import helpers\n")
    assert launches(import_resolution.search_paths(context(project, "pkg/main.py"))) == [
        ("python -m pkg.main", project.root, True)
    ]


def test_a_dunder_main_runs_with_m_of_its_own_package(project):
    """`python -m pkg` is what a `__main__.py` is for: run as a script, or with `-m` through the namespace folders
    above its package, it is possible but not usual (real runs of weight-exhibit's backend/app/__main__.py)."""
    project.write("backend/pkg/__init__.py")
    project.write("backend/pkg/__main__.py", "import uvicorn\n")
    assert launches(import_resolution.search_paths(context(project, "backend/pkg/__main__.py"))) == [
        ("python -m pkg", project.root / "backend", True),
        ("python -m backend.pkg", project.root, False),
        ("python backend/pkg/__main__.py", project.root / "backend/pkg", False),
    ]


def test_a_dunder_main_importing_its_siblings_flat_keeps_its_script_launch(project):
    """advanced_diploma_sobol's backend/src/__main__.py does `from settings import settings`: only run as a script
    (`python backend/src`) does it reach uvicorn, so that launch still judges its string."""
    project.write("backend/src/__init__.py")
    project.write("backend/src/settings.py", "settings = None\n")
    project.write("backend/src/__main__.py", "import uvicorn\nfrom settings import settings\n")
    assert launches(import_resolution.search_paths(context(project, "backend/src/__main__.py"))) == [
        ("python backend/src/__main__.py", project.root / "backend/src", True)
    ]


def test_a_dunder_main_without_a_module_launch_keeps_its_script_launch(project):
    project.write("__main__.py", "import uvicorn\n")
    assert launches(import_resolution.search_paths(context(project, "__main__.py"))) == [
        ("python __main__.py", project.root, True)
    ]


def test_relative_import_inside_try_keeps_the_script_launch(project):
    project.write("pkg/__init__.py")
    project.write("pkg/main.py", "try:\n    from . import helpers\nexcept ImportError:\n    import helpers\n")
    assert [path.launch.kind for path in import_resolution.search_paths(context(project, "pkg/main.py"))] == [
        "module",
        "script",
    ]


def test_plain_folder_script_may_run_with_m_from_the_workspace_root(project):
    project.write("scripts/run.py")
    assert launches(import_resolution.search_paths(context(project, "scripts/run.py"))) == [
        ("python -m scripts.run", project.root, False),
        ("python scripts/run.py", project.root / "scripts", True),
    ]


def test_src_app_dir_and_installed_roots(project):
    project.write("src/pkg/__init__.py")
    project.write("run.py")
    [path] = import_resolution.search_paths(context(project, "run.py"), app_dir="backend")
    assert path.roots[:3] == (project.root / "backend", project.root, project.root / "src")
    assert any(root.name == "site-packages" for root in path.roots[3:])


def test_package_markers_are_dependencies(project):
    project.write("pkg/__init__.py")
    project.write("pkg/main.py")
    ctx = context(project, "pkg/main.py")
    import_resolution.search_paths(ctx)
    assert {project.root / "pkg/__init__.py", project.root / "__init__.py"} <= ctx.dependencies


# -- attribute chains ------------------------------------------------------------------
def resolve(project, text: str, relative="main.py", workspace=None):
    ctx = context(project, relative, workspace)
    [path, *_] = import_resolution.search_paths(ctx)
    module, attributes = import_resolution.split_import_string(text)
    return import_resolution.resolve(ctx, module, attributes, path), ctx


def test_split_follows_uvicorn():
    assert import_resolution.split_import_string("pkg.main:app.inner") == ("pkg.main", "app.inner")
    assert import_resolution.split_import_string("a:b:c") == ("a", "b:c")
    for bad in ("main", ":app", "main:", ""):
        assert import_resolution.split_import_string(bad) is None


@pytest.mark.parametrize(
    "definition",
    [
        "app = object()",
        "app: object = object()",
        "def app(scope, receive, send): pass",
        "class app: pass",
        "from os import path as app",
        "import json as app",
        "for app in []: pass",
        "if True:\n    app = 1",
        "def setup():\n    global app\n    app = 1",
    ],
)
def test_every_kind_of_top_level_binding_loads(project, definition):
    project.write("main.py", definition + "\n")
    assert resolve(project, "main:app")[0].outcome is Outcome.LOADS


def test_names_bound_only_inside_functions_do_not_count(project):
    project.write("main.py", "def setup():\n    app = 1\n\nclass Holder:\n    app = 1\n")
    resolution, _ = resolve(project, "main:app")
    assert resolution.outcome is Outcome.NO_ATTRIBUTE


def test_missing_attribute_offers_near_names(project):
    project.write("main.py", "application = 1\nother = 2\n")
    resolution, _ = resolve(project, "main:aplication")
    assert (resolution.outcome, resolution.missing_at, resolution.near[0]) == (Outcome.NO_ATTRIBUTE, 0, "application")


def test_nested_attributes_follow_plain_classes(project):
    project.write("main.py", "class Container:\n    app = object()\n\nclass Derived(Base):\n    pass\n")
    assert resolve(project, "main:Container.app")[0].outcome is Outcome.LOADS
    missing, _ = resolve(project, "main:Container.api")
    assert (missing.outcome, missing.missing_at) == (Outcome.NO_ATTRIBUTE, 1)
    # Inherited attributes cannot be seen: no verdict.
    assert resolve(project, "main:Derived.app")[0].outcome is Outcome.UNKNOWN


def test_nested_attributes_follow_imports(project):
    project.write("pkg/__init__.py")
    project.write("pkg/core.py", "class Container:\n    app = object()\n")
    project.write("pkg/api.py", "app = object()\n")
    project.write("main.py", "from pkg.core import Container\nimport pkg.api as api\nfrom pkg import api as api2\n")
    for text in ("main:Container.app", "main:api.app", "main:api2.app"):
        assert resolve(project, text)[0].outcome is Outcome.LOADS, text
    missing, ctx = resolve(project, "main:api.missing")
    assert (missing.outcome, missing.missing_at) == (Outcome.NO_ATTRIBUTE, 1)
    assert project.root / "pkg/api.py" in ctx.dependencies


def test_relative_imports_in_the_target_module_are_followed(project):
    project.write("pkg/__init__.py", "from .core import app\n")
    project.write("pkg/core.py", "app = object()\n")
    project.write("run.py")
    assert resolve(project, "pkg:app", "run.py")[0].outcome is Outcome.LOADS


def test_star_imports_are_followed(project):
    project.write("parts.py", "app = object()\n_private = 1\n")
    project.write("main.py", "from parts import *\n")
    loads, _ = resolve(project, "main:app")
    assert loads.outcome is Outcome.LOADS and loads.binding.module.found.name == "parts"
    assert resolve(project, "main:_private")[0].outcome is Outcome.NO_ATTRIBUTE


@pytest.mark.parametrize(
    "module_text",
    [
        "def __getattr__(name):\n    return 1\n",
        "from somewhere_unknown import *\n",
        "globals()['app'] = 1\n",
    ],
)
def test_dynamic_modules_give_no_verdict(project, module_text):
    project.write("main.py", module_text)
    assert resolve(project, "main:app")[0].outcome is Outcome.UNKNOWN


def test_a_submodule_of_a_package_gives_no_verdict(project):
    # `pkg.main` is an attribute of `pkg` once anything imported it.
    project.write("pkg/__init__.py")
    project.write("pkg/main.py")
    project.write("run.py")
    assert resolve(project, "pkg:main", "run.py")[0].outcome is Outcome.UNKNOWN


def test_open_buffers_win_over_disk(project):
    project.write("main.py", "app = object()\n")
    project.write("run.py")
    workspace = Workspace(project.root)
    workspace.open_buffers[project.root / "main.py"] = "renamed = object()\n"
    assert resolve(project, "main:app", "run.py", workspace=workspace)[0].outcome is Outcome.NO_ATTRIBUTE


def test_the_checked_file_is_read_from_its_own_source(project):
    # The document being checked is the newest text there is, whatever disk says.
    project.write("main.py", "renamed = object()\n")
    ctx = RuleContext(SourceFile("app = object()\n", project.root / "main.py"), Workspace(project.root), Settings())
    [path] = import_resolution.search_paths(ctx)
    assert import_resolution.resolve(ctx, "main", "app", path).outcome is Outcome.LOADS


# -- installed modules ---------------------------------------------------------------
def test_modules_of_the_analysed_environment(project):
    project.write("main.py")
    assert resolve(project, "fastapi.applications:FastAPI")[0].outcome is Outcome.LOADS
    assert resolve(project, "fastapi:FastAPI")[0].outcome is Outcome.LOADS  # a re-export
    missing, _ = resolve(project, "fastapi.applications:FastAPY")
    assert missing.outcome is Outcome.NO_ATTRIBUTE and "FastAPI" in missing.near
    assert resolve(project, "fastapi.nope:app")[0].outcome is Outcome.NO_MODULE


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("analysed-venv")
    # --copies: a symlinked interpreter resolves to ours, and the workspace would analyse with our own environment.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--copies", str(folder)], check=True)
    return folder


def site_packages(venv: Path) -> Path:
    [folder] = venv.glob("lib/python*/site-packages")
    return folder


def test_a_package_installed_in_a_foreign_environment(project, venv):
    tiny = site_packages(venv) / "tinyapp_for_tests"
    tiny.mkdir(exist_ok=True)
    (tiny / "__init__.py").write_text("")
    (tiny / "web.py").write_text("app = object()\n")
    project.write("main.py")
    workspace = Workspace(project.root, Settings(python=str(venv / "bin" / "python")))
    assert resolve(project, "tinyapp_for_tests.web:app", workspace=workspace)[0].outcome is Outcome.LOADS
    assert resolve(project, "tinyapp_for_tests.web:nope", workspace=workspace)[0].outcome is Outcome.NO_ATTRIBUTE
    # Installed after the first look: the folder listing is read again when it changes.
    (site_packages(venv) / "installed_later.py").write_text("app = 1\n")
    assert resolve(project, "installed_later:app", workspace=workspace)[0].outcome is Outcome.LOADS
    # Our own environment does not have it.
    assert resolve(project, "tinyapp_for_tests.web:app")[0].outcome is Outcome.NO_MODULE
