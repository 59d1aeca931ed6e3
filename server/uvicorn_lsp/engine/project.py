"""What the project's folders and requirement files say, beyond its Python code.

A package the project declares (requirements files, pyproject.toml, Pipfile, setup files) is installed
wherever the project is deployed, even when the analysed environment (a CI runner, an editor's
interpreter) lacks it: its absence there says nothing about a launch.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from . import still_files

_REQUIREMENT_FILE = re.compile(
    r"^(?:requirements.*\.(?:txt|in)|pyproject\.toml|Pipfile|setup\.cfg|setup\.py|environment\.ya?ml)$", re.I
)
# A conda environment file's dependency (`- uvicorn=0.17.6`, `- conda-forge::uvicorn >=0.17`), or one of its
# `pip:` list (`- uvicorn==0.17.6`): the name, then the version spec.
_CONDA_DEPENDENCY = re.compile(r"^\s*-\s*(?:[\w.-]+::)?([A-Za-z0-9][\w.-]*)(?:\[[^\]]*\])?\s*(.*?)\s*(?:#.*)?$")
_NOT_PROJECT_FOLDERS = frozenset({"venv", "node_modules", "__pycache__", "site-packages"})
_LARGEST_FILE = 1_000_000  # bytes: a requirements file is small; anything larger is not read
_MOST_REQUIREMENT_FILES = 64  # in one folder, includes followed: a loop of `-r` lines ends there
_INCLUDE = re.compile(r"^\s*(?:-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)")


def project_folders(root: Path, depth: int = 2) -> list[Path]:
    """The workspace's folders `depth` levels down at most, hidden and environment folders left out."""
    folders: list[Path] = []
    level = [root]
    for _ in range(depth):
        below: list[Path] = []
        for folder in level:
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            below.extend(
                Path(entry.path)
                for entry in entries
                if entry.is_dir() and not entry.name.startswith(".") and entry.name not in _NOT_PROJECT_FOLDERS
            )
        folders.extend(below)
        level = below
    return folders


_NOT_SOURCE_FOLDERS = frozenset({"node_modules", ".git", ".venv", "venv", "__pycache__"})


def holds_python(folder: Path, depth: int) -> bool:
    """A `.py` file (or a notebook) in `folder` or its subfolders `depth` levels down (dependency folders left
    out)."""
    try:
        entries = list(os.scandir(folder))
    except (OSError, ValueError):  # ValueError: a NUL in a path taken from a command
        return False
    if any(entry.name.endswith((".py", ".ipynb")) and entry.is_file() for entry in entries):
        return True
    return depth > 0 and any(
        entry.is_dir() and entry.name not in _NOT_SOURCE_FOLDERS and holds_python(Path(entry.path), depth - 1)
        for entry in entries
    )


def shows_its_app(root: Path) -> bool:
    """Whether the workspace holds Python source or requirement files (three and two levels down at most): the
    app, or what is installed to run it, is declared here; a deployment repository or a lone start script
    holds neither."""
    return holds_python(root, 3) or any(_requirement_files(folder) for folder in [root, *project_folders(root)])


def _requirement_files(folder: Path) -> list[Path]:
    """The folder's requirement files, those of its `requirements/` folder (`requirements/base.txt`), and the
    files their `-r`/`-c` lines include (as pip reads them, relative to the including file)."""
    found = _listed(folder, lambda name: _REQUIREMENT_FILE.match(name) is not None)
    found += _listed(folder / "requirements", lambda name: name.lower().endswith((".txt", ".in")))
    return _with_includes(found)


def _with_includes(files: list[Path]) -> list[Path]:
    """`files` and those their `-r`/`-c` lines include, each once (at most _MOST_REQUIREMENT_FILES)."""
    found = list(files)
    for path in found:  # grows as includes are found
        if path.suffix.lower() in (".txt", ".in"):
            found += (included for included in _includes(path) if included not in found)
            del found[_MOST_REQUIREMENT_FILES:]
    return found


def _listed(folder: Path, wanted: Callable[[str], bool]) -> list[Path]:
    try:
        return sorted(Path(entry.path) for entry in os.scandir(folder) if entry.is_file() and wanted(entry.name))
    except OSError:
        return []


def _includes(path: Path) -> list[Path]:
    """The files a requirements file's `-r FILE`, `--requirement FILE`, `-c FILE` and `--constraint FILE`
    lines name (one missing too: the verdict changes when it is created)."""
    matches = (_INCLUDE.match(line) for line in requirement_lines(path))
    return [Path(os.path.normpath(path.parent / match.group(1))) for match in matches if match is not None]


def _declaration(distribution: str) -> re.Pattern[str]:
    """`uvloop` as a requirement (`uvloop==0.19`, `"uvloop>=0.19"`, `uvloop = "*"`), or, for
    `uvicorn[standard]`, uvicorn with that extra (`uvicorn[standard]`, Poetry's `extras = ["standard"]`)."""
    name, _, extra = distribution.partition("[")
    # PEP 503: `-`, `_` and `.` are one separator. The name comes from the file (an import string's first
    # word): other characters are matched as themselves, never as regex syntax.
    words = "[-_.]+".join(re.escape(part) for part in re.split(r"[-_.]+", name))
    if not extra:
        return re.compile(rf"(?<![\w.-]){words}(?![\w-])", re.I)
    extra = re.escape(extra.rstrip("]"))
    return re.compile(rf"(?<![\w.-]){words}\s*(?:\[[^\]\n]*\b{extra}\b|[^\n]*extras\s*=\s*\[[^\]\n]*\b{extra}\b)", re.I)


def _project_requirement_files(root: Path, start: Path, record: Callable[[Path], None]) -> Iterator[Path]:
    """The project's requirement files, each recorded: in `start`'s folder and those above it up to the
    repository's top (outside any repository, the outermost project above `root`), as the declared uvicorn
    version is looked for, or two levels down from `root` at most (a service's own requirements). A service
    whose pyproject.toml holds only tool settings is its own root, yet runs with what the top installs."""
    folders = [*up_to_the_repository(root, start), *up_to_the_outer_project(root)]
    folders += project_folders(root)
    for folder in dict.fromkeys(folders):
        for path in _requirement_files(folder):
            record(path)
            yield path


def declares(root: Path, start: Path, distributions: tuple[str, ...], record: Callable[[Path], None]) -> bool:
    """Whether a requirement file of the project (`_project_requirement_files`) declares one of `distributions`."""
    patterns = [_declaration(distribution) for distribution in distributions]
    return any(
        pattern.search(line)
        for path in _project_requirement_files(root, start, record)
        for line in requirement_lines(path)
        for pattern in patterns
    )


def declared_distributions(root: Path, start: Path, record: Callable[[Path], None]) -> set[str]:
    """The distributions the project's requirements declare outright, by name as written: the lines of its
    requirements files and its pyproject.toml's `[project] dependencies` and Poetry dependencies, in the folders
    `declares` reads. Lines with an environment marker, options, URLs and editable installs are left out (they
    may not apply, or name no distribution)."""
    from . import config  # here: tomllib is loaded only when a rule asks

    found: set[str] = set()
    for path in _project_requirement_files(root, start, record):
        if path.name == "pyproject.toml":
            data, _ = config.read_toml(path)
            listed = config.toml_table(data, "project").get("dependencies")
            texts = [text for text in listed if isinstance(text, str)] if isinstance(listed, list) else []
            texts += [name for name in config.toml_table(data, "tool", "poetry", "dependencies") if name != "python"]
        elif path.suffix.lower() in (".txt", ".in"):
            texts = requirement_lines(path)
        else:
            continue
        for text in texts:
            text = text.split(" #", 1)[0].strip()
            name = _requirement_name(text)
            if name and ";" not in text and "://" not in text and not text.startswith("-") and "@" not in text:
                found.add(name)
    return found


def requirement_lines(path: Path) -> list[str]:
    """A requirement file's lines that are not comments; none when it is unreadable or too large to be one."""
    try:
        if path.stat().st_size > _LARGEST_FILE:
            return []
        text = _decoded(path.read_bytes())
    except OSError:
        return []
    return [line for line in text.splitlines() if not line.lstrip().startswith("#")]


# Byte order marks in the order pip tries them (its utf-16 is this machine's, little-endian: a UTF-32 LE file
# reads as UTF-16 to pip too, so no pin is read from it).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
)


def _decoded(data: bytes) -> str:
    """A requirement file's text as pip decodes it: by its byte order mark (Windows PowerShell's
    `pip freeze > requirements.txt` writes UTF-16 with one), else UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


# Files that pin what gets installed: the lock file of uv, Poetry, PDM or Pipenv names the one version.
_LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
UNREAD = None  # a declaration whose version constraint cannot be read


Constraints = list[str | None]


def declared_constraints(
    root: Path,
    start: Path,
    distribution: str,
    record: Callable[[Path], None],
    in_folder: Callable[[Path, str, Callable[[Path], None]], Constraints | None] | None = None,
) -> Constraints | None:
    """The version constraints (PEP 440 specifiers, "" for any version, UNREAD where unreadable) the nearest
    folder from `start` up to the repository's top (a folder with `.git` at or above `root`, where the analysed
    environment is also looked for) that declares `distribution` puts on it; a lock file's version wins.
    None when no folder on the way declares it. `in_folder` reads one folder's (default: `folder_constraints`;
    a command-line run passes one that reads each folder once for every file below it)."""
    for folder in up_to_the_repository(root, start):
        found = (in_folder or folder_constraints)(folder, distribution, record)
        if found is not None:
            return found
    return None


def folder_constraints(folder: Path, distribution: str, record: Callable[[Path], None]) -> Constraints | None:
    """The constraints `folder`'s own lock file, else its requirement files, put on `distribution`; None when
    none of them declares it."""
    from . import config  # here: tomllib is loaded only when a rule asks for a declared version

    mention = _declaration(distribution)
    distribution = _normalised(distribution)  # acme_api, acme-api and Acme.API are one name (PEP 503)
    for name in _LOCK_FILES:
        lock = folder / name
        # Recorded found or not: a lock file missing is known with its folder's state, which any file
        # created there (a requirements file too) changes.
        record(lock)
        locked = _locked(lock, distribution) if still_files.is_file(folder, name) else None
        if locked is not None:
            return locked
    found: Constraints = []
    files = _requirement_files(folder)
    for path in files:
        record(path)
        if path.name == "pyproject.toml" or path.name == "Pipfile":
            data, _ = config.read_toml(path)
            if data is None:
                found += _mentions(path, mention)
            else:
                found += _toml_constraints(data, distribution)
        elif path.suffix.lower() in (".yml", ".yaml"):
            found += _conda_constraints(path, mention, distribution)
        else:
            found += _line_constraints(path, mention, distribution)
    if distribution == "uvicorn":  # pip installs one that satisfies fastapi[all]'s bound too
        found += _uvicorn_of_fastapi_all(folder, files, record)
    return found or None


# FastAPI's `all` extra required uvicorn[standard] below 0.19 (below 0.14, 0.16... by release) until FastAPI 0.87.0
# (PyPI's metadata: 0.65.2 `<0.14.0`, 0.86.0 `<0.19.0`, 0.87.0 none): `fastapi[all]==0.85.0` alone installs uvicorn
# 0.18.3, whose run() takes debug=True.
_FASTAPI_ALL_BOUNDS_UVICORN_BEFORE = (0, 87)
_UVICORN_UNDER_AN_OLD_FASTAPI_ALL = "<0.19"


def _uvicorn_of_fastapi_all(folder: Path, files: list[Path], record: Callable[[Path], None]) -> Constraints:
    """The bound on uvicorn that the folder's `fastapi[all]` requirement (in `files`, its requirement files) sets,
    when it admits only FastAPI releases before 0.87 (`==0.85.0`, `~=0.68.0`); none otherwise."""
    extra = _declaration("fastapi[all]")
    if not any(_mentioning_lines(path, extra) for path in files):
        return []
    fastapi = folder_constraints(folder, "fastapi", record) or []
    floor = lowest_release(fastapi)
    # pip installs the newest FastAPI the constraints admit: old when they admit none from 0.87 on.
    old = floor is not None and floor < _FASTAPI_ALL_BOUNDS_UVICORN_BEFORE
    old = old and not any(admits(fastapi, version) for version in ("0.87.0", "1000"))
    return [_UVICORN_UNDER_AN_OLD_FASTAPI_ALL] if old else []


def _conda_constraints(path: Path, mention: re.Pattern[str], distribution: str) -> list[str | None]:
    """The constraints a conda environment file's dependency lists put on `distribution` (normalised), as PEP 440
    specifiers: conda's `=0.17.6` (that release and its builds) and `0.17.6` are `==0.17.6`, its `=0.17` is
    `==0.17.*`; comparisons as they are; alternatives (`|`) and build strings unread."""
    found: list[str | None] = []
    for line in _mentioning_lines(path, mention):
        match = _CONDA_DEPENDENCY.match(line)
        if match is None or _normalised(match.group(1)) != distribution:
            continue
        spec = match.group(2).replace(" ", "")
        fuzzy = re.fullmatch(r"=?(\d+(?:\.\d+)*)(\.?\*)?", spec)
        if spec == "" or spec == "*":
            found.append("")
        elif fuzzy is not None:
            version = fuzzy.group(1)
            exact = version.count(".") >= 2 and fuzzy.group(2) is None
            found.append(f"=={version}" if exact else f"=={version}.*")
        elif "|" not in spec and re.fullmatch(r"(?:[<>!=~]=?=?\d[\w.*]*,?)+", spec):
            found.append(spec.rstrip(","))
        else:
            found.append(UNREAD)
    return found


def _locked(lock: Path, distribution: str) -> list[str | None] | None:
    """The one version a lock file pins `distribution` to (UNREAD when unreadable); None when it does not
    hold it. Pipfile.lock is JSON (`"default": {"uvicorn": {"version": "==0.13.4"}}`), the others TOML."""
    from . import config

    if lock.name == "Pipfile.lock":
        try:
            data = json.loads(_decoded(lock.read_bytes()))
        except (OSError, ValueError):
            return [UNREAD]
        for section in ("default", "develop"):
            packages = data.get(section) if isinstance(data, dict) else None
            for name, package in packages.items() if isinstance(packages, dict) else ():
                if _normalised(str(name)) == distribution:
                    version = package.get("version") if isinstance(package, dict) else None
                    return [version if isinstance(version, str) and version.startswith("==") else UNREAD]
        return None
    data, _ = config.read_toml(lock)
    packages = data.get("package") if isinstance(data, dict) else None
    for package in packages if isinstance(packages, list) else ():
        if isinstance(package, dict) and _normalised(str(package.get("name"))) == distribution:
            if _virtual(package):
                return None
            version = package.get("version")
            return [f"=={version}" if isinstance(version, str) else UNREAD]
    return None


def _virtual(package: dict) -> bool:
    """A uv.lock entry `source = { virtual = "." }`: a project without a build backend (its own, or a workspace
    member's), which uv locks but never installs; its modules import only from where they lie."""
    source = package.get("source")
    return isinstance(source, dict) and "virtual" in source


def installed_constraints(
    files: list[Path], requirements: list[str], distribution: str, record: Callable[[Path], None]
) -> list[str | None] | None:
    """The constraints on `distribution` of what an install command names: requirement `files` (`pip install -r
    docs/requirements.txt`, with the files they include) and `requirements` written on the line
    (`pip install uvicorn==0.13.3`); None when none names it."""
    mention = _declaration(distribution)
    distribution = _normalised(distribution)
    found: list[str | None] = []
    for text in requirements:
        constraint = _requirement_constraint(text)
        if _normalised(_requirement_name(text)) == distribution and constraint is not _OTHER:
            found.append(constraint)
    for path in _with_includes(files):
        record(path)
        found += _line_constraints(path, mention, distribution)
    return found or None


def _line_constraints(path: Path, mention: re.Pattern[str], distribution: str) -> list[str | None]:
    """The constraints the requirement lines of `path` put on `distribution` (normalised)."""
    constraints = (_line_constraint(line, distribution) for line in _mentioning_lines(path, mention))
    return [constraint for constraint in constraints if constraint is not _OTHER]


def repository_top(root: Path) -> Path:
    """The nearest folder with `.git` at or above `root`, else `root`."""
    return still_files.derived(
        (".git above", root), lambda: next((f for f in (root, *root.parents) if still_files.exists(f, ".git")), root)
    )


def up_to_the_repository(root: Path, start: Path | None = None) -> Iterator[Path]:
    """`start` (default `root`) and the folders above it up to the repository's top (the nearest folder with
    `.git` at or above `root`), else up to `root`: folders outside any repository (/tmp, a home folder) are
    never listed. A uv or Poetry workspace keeps its one `.venv` and lock file at that top."""
    top = repository_top(root)
    for folder in (start or root, *(start or root).parents):
        yield folder
        if folder == top or not folder.is_relative_to(top):
            return


def up_to_the_outer_project(root: Path) -> Iterator[Path]:
    """`up_to_the_repository`; outside any repository (a downloaded archive of a monorepo), up to the outermost
    folder above `root` with a project file (a uv workspace's top keeps the members' pyproject.toml below it)."""
    if (repository_top(root) / ".git").exists():
        yield from up_to_the_repository(root)
        return
    outer = [folder for folder in root.parents if any((folder / name).is_file() for name in _PROJECT_FILES)]
    top = outer[-1] if outer else root
    for folder in (root, *root.parents):
        yield folder
        if folder == top:
            return


_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


def admits(constraints: list[str | None], version: str) -> bool:
    """Whether every declared constraint surely admits `version`."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return all(c is not None and SpecifierSet(c).contains(version, prereleases=True) for c in constraints)
    except InvalidSpecifier:
        return False


def release(version: str | None) -> tuple[int, ...] | None:
    """(major, minor) of a version string (major alone when it has one part); None when unknown or unreadable."""
    try:
        return tuple(int(part) for part in (version or "").split(".")[:2]) if version else None
    except ValueError:
        return None


def version_run(constraints: list[str | None] | None, available: str | None) -> str | None:
    """The version of a distribution that runs under `constraints` (None: nothing declares it): `available` where
    they admit it, else the one version they pin; None when that is not known."""
    if available is not None and (constraints is None or admits(constraints, available)):
        return available
    return None if constraints is None else pinned_version(constraints)


def lowest_release(constraints: list[str | None] | None) -> tuple[int, ...] | None:
    """(major, minor) below which the constraints admit no version: the highest lower bound one of them sets
    (`>=0.32`, `==0.32.1`, `~=0.32`, Poetry's `^0.32.0` read as `>=0.32.0,<0.33`); None when a constraint
    cannot be read or none sets a bound."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    if not constraints or any(constraint is None for constraint in constraints):
        return None
    floors = []
    for constraint in constraints:
        try:
            specifiers = SpecifierSet(constraint or "")
        except InvalidSpecifier:
            return None
        for specifier in specifiers:
            if specifier.operator in (">=", ">", "==", "===", "~=") and "*" not in specifier.version:
                floors.append(release(specifier.version))
    known = [floor for floor in floors if floor is not None]
    return max(known) if known else None


def pinned_version(constraints: list[str | None]) -> str | None:
    """The one version an exact pin (`==0.18.3`) among the constraints names, if it is admitted by them all."""
    for constraint in constraints:
        pinned = re.fullmatch(r"===?\s*([\w.+!-]+)", constraint or "")
        if pinned is not None and "*" not in pinned.group(1) and admits(constraints, pinned.group(1)):
            return pinned.group(1)
    return None


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _mentioning_lines(path: Path, mention: re.Pattern[str]) -> list[str]:
    return [line for line in requirement_lines(path) if mention.search(line)]


def _mentions(path: Path, mention: re.Pattern[str]) -> list[str | None]:
    return [UNREAD for _ in _mentioning_lines(path, mention)]


def _line_constraint(line: str, distribution: str) -> str | None:
    """The constraint of a requirements line, or of a quoted requirement on a setup.py / setup.cfg line;
    UNREAD for an editable or URL requirement naming it (`#egg=name`); _OTHER when the line only mentions it."""
    bare = line.split(" #", 1)[0].split(" --hash", 1)[0]
    for text in [bare, *re.findall(r"""["']([^"'\n]*)["']""", line)]:
        if _normalised(_requirement_name(text)) == distribution:
            constraint = _requirement_constraint(text)
            return UNREAD if constraint is _OTHER else constraint
    egg = re.search(r"#egg=([\w.-]+)", line)
    return UNREAD if egg is not None and _normalised(egg.group(1)) == distribution else _OTHER


_OTHER = "not a requirement"


def _requirement_name(text: str) -> str:
    return re.split(r"[\s\[<>=!~;@(]", text.strip(), maxsplit=1)[0]


def _requirement_constraint(text: str) -> str | None:
    """A PEP 508 requirement's specifier ("" for any version); UNREAD for a URL; _OTHER when it is none."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(text.strip())
    except InvalidRequirement:
        return _OTHER
    return UNREAD if requirement.url else str(requirement.specifier)


def _toml_constraints(data: dict, distribution: str) -> list[str | None]:
    """Constraints from pyproject.toml (PEP 621, dependency groups, Poetry, PDM, uv) or a Pipfile."""
    from . import config

    groups = [
        config.toml_table(data, "project").get("dependencies"),
        config.toml_table(data, "tool", "uv").get("dev-dependencies"),
        *config.toml_table(data, "project", "optional-dependencies").values(),
        *config.toml_table(data, "dependency-groups").values(),
        *config.toml_table(data, "tool", "pdm", "dev-dependencies").values(),
    ]
    found = [
        _requirement_constraint(entry)
        for group in groups
        if isinstance(group, list)
        for entry in group
        if isinstance(entry, str) and _normalised(_requirement_name(entry)) == distribution
    ]
    for table, spelling in [
        *((t, "poetry") for t in config.poetry_dependency_tables(data)),
        *((config.toml_table(data, k), "pipenv") for k in ("packages", "dev-packages")),
    ]:
        for name, value in table.items():
            if _normalised(name) == distribution:
                version = value.get("version", "*") if isinstance(value, dict) else value
                found.append(config.poetry_constraint(version) if spelling == "poetry" else _pipenv_constraint(version))
    return [UNREAD if constraint is _OTHER else constraint for constraint in found]


def _pipenv_constraint(version: object) -> str | None:
    return "" if version == "*" else version if isinstance(version, str) else UNREAD
