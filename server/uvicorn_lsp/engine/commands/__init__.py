"""Launches written as command lines outside Python: Dockerfiles, compose files, Procfiles,
Makefiles, shell scripts, GitHub workflows, VS Code's launch.json, systemd units,
supervisord programs, pyproject task runners and hosting platforms' start commands (Railway, Render)
(design.md, "Launches").

`source_kind` picks the source by file name (and, for `*.conf` and extensionless
scripts, by the first bytes); `context_for` gives the rules a context whose launches
are that file's commands.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .base import CommandContext

# A platform's config file (each its own kind): the start command its platform runs (platforms.py).
PLATFORM_FILES = ("railway.json", "railway.toml", "render.yaml")
# Sources whose routed starts (`CommandInfo.container`) only the platform's router reaches (Heroku, Railway, Render).
PLATFORM_SOURCES = frozenset({"procfile", *PLATFORM_FILES})
# Bytes enough to tell a supervisord file or a script by its start.
SNIFF_BYTES = 512
# Files an editor may send (by languageId) that are never Python: checked only as command sources.
NOT_PYTHON_SUFFIXES = frozenset(
    {".yml", ".yaml", ".json", ".jsonc", ".toml", ".ini", ".conf", ".cfg", ".service", ".sh", ".bash", ".mk", ".txt"}
    | {".dockerfile", ".md", ".env"}
)


def source_kind(path: PurePath | None, head: bytes | str | None = None) -> str | None:
    """Which command source a file is, from its name; `head` (its first bytes) for names that do not tell."""
    if path is None:
        return None
    name = path.name
    kind = kind_by_name(name, path.parts[:-1])
    if kind is not None or head is None:
        return kind
    text = head if isinstance(head, str) else head[:SNIFF_BYTES].decode("utf-8", "replace")
    text = text[:SNIFF_BYTES]
    if name.lower().endswith(".conf") and "[program:" in text:
        return "supervisord"
    if "." not in name and text.startswith("#!") and _shell_shebang(text.split("\n", 1)[0]):
        return "shell"
    return None


def kind_by_name(name: str, folders: Sequence[str] = ()) -> str | None:
    """Which command source a file named `name` is by its name alone, in the folders `folders` (outermost first:
    a workflow is one in `.github/workflows`); asked of every name of the folders a start file is looked for in."""
    lower = name.lower()
    if lower in ("dockerfile", "containerfile") or lower.endswith(".dockerfile") or name.startswith("Dockerfile."):
        return "dockerfile"
    if name.startswith("Containerfile."):
        return "dockerfile"
    if _compose_name(lower):
        return "compose"
    if lower.endswith((".yml", ".yaml")) and tuple(folders[-2:]) == (".github", "workflows"):
        return "workflow"
    if name == "Procfile" or name.startswith("Procfile."):
        return "procfile"
    if name in ("Makefile", "makefile", "GNUmakefile") or lower.endswith(".mk"):
        return "makefile"
    if lower.endswith((".sh", ".bash")):
        return "shell"
    if name == "launch.json" and tuple(folders[-1:]) == (".vscode",):
        return "launch.json"
    if lower.endswith(".service"):
        return "systemd"
    if name == "supervisord.conf":
        return "supervisord"
    if name == "pyproject.toml":
        return "pyproject"
    if name in PLATFORM_FILES:
        return name
    return None


def _compose_name(lower: str) -> bool:
    return lower.startswith(("compose.", "docker-compose")) and lower.endswith((".yml", ".yaml"))


def starts_through_an_image(path: PurePath | str | None, text: bytes | str) -> bool:
    """A compose file whose services build an image: the image's ENTRYPOINT and CMD may name the server,
    so the file can start one without naming it (the trigger words' pre-filter keeps it). Asked of every
    file a check walks: the name is looked at first, as a string."""
    if path is None:
        return False
    if not _compose_name(os.path.basename(path).lower()):
        return False
    return "build" in text if isinstance(text, str) else b"build" in text


def implied_kind(path: PurePath, head: str) -> str | None:
    """The source of a file that `include`/`extend-include` selects: its built-in one, else the one
    its name comes closest to, else a shell script (the plain command source); None for Python."""
    kind = source_kind(path, head)
    if kind is not None:
        return kind
    lower = path.name.lower()
    suffix = PurePath(lower).suffix
    first_line = head[:SNIFF_BYTES].split("\n", 1)[0]
    if suffix in (".py", ".pyi", ".pyw") or (first_line.startswith("#!") and "python" in first_line):
        return None
    if "dockerfile" in lower or "containerfile" in lower:
        return "dockerfile"
    if suffix in (".yml", ".yaml"):
        return "compose"  # `docker compose -f` takes a file of any name
    if lower.startswith("procfile"):
        return "procfile"
    if "makefile" in lower:
        return "makefile"
    return _KIND_BY_SUFFIX.get(suffix, "shell")


_KIND_BY_SUFFIX = {
    ".json": "launch.json",
    ".jsonc": "launch.json",
    ".toml": "pyproject",
    ".conf": "supervisord",
    ".ini": "supervisord",
}


def _shell_shebang(line: str) -> bool:
    words = line[2:].split()
    if not words:
        return False
    program = words[0].rsplit("/", 1)[-1]
    if program == "env" and len(words) > 1:
        program = words[1]
    return program in ("sh", "bash", "dash", "ash", "zsh", "ksh")


# Each source's module and function; imported when a file of that kind is first checked, so a run
# over Python files alone never loads the Dockerfile, YAML (ruamel) or JSONC readers.
_SOURCES: dict[str, tuple[str, str]] = {
    "dockerfile": ("dockerfile", "launches"),
    "compose": ("yaml_sources", "compose_launches"),
    "workflow": ("yaml_sources", "workflow_launches"),
    "procfile": ("plain", "procfile_launches"),
    "makefile": ("plain", "makefile_launches"),
    "shell": ("plain", "script_launches"),
    "launch.json": ("plain", "launch_json_launches"),
    "systemd": ("plain", "systemd_launches"),
    "supervisord": ("plain", "supervisord_launches"),
    "pyproject": ("pyproject_tasks", "pyproject_launches"),
    "railway.json": ("platforms", "railway_launches"),
    "railway.toml": ("platforms", "railway_launches"),
    "render.yaml": ("platforms", "render_launches"),
}


def import_readers(files: Iterable[tuple[PurePath, bytes]]) -> None:
    """Import the readers these files (path and first bytes) need: a command-line run does it before forking
    its workers, which then share them instead of each importing its own."""
    for path, head in files:
        kind = source_kind(path, head[:SNIFF_BYTES])
        if kind is not None:
            importlib.import_module(f"{__name__}.{_SOURCES[kind][0]}")


def independent_parts(kind: str, lines: list[str]) -> list[tuple[int, int]] | None:
    """The line spans of a command file's parts whose launches each come from their own lines alone (a compose
    file's services: `carry_over` judges only the part a keystroke changed); None for other files."""
    if kind != "compose":
        return None
    from .yaml_sources import independent_services

    return independent_services(lines)


def context_for(kind: str, text: str, path, workspace, settings) -> CommandContext:
    from .base import CommandContext, CommandSource

    module_name, function = _SOURCES[kind]
    find_launches = getattr(importlib.import_module(f"{__name__}.{module_name}"), function)
    source = CommandSource(text, path, jsonc=kind == "launch.json")
    return CommandContext(source, workspace, settings, find_launches, kind)


__all__ = [
    "NOT_PYTHON_SUFFIXES",
    "SNIFF_BYTES",
    "context_for",
    "import_readers",
    "independent_parts",
    "implied_kind",
    "source_kind",
    "starts_through_an_image",
]
