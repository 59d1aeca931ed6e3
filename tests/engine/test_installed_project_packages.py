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
