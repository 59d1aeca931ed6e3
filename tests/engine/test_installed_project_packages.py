"""The packages a build backend installs from pyproject.toml (config.installed_project_packages): each loads
from every folder once the project is installed, whatever its name says."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvicorn_lsp.engine.config import installed_project_packages

BUILD = '[build-system]\nrequires = ["x"]\nbuild-backend = "x"\n'


def packages_of(root: Path, pyproject: str, files: tuple[str, ...]) -> dict[str, str] | None:
    (root / "pyproject.toml").write_text(pyproject)
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("")
    found = installed_project_packages(root, root)
    return None if found is None else {name: str(folder.relative_to(root)) for name, folder in found[0].items()}


@pytest.mark.parametrize(
    ("pyproject", "files", "expected"),
    [
        (BUILD + '[project]\nname = "shop-api"\n', ("shop_api/__init__.py",), {"shop_api": "."}),
        (
            BUILD + '[project]\nname = "acme"\n[tool.hatch.build.targets.wheel]\npackages = ["src/app"]\n',
            ("src/app/__init__.py",),
            {"app": "src"},
        ),
        (
            BUILD + '[tool.poetry]\nname = "acme"\npackages = [{include = "api", from = "backend"}]\n',
            ("backend/api/__init__.py",),
            {"api": "backend"},
        ),
        (
            BUILD + '[project]\nname = "acme"\n[tool.setuptools]\npackages = ["web", "web.v1"]\n'
            '[tool.setuptools.package-dir]\n"" = "code"\n',
            ("code/web/__init__.py", "code/web/v1/__init__.py"),
            {"web": "code"},
        ),
        (
            BUILD + '[project]\nname = "acme"\n[tool.setuptools.packages.find]\nwhere = ["lib"]\n',
            ("lib/service/__init__.py", "lib/notes.txt"),
            {"service": "lib"},
        ),
        (BUILD + '[project]\nname = "acme"\n', ("src/app/__init__.py", "src/tools.py"), {"app": "src"}),
        # No packages listed: setuptools discovers them in the folder package-dir's "" names, as in src/.
        (
            BUILD + '[project]\nname = "acme"\n[tool.setuptools.package-dir]\n"" = "backend"\n',
            ("backend/app/__init__.py", "backend/app/main.py"),
            {"app": "backend"},
        ),
        # A folder the backend is told to ship is a package without `__init__.py` too (audit: migas-server).
        (
            BUILD + '[project]\nname = "acme"\n[tool.hatch.build.targets.wheel]\npackages = ["migas"]\n',
            ("migas/server/__init__.py",),
            {"migas": "."},
        ),
        (
            BUILD + '[tool.poetry]\nname = "acme"\npackages = [{include = "api", from = "backend"}]\n',
            ("backend/api/v1/__init__.py",),
            {"api": "backend"},
        ),
        # Not installed by a backend: no [build-system], Poetry's package-mode = false, nothing to install.
        ('[project]\nname = "app"\n', ("app/__init__.py",), None),
        (BUILD + '[tool.poetry]\nname = "app"\npackage-mode = false\n', ("app/__init__.py",), None),
        (BUILD + '[project]\nname = "acme"\n', ("app/__init__.py",), None),
        # Hand-written values of the wrong type are ignored, not a crash.
        (BUILD + 'tool = 3\n[project]\nname = ["x"]\n', ("src/app/__init__.py",), {"app": "src"}),
        (BUILD + '[tool.poetry]\npackages = ["api", {include = 3}]\n', ("api/__init__.py",), None),
    ],
)
def test_packages_the_backend_installs(tmp_path, pyproject, files, expected):
    assert packages_of(tmp_path, pyproject, files) == expected


def test_uv_workspace_members_are_installed_for_the_workspace_and_each_member(tmp_path):
    """`uv sync` installs every member with a build backend editable in the workspace's one environment; a
    member without one (virtual) and an excluded member are not installed."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "platform"\n[tool.uv.workspace]\nmembers = ["packages/*", "/abs", ""]\n'
        'exclude = ["packages/old"]\n'
    )
    for member, pyproject in [
        ("billing", BUILD + '[project]\nname = "billing"\n'),
        ("ledger", BUILD + '[project]\nname = "ledger"\n'),
        ("scripts", '[project]\nname = "scripts"\n'),
        ("old", BUILD + '[project]\nname = "old"\n'),
    ]:
        (tmp_path / "packages" / member / "src" / member).mkdir(parents=True)
        (tmp_path / "packages" / member / "src" / member / "__init__.py").write_text("")
        (tmp_path / "packages" / member / "pyproject.toml").write_text(pyproject)
    expected = {"billing": "packages/billing/src", "ledger": "packages/ledger/src"}
    for start in (tmp_path, tmp_path / "packages" / "ledger" / "src" / "ledger"):
        found = installed_project_packages(start, tmp_path)
        assert found is not None
        assert {name: str(folder.relative_to(tmp_path)) for name, folder in found[0].items()} == expected
        assert tmp_path / "packages" / "billing" / "pyproject.toml" in found[1]


@pytest.mark.parametrize(
    "dependency",
    [
        '[tool.poetry.dependencies]\nbilling = {path = "libs/billing", develop = true}\n',
        '[tool.poetry.group.dev.dependencies]\nbilling = {path = "libs/billing"}\n',
        '[project]\nname = "app"\ndependencies = ["billing"]\n[tool.uv.sources]\nbilling = {path = "libs/billing", editable = true}\n',
    ],
)
def test_local_projects_depended_on_by_path_are_installed(tmp_path, dependency):
    (tmp_path / "pyproject.toml").write_text(dependency)
    (tmp_path / "libs" / "billing" / "billing").mkdir(parents=True)
    (tmp_path / "libs" / "billing" / "billing" / "__init__.py").write_text("")
    (tmp_path / "libs" / "billing" / "pyproject.toml").write_text(BUILD + '[project]\nname = "billing"\n')
    found = installed_project_packages(tmp_path, tmp_path)
    assert found is not None and found[0] == {"billing": tmp_path / "libs" / "billing"}


def test_namespace_packages_setuptools_finds_in_src(tmp_path):
    """setuptools' packages.find includes namespace packages: src/company/api/main.py installs `company`
    (checked with an editable install: `uvicorn company.api.main:app` serves from anywhere); a folder
    without Python files is no package."""
    found = packages_of(
        tmp_path,
        BUILD + '[project]\nname = "company-api"\n[tool.setuptools.packages.find]\nwhere = ["src"]\n',
        ("src/company/api/main.py", "src/static/logo.svg"),
    )
    assert found == {"company": "src"}
