"""Which files `check` reads: .gitignore, exclude, extend-exclude, --force-exclude."""

from __future__ import annotations

import itertools
import os
import random
import re
from pathlib import Path

import pytest

from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.discovery import Discovery, project_root_in
from uvicorn_lsp.engine.git_ignored import git_ignores
from uvicorn_lsp.engine.gitignore import GitIgnore, is_ignored, literal_start, translate

from ..cli.conftest import write


def found(root: Path, *paths: str, settings: Settings | None = None, force_exclude: bool = False) -> list[str]:
    discovery = Discovery(settings or Settings(), force_exclude)
    sources = discovery.find([root / path for path in paths] or [root])
    return [os.path.relpath(source.path, root).replace(os.sep, "/") for source in sources]


def make_tree(root: Path, *relatives: str) -> None:
    for relative in relatives:
        write(root, relative, "x = 1\n")


@pytest.mark.parametrize(
    ("patterns", "path", "is_folder", "ignored"),
    [
        (["*.py"], "a/b.py", False, True),
        (["/b.py"], "a/b.py", False, False),
        (["/b.py"], "b.py", False, True),
        (["a/b.py"], "a/b.py", False, True),
        (["a/b.py"], "x/a/b.py", False, False),
        (["build/"], "build", True, True),
        (["build/"], "build", False, False),
        (["build"], "src/build", True, True),
        (["**/gen"], "a/b/gen", True, True),
        (["docs/**"], "docs/x/y.py", False, True),
        (["a/**/z.py"], "a/z.py", False, True),
        (["a/**/z.py"], "a/b/c/z.py", False, True),
        (["*.py", "!keep.py"], "keep.py", False, False),
        (["!keep.py", "*.py"], "keep.py", False, True),
        (["file?.py"], "file1.py", False, True),
        (["file?.py"], "file10.py", False, False),
        (["file[0-3].py"], "file2.py", False, True),
        (["file[!0-3].py"], "file2.py", False, False),
        (["\\#hash.py"], "#hash.py", False, True),
        (["# comment", ""], "# comment", False, False),
        (["\\!bang.py"], "!bang.py", False, True),
        (["trailing.py   "], "trailing.py", False, True),
        (["a*b"], "a/b", False, False),  # `*` never crosses a slash
        (["*.py", "!a/"], "a/b.py", False, True),  # re-including a folder does not re-include its files
        (["*.py", "!a/"], "a", True, False),
        (["build/", "!build"], "x/build", True, False),  # the later pattern wins across both kinds
        (["/site", "site"], "x/site", True, True),
        (["site", "!/site"], "site", True, False),
        (["site", "!/site"], "x/site", True, True),
        (["docs/_build/"], "docs/_build", True, True),
        (["docs/_build/"], "x/docs/_build", True, False),
    ],
)
def test_gitignore_patterns(patterns, path, is_folder, ignored):
    root = os.path.abspath("/repo")
    ignore = GitIgnore.from_lines(root, patterns)
    assert is_ignored([ignore], os.path.join(root, path), is_folder) is ignored


def test_literal_start_is_a_prefix_of_every_match():
    """Folders skip the path patterns whose literal start disagrees with their path: sound only if every
    path a pattern's expression matches starts with that text. Seeded random patterns, special characters
    included, against every short path over the same characters."""
    rng = random.Random(11)
    pieces = ["a", "b", "/", "*", "?", "**/", "/**", "[ab]", "[!a]", "\\*", ".", "-", "+", "{", "}", "(", ")", "|", "$"]
    paths = [
        "".join(combination) for size in range(6) for combination in itertools.product("ab/.-*+{}()|$", repeat=size)
    ]
    paths = rng.sample(paths, 4000)
    checked = 0
    for _ in range(300):
        pattern = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
        for _, _, expression in translate([pattern]):
            start = literal_start(expression)
            compiled = re.compile(expression)
            for path in paths:
                if compiled.match(path):
                    checked += 1
                    assert path.startswith(start), (pattern, expression, start, path)
    assert checked > 1000  # the paths do match the patterns often enough to test something


@pytest.mark.parametrize(
    "expression, start",
    [
        (r"^docs/_build(?:/\Z)", "docs/_build"),
        (r"^share/python\-wheels(?:/\Z)", "share/python-wheels"),
        (r"^a\*b/c", "a*b/c"),
        (r"^(?:.+/)?foo/bar", ""),  # any depth
        (r"^x[^/]*y", "x"),
        (r"^ab*c", "a"),  # a quantified character is not part of it
        (r"^ab?c", "a"),
        (r"^ab{2}c", "a"),
        (r"^ab|cd", ""),  # alternation outside a group: the second branch starts otherwise
        (r"^a(?:b|c)d", "a"),
        (r"^a[|]b", "a"),
        (r"abc", ""),  # not anchored
    ],
)
def test_literal_start(expression, start):
    assert literal_start(expression) == start


def test_deeper_gitignore_wins():
    root = os.path.abspath("/repo")
    outer = GitIgnore.from_lines(root, ["*.py"])
    inner = GitIgnore.from_lines(os.path.join(root, "keep"), ["!*.py"])
    assert not is_ignored([outer, inner], os.path.join(root, "keep", "a.py"), False)
    assert is_ignored([outer, inner], os.path.join(root, "other", "a.py"), False)


def test_walk_respects_gitignore_files_at_every_level(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".gitignore", "generated/\n*_pb2.py\n/top_only.py\n")
    write(tmp_path, "src/.gitignore", "local.py\n!keep_pb2.py\n")
    make_tree(
        tmp_path,
        "main.py",
        "top_only.py",
        "generated/x.py",
        "src/top_only.py",
        "src/local.py",
        "src/api_pb2.py",
        "src/keep_pb2.py",
        "src/deep/local.py",
        "src/ok.py",
    )
    assert found(tmp_path) == ["main.py", "src/keep_pb2.py", "src/ok.py", "src/top_only.py"]
    # A sub-folder named on the command line still obeys the .gitignore files above it.
    assert found(tmp_path, "src") == ["src/keep_pb2.py", "src/ok.py", "src/top_only.py"]


def test_a_pattern_git_cannot_read_matches_nothing_and_the_others_still_apply(tmp_path):
    """`C:\\` (a Windows path pasted into a .gitignore, as in Haikuunamatata/Pointer) ends in a lone backslash:
    git matches nothing with it (git status lists a file so named), where pathspec raises and the walk crashed."""
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".gitignore", "C:\\\n*.log.py\n!keep.log.py\n")
    make_tree(tmp_path, "C:\\", "C:.py", "a.log.py", "keep.log.py", "main.py")
    assert found(tmp_path) == ["C:.py", "keep.log.py", "main.py"]
    assert git_ignores(tmp_path / "a.log.py", tmp_path)
    assert not git_ignores(tmp_path / "keep.log.py", tmp_path)


def test_git_info_exclude_is_respected(tmp_path):
    write(tmp_path, ".git/info/exclude", "scratch/\n")
    make_tree(tmp_path, "scratch/a.py", "b.py")
    assert found(tmp_path) == ["b.py"]


def test_gitignore_above_a_repository_does_not_apply(tmp_path):
    write(tmp_path, ".gitignore", "*.py\n")  # outside the repository below
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    make_tree(tmp_path, "repo/a.py")
    assert found(tmp_path / "repo") == ["a.py"]


def test_default_excludes_and_their_replacement(tmp_path):
    make_tree(tmp_path, "a.py", ".venv/lib/b.py", "node_modules/c.py", "build/d.py")
    assert found(tmp_path) == ["a.py", "build/d.py"]
    write(tmp_path, "pyproject.toml", '[tool.uvicorn-lsp]\nexclude = ["build"]\n')
    # pyproject.toml itself is walked too: its task runners are command launches.
    assert found(tmp_path) == [".venv/lib/b.py", "a.py", "node_modules/c.py", "pyproject.toml"]


def test_jupyter_checkpoints_are_not_walked(tmp_path):
    """Autosaved copies of the notebooks beside them: every finding came twice (audit: dahwin/api)."""
    make_tree(tmp_path, "serve.ipynb", ".ipynb_checkpoints/serve-checkpoint.ipynb")
    assert found(tmp_path) == ["serve.ipynb"]


def test_extend_exclude_from_config_is_relative_to_the_config(tmp_path):
    write(tmp_path, "proj/pyproject.toml", '[tool.uvicorn-lsp]\nextend-exclude = ["tests/fixtures", "*_gen.py"]\n')
    make_tree(
        tmp_path,
        "proj/tests/fixtures/a.py",
        "proj/tests/b.py",
        "proj/api_gen.py",
        "proj/venv/c.py",
        "other/tests/fixtures/d.py",
    )
    assert found(tmp_path) == ["other/tests/fixtures/d.py", "proj/pyproject.toml", "proj/tests/b.py"]


def test_exclude_flags(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_tree(tmp_path, "a.py", "legacy/b.py", "venv/c.py", "x/legacy.py")
    assert found(tmp_path, settings=Settings(extend_exclude=("legacy",))) == ["a.py", "x/legacy.py"]
    assert found(tmp_path, settings=Settings(exclude=("x/*.py",))) == ["a.py", "legacy/b.py", "venv/c.py"]


def test_files_named_on_the_command_line_are_checked_unless_force_exclude(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.uvicorn-lsp]\nextend-exclude = ["migrations"]\n')
    make_tree(tmp_path, "migrations/0001.py", "venv/x.py")
    assert found(tmp_path, "migrations/0001.py", "venv/x.py") == ["migrations/0001.py", "venv/x.py"]
    assert found(tmp_path, "migrations/0001.py", "venv/x.py", force_exclude=True) == []


def test_only_python_files_and_each_once(tmp_path):
    make_tree(tmp_path, "a.py", "b.pyi", "c.txt", "d.pyc")
    assert found(tmp_path, ".", "a.py") == ["a.py", "b.pyi"]


def test_symlinked_folders_are_not_followed(tmp_path):
    make_tree(tmp_path, "real/a.py")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert found(tmp_path) == ["real/a.py"]


def test_force_exclude_looks_only_inside_the_project(tmp_path):
    project = tmp_path / "venv" / "project"  # the whole project lives in a folder named venv
    write(project, "pyproject.toml", "[tool.uvicorn-lsp]\n")
    make_tree(project, "app.py", "venv/x.py")
    assert found(project, "app.py", "venv/x.py", force_exclude=True) == ["app.py"]


def test_project_root_in_a_folder_is_the_root_check_gives(tmp_path):
    """What `check TOP` gives a file: the nearest project folder between it and TOP, else TOP's own root."""
    make_tree(tmp_path, "repo/.git/HEAD", "repo/services/auth/pyproject.toml", "repo/services/auth/src/main.py")
    make_tree(tmp_path, "repo/tools/run.py", "plain/app/main.py")
    repo = str(tmp_path / "repo")
    assert project_root_in(str(tmp_path / "repo/services/auth/src/main.py"), repo) == str(
        tmp_path / "repo/services/auth"
    )
    assert project_root_in(str(tmp_path / "repo/tools/run.py"), repo) == repo
    # TOP inside a project: its root is above TOP, as for `check .` run there.
    assert project_root_in(
        str(tmp_path / "repo/services/auth/src/main.py"), str(tmp_path / "repo/services/auth/src")
    ) == str(tmp_path / "repo/services/auth")
    # No project anywhere: TOP itself, never the file's own folder.
    assert project_root_in(str(tmp_path / "plain/app/main.py"), str(tmp_path / "plain")) == str(tmp_path / "plain")
    found = Discovery(Settings()).find([tmp_path / "repo", tmp_path / "plain"])
    assert {source.path: source.root for source in found if source.path.endswith(".py")} == {
        str(tmp_path / "repo/services/auth/src/main.py"): str(tmp_path / "repo/services/auth"),
        str(tmp_path / "repo/tools/run.py"): repo,
        str(tmp_path / "plain/app/main.py"): str(tmp_path / "plain"),
    }


def test_a_folder_pattern_ignores_a_missing_folder_named_as_one(tmp_path):
    """`build/` matches folders only: a folder that is not there (yet) is ignored when asked about as a folder."""
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".gitignore", "build/\n")
    assert git_ignores(tmp_path / "build", tmp_path, is_folder=True)
    assert not git_ignores(tmp_path / "build", tmp_path)
    assert not git_ignores(tmp_path / "src", tmp_path, is_folder=True)


def test_files_come_in_the_order_of_their_paths_as_the_walk_finds_them(tmp_path):
    # A subfolder's files come where its name with `/` sorts: `a.py` < `a/b.py` < `a0.py`, as sorted strings.
    make_tree(tmp_path, "a0.py", "a/b.py", "a.py", "a-b/c.py", "a/z/y.py", "a/c.py", "B.py")
    walked = found(tmp_path)
    assert walked == sorted(walked) == ["B.py", "a-b/c.py", "a.py", "a/b.py", "a/c.py", "a/z/y.py", "a0.py"]


def test_a_file_under_two_paths_given_is_found_once_under_the_first(tmp_path):
    make_tree(tmp_path, "pkg/sub/a.py", "pkg/b.py")
    assert found(tmp_path, "pkg/sub", "pkg") == ["pkg/sub/a.py", "pkg/b.py"]


def test_the_walk_goes_on_as_its_files_are_taken(tmp_path):
    make_tree(tmp_path, "a/x.py", "b/y.py")
    walk = Discovery(Settings()).find([tmp_path])
    assert os.path.relpath(next(walk).path, tmp_path) == os.path.join("a", "x.py")
    (tmp_path / "b" / "z.py").write_text("x = 1\n")  # b/ is listed only when the walk reaches it
    assert [os.path.relpath(source.path, tmp_path) for source in walk] == [
        os.path.join("b", n) for n in ("y.py", "z.py")
    ]
