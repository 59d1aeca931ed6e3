"""What the project's compose files may mount into the containers they run (`volumes:`, `secrets:`, `configs:`,
a watch's sync), and its scripts' `docker run -v`: a file an image lacks may be mounted there at run time."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from ..text_cache import TextCache

# Each compose file's text read once, whatever asks (every check of a Dockerfile beside it).
_MOUNTS_BY_TEXT: TextCache[str, tuple[str, ...]] = TextCache(32)
# The names `docker compose` reads without `-f`, the override merged over the first.
_USUAL_NAMES = tuple(
    f"{stem}{override}.{extension}"
    for stem in ("compose", "docker-compose")
    for override in ("", ".override")
    for extension in ("yaml", "yml")
)


# Scripts that may run a container: shell scripts, Makefiles, justfiles, and CI jobs (a deploy step's `run:` or an
# SSH action's `script:` with `docker run -v /etc/letsencrypt/live/site:/certs`).
_RUNNING_SCRIPTS = ("*.sh", "Makefile", "makefile", "justfile", "Justfile") + (
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    ".gitlab-ci.yml",
)
_CONTAINER_RUN = re.compile(r"\b(?:docker|podman)(?:\s+container)?\s+run\b")
_VOLUME_OPTION = re.compile(r"(?:\s-v|--volume)(?:=|\s+)(\S+)")
_MOUNT_OPTION = re.compile(r"--mount(?:=|\s+)\S*?\b(?:target|dst|destination)=([^,\s\"']+)")


def compose_mount_targets(
    folder: Path,
    root: Path,
    read: Callable[[Path], str | None],
    depends_on: Callable[[Path], None],
    besides: Path | None = None,
) -> frozenset[str]:
    """The container paths that the services of the compose files in `folder` and the folders above it (up to
    `root`), other than `besides`, mount over (`/` for one not known, or a file not readable here), and those the
    `docker run` commands of the scripts there mount over (`-v "$PWD":/usr/src/app`)."""
    targets: list[str] = []
    place = folder
    while True:
        for name in _USUAL_NAMES:
            depends_on(place / name)  # created later: the verdict changes
        for compose in sorted(place.glob("*compose*.y*ml")):
            if compose == besides:
                continue
            depends_on(compose)
            text = read(compose)
            targets.extend(("/",) if text is None else _mounts(text))
        for script in sorted({path for pattern in _RUNNING_SCRIPTS for path in place.glob(pattern)}):
            text = read(script) if script != besides else None
            if text is not None and _CONTAINER_RUN.search(text):
                depends_on(script)
                targets.extend(_run_mounts(text))
        if place == root or place.parent == place or not place.is_relative_to(root):
            return frozenset(targets)
        place = place.parent


def mounted(path: str, targets: frozenset[str]) -> bool:
    """Whether one of the mount `targets` is the container (normalized, absolute) `path` or a folder of it."""
    place = path
    while place not in targets:
        parent = posixpath.dirname(place)
        if parent == place:
            return False  # past the root ("/", or "" for a relative path)
        place = parent
    return True


def _mounts(text: str) -> tuple[str, ...]:
    # Imported when a compose file is there to read: YAML's parser is not needed by most checks.
    from .yaml_sources import compose_mounts

    return _MOUNTS_BY_TEXT.get(text, lambda: tuple(compose_mounts(text)))


def _run_mounts(text: str) -> list[str]:
    """The container paths `docker run` (or `podman run`) commands of a script mount over."""
    targets = []
    for command in re.sub(r"\\\n", " ", text).splitlines():
        run = _CONTAINER_RUN.search(command)
        if run is None:
            continue
        rest = command[run.end() :]
        for spec in _VOLUME_OPTION.findall(rest):
            parts = [part.strip("\"'") for part in spec.split(":")]
            if len(parts) >= 2 and parts[1].startswith("/"):
                targets.append(posixpath.normpath(parts[1]))
        targets.extend(posixpath.normpath(target) for target in _MOUNT_OPTION.findall(rest) if target.startswith("/"))
    return targets
