"""Whether git ignores a path, from the `.gitignore` files (and `.git/info/exclude`) a clone has.

Files git ignores (`.env`, `*.pem`, `certs/`) are absent from fresh clones and CI checkouts,
so their absence says nothing about the deployment that makes them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .gitignore import gitignore_spec


def git_ignores(
    path: Path, root: Path, depends_on: Callable[[Path], None] | None = None, is_folder: bool = False
) -> bool:
    """True when the ignore files between the repository's top folder (the nearest one above
    `path` holding `.git`, else `root` or `path`'s own folder) and `path`'s folder ignore it; the deepest decision wins,
    as in git. `depends_on` is told of each ignore file read. `is_folder`: the path is a folder (`logs/` ignores it)."""
    path = Path(os.path.normpath(path))  # `..` removed lexically: a missing path cannot be resolved
    top = next((folder for folder in path.parents if (folder / ".git").exists()), None)
    if top is None:  # not a clone (yet): the project's own ignore files still say what it leaves out
        top = root if path.is_relative_to(root) else path.parent
    folders = [folder for folder in reversed(path.parents) if folder.is_relative_to(top)]
    ignore_files = [(top, top / ".git" / "info" / "exclude")] + [(folder, folder / ".gitignore") for folder in folders]
    ignored = False
    for folder, ignore_file in ignore_files:
        try:
            lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        if depends_on is not None:
            depends_on(ignore_file)
        relative = path.relative_to(folder).as_posix() + ("/" if is_folder else "")
        decision = gitignore_spec(lines).check_file(relative).include
        if decision is not None:
            ignored = decision
    return ignored
