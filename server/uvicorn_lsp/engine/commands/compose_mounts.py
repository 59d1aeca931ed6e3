"""What the project's compose files may mount into the containers they run (`volumes:`, `secrets:`, `configs:`,
a watch's sync): a file an image lacks may be mounted there at run time."""

from __future__ import annotations

import posixpath
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


def compose_mount_targets(
    folder: Path,
    root: Path,
    read: Callable[[Path], str | None],
    depends_on: Callable[[Path], None],
    besides: Path | None = None,
) -> frozenset[str]:
    """The container paths that the services of the compose files in `folder` and the folders above it (up to
    `root`), other than `besides`, mount over (`/` for one not known, or a file not readable here)."""
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
