""".dockerignore: the matcher against Docker's documented examples and moby's reader and
pattern matcher, and the image layouts (UVI002 verdicts) a Dockerfile gets from it."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine.commands.dockerignore import DockerIgnore, UnsupportedIgnoreFile

from .helpers import launches


def excluded(ignore_text: str, *paths: str) -> dict[str, bool]:
    ignore = DockerIgnore.parse(ignore_text)
    return {path: ignore.excludes(path) for path in paths}


def test_documented_example_comment_and_globs():
    # Docker's reference: `*/temp*` one level down, `*/*/temp*` two levels down, `temp?` at the root.
    rules = "# comment\n*/temp*\n*/*/temp*\ntemp?\n"
    assert excluded(
        rules,
        "somedir/temporary.txt",
        "somedir/temp",
        "somedir/subdir/temporary.txt",
        "tempa",
        "tempb",
        "temp",
        "temporary.txt",
        "# comment",
        "a/b/c/temp",
    ) == {
        "somedir/temporary.txt": True,
        "somedir/temp": True,
        "somedir/subdir/temporary.txt": True,
        "tempa": True,
        "tempb": True,
        "temp": False,
        "temporary.txt": False,
        "# comment": False,
        "a/b/c/temp": False,
    }


def test_double_star_crosses_any_number_of_folders_including_none():
    assert excluded("**/*.go", "main.go", "a/main.go", "a/b/c/main.go", "main.py") == {
        "main.go": True,
        "a/main.go": True,
        "a/b/c/main.go": True,
        "main.py": False,
    }
    assert excluded("a/**/b", "a/b", "a/x/b", "a/x/y/b", "b") == {
        "a/b": True,
        "a/x/b": True,
        "a/x/y/b": True,
        "b": False,
    }


def test_exceptions_and_the_last_matching_line_wins():
    assert excluded("*.md\n!README.md\n", "a.md", "README.md") == {"a.md": True, "README.md": False}
    # Docker's two orderings of the same three lines.
    assert excluded("*.md\n!README*.md\nREADME-secret.md\n", "CHANGES.md", "README.md", "README-secret.md") == {
        "CHANGES.md": True,
        "README.md": False,
        "README-secret.md": True,
    }
    assert excluded("*.md\nREADME-secret.md\n!README*.md\n", "README-secret.md", "README.md") == {
        "README-secret.md": False,
        "README.md": False,
    }


def test_a_pattern_matching_a_folder_leaves_out_what_it_holds():
    assert excluded("app\n", "app", "app/main.py", "app/sub/x.py", "application.py") == {
        "app": True,
        "app/main.py": True,
        "app/sub/x.py": True,
        "application.py": False,
    }
    # An exception inside a left-out folder brings that file back.
    assert excluded("app\n!app/main.py\n", "app/main.py", "app/other.py") == {
        "app/main.py": False,
        "app/other.py": True,
    }


def test_reading_follows_moby_ignorefile():
    # A leading / is the context root; . and .. are cleaned; blanks around are dropped; `#` is a
    # comment only in the first column; a UTF-8 BOM is dropped.
    ignore = DockerIgnore.parse("\ufeff/a/file/here\n  ./b/../c  \n\n  # not a comment\n! /inverted/abs\n")
    assert ignore.excludes("a/file/here") and ignore.excludes("c") and not ignore.excludes("b")
    assert ignore.excludes("  # not a comment") is False  # trimmed: the pattern is "# not a comment"
    assert ignore.excludes("# not a comment")
    assert not ignore.excludes("inverted/abs")
    # "For historical reasons, the pattern . is ignored."
    assert not DockerIgnore.parse(".\n").excludes("main.py")


def test_leading_double_star_compares_suffixes_as_moby_does():
    # patternmatcher's suffix match: `**.py` is "ends with .py" at any depth.
    assert excluded("**.py", "main.py", "a/b/main.py", "main.pyc") == {
        "main.py": True,
        "a/b/main.py": True,
        "main.pyc": False,
    }
    # and a trailing `**` is a prefix match.
    assert excluded("app**", "app", "apple.py", "app/x.py", "xapp") == {
        "app": True,
        "apple.py": True,
        "app/x.py": True,
        "xapp": False,
    }


@pytest.mark.parametrize("text", ["!\n", "[ab]*\n", "main\\.py\n"])
def test_syntax_docker_rejects_or_not_followed_is_unsupported(text):
    with pytest.raises(UnsupportedIgnoreFile):
        DockerIgnore.parse(text)


def test_a_folder_is_wholly_left_out_unless_an_exception_may_reach_inside():
    assert DockerIgnore.parse("app\n").excludes_all_under("app")
    assert not DockerIgnore.parse("app\n!app/main.py\n").excludes_all_under("app")
    assert not DockerIgnore.parse("app\n!**/main.py\n").excludes_all_under("app")
    assert DockerIgnore.parse("app\n!other/main.py\n").excludes_all_under("app")


# ---------------------------------------------------------------------------
# Image layouts: what UVI002 says with the ignore file


APP = "from fastapi import FastAPI\napp = FastAPI()\n"
DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD ["uvicorn", "{app}", "--host", "0.0.0.0"]\n'


def image_project(project, ignore: str | None, app: str = "main:app") -> None:
    project.write("pyproject.toml", "[project]\nname = 'x'\n")
    project.write("main.py", APP)
    project.write("app/__init__.py")
    project.write("app/main.py", APP)
    project.write("Dockerfile", DOCKERFILE.format(app=app))
    if ignore is not None:
        project.write(".dockerignore", ignore)


def uvi002(project) -> list[str]:
    return [finding.message for finding in project.check("Dockerfile", codes=("UVI002",))]


@pytest.mark.parametrize("ignore", [None, "", "# only a comment\n", "tests\n", "app\n", "*.py\n!main.py\n"])
def test_main_py_in_the_image_loads(project, ignore):
    image_project(project, ignore)
    assert uvi002(project) == []


@pytest.mark.parametrize("ignore", ["main.py\n", "*.py\n", "**/*.py\n", "/main.py\n", "main.py\n!app\n"])
def test_main_py_left_out_does_not_load(project, ignore):
    image_project(project, ignore)
    [message] = uvi002(project)
    assert message.startswith('"main:app" will not load: module not found')


def test_a_left_out_package_does_not_load_and_the_rest_still_does(project):
    image_project(project, "app\n", app="app.main:app")
    [message] = uvi002(project)
    assert message.startswith('"app.main:app" will not load')
    image_project(project, "app\n", app="main:app")
    assert uvi002(project) == []


@pytest.mark.parametrize(
    "ignore",
    [
        "[ab]*\n",  # a character class: not followed
        "!\n",  # Docker rejects the file
        "app/main.py\n",  # a file deeper in the import is left out: not followed
        "app\n!app/main.py\n",  # the package turns into a namespace package: not followed
    ],
)
def test_what_is_not_followed_is_silent(project, ignore):
    image_project(project, ignore, app="app.main:app" if ignore.startswith("app") else "main:app")
    assert uvi002(project) == []


def test_a_copy_of_a_left_out_file_stops_the_build_so_nothing_is_judged(project):
    image_project(project, "main.py\n")
    project.write("Dockerfile", 'FROM python:3.12-slim\nWORKDIR /app\nCOPY main.py .\nCMD ["uvicorn", "mian:app"]\n')
    assert uvi002(project) == []


def test_a_did_you_mean_never_names_a_left_out_module(project):
    image_project(project, "main.py\n", app="mian:app")
    assert uvi002(project) == []  # the only near name is not in the image: silent, not a wrong suggestion
    image_project(project, "tests\n", app="mian:app")
    [message] = uvi002(project)
    assert message.endswith('Did you mean "main:app"?')


def test_the_dockerfile_own_ignore_file_wins(project):
    image_project(project, "")
    project.write("Dockerfile.dockerignore", "main.py\n")
    assert len(uvi002(project)) == 1
    result = project.result("Dockerfile")
    assert project.root / "Dockerfile.dockerignore" in result.dependencies


def test_the_ignore_file_is_a_dependency_even_when_missing(project):
    image_project(project, None)
    assert project.root / ".dockerignore" in project.result("Dockerfile").dependencies


def test_compose_build_context_ignore_and_bind_mounts(project):
    image_project(project, "main.py\n")
    project.write("compose.yaml", "services:\n  web:\n    build: .\n    command: uvicorn main:app --host 0.0.0.0\n")
    [message] = [finding.message for finding in project.check("compose.yaml", codes=("UVI002",))]
    assert message.startswith('"main:app" will not load')
    # A bind mount of the project shows main.py whatever the ignore file says.
    project.write(
        "compose.yaml",
        "services:\n  web:\n    build: .\n    command: uvicorn main:app --host 0.0.0.0\n    volumes: ['.:/app']\n",
    )
    assert project.check("compose.yaml", codes=("UVI002",)) == []


def test_launch_search_paths_drop_the_left_out_root(project):
    image_project(project, "main.py\n")
    [launch] = launches(project, "Dockerfile")
    assert all(project.root not in path.roots for path in launch.search_paths)


# `.containerignore`: Podman and Buildah read it (containers/buildah pkg/parse ContainerIgnoreFile), Docker does not.


# Where the builders disagree, "will not load" would be wrong for one of them: a warning names both images.
LOADS_WITH_DOCKER_ONLY = (
    '"main:app" loads with `/app in the image built by Docker`, not with `/app in the image built by Podman`'
)
LOADS_WITH_PODMAN_ONLY = (
    '"main:app" loads with `/app in the image built by Podman`, not with `/app in the image built by Docker`'
)


def severities(project) -> list[str]:
    return [finding.severity.name for finding in project.check("Dockerfile", codes=("UVI002",))]


def test_what_only_podman_leaves_out_is_still_sent_by_docker(project):
    image_project(project, None)
    project.write(".containerignore", "main.py\n")
    [message] = uvi002(project)
    assert message == LOADS_WITH_DOCKER_ONLY + ": module not found"
    assert severities(project) == ["WARNING"]
    assert project.root / ".containerignore" in project.result("Dockerfile").dependencies


def test_podman_reads_containerignore_before_dockerignore(project):
    image_project(project, "main.py\n")
    project.write(".containerignore", "tests\n")
    [message] = uvi002(project)  # podman build sends main.py (its .containerignore keeps it), docker build does not
    assert message.startswith(LOADS_WITH_PODMAN_ONLY) and severities(project) == ["WARNING"]
    project.write(".containerignore", "*.py\n")
    [message] = uvi002(project)  # left out by both builders' files: one launch, as with one builder
    assert message.startswith('"main:app" will not load: module not found')
    assert severities(project) == ["ERROR"]


def test_builders_reading_files_that_agree_on_the_import_are_one_launch(project):
    image_project(project, "main.py\n")
    project.write(".containerignore", "main.py\ntests\n")
    [launch] = launches(project, "Dockerfile")
    assert [path.launch.command for path in launch.search_paths] == ["/app in the image"]


@pytest.mark.parametrize(
    ("files", "docker_loads", "podman_loads"),
    [
        # Buildah's own-file order: <Containerfile>.dockerignore wins over <Containerfile>.containerignore.
        ({"Dockerfile.dockerignore": "main.py\n", "Dockerfile.containerignore": "tests\n"}, False, False),
        ({"Dockerfile.containerignore": "main.py\n", ".dockerignore": "main.py\n"}, False, False),
        ({"Dockerfile.containerignore": "main.py\n", ".dockerignore": "tests\n"}, True, False),
        (
            {"Dockerfile.containerignore": "tests\n", ".containerignore": "main.py\n", ".dockerignore": "main.py\n"},
            False,
            True,
        ),
    ],
)
def test_the_dockerfile_own_containerignore(project, files, docker_loads, podman_loads):
    image_project(project, None)
    for name, text in files.items():
        project.write(name, text)
    [message] = uvi002(project)
    if docker_loads:
        assert message.startswith(LOADS_WITH_DOCKER_ONLY)
    elif podman_loads:
        assert message.startswith(LOADS_WITH_PODMAN_ONLY)
    else:
        assert message.startswith('"main:app" will not load')
    assert project.root / next(iter(files)) in project.result("Dockerfile").dependencies  # a file some builder reads


def test_a_did_you_mean_never_names_a_module_one_builder_leaves_out(project):
    image_project(project, None, app="mian:app")
    project.write(".containerignore", "main.py\n")
    assert uvi002(project) == []


def test_an_unsupported_containerignore_makes_the_context_unknown(project):
    image_project(project, "main.py\n")
    project.write(".containerignore", "[ab]*\nmain.py\n")
    assert uvi002(project) == []
