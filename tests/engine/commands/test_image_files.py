"""engine/commands/image_files.py: where an image's file comes from, and which RUN lines may write files."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvicorn_lsp.engine.commands.base import ContainerLayout
from uvicorn_lsp.engine.commands.compose_mounts import mounted
from uvicorn_lsp.engine.commands.dockerignore import BuildContext, DockerIgnore
from uvicorn_lsp.engine.commands.image_files import (
    ImageFile,
    Origin,
    image_file,
    image_path,
    run_may_make_folders,
    run_may_write_files,
    volume_paths,
)


def layout_of(
    context: Path,
    ignores: dict[str, str] | None = None,
    unknown: tuple[str, ...] = (),
    unlisted_files: list[str] | None = None,
) -> ContainerLayout:
    """`COPY . /app` of `context`, with each builder's ignore file (an image built here: `unlisted_files` [])."""
    named = tuple((builder, DockerIgnore.parse(text)) for builder, text in (ignores or {"Docker": ""}).items())
    context_seen = BuildContext(context, named)
    return ContainerLayout([("/app", context, True)], list(unknown), None, context_seen, unlisted_files)


def test_origins(tmp_path):
    (tmp_path / "logging.yaml").write_text("version: 1\n")
    (tmp_path / ".env").write_text("A=1\n")
    (tmp_path / "conf").mkdir()
    layout = layout_of(tmp_path, {"Docker": ".env\n"}, unlisted_files=[])
    assert image_file(layout, "/app/logging.yaml").origin is Origin.COPIED
    assert image_file(layout, "/app/.env") == image_file(layout, "/app/./.env")
    assert image_file(layout, "/app/.env").origin is Origin.LEFT_OUT
    assert image_file(layout, "/app/.env").host == tmp_path / ".env"
    assert image_file(layout, "/app/missing.yaml").origin is Origin.NOT_IN_CONTEXT
    assert image_file(layout, "/srv/logging.yaml").origin is Origin.NOT_COPIED
    assert image_file(layout, "/app/conf").origin is Origin.UNKNOWN  # a folder
    assert image_file(layout, "/app").origin is Origin.UNKNOWN


def test_a_single_file_copy(tmp_path):
    (tmp_path / "prod.yaml").write_text("version: 1\n")
    layout = ContainerLayout([("/app/logging.yaml", tmp_path / "prod.yaml", False)], unlisted_files=[])
    assert image_file(layout, "/app/logging.yaml") == image_file(layout, "/app/../app/logging.yaml")
    assert image_file(layout, "/app/logging.yaml").host == tmp_path / "prod.yaml"
    assert image_file(layout, "/app/prod.yaml").origin is Origin.NOT_COPIED
    # Copied into a folder already there (`COPY prod.yaml .`, `WORKDIR /app/logging.yaml` before it).
    assert image_file(layout, "/app/logging.yaml/prod.yaml") == ImageFile(Origin.COPIED, tmp_path / "prod.yaml")
    assert image_file(layout, "/app/logging.yaml/other.yaml").origin is Origin.NOT_COPIED


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"unlisted_files": None}, "/app/.env"),  # an image not built from a Dockerfile read here
        ({"unlisted_files": ["/"]}, "/app/.env"),  # a RUN that may write files
        ({"unlisted_files": ["/app/conf"]}, "/app/conf/logging.yaml"),  # a mount over its folder
        ({"unknown": ("/app/conf/logging.yaml",)}, "/app/conf/logging.yaml"),  # copied from another stage
        ({}, "/etc/uvicorn/logging.yaml"),  # the base image's folders
        ({}, "/usr/src/logging.yaml"),
        ({}, "app/.env"),  # not absolute
        ({}, "/app/a\0b"),  # no file's name
    ],
)
def test_unknown(tmp_path, fields, path):
    layout = layout_of(tmp_path, **{"unlisted_files": [], **fields})
    assert image_file(layout, path).origin is Origin.UNKNOWN
    assert image_file(layout_of(tmp_path, unlisted_files=[]), "/app/.env").origin is Origin.NOT_IN_CONTEXT


def test_builders_that_disagree(tmp_path):
    (tmp_path / ".env").write_text("A=1\n")
    both = layout_of(tmp_path, {"Docker": ".env\n", "Podman": "*.env\n"}, unlisted_files=[])
    assert image_file(both, "/app/.env").origin is Origin.LEFT_OUT
    one = layout_of(tmp_path, {"Docker": ".env\n", "Podman": "*.md\n"}, unlisted_files=[])
    assert image_file(one, "/app/.env").origin is Origin.UNKNOWN


def test_usr_src_folders_are_the_projects(tmp_path):
    layout = ContainerLayout([("/usr/src/app", tmp_path, True)], unlisted_files=[])
    assert image_file(layout, "/usr/src/app/.env").origin is Origin.NOT_IN_CONTEXT


@pytest.mark.parametrize(
    "text",
    [
        "pip install --no-cache-dir -r requirements.txt",
        "apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*",
        "--mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt",
        "DEBIAN_FRONTEND=noninteractive apt-get install -y curl",
        '["pip", "install", "fastapi"]',
        "set -eux; uv sync --frozen --no-dev",
        "python -m pip install . >/dev/null 2>&1",
        "useradd -m app && chown -R app:app /app && chmod 755 /app",
        "poetry config virtualenvs.create false && poetry install --no-root",
        'pip install --no-cache-dir "fastapi[standard]"',
        "pip install 'uvicorn[standard]>=0.30' \"gunicorn\"",
        'uv pip install --system "uvicorn[standard]" && echo "done; no files"',
    ],
)
def test_runs_that_only_install(text):
    assert run_may_write_files(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "echo MODE=prod > .env",
        "touch .env",
        "python manage.py collectstatic --noinput",
        "openssl req -x509 -nodes -keyout key.pem -out cert.pem -subj /CN=localhost",
        "pip download -d wheels fastapi",
        "npm run build",
        "sh -c 'cat /run/secrets/env'",
        "--mount=type=secret,id=env,target=/app/.env pip install -r requirements.txt",
        "<<EOF\nprintf x > .env\nEOF",
        "cp $(ls *.example) .",
        'pip install "$PACKAGE" > "$LOG"',
        'echo "x" > .env',
        "python -c \"open('main.py', 'w')\"",
        'pip install "${EXTRA}"',
        '["python", "make_settings.py"]',
        "[not json",
    ],
)
def test_runs_that_may_write_files(text):
    assert run_may_write_files(text) is True


@pytest.mark.parametrize(
    ("text", "makes"),
    [
        ("pip install --no-cache-dir -r requirements.txt", False),
        ("apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*", False),
        ("pip install uvicorn==0.30.0", False),
        ("mkdir -p /app/logs", True),
        ("python -m venv /venv", True),
        ("uv sync --frozen", True),
        ("pip install -e .", True),
        ("pip install .", True),
        ("pip install --target /deps -r requirements.txt", True),
        ("useradd -m app", True),
        ("npm ci", True),
        ("python manage.py collectstatic --noinput", True),  # may write files, so folders too
    ],
)
def test_runs_that_may_make_folders(text, makes):
    assert run_may_make_folders(text) is makes


def test_image_paths_that_may_be_folders(tmp_path):
    (tmp_path / "src").mkdir()
    layout = layout_of(tmp_path, unlisted_files=[])
    layout.workdirs = ["/srv/data/cache"]
    assert image_path(layout, "/app/lib", "/app").origin is Origin.NOT_IN_CONTEXT
    assert image_path(layout, "/app/src", "/app").origin is Origin.UNKNOWN  # a copied folder
    assert image_path(layout, "/srv/data", "/app").origin is Origin.UNKNOWN  # a WORKDIR's parent
    assert image_path(layout, "/work", "/work").origin is Origin.UNKNOWN  # the working folder (compose makes it)
    assert image_path(layout, "/srv/other", "/app").origin is Origin.NOT_COPIED
    layout.run_may_make_folders = True
    assert image_path(layout, "/app/lib", "/app").origin is Origin.UNKNOWN


def test_volume_paths():
    assert volume_paths("/data /app/logs/") == ["/data", "/app/logs"]
    assert volume_paths('["/data", "/srv"]') == ["/data", "/srv"]
    assert volume_paths("$DATA") == ["/"]
    assert volume_paths("data") == ["/"]
    assert volume_paths("[broken") == ["/"]


def test_a_file_beside_copied_files_names_its_place_in_the_context(tmp_path):
    (tmp_path / "main.py").write_text("")
    layout = ContainerLayout([("/app/main.py", tmp_path / "main.py", False)], unlisted_files=[])
    # A glob that copied main.py might take logging.json from a checkout that has it.
    assert image_file(layout, "/app/logging.json") == ImageFile(Origin.NOT_COPIED, tmp_path / "logging.json")
    (tmp_path / "logging.json").write_text("{}")  # here, and not copied: no glob took it
    assert image_file(layout, "/app/logging.json") == ImageFile(Origin.NOT_COPIED)
    assert image_file(layout, "/srv/logging.json") == ImageFile(Origin.NOT_COPIED)


def test_compose_mount_targets_cover_paths_below_them():
    targets = frozenset({"/app/conf", "/data"})
    assert [mounted(path, targets) for path in ("/app/conf/x.yaml", "/app/conf", "/app/c", "/x", "a/b", "")] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    assert mounted("/app/.env", frozenset({"/"}))
