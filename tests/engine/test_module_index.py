"""The module index: dotted names to files per sys.path, as importlib searches, and parsed modules kept per text."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvicorn_lsp.engine.module_index import FoundModule, MissingModule, absolute_name
from uvicorn_lsp.engine.workspace import Workspace


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


def test_near_module_names_come_from_the_projects_folders_only(project, tmp_path_factory):
    """ "Did you mean" compares the project's modules, not the hundreds an environment installs."""
    outside = tmp_path_factory.mktemp("stdlib")
    (outside / "mains.py").write_text("")
    project.write("main.py")
    project.write("api/mainx.py")
    project.write(".venv/lib/python3.11/site-packages/maim.py")
    folders = [project.root, project.root / "api", outside, project.root / ".venv/lib/python3.11/site-packages"]
    assert set(Workspace(project.root).modules.near_modules("mian", folders)) == {"main", "mainx"}


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


def test_the_parsed_module_is_reused_while_its_text_stays(project):
    project.write("main.py", "app = 1\n")
    workspace = Workspace(project.root)
    index = workspace.modules
    found = FoundModule("main", project.root / "main.py")
    first = index.parsed(found)
    assert index.parsed(found) is first
    workspace.open_buffers[found.path] = "app = 2\n"
    assert index.parsed(found) is not first


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
    assert absolute_name(dotted, package) == expected


def test_static_listings_answer_as_fresh_lookups_do(project):
    """The CLI's index (static_files: each folder listed once per run) finds what the server's finds,
    and reports the same paths looked at: every kind of entry importlib tells apart."""
    project.write("one/pkg/__init__.py")
    project.write("one/pkg/api.py")
    project.write("one/mod.py")
    project.write("one/ns/first.py")
    project.write("two/ns/second.py")
    project.write("one/fast.cpython-311-x86_64-linux-gnu.so", "")
    project.write("one/cpkg/__init__.cpython-311-x86_64-linux-gnu.so", "")
    project.write("one/real.py")
    (project.root / "one/linked.py").symlink_to(project.root / "one/real.py")
    (project.root / "one/folder.py").mkdir()  # a folder named like a module is not one
    names = ["pkg", "pkg.api", "pkg.nope", "mod", "mod.sub", "ns", "ns.second", "fast", "cpkg", "linked", "folder"]
    names += ["nope", "nope.deeper", "sys"]
    for name in names:
        fresh = find(project, name, "one", "two")
        static = find(project, name, "one", "two", workspace=Workspace(project.root, static_files=True))
        assert static == fresh, name
    static_workspace = Workspace(project.root, static_files=True)
    assert isinstance(find(project, "later", "one", workspace=static_workspace)[0], MissingModule)
    project.write("one/later.py")
    # Listed once: a file created during the run is not seen (a CLI run creates no module).
    assert isinstance(find(project, "later", "one", workspace=static_workspace)[0], MissingModule)
    assert isinstance(find(project, "later", "one")[0], FoundModule)


def test_a_static_lookup_asked_again_records_what_it_depends_on_again(project):
    """With static files a name is looked for once per sys.path; every later asker (another file's
    check) is still told each path the answer depends on: its cached result must change with them."""
    project.write("one/pkg/__init__.py")
    workspace = Workspace(project.root, static_files=True)
    for name in ("pkg", "missing.sub"):
        first, first_paths = find(project, name, "one", "two", workspace=workspace)
        again, again_paths = find(project, name, "one", "two", workspace=workspace)
        assert again == first == find(project, name, "one", "two")[0]
        assert again_paths == first_paths and first_paths
