"""Whether a path a command names relative to where it starts (`fastapi run app/main.py`) is there: on the
host, or in the image as its Dockerfile's COPY/ADD lines build it."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path

from .. import config, project
from ..context import RuleContext
from .base import WorkingDirectory
from .compose_mounts import compose_mount_targets, mounted
from .image_files import Origin, image_file


def path_exists(directory: WorkingDirectory, relative: str, depends_on: Callable[[Path], None]) -> bool | None:
    """True when the file or folder is there, False when it is not, None when that is not known.
    `depends_on` is told the host paths the answer rests on (made or deleted, the answer changes)."""
    if directory.image is not None:
        layout, folder = directory.image
        found = image_file(layout, posixpath.join(folder, relative))
        if found.host is not None:
            depends_on(found.host)
        if found.origin is Origin.COPIED:
            return True
        if found.origin in (Origin.NOT_COPIED, Origin.LEFT_OUT, Origin.NOT_IN_CONTEXT):
            return False
        return None  # a folder, or what the layout does not make clear
    if posixpath.isabs(relative) or relative.startswith("~"):
        return None  # outside the project (a container's path, a home folder): not known here
    roots = directory.roots_for(relative)
    if not roots:
        return None
    for root in roots:
        depends_on(root)
    return any(root.exists() for root in roots)


# fastapi-cli's own search when `fastapi run|dev` is given no PATH, in this order, relative to the folder it
# starts in: the same six files from 0.0.2 to 0.0.34.
FASTAPI_DEFAULT_FILES = ("main.py", "app.py", "api.py", "app/main.py", "app/app.py", "app/api.py")


def fastapi_finds_a_default(directory: WorkingDirectory, depends_on: Callable[[Path], None]) -> bool | None:
    """Whether `fastapi run` without a PATH finds what to run where it starts: one of its default files, or the
    `[tool.fastapi]` table of the folder's pyproject.toml (its `entrypoint`, read by newer fastapi-cli). False
    only when none of them can be there; None when that is not known."""
    found = [path_exists(directory, name, depends_on) for name in FASTAPI_DEFAULT_FILES]
    if any(found):
        return True
    if path_exists(directory, "pyproject.toml", depends_on) is not False:
        file = host_file(directory, "pyproject.toml", depends_on)
        data = None if file is None else config.read_toml(file)[0]
        if data is None or "fastapi" in config.toml_table(data, "tool"):
            return None
    return None if None in found else False


def host_file(directory: WorkingDirectory, relative: str, depends_on: Callable[[Path], None]) -> Path | None:
    """The file of the host that is at `relative` where the command starts (the build context's file copied into
    the image, or the one file of the host folder); None when that is not one known file."""
    if directory.image is not None:
        layout, folder = directory.image
        found = image_file(layout, posixpath.join(folder, relative))
        return found.host if found.origin is Origin.COPIED and found.host is not None else None
    if posixpath.isabs(relative) or relative.startswith("~"):
        return None
    roots = directory.roots_for(relative)
    if not roots or len(roots) != 1:
        return None
    depends_on(roots[0])
    return roots[0] if roots[0].is_file() else None


def mounted_by_the_project(ctx: RuleContext, path: str) -> bool:
    """Whether a compose file of the project (beside the checked file or above it, up to the repository's top: a
    service folder with a pyproject.toml of its own is built by the compose file above it), other than the one
    checked, or a script's `docker run -v` there mounts something over the absolute container `path` or a
    folder of it: the image may be run so. The files are read once per check, whatever asks."""
    checked = ctx.checked_path()
    root = project.repository_top(ctx.workspace.root)
    folder = checked.parent if checked is not None else ctx.workspace.root
    targets = ctx.once(
        ("compose mount targets", folder),
        lambda: compose_mount_targets(folder, root, ctx.workspace.read_module, ctx.depends_on, besides=checked),
    )
    return mounted(path, targets)


def in_a_project_folder(ctx: RuleContext, relative: str) -> bool:
    """Whether a folder of the project (two levels down at most) holds `relative`: a script whose start
    folder is a guess may well be started there (its image's WORKDIR, the app's folder)."""
    root = ctx.workspace.root
    return any((folder / relative).exists() for folder in [root, *project.project_folders(root)])
