"""Settings from `[tool.uvicorn-lsp]` in the nearest pyproject.toml, merged with
settings a front passes (editor settings, command-line flags).

A broken file never stops analysis: it yields one clear problem and defaults.
"""

from __future__ import annotations

import fnmatch
import functools
import glob
import os
import re
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import still_files
from .model import Problem, ProblemKind, Severity

SECTION = "uvicorn-lsp"

# Accepted spellings: kebab-case in TOML, camelCase or snake_case from editors.
_KEYS = {
    "select": "select",
    "extend-select": "extend_select",
    "ignore": "ignore",
    "severity": "severity",
    "per-file-ignores": "per_file_ignores",
    "python": "python",
    "exclude": "exclude",
    "extend-exclude": "extend_exclude",
    "include": "include",
    "extend-include": "extend_include",
    "cache-dir": "cache_dir",
}


def normalise_key(key: str) -> str | None:
    kebab = "".join("-" + c.lower() if c.isupper() else c for c in key).replace("_", "-")
    return _KEYS.get(kebab)


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None  # None: every rule that is on by default
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    python: str | None = None
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    include: tuple[str, ...] | None = None  # None: the built-in set (Python files, notebooks, command files by name)
    extend_include: tuple[str, ...] = ()
    cache_dir: str | None = None  # the command line's result cache (default: .uvicorn-lsp_cache in the project)
    base: Path | None = None  # folder the config was read from; per-file patterns are relative to it

    def overridden_by(self, other: Settings) -> Settings:
        """`other`'s explicitly set fields win (editor or CLI over pyproject)."""
        changes: dict[str, Any] = {}
        default = Settings()
        for name in (
            "select",
            "extend_select",
            "ignore",
            "python",
            "exclude",
            "extend_exclude",
            "include",
            "extend_include",
            "cache_dir",
        ):
            value = getattr(other, name)
            if value != getattr(default, name):
                changes[name] = value
        if other.severity:
            changes["severity"] = {**self.severity, **other.severity}
        if other.per_file_ignores:
            changes["per_file_ignores"] = {**self.per_file_ignores, **other.per_file_ignores}
        return replace(self, **changes)

    def is_enabled(self, code: str, on_by_default: bool, path: Path | None = None) -> bool:
        named = (*(self.select or ()), *self.extend_select)
        if not on_by_default and code not in named:
            # Off-by-default rules must be named by their full code, like ruff's preview rules.
            return False
        chosen = _best_match(code, (*(self.select if self.select is not None else ("ALL",)), *self.extend_select))
        if chosen is None:
            return False
        ignored = _best_match(code, self.ignore)
        if ignored is not None and _specificity(ignored) >= _specificity(chosen):
            return False
        return path is None or not self._ignored_for_file(code, path)

    def names_file(self, path: Path, fallback_base: Path) -> bool:
        """Whether `include` or `extend-include` names this file (relative patterns from the config's
        folder, else `fallback_base`)."""
        patterns = (*(self.include or ()), *self.extend_include)
        if not patterns:
            return False
        return FilePatterns.compiled(patterns, str(self.base or fallback_base)).matches(str(path))

    def severity_for(self, code: str, default: Severity) -> Severity:
        return self.severity.get(code, default)

    def _ignored_for_file(self, code: str, path: Path) -> bool:
        if not self.per_file_ignores:
            return False
        candidates = {path.name, path.as_posix()}
        if self.base is not None:
            try:
                candidates.add(path.resolve().relative_to(self.base.resolve()).as_posix())
            except (ValueError, OSError):
                pass
        for pattern, codes in self.per_file_ignores.items():
            if any(fnmatch.fnmatch(candidate, pattern) for candidate in candidates):
                if _best_match(code, codes) is not None:
                    return True
        return False


class FilePatterns:
    """`include` globs as ruff reads them: a pattern without `/` matches a file's name in any
    folder; one with `/` matches the path relative to `base` (the config's folder). As in ruff
    (globset's default), `*` also crosses `/`."""

    def __init__(self, patterns: tuple[str, ...], base: str):
        names = [pattern for pattern in patterns if "/" not in pattern]
        # Relative to `base` (an absolute pattern stays as it is), matched against the absolute path.
        paths = [os.path.join(glob.escape(base), pattern) for pattern in patterns if "/" in pattern]
        self._name = re.compile("|".join(fnmatch.translate(pattern) for pattern in names)) if names else None
        self._path = re.compile("|".join(fnmatch.translate(pattern) for pattern in paths)) if paths else None

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def compiled(patterns: tuple[str, ...], base: str) -> FilePatterns:
        return FilePatterns(patterns, base)

    def matches(self, path: str) -> bool:
        """`path` absolute."""
        if self._name is not None and self._name.match(os.path.basename(path)):
            return True
        return self._path is not None and self._path.match(path) is not None


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def _best_match(code: str, selectors) -> str | None:
    """The most specific selector (`ALL`, a prefix such as `UVI00`, or a code) matching `code`."""
    matching = [s for s in selectors if s == "ALL" or code.startswith(s)]
    return max(matching, key=_specificity, default=None)


def settings_from_mapping(
    data: Mapping[str, Any], where: str, base: Path | None = None
) -> tuple[Settings, list[Problem]]:
    """Validate a settings table; bad entries are dropped with a message each."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for raw_key, raw_value in data.items():
        key = normalise_key(raw_key)
        if key is None:
            problems.append(Problem(f"{where}: unknown setting {raw_key!r} ignored (known: {', '.join(_KEYS)})"))
            continue
        try:
            values[key] = _convert(key, raw_value)
        except (TypeError, ValueError) as error:
            problems.append(Problem(f"{where}: setting {raw_key!r} ignored: {error}"))
    return Settings(base=base, **values), problems


def _codes(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in value.replace(",", " ").split()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise TypeError('expected a list of rule codes such as ["UVI001"]')
    return tuple(item.strip().upper() for item in value if item.strip())


def _convert(key: str, value: Any) -> Any:
    if key in ("select", "extend_select", "ignore"):
        return _codes(value)
    if key in ("exclude", "extend_exclude", "include", "extend_include"):
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise TypeError('expected a list of glob patterns such as ["*.py", "deploy/start-*.txt"]')
        return tuple(value)
    if key == "python":
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise TypeError("expected the path of a Python interpreter")
        return os.path.expandvars(os.path.expanduser(value))
    if key == "cache_dir":
        if not isinstance(value, str) or not value:
            raise TypeError("expected the path of a folder")
        return os.path.expandvars(os.path.expanduser(value))
    if key == "severity":
        if not isinstance(value, Mapping):
            raise TypeError('expected a table such as { UVI001 = "warning" }')
        return {str(code).upper(): Severity.parse(str(level)) for code, level in value.items()}
    if key == "per_file_ignores":
        if not isinstance(value, Mapping):
            raise TypeError('expected a table such as { "tests/*" = ["UVI005"] }')
        return {str(pattern): _codes(codes) for pattern, codes in value.items()}
    raise AssertionError(key)


def unknown_rule_codes(
    settings: Settings, known: Collection[str], where: str | None = None, passed_by_front: Settings | None = None
) -> list[Problem]:
    """Configuration errors for rule codes in `settings` that name no rule of `known`.

    A selector may be a prefix of known codes (`UVI`, `UVI0`) or `ALL`; `severity` keys must be
    full codes, since severities are looked up by code. A typo would otherwise silently turn a
    rule (or the whole linter) off. Codes also present in `passed_by_front` are left to the
    front that passed them (it reports them with its own origin). Without `where`, the
    problem names the pyproject.toml the settings were read from."""
    named: list[tuple[str, str, bool]] = [
        *(("select", code, True) for code in settings.select or ()),
        *(("extend-select", code, True) for code in settings.extend_select),
        *(("ignore", code, True) for code in settings.ignore),
        *(("per-file-ignores", code, True) for codes in settings.per_file_ignores.values() for code in codes),
        *(("severity", code, False) for code in settings.severity),
    ]
    front = passed_by_front or Settings()
    from_front = {
        "select": set(front.select or ()),
        "extend-select": set(front.extend_select),
        "ignore": set(front.ignore),
        "per-file-ignores": {code for codes in front.per_file_ignores.values() for code in codes},
        "severity": set(front.severity),
    }
    path = str(settings.base / "pyproject.toml") if where is None and settings.base is not None else None
    problems = []
    for setting, code, prefix_allowed in dict.fromkeys(named):
        if code in from_front[setting] or _names_rules(code, known, prefix_allowed):
            continue
        origin = f"{where}: " if where else ""
        problems.append(
            Problem(
                f"{origin}unknown rule code {code} in `{setting}`; known: {', '.join(sorted(known))}",
                path,
                ProblemKind.CONFIGURATION_ERROR,
            )
        )
    return problems


def _names_rules(selector: str, known: Collection[str], prefix_allowed: bool) -> bool:
    if not prefix_allowed:
        return selector in known
    return selector == "ALL" or any(code.startswith(selector) for code in known)


def find_pyproject(start: Path, stop: Path | None = None) -> Path | None:
    folder = start if still_files.derived(("is a folder", start), start.is_dir) else start.parent
    return still_files.derived(("pyproject.toml above", folder, stop), lambda: _pyproject_above(folder, stop))


def _pyproject_above(folder: Path, stop: Path | None) -> Path | None:
    for candidate in (folder, *folder.parents):
        if still_files.is_file(candidate, "pyproject.toml"):
            return candidate / "pyproject.toml"
        if stop is not None and candidate == stop:
            break
    return None


_cache: dict[Path, tuple[float, Any]] = {}


def read_toml(path: Path) -> tuple[dict | None, Problem | None]:
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as error:
        return None, Problem(f"cannot read: {error.strerror}", str(path))
    cached = _cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    # Imported here: a project without a pyproject.toml never needs the parser (~4 ms of a CLI re-run).
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    result: tuple[dict | None, Problem | None]
    try:
        result = (tomllib.loads(path.read_bytes().decode("utf-8")), None)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        result = (None, Problem(f"invalid TOML ({error}); using default settings", str(path)))
    except OSError as error:
        result = (None, Problem(f"cannot read: {error.strerror}", str(path)))
    _cache[path] = (mtime, result)
    return result


def load_settings(file_path: Path, stop: Path | None = None) -> tuple[Settings, list[Problem]]:
    """Settings for one analysed file, from the nearest pyproject.toml."""
    pyproject = find_pyproject(file_path, stop)
    if pyproject is None:
        return Settings(), []
    data, problem = read_toml(pyproject)
    if data is None:
        return Settings(base=pyproject.parent), [problem] if problem else []
    table = data.get("tool", {}).get(SECTION) if isinstance(data.get("tool"), dict) else None
    if table is None:
        return Settings(base=pyproject.parent), []
    if not isinstance(table, dict):
        return Settings(base=pyproject.parent), [
            Problem(f"[tool.{SECTION}] must be a table; using default settings", str(pyproject))
        ]
    settings, problems = settings_from_mapping(table, f"[tool.{SECTION}]", base=pyproject.parent)
    for problem in problems:
        object.__setattr__(problem, "path", str(pyproject))
    return settings, problems


def installed_project_packages(start: Path, stop: Path | None = None) -> tuple[dict[str, Path], list[Path]] | None:
    """The top-level packages installed from the nearest pyproject.toml, each with the folder holding it, and
    the pyproject files read: the project's own when a build backend installs it (`installable_packages`),
    those of the local projects it depends on by path (Poetry's `{path = ...}`, `tool.uv.sources`), and those
    of the members of the uv workspace it is in or heads (`tool.uv.workspace`): `poetry install`, `uv sync`
    and `uv run` install them all."""
    pyproject = find_pyproject(start, stop)
    if pyproject is None:
        return None
    data, _ = read_toml(pyproject)
    packages = installable_packages(data, pyproject.parent)
    read = [pyproject]
    members = _path_dependencies(data, pyproject.parent)
    for head in (pyproject, *(folder / "pyproject.toml" for folder in pyproject.parent.parents)):
        if stop is not None and not head.parent.is_relative_to(stop):
            break
        head_data, _ = read_toml(head) if head.is_file() else (None, None)
        workspace = toml_table(head_data, "tool", "uv", "workspace")
        if workspace:
            read.append(head)
            excluded = {path for pattern in _strings(workspace.get("exclude")) for path in _glob(head.parent, pattern)}
            members += [m for pattern in _strings(workspace.get("members")) for m in _glob(head.parent, pattern)]
            members = [member for member in members if member not in excluded]
            break
    for member in dict.fromkeys(members):
        if (member / "pyproject.toml").is_file():
            member_data, _ = read_toml(member / "pyproject.toml")
            read.append(member / "pyproject.toml")
            for name, folder in installable_packages(member_data, member).items():
                packages.setdefault(name, folder)
    return (packages, read) if packages else None


def _path_dependencies(data: dict | None, base: Path) -> list[Path]:
    """The folders of local projects a pyproject depends on by path (Poetry's dependency tables, uv sources)."""
    tables = [*poetry_dependency_tables(data), toml_table(data, "tool", "uv", "sources")]
    return [
        base / value["path"]
        for table in tables
        for value in table.values()
        if isinstance(value, dict) and isinstance(value.get("path"), str)
    ]


def poetry_dependency_tables(data: object) -> list[dict]:
    """Poetry's dependency tables of a pyproject: main, dev and every group's."""
    poetry = toml_table(data, "tool", "poetry")
    tables = [toml_table(poetry, "dependencies"), toml_table(poetry, "dev-dependencies")]
    return tables + [toml_table(group, "dependencies") for group in toml_table(poetry, "group").values()]


def _glob(folder: Path, pattern: str) -> list[Path]:
    try:
        return sorted(folder.glob(pattern))
    except (NotImplementedError, ValueError, OSError):  # an absolute or empty pattern, an unreadable folder
        return []


def installable_packages(data: dict | None, base: Path) -> dict[str, Path]:
    """The top-level packages a build backend installs from the pyproject.toml `data` in folder `base` (a
    [build-system] table, and not Poetry's `package-mode = false`), each with the folder holding it: the
    project's name with `-` and `.` as `_` beside the pyproject or in its src/; the packages hatch
    (`packages`), Poetry (`packages` with `from`) and setuptools (`packages`, `package-dir`, `packages.find`
    `where`) are told of; every package in src/, which setuptools finds by itself."""
    if not isinstance(data, dict) or not isinstance(data.get("build-system"), dict):
        return {}
    tool = toml_table(data, "tool")
    poetry = toml_table(tool, "poetry")
    if poetry.get("package-mode") is False:
        return {}
    packages: dict[str, Path] = {}

    def add(name: str, folder: Path, namespace: bool = False) -> None:
        package = folder / name
        if name.isidentifier() and (
            namespace or (package / "__init__.py").is_file() or package.with_suffix(".py").is_file()
        ):
            packages.setdefault(name, folder)

    name = toml_table(data, "project").get("name", poetry.get("name"))
    if isinstance(name, str):
        for folder in (base, base / "src"):
            add(name.lower().replace("-", "_").replace(".", "_"), folder)
    # A folder the backend is told to ship is a package, `__init__.py` or not (a namespace package).
    hatch_wheel = toml_table(tool, "hatch", "build", "targets", "wheel").get("packages")
    for path in _strings(hatch_wheel) + _strings(toml_table(tool, "hatch", "build").get("packages")):
        add(Path(path).name, (base / path).parent, namespace=(base / path).is_dir())
    poetry_packages = poetry.get("packages")
    for entry in poetry_packages if isinstance(poetry_packages, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("include"), str):
            top, source = entry["include"].split("/")[0], base / str(entry.get("from", "."))
            add(top, source, namespace=(source / top).is_dir())
    setuptools = toml_table(tool, "setuptools")
    package_dir = toml_table(setuptools, "package-dir")
    root_dir = base / str(package_dir.get("", "."))
    for dotted in _strings(setuptools.get("packages")):
        top = dotted.split(".")[0]
        add(top, (base / str(package_dir[top])).parent if isinstance(package_dir.get(top), str) else root_dir)
    wheres = _strings(toml_table(setuptools, "packages", "find").get("where")) + ["src"]
    if isinstance(package_dir.get(""), str):
        wheres.append(package_dir[""])  # setuptools' discovery looks there as in src/ (checked with pip install -e)
    for where in wheres:
        _add_packages_in(base / where, add)
    return packages


def _add_packages_in(folder: Path, add: Callable[..., None]) -> None:
    """Every package setuptools finds in `folder`: namespace packages too (its default in pyproject.toml),
    told from other folders (static files, docs) by a module in them or one level down."""
    try:
        entries = [entry.name for entry in os.scandir(folder) if entry.is_dir()]
    except OSError:
        return
    for entry in entries:
        package = folder / entry
        add(entry, folder, namespace=any(True for _ in (*package.glob("*.py"), *package.glob("*/*.py"))))


def toml_table(data: object, *keys: str) -> dict:
    """data[keys[0]][keys[1]]... when each is a table, else an empty one (a hand-written file may say anything)."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def project_scripts(start: Path) -> dict[str, str]:
    """The console-script entry points of the nearest pyproject.toml, name -> "module:function": its
    `[project.scripts]`, and Poetry's `[tool.poetry.scripts]` (a string, or a table's `callable`)."""
    pyproject = find_pyproject(start)
    if pyproject is None:
        return {}
    data, _ = read_toml(pyproject)
    found: dict[str, str] = {}
    for name, target in [
        *toml_table(data, "project", "scripts").items(),
        *toml_table(data, "tool", "poetry", "scripts").items(),
    ]:
        target = target.get("callable") if isinstance(target, dict) else target
        if isinstance(target, str):
            found.setdefault(str(name), target)
    return found


def requires_a_newer_python(start: Path) -> bool:
    """Whether the nearest pyproject.toml's `requires-python` (or Poetry's `python` dependency, `^3.12`) leaves out
    the Python running the tool for newer ones (`>=3.14` read by 3.11): the project's code may use syntax this
    Python cannot parse."""
    pyproject = find_pyproject(start)
    if pyproject is None:
        return False
    data, _ = read_toml(pyproject)
    declared = toml_table(data, "project").get("requires-python")
    if declared is None:
        declared = poetry_constraint(toml_table(data, "tool", "poetry", "dependencies").get("python"))
    if not isinstance(declared, str):
        return False
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = SpecifierSet(declared)
    except InvalidSpecifier:
        return False
    running = ".".join(map(str, sys.version_info[:3]))
    later = [f"{sys.version_info.major}.{minor}" for minor in range(sys.version_info.minor + 1, 30)]
    return running not in specifiers and any(version in specifiers for version in later)


def poetry_constraint(version: object) -> str | None:
    """Poetry's `^0.20.0`, `~0.20`, `*`, `0.20.0` (exact) and PEP 440 comparisons as a PEP 440 specifier."""
    if not isinstance(version, str) or "||" in version or "|" in version:
        return None
    parts = []
    for piece in (p.strip() for p in version.split(",")):
        caret = re.fullmatch(r"([\^~])\s*(\d+(?:\.\d+)*)", piece)
        if piece in ("*", ""):
            continue
        if caret:
            release = [int(number) for number in caret.group(2).split(".")]
            # ^ keeps the first non-zero part (^0.20.1 < 0.21); ~ keeps major.minor (major alone when only it is given).
            kept = (
                next((i for i, n in enumerate(release) if n), len(release) - 1)
                if caret.group(1) == "^"
                else min(1, len(release) - 1)
            )
            upper = [*release[:kept], release[kept] + 1]
            parts.append(f">={caret.group(2)},<{'.'.join(map(str, upper))}")
        elif re.fullmatch(r"\d+(?:\.\d+)*", piece):
            parts.append(f"=={piece}")
        else:
            parts.append(piece)
    return ",".join(parts)
