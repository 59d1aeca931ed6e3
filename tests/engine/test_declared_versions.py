"""The uvicorn version a project declares (requirements, pyproject, Pipfile, lock files), read by
project.declared_constraints and judged by project.admits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uvicorn_lsp.engine import project


def constraints(root: Path, start: Path | None = None) -> list[str | None] | None:
    seen: list[Path] = []
    found = project.declared_constraints(root, start or root, "uvicorn", seen.append)
    # Files read, and the lock files and included files looked for (missing: creating one changes the result).
    assert all(
        path.is_file() or path.name in ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock", "pins.txt")
        for path in seen
    )
    return found


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("requirements.txt", "fastapi\nuvicorn[standard]==0.18.3  # pinned\n", ["==0.18.3"]),
        ("requirements.txt", "# uvicorn==0.1\nUvicorn>=0.20,<0.30 ; python_version >= '3.8'\n", ["<0.30,>=0.20"]),
        ("requirements-prod.in", "uvicorn\n", [""]),
        ("requirements.txt", "uvicorn @ git+https://github.com/encode/uvicorn\n", [None]),
        ("requirements.txt", "uvicorn-worker==0.2.0\nfastapi[standard]\n", None),
        ("pyproject.toml", '[project]\nname = "x"\ndependencies = ["uvicorn[standard]~=0.29.0"]\n', ["~=0.29.0"]),
        ("pyproject.toml", '[dependency-groups]\ndev = ["uvicorn==0.20.0", {include-group = "x"}]\n', ["==0.20.0"]),
        ("pyproject.toml", '[tool.poetry.dependencies]\nuvicorn = "^0.20.0"\n', [">=0.20.0,<0.21"]),
        (
            "pyproject.toml",
            '[tool.poetry.dependencies]\nuvicorn = {version = "^1.2", extras = ["standard"]}\n',
            [">=1.2,<2"],
        ),
        ("pyproject.toml", '[tool.poetry.group.web.dependencies]\nuvicorn = "0.29.0"\n', ["==0.29.0"]),
        ("pyproject.toml", '[tool.poetry.dependencies]\nuvicorn = "*"\n', [""]),
        ("pyproject.toml", '[tool.poetry.dependencies]\nuvicorn = "^0.20 || ^0.29"\n', [None]),
        ("pyproject.toml", '[tool.poe.tasks]\nserve = "uvicorn main:app"\n', None),
        ("pyproject.toml", "project = 3\n", None),
        ("pyproject.toml", "[project\ndependencies = ['uvicorn==0.1']\n", [None]),
        ("Pipfile", '[packages]\nuvicorn = "==0.20.0"\n[dev-packages]\n', ["==0.20.0"]),
        ("setup.py", 'setup(install_requires=["fastapi", "uvicorn>=0.30"])\n', [">=0.30"]),
        ("setup.cfg", "[options]\ninstall_requires =\n    uvicorn==0.25.0\n", ["==0.25.0"]),
        # conda's environment file: its own match specs, and PEP 508 under `pip:` (audit).
        ("environment.yml", "dependencies:\n  - python=3.9\n  - uvicorn=0.17.6\n", ["==0.17.6"]),
        ("environment.yaml", "dependencies:\n  - pip\n  - pip:\n    - uvicorn[standard]==0.17.6\n", ["==0.17.6"]),
        ("environment.yml", "dependencies:\n  - conda-forge::uvicorn >=0.17,<0.20  # web\n", [">=0.17,<0.20"]),
        ("environment.yml", "dependencies:\n  - uvicorn=0.17\n", ["==0.17.*"]),
        ("environment.yml", "dependencies:\n  - uvicorn\n", [""]),
        ("environment.yml", "dependencies:\n  - uvicorn 0.17.6 pyhd8ed1ab_0\n", [None]),
        ("environment.yml", "dependencies:\n  - uvicorn-worker=0.2\n", None),
        # FastAPI's `all` extra bounded uvicorn below 0.19 until FastAPI 0.87 (pip installed 0.18.3 for
        # fastapi[all]==0.85.0, with or without a bare `uvicorn` beside it; audit).
        ("requirements.txt", "fastapi[all]==0.85.0\n", ["<0.19"]),
        ("requirements.txt", "fastapi[all]~=0.68.0\nuvicorn\n", ["", "<0.19"]),
        ("requirements.txt", "fastapi[all]==0.87.0\n", None),
        ("requirements.txt", "fastapi[all]>=0.68\n", None),
        ("requirements.txt", "fastapi[all]\n", None),
        ("requirements.txt", "fastapi==0.85.0\n", None),
        (
            "pyproject.toml",
            '[tool.poetry.dependencies]\nfastapi = {extras = ["all"], version = "^0.85.0"}\n',
            ["<0.19"],
        ),
    ],
)
def test_declarations_are_read_as_pep_440_specifiers(tmp_path, name, text, expected):
    (tmp_path / name).write_text(text)
    assert constraints(tmp_path) == expected


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32-be"])
def test_a_requirements_file_with_a_byte_order_mark_is_read_as_pip_reads_it(tmp_path, encoding):
    """`pip freeze > requirements.txt` in Windows PowerShell writes UTF-16 with a BOM; pip decodes a file by
    its BOM, so the pin it installs is the one this reads (the -be codecs write no BOM of their own)."""
    text = "Django==3.1.7\r\ngunicorn==20.1.0\r\nuvicorn==0.13.4\r\n"
    data = ("\ufeff" + text).encode(encoding) if encoding.endswith("-be") else text.encode(encoding)
    (tmp_path / "requirements.txt").write_bytes(data)
    assert constraints(tmp_path) == ["==0.13.4"]
    seen: list[Path] = []
    assert project.declares(tmp_path, tmp_path, ("uvicorn",), seen.append)


@pytest.mark.parametrize("lock", ["uv.lock", "poetry.lock", "pdm.lock"])
def test_a_lock_file_names_the_version_installed(tmp_path, lock):
    (tmp_path / "requirements.txt").write_text("uvicorn>=0.20\n")
    (tmp_path / lock).write_text(
        '[[package]]\nname = "fastapi"\nversion = "0.110.0"\n\n[[package]]\nname = "uvicorn"\nversion = "0.29.0"\n'
    )
    assert constraints(tmp_path) == ["==0.29.0"]


def test_a_virtual_project_in_uv_lock_declares_no_distribution(tmp_path):
    """uv locks a project without a build backend as `source = { virtual = "." }` and never installs it: its
    name is no distribution that could hold a module of that name (audit: `uv run uvicorn template.main:app`)."""
    (tmp_path / "uv.lock").write_text(
        '[[package]]\nname = "template"\nversion = "0.1.0"\nsource = { virtual = "." }\n\n'
        '[[package]]\nname = "acme-api"\nversion = "1.0.0"\nsource = { editable = "." }\n'
    )
    assert project.declared_constraints(tmp_path, tmp_path, "template", lambda path: None) is None
    assert project.declared_constraints(tmp_path, tmp_path, "acme-api", lambda path: None) == ["==1.0.0"]


def test_pipfile_lock_names_the_version_installed(tmp_path):
    """Pipenv (and Heroku's Python buildpack) install Pipfile.lock's pins, not the Pipfile's `*` (audit)."""
    (tmp_path / "Pipfile").write_text('[packages]\nuvicorn = "*"\n')
    lock = {"_meta": {}, "default": {"Uvicorn": {"version": "==0.13.4"}}, "develop": {}}
    (tmp_path / "Pipfile.lock").write_text(json.dumps(lock))
    assert constraints(tmp_path) == ["==0.13.4"]
    (tmp_path / "Pipfile.lock").write_text(json.dumps({"default": {"fastapi": {"version": "==0.100.0"}}}))
    assert constraints(tmp_path) == [""]  # the Pipfile's `*`: any version
    (tmp_path / "Pipfile.lock").write_text("{not json")
    assert constraints(tmp_path) == [project.UNREAD]


def test_the_nearest_declaring_folder_wins(tmp_path):
    (tmp_path / "requirements.txt").write_text("uvicorn==0.54.0\n")
    service = tmp_path / "services" / "old"
    (service / "app").mkdir(parents=True)
    (service / "requirements.txt").write_text("uvicorn==0.18.3\n")
    assert constraints(tmp_path, service / "app") == ["==0.18.3"]
    assert constraints(tmp_path, tmp_path / "services") == ["==0.54.0"]


def test_folders_above_the_opened_one_are_read_up_to_the_repository_top(tmp_path):
    """A service folder opened on its own runs with the repository's environment and declarations."""
    (tmp_path / "requirements.txt").write_text("uvicorn==0.18.3\n")
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "services" / "api").mkdir(parents=True)
    assert constraints(repository / "services" / "api") is None
    (repository / "uv.lock").write_text('[[package]]\nname = "uvicorn"\nversion = "0.29.0"\n')
    assert constraints(repository / "services" / "api") == ["==0.29.0"]


@pytest.mark.parametrize(
    ("declared", "version", "admitted"),
    [
        ([""], "0.54.0", True),
        (["==0.18.3"], "0.54.0", False),
        ([">=0.20.0,<0.21"], "0.20.0", True),
        (["==0.54.0", ">=0.30"], "0.54.0", True),
        (["==0.54.0", None], "0.54.0", False),
        (["not a specifier"], "0.54.0", False),
    ],
)
def test_admits_only_what_every_declaration_surely_allows(declared, version, admitted):
    assert project.admits(declared, version) is admitted


@pytest.mark.parametrize(
    ("declared", "pinned"),
    [(["==0.18.3"], "0.18.3"), (["==0.18.3", ">=0.18"], "0.18.3"), (["==0.18.*"], None), ([">=0.20"], None)],
)
def test_pinned_version(declared, pinned):
    assert project.pinned_version(declared) == pinned


def test_lines_that_only_mention_the_name_declare_nothing(tmp_path):
    (tmp_path / "setup.py").write_text('setup(entry_points={"console_scripts": ["serve = uvicorn.main:main"]})\n')
    (tmp_path / "requirements.txt").write_text("-e git+https://example.com/repo.git#egg=acme_api\n")
    assert constraints(tmp_path) is None
    assert project.declared_constraints(tmp_path, tmp_path, "acme-api", lambda path: None) == [None]
    assert project.declared_constraints(tmp_path, tmp_path, "Acme.API", lambda path: None) == [None]


def test_outside_a_repository_nothing_above_the_opened_folder_is_read(tmp_path):
    (tmp_path / "requirements.txt").write_text("uvicorn==0.18.3\n")
    (tmp_path / "service").mkdir()
    assert constraints(tmp_path / "service") is None


def test_a_static_workspace_reads_a_folder_once_and_records_its_files_for_every_asker(tmp_path):
    from uvicorn_lsp.engine.workspace import Workspace

    (tmp_path / "requirements.txt").write_text("uvicorn==0.20.0\n")
    (tmp_path / "api").mkdir()
    workspace = Workspace(tmp_path, static_files=True)
    asked = []
    for _ in range(2):
        seen: list[Path] = []
        asked.append((workspace.declared_constraints(tmp_path / "api", "uvicorn", seen.append), seen))
    assert asked[0] == asked[1]
    assert asked[0][0] == ["==0.20.0"] and tmp_path / "requirements.txt" in asked[0][1]
    (tmp_path / "requirements.txt").write_text("uvicorn==0.30.0\n")  # a CLI run's files do not change
    assert workspace.declared_constraints(tmp_path / "api", "uvicorn", lambda path: None) == ["==0.20.0"]
    assert Workspace(tmp_path).declared_constraints(tmp_path / "api", "uvicorn", lambda path: None) == ["==0.30.0"]


def test_a_requirements_folder_and_included_files_are_read(tmp_path):
    """`requirements/base.txt`, and what `-r`/`-c` lines include (relative to the including file), declare the
    version as pip installs it (audit: fastapi_template pins uvicorn 0.16 in requirements/base.txt)."""
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "base.txt").write_text("fastapi~=0.70.1\nuvicorn==0.16.0\n")
    assert constraints(tmp_path) == ["==0.16.0"]
    (tmp_path / "requirements" / "base.txt").unlink()
    (tmp_path / "deps").mkdir()
    (tmp_path / "requirements.txt").write_text("-r deps/web.txt\n--constraint=deps/pins.txt\n")
    (tmp_path / "deps" / "web.txt").write_text("-r web.txt\nuvicorn[standard]\n")  # includes itself: read once
    assert constraints(tmp_path) == [""]
    (tmp_path / "deps" / "pins.txt").write_text("uvicorn==0.29.0\n")
    assert sorted(constraints(tmp_path), key=str) == ["", "==0.29.0"]


@pytest.mark.parametrize(
    ("declared", "lowest"),
    [
        ([">=0.32.0,<0.33"], (0, 32)),  # Poetry's ^0.32.0
        (["==0.29.0"], (0, 29)),
        (["~=0.31.1", ">=0.30"], (0, 31)),  # every constraint holds: the highest bound
        ([">0.29"], (0, 29)),
        (["<0.40"], None),
        (["==0.30.*"], None),
        ([""], None),
        ([None, ">=0.32"], None),  # one declaration cannot be read
        (None, None),
    ],
)
def test_lowest_release(declared, lowest):
    assert project.lowest_release(declared) == lowest
