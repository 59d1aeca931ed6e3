"""UVI020 for `--reload-dir`: click checks that the path exists (uvicorn 0.15 and later) and the `uvicorn` command
exits with status 2 before starting when it does not, relative to the folder the command starts in; in an image,
as its Dockerfile builds it. Silent wherever that folder, the path or the version is not known."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine.model import Severity

CODE = "UVI020"
APP = "app = object()\n"


def found(project, relative: str) -> list[str]:
    return [finding.message for finding in project.check(relative, codes=(CODE,))]


@pytest.fixture
def app(project):
    project.write("main.py", APP)
    return project


def test_a_makefile_recipe_after_cd_then_the_folder_made(app):
    app.write("backend/main.py", APP)
    app.write("src/keep.py", "")  # at the top, not where the recipe starts
    app.write("Makefile", "dev:\n\tcd backend && uvicorn main:app --reload --reload-dir src\n")
    [finding] = app.check("Makefile", codes=(CODE,))
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "--reload-dir src: no folder src in the Makefile's folder/backend; "
        "the uvicorn command exits with status 2 before starting"
    )
    line = app.root.joinpath("Makefile").read_text().splitlines()[finding.range.start.line]
    assert line[finding.range.start.character : finding.range.end.character] == "--reload-dir src"
    app.write("backend/src/keep.py", "")
    assert found(app, "Makefile") == []


@pytest.mark.parametrize(
    ("relative", "text", "where"),
    [
        ("run.sh", "#!/bin/sh\nexec uvicorn main:app --reload --reload-dir app\n", "the script's folder"),
        ("pyproject.toml", "[tool.poe.tasks]\ndev = 'uvicorn main:app --reload --reload-dir=app'\n", "pyproject"),
        (
            ".vscode/launch.json",
            '{"configurations": [{"type": "debugpy", "request": "launch", "module": "uvicorn",'
            ' "args": ["main:app", "--reload", "--reload-dir", "app"]}]}',
            "the workspace folder",
        ),
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: uvicorn main:app --reload-dir app &\n",
            "the repository's",
        ),
    ],
)
def test_command_lines_whose_start_folder_is_known(app, relative, text, where):
    app.write(relative, text)
    [message] = found(app, relative)
    assert "no folder app in" in message and where in message and "exits with status 2" in message
    app.write("app/__init__.py", "")
    assert found(app, relative) == []


def test_the_first_missing_of_several_and_a_file_counts(app):
    app.write("src/keep.py", "")
    app.write("settings.toml", "")  # click.Path(exists=True) takes a file as well
    app.write(
        "run.sh", "#!/bin/sh\nuvicorn main:app --reload --reload-dir src --reload-dir settings.toml --reload-dir=lib\n"
    )
    [message] = found(app, "run.sh")
    assert message.startswith("--reload-dir src --reload-dir settings.toml --reload-dir=lib: no folder lib in")


@pytest.mark.parametrize(
    "text",
    [
        # Where the path or the folder is not known.
        "uvicorn main:app --reload --reload-dir $SRC_DIR",
        "uvicorn main:app --reload --reload-dir src --reload-dir $EXTRA",
        "uvicorn main:app --reload --reload-dir /srv/api/src",
        "uvicorn main:app --reload --reload-dir ~/src",
        # The same script makes it first.
        "mkdir -p src\nuvicorn main:app --reload --reload-dir src",
        # click stops at the unknown option first (UVI004).
        "uvicorn main:app --reload --reload-dir src --relaod",
        # gunicorn and fastapi have no --reload-dir of uvicorn's.
        "gunicorn -k uvicorn.workers.UvicornWorker main:app --reload-dir src",
    ],
)
def test_silent_where_the_command_may_not_fail(app, text):
    app.write("run.sh", f"#!/bin/sh\n{text}\n")
    assert found(app, "run.sh") == []


def test_silent_for_a_git_ignored_folder_and_one_another_script_names(app):
    (app.root / ".git").mkdir()
    app.write(".gitignore", "generated/\n")
    app.write("run.sh", "#!/bin/sh\nuvicorn main:app --reload --reload-dir generated --reload-dir src\n")
    [message] = found(app, "run.sh")
    assert "no folder src in" in message
    app.write("setup.sh", "#!/bin/sh\nmkdir -p src\n")
    assert found(app, "run.sh") == []


def test_a_script_whose_start_folder_is_a_guess(app):
    """scripts/dev.sh may be started from the top folder (`./scripts/dev.sh`), where src is."""
    app.write("scripts/dev.sh", "#!/bin/sh\nuvicorn main:app --reload --reload-dir src\n")
    [message] = found(app, "scripts/dev.sh")
    assert "no folder src in the script's folder" in message
    app.write("src/keep.py", "")
    assert found(app, "scripts/dev.sh") == []


def test_uvicorn_before_0_15_takes_any_reload_dir(app):
    app.write("requirements.txt", "uvicorn==0.14.0\n")
    app.write("run.sh", "#!/bin/sh\nuvicorn main:app --reload --reload-dir src\n")
    assert found(app, "run.sh") == []
    app.write("requirements.txt", "uvicorn==0.15.0\n")
    assert len(found(app, "run.sh")) == 1


def test_uvicorn_run_only_warns(app):
    """uvicorn.run(reload_dirs=[...]) logs "did not contain valid directories" and watches the working directory."""
    app.write(
        "run.py",
        'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", reload=True, reload_dirs=["src"])\n',
    )
    assert found(app, "run.py") == []


def test_a_procfile_is_silent_as_for_its_files(app):
    """A dyno starts after the build, whose steps may make folders (as for --env-file)."""
    app.write("Procfile", "web: uvicorn main:app --reload-dir src\n")
    assert found(app, "Procfile") == []


def dockerfile(*lines: str, cmd: str = '["uvicorn", "main:app", "--host", "0.0.0.0", "--reload-dir", "src"]') -> str:
    return "\n".join(["FROM python:3.12-slim", "WORKDIR /app", *lines, f"CMD {cmd}"]) + "\n"


def test_images_without_the_folder(app):
    app.write("src/keep.py", "")
    app.write("Dockerfile", dockerfile("COPY main.py ."))
    assert found(app, "Dockerfile") == [
        "--reload-dir src: no /app/src in the image (no COPY or ADD puts it there) unless mounted at run time; "
        "uvicorn exits with status 2"
    ]
    app.write(".dockerignore", "src\n")
    app.write("Dockerfile", dockerfile("COPY . ."))
    [message] = found(app, "Dockerfile")
    assert "no /app/src in the image (left out by .dockerignore)" in message
    app.write(".dockerignore", ".git\n")
    assert found(app, "Dockerfile") == []


def test_an_image_variable_and_a_compose_build(app):
    app.write("Dockerfile", dockerfile("COPY . .", "ENV UVICORN_RELOAD_DIRS=.:src", cmd='["uvicorn", "main:app"]'))
    [message] = found(app, "Dockerfile")
    assert message.startswith("UVICORN_RELOAD_DIRS=.:src: no /app/src in the image (not in the build context)")
    app.write("Dockerfile", dockerfile("COPY . .", cmd='["uvicorn", "main:app"]'))
    app.write(
        "compose.yaml", "services:\n  web:\n    build: .\n    command: uvicorn main:app --reload --reload-dir src\n"
    )
    [message] = found(app, "compose.yaml")
    assert message.startswith("--reload-dir src: no /app/src in the image")


@pytest.mark.parametrize(
    ("lines", "cmd_dir"),
    [
        (["COPY . ."], "."),
        (["COPY . ."], "/app"),
        (["WORKDIR /app/src", "WORKDIR /app", "COPY . ."], "src"),  # an earlier WORKDIR made it
        (["COPY . .", "RUN mkdir -p src"], "src"),
        (["COPY . .", "RUN python -m venv src"], "src"),
        (["COPY . .", "RUN pip install -e ."], "src"),
        (["COPY . .", "VOLUME /app/src"], "src"),
        (["COPY main.py .", "COPY lib/ src/"], "src"),  # copied under another name
        (["COPY . .", "RUN pip install -r requirements.txt"], "/etc/app"),  # the base image's folders
    ],
)
def test_images_that_have_or_may_make_the_folder(app, lines, cmd_dir):
    app.write("lib/keep.py", "")
    app.write("Dockerfile", dockerfile(*lines, cmd=f'["uvicorn", "main:app", "--reload-dir", "{cmd_dir}"]'))
    assert found(app, "Dockerfile") == []


def test_images_mounted_over_or_git_ignored(app):
    app.write("Dockerfile", dockerfile("COPY . ."))
    assert len(found(app, "Dockerfile")) == 1
    app.write("compose.yaml", "services:\n  web:\n    build: .\n    volumes: ['./src:/app/src']\n")
    assert found(app, "Dockerfile") == []  # the project runs the image with the folder mounted
    assert found(app, "compose.yaml") == []
    (app.root / "compose.yaml").unlink()
    (app.root / ".git").mkdir()
    app.write(".gitignore", "src/\n")  # the checkout the image is built from may have it
    assert found(app, "Dockerfile") == []
