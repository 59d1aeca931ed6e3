"""The module index: dotted names to files per sys.path, search paths per launch, attribute chains."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from uvicorn_lsp.engine import modules
from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.context import RuleContext
from uvicorn_lsp.engine.modules import FoundModule, MissingModule, Outcome
from uvicorn_lsp.engine.source import SourceFile
from uvicorn_lsp.engine.workspace import Workspace


def context(project, relative: str, workspace: Workspace | None = None) -> RuleContext:
    path = project.root / relative
    workspace = workspace or Workspace(project.root)
    return RuleContext(SourceFile(path.read_text(), path), workspace, Settings())


def find(project, name: str, *roots: str, workspace: Workspace | None = None):
    index = (workspace or Workspace(project.root)).modules
    looked_at: list[Path] = []
    return index.find(name, [project.root / root for root in roots], looked_at.append), looked_at


# -- find: importlib's search order, statically ---------------------------------
def test_module_package_and_submodule(project):
    project.write("main.py")
    project.write("pkg/__init__.py")
    project.write("pkg/sub/__init__.py")
    project.write("pkg/sub/api.py")
    assert find(project, "main", ".")[0] == FoundModule("main", project.root / "main.py")
    package, _ = find(project, "pkg", ".")
    assert package.path == project.root / "pkg/__init__.py" and package.is_package
    assert find(project, "pkg.sub.api", ".")[0].path == project.root / "pkg/sub/api.py"


def test_package_wins_over_module_and_earlier_roots_win(project):
    project.write("a/thing.py")
    project.write("a/thing/__init__.py")
    project.write("b/thing.py")
    assert find(project, "thing", "a", "b")[0].path == project.root / "a/thing/__init__.py"
    assert find(project, "thing", "b", "a")[0].path == project.root / "b/thing.py"


def test_namespace_package_spans_every_root(project):
    project.write("one/ns/first.py")
    project.write("two/ns/second.py")
    found, _ = find(project, "ns", "one", "two")
    assert found.path is None and found.folders == (project.root / "one/ns", project.root / "two/ns")
    assert find(project, "ns.second", "one", "two")[0].path == project.root / "two/ns/second.py"


def test_missing_parts_are_named(project):
    project.write("main.py")
    project.write("pkg/__init__.py")
    assert find(project, "pkg.nope", ".")[0] == MissingModule("pkg.nope", "pkg.nope", searched=(project.root / "pkg",))
    assert find(project, "nope.main", ".")[0].missing == "nope"
    not_a_package, _ = find(project, "main.py", ".")
    assert (not_a_package.missing, not_a_package.not_a_package) == ("main.py", "main")
    assert isinstance(find(project, "app/main", ".")[0], MissingModule)


def test_builtin_and_compiled_modules_are_found(project):
    project.write("fast.cpython-311-x86_64-linux-gnu.so", "")
    assert isinstance(find(project, "sys", ".")[0], FoundModule)
    assert find(project, "fast", ".")[0] == FoundModule("fast", None)


def test_an_unsaved_buffer_counts_as_a_file(project):
    workspace = Workspace(project.root)
    workspace.open_buffers[project.root / "draft.py"] = "app = 1\n"
    assert find(project, "draft", ".", workspace=workspace)[0].path == project.root / "draft.py"


def test_every_candidate_looked_at_is_reported(project):
    _, looked_at = find(project, "later", ".")
    # Creating either file makes the name importable, so both are dependencies.
    assert {project.root / "later.py", project.root / "later/__init__.py"} <= set(looked_at)
    # So does the first file of a new namespace package.
    _, looked_at = find(project, "later.web", ".")
    assert {project.root / "later/web.py", project.root / "later/web/__init__.py"} <= set(looked_at)


# -- search paths per launch ---------------------------------------------------------
def launches(paths):
    return [(path.launch.command, path.roots[0], path.usual) for path in paths]


def test_script_outside_a_package_has_one_launch(project):
    project.write("main.py", "import uvicorn\n")
    assert launches(modules.search_paths(context(project, "main.py"))) == [("python main.py", project.root, True)]


def test_file_in_a_package_has_module_and_script_launches(project):
    project.write("pkg/__init__.py")
    project.write("pkg/main.py", "import uvicorn\n")
    assert launches(modules.search_paths(context(project, "pkg/main.py"))) == [
        ("python -m pkg.main", project.root, True),
        ("python pkg/main.py", project.root / "pkg", True),
    ]


def test_relative_imports_rule_out_the_script_launch(project):
    project.write("pkg/__init__.py")
    project.write("pkg/main.py", "from . import helpers\n")
    assert [path.usual for path in modules.search_paths(context(project, "pkg/main.py"))] == [True, False]


def test_plain_folder_script_may_run_with_m_from_the_workspace_root(project):
    project.write("scripts/run.py")
    assert launches(modules.search_paths(context(project, "scripts/run.py"))) == [
        ("python -m scripts.run", project.root, False),
        ("python scripts/run.py", project.root / "scripts", True),
    ]


def test_src_app_dir_and_installed_roots(project):
    project.write("src/pkg/__init__.py")
    project.write("run.py")
    [path] = modules.search_paths(context(project, "run.py"), app_dir="backend")
    assert path.roots[:3] == (project.root / "backend", project.root, project.root / "src")
    assert any(root.name == "site-packages" for root in path.roots[3:])


def test_package_markers_are_dependencies(project):
    project.write("pkg/__init__.py")
    project.write("pkg/main.py")
    ctx = context(project, "pkg/main.py")
    modules.search_paths(ctx)
    assert {project.root / "pkg/__init__.py", project.root / "__init__.py"} <= ctx.dependencies


# -- attribute chains ------------------------------------------------------------------
def resolve(project, text: str, relative="main.py", workspace=None):
    ctx = context(project, relative, workspace)
    [path, *_] = modules.search_paths(ctx)
    module, attributes = modules.split_import_string(text)
    return modules.resolve(ctx, module, attributes, path), ctx


def test_split_follows_uvicorn():
    assert modules.split_import_string("pkg.main:app.inner") == ("pkg.main", "app.inner")
    assert modules.split_import_string("a:b:c") == ("a", "b:c")
    for bad in ("main", ":app", "main:", ""):
        assert modules.split_import_string(bad) is None


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
    [path] = modules.search_paths(ctx)
    assert modules.resolve(ctx, "main", "app", path).outcome is Outcome.LOADS


def test_the_parsed_module_is_reused_while_its_text_stays(project):
    project.write("main.py", "app = 1\n")
    workspace = Workspace(project.root)
    index = workspace.modules
    found = FoundModule("main", project.root / "main.py")
    first = index.parsed(found)
    assert index.parsed(found) is first
    workspace.open_buffers[found.path] = "app = 2\n"
    assert index.parsed(found) is not first


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


@pytest.mark.parametrize(
    "dotted, package, expected",
    [
        ("os.path", "app", "os.path"),
        (".core", "app", "app.core"),
        ("..core", "app.api", "app.core"),
        (".", "app.api", "app.api"),
        ("..core", "app", None),  # beyond the top-level package
        (".core", "", None),  # a top-level module has no package
    ],
)
def test_relative_names_are_made_absolute(dotted, package, expected):
    assert modules.absolute_name(dotted, package) == expected
