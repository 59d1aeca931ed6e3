"""Whether a compose file near an image may run it with a file mounted: the project's compose files, read
for the paths their services mount over (`volumes:`, `secrets:`, `configs:`, a watch's sync)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .base import _under
from .yaml_sources import compose_mounts


def mounted_by_compose(
    path: str,
    folder: Path,
    root: Path,
    read: Callable[[Path], str | None],
    depends_on: Callable[[Path], None],
    besides: Path | None = None,
) -> bool:
    """Whether a compose file in `folder` or a folder above it (up to `root`), other than `besides`, mounts
    something over the container `path` or a folder of it in any of its services (which may run the image)."""
    place = folder
    while True:
        for name in _USUAL_NAMES:
            depends_on(place / name)  # created later: the verdict changes
        for compose in sorted(place.glob("*compose*.y*ml")):
            if compose == besides:
                continue
            depends_on(compose)
            text = read(compose)
            if text is None:
                return True  # not readable here: what it mounts is not known
            if any(_under(path, target) for target in compose_mounts(text)):
                return True
        if place == root or place.parent == place or not place.is_relative_to(root):
            return False
        place = place.parent


# The names `docker compose` reads without `-f`, the override merged over the first.
_USUAL_NAMES = tuple(
    f"{stem}{override}.{extension}"
    for stem in ("compose", "docker-compose")
    for override in ("", ".override")
    for extension in ("yaml", "yml")
)
