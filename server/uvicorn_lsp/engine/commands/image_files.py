"""The files an image holds, as its Dockerfile's COPY/ADD lines put them there from the build context (less
what `.dockerignore` leaves out): for the options that name a file the container opens (`--env-file`,
`--log-config`, `--ssl-keyfile`). Whatever the layout does not make clear is UNKNOWN, never a guess."""

from __future__ import annotations

import enum
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from .base import ContainerLayout, is_under, overlaps


class Origin(enum.Enum):
    COPIED = "copied"  # a COPY/ADD puts it there
    LEFT_OUT = "left out"  # a copied folder's file that the .dockerignore leaves out of the build context
    NOT_IN_CONTEXT = "not in the context"  # a copied folder's file that the build context does not have
    NOT_COPIED = "not copied"  # no COPY/ADD puts anything there
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ImageFile:
    origin: Origin
    # The build context's file it comes from, or would come from (NOT_COPIED: by a glob copying files beside it).
    host: Path | None = None


_UNKNOWN = ImageFile(Origin.UNKNOWN)
# Top-level folders a base image fills itself (/etc, /usr, /root's dot files): what lies there is not the
# project's. /usr/src/<folder> is the exception: official images ship it empty, and it is a usual WORKDIR.
_BASE_IMAGE_FOLDERS = frozenset(
    {"bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "opt", "proc", "root", "run", "sbin", "sys"}
    | {"usr", "var"}
)


def image_file(layout: ContainerLayout, path: str) -> ImageFile:
    """Where the file at the absolute container `path` comes from."""
    path = posixpath.normpath(path)
    parts = path.strip("/").split("/")
    if layout.unlisted_files is None or not path.startswith("/") or any(part in ("", "~") for part in parts):
        return _UNKNOWN
    if "\0" in path:
        return _UNKNOWN  # no file has such a name: uvicorn is given bad input, which another rule may name
    if parts[0] in _BASE_IMAGE_FOLDERS and not (parts[:2] == ["usr", "src"] and len(parts) >= 4):
        return _UNKNOWN
    if any(overlaps(place, path) for place in (*layout.unknown, *layout.unlisted_files)):
        return _UNKNOWN
    found = ImageFile(Origin.NOT_COPIED)
    for target, host, is_folder in layout.copies:
        if target == path:
            return _UNKNOWN if is_folder else ImageFile(Origin.COPIED, host)
        if is_under(target, path):
            return _UNKNOWN  # something is copied below it: a folder
        if not is_under(path, target):
            continue
        if not is_folder:
            # `COPY x.yaml config` (and `COPY x.yaml .`) copies into `config` when a folder is there already.
            if path == posixpath.join(target, host.name):
                return ImageFile(Origin.COPIED, host)
            continue
        source = host.joinpath(*posixpath.relpath(path, target).split("/"))
        context = layout.build_context
        if context is not None and context.hides(source):
            found = ImageFile(Origin.LEFT_OUT, source)
        elif context is not None and context.may_hide(source):
            return _UNKNOWN  # one builder's ignore file leaves it out, another's does not
        elif source.is_file():
            return ImageFile(Origin.COPIED, source)
        elif source.exists():
            return _UNKNOWN  # a folder
        elif found.origin is Origin.NOT_COPIED:
            found = ImageFile(Origin.NOT_IN_CONTEXT, source)
    if found.origin is Origin.NOT_COPIED:
        # Files copied beside it may come from a glob (`COPY *.json ./`): one that this checkout does not have
        # could be taken from the builder's. Its place in the build context is named for the caller to judge.
        folder, name = posixpath.split(path)
        for target, host, is_folder in layout.copies:
            if not is_folder and posixpath.dirname(target) == folder and not host.with_name(name).exists():
                return ImageFile(Origin.NOT_COPIED, host.with_name(name))
    return found


def image_path(layout: ContainerLayout, path: str, working_folder: str) -> ImageFile:
    """`image_file` for a path that may name a folder too (`--reload-dir`): the working folder, each WORKDIR and
    their parents are there, and any folder is UNKNOWN where a RUN may make folders."""
    path = posixpath.normpath(path)
    if layout.run_may_make_folders or any(is_under(folder, path) for folder in (*layout.workdirs, working_folder)):
        return _UNKNOWN
    return image_file(layout, path)


# Commands that install packages or change users and modes, writing no file in the project's folders; a RUN
# of anything else (a script, `openssl req -out cert.pem`, `pip download`, `npm run build`) may make any file.
_KEEPS_FILES = re.compile(
    r"^((apt-get|apt|apk|yum|dnf|microdnf|rm|mkdir|chmod|chown|chgrp|useradd|adduser|groupadd|addgroup|usermod"
    r"|true|set|echo|which|ldconfig|update-ca-certificates)"
    r"|(pip[\d.]*|python[\d.]*\s+-m\s+pip|uv\s+pip)\s+(install|uninstall)"
    r"|uv\s+(sync|venv)|python[\d.]*\s+-m\s+(venv|compileall)|pipx\s+install|npm\s+(ci|install)"
    r"|poetry\s+(install|config)|pdm\s+(install|sync|config)|(conda|mamba|micromamba)\s+(install|clean))(\s|$)"
)
_ASSIGNMENT = re.compile(r"^\w+=\S*\s+")
# A quoted word the shell expands nothing in (`"uvicorn[standard]"`, `'fastapi>=0.110'`): plain text, no redirection.
_PLAIN_QUOTED = re.compile(r"'[^']*'|\"[^\"$`\\]*\"")
_COMMAND_SEPARATORS = re.compile(r"&&|\|\||[;|\n]")
_HARMLESS_REDIRECTIONS = re.compile(r"\d?>\s*/dev/null|\d?>&\d")


def run_may_write_files(text: str) -> bool:
    """Whether a Dockerfile RUN's argument text may write files outside the system's folders. Read
    word-simply on purpose: anything not plainly an install (quotes with expansions in them, redirections,
    here-documents, command substitutions, an unknown program) may."""
    text = text.strip()
    if text.startswith("["):  # the exec form: one program with its arguments
        try:
            elements = json.loads(text)
        except ValueError:
            return True
        if not isinstance(elements, list):
            return True
        text = " ".join(str(element) for element in elements)
    flags = re.match(r"^(--\S+\s+)*", text + " ")
    assert flags is not None  # the pattern matches the empty start
    if re.search(r"--mount=(?!type=(cache|tmpfs)\b)", flags.group(0)):
        return True  # a secret or a bind mount: its target may leave a file behind (BuildKit's empty mount point)
    text = text[flags.end() :]  # --network=..., cache mounts: BuildKit's, not the command's
    text = _HARMLESS_REDIRECTIONS.sub(" ", _PLAIN_QUOTED.sub("quoted", text))
    if any(mark in text for mark in ("<", ">", "`", "$(", "'", '"')):
        return True
    for command in _COMMAND_SEPARATORS.split(text):
        command = command.strip()
        while _ASSIGNMENT.match(command + " "):
            command = _ASSIGNMENT.sub("", command + " ", count=1).strip()
        if command and not _KEEPS_FILES.match(command):
            return True
    return False


# Commands that make folders but write no file `run_may_write_files` minds: `mkdir`, a home folder, a virtual
# environment, package managers that keep their own folders, a project built where it lies (`pip install -e .`).
_MAKES_FOLDERS = re.compile(
    r"\b(mkdir|useradd|adduser|venv|virtualenv|sync|pipx|npm|poetry|pdm|conda|mamba|micromamba|compileall)\b"
    r"|\binstall\b[^&;|\n]*\s(-e|--editable|-t|--target|--prefix|--root|--user|\.\.?(/\S*)?)(?=\s|$)"
)


def run_may_make_folders(text: str) -> bool:
    """Whether a Dockerfile RUN's argument text may make folders outside the system's folders."""
    return run_may_write_files(text) or _MAKES_FOLDERS.search(text) is not None


def volume_paths(text: str) -> list[str]:
    """The container folders a Dockerfile VOLUME declares (a run-time mount may fill them); `/` when one is not
    plainly an absolute path."""
    text = text.strip()
    if text.startswith("["):
        try:
            elements = json.loads(text)
        except ValueError:
            return ["/"]
        paths = [str(element) for element in elements] if isinstance(elements, list) else ["$"]
    else:
        paths = text.split()
    if any("$" in path or not path.startswith("/") or any(mark in path for mark in "'\"\\") for path in paths):
        return ["/"]
    return [posixpath.normpath(path) for path in paths]
