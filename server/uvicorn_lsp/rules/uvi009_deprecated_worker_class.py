"""UVI009: the deprecated gunicorn worker classes in uvicorn.workers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..engine import syntax
from ..engine.context import RuleContext
from ..engine.model import Applicability, Finding, Fix, Range, Severity, Tag, TextEdit
from ..engine.rule import FixAvailability, Rule, RuleDoc
from ..engine.source import node_range

_CLASSES = ("UvicornWorker", "UvicornH11Worker")
_CLASS_PATH = re.compile(r"uvicorn\.workers\.(?P<name>UvicornWorker|UvicornH11Worker)\b")
# `-k uvicorn.workers.UvicornWorker`, `--worker-class=...` in a command line written as a string.
_WORKER_OPTION_BEFORE = re.compile(r"(?:^|[\s'\"])(?:-k|--worker-class)(?:\s+|=)['\"]?$")
_REPLACEMENT = "uvicorn_worker"
_DEPRECATED = "deprecated since uvicorn 0.30 (moved to the `uvicorn-worker` package)"
_DEPRECATED_SINCE = (0, 30)


def check(ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.source.mentions("workers"):
        return
    yield from _worker_class_options(ctx)
    if not ctx.is_python:
        return
    attribute_uses = list(_attribute_uses(ctx))
    imports = list(_imports(ctx, fixable_imports=not attribute_uses))
    # `import uvicorn.workers` is reported: the attribute uses it makes possible are the same problem, said once.
    found = [] if _imports_the_module(ctx) else [_import_finding(ctx, use) for use in attribute_uses]
    found += imports
    if ctx.source.mentions("uvicorn.workers."):
        found += _class_paths_in_strings(ctx)
    # Asked only when there is something to say (it reads the project's declarations): a project pinned
    # before 0.30 runs uvicorn's own module, where nothing is deprecated.
    if found and ctx.uvicorn_runs_at_least(_DEPRECATED_SINCE):
        yield from found


def _worker_class_options(ctx: RuleContext) -> Iterator[Finding]:
    """`gunicorn -k uvicorn.workers.UvicornWorker` and the like, in launches of any source."""
    for launch in ctx.launches:
        option, worker_class = launch.option("worker_class"), launch.worker_class
        match = _CLASS_PATH.fullmatch(worker_class) if worker_class is not None else None
        if option is None or match is None or not ctx.uvicorn_runs_at_least(_DEPRECATED_SINCE, launch):
            continue
        replacement = f"{_REPLACEMENT}.{match.group('name')}"
        edits = None if _project_has_own_module(ctx) else launch.edits.set_option("worker_class", replacement)
        fixes = (
            [Fix(f"Use `{replacement}` (package uvicorn-worker)", edits, Applicability.UNSAFE, True)] if edits else []
        )
        message = f"`{match.group(0)}` is {_DEPRECATED}: use `{replacement}`"
        yield ctx.finding(RULE, message, option.where_value, fixes=fixes)


def _attribute_uses(ctx: RuleContext) -> Iterator[Range]:
    """`uvicorn.workers...` in code, through `import uvicorn` (or an alias of it)."""
    for leaf in ctx.source.used_names.get("workers", ()):
        trailer = leaf.parent
        if (
            trailer.type != "trailer"
            or trailer.children[0].value != "."
            or leaf.search_ancestor("import_name", "import_from")
        ):
            continue
        owner = trailer.get_previous_sibling()
        if owner is not None and owner.type == "name" and ctx.imports.qualify(owner.value) == "uvicorn":
            yield Range(node_range(owner).start, node_range(leaf).end)


def _imports(ctx: RuleContext, fixable_imports: bool) -> Iterator[Finding]:
    """Imports of uvicorn.workers; their fix is withheld while code still reaches
    `uvicorn.workers` as an attribute, which only the import makes exist."""
    for leaf in ctx.source.used_names.get("workers", ()):
        statement = leaf.search_ancestor("import_name", "import_from")
        if statement is None:
            continue
        if statement.type == "import_name":
            for path in statement.get_paths():
                if [name.value for name in path] == ["uvicorn", "workers"] and path[-1] is leaf:
                    yield _import_finding(ctx, Range(node_range(path[0]).start, node_range(leaf).end))
        elif [name.value for name in statement.get_from_names()] == ["uvicorn", "workers"]:
            if leaf is statement.get_from_names()[-1]:
                where = Range(node_range(statement.get_from_names()[0]).start, node_range(leaf).end)
                yield _import_finding(ctx, where, fixable=fixable_imports and _imports_only_worker_classes(statement))
        elif [name.value for name in statement.get_from_names()] == ["uvicorn"] and _imported_name(statement, leaf):
            yield _import_finding(ctx, node_range(leaf))


def _imports_the_module(ctx: RuleContext) -> bool:
    """Whether an `import uvicorn.workers` statement names the module itself."""
    return any(
        [name.value for name in path] == ["uvicorn", "workers"]
        for leaf in ctx.source.used_names.get("workers", ())
        if (statement := leaf.search_ancestor("import_name")) is not None
        for path in statement.get_paths()
    )


def _imported_name(statement, leaf) -> bool:
    return any(original is leaf for original, _ in statement._as_name_tuples())


def _imports_only_worker_classes(statement) -> bool:
    names = [original.value for original, _ in statement._as_name_tuples()]
    return bool(names) and all(name in _CLASSES for name in names)  # `import *` would bind more


def _import_finding(ctx: RuleContext, where: Range, fixable: bool = False) -> Finding:
    if _project_has_own_module(ctx, in_an_import=True):
        message = (
            f"`uvicorn.workers` is deprecated since uvicorn 0.30: rename the project's own `{_REPLACEMENT}` module "
            "(it hides the uvicorn-worker package), then import from it"
        )
        return ctx.finding(RULE, message, where)
    fixes = []
    if fixable:
        edit = TextEdit(where, _REPLACEMENT)
        fixes.append(
            Fix(f"Import from `{_REPLACEMENT}` (package uvicorn-worker)", (edit,), Applicability.UNSAFE, preferred=True)
        )
    message = f"`uvicorn.workers` is {_DEPRECATED}: import `UvicornWorker` from `{_REPLACEMENT}`"
    return ctx.finding(RULE, message, where, fixes=fixes)


def _class_paths_in_strings(ctx: RuleContext) -> Iterator[Finding]:
    """`"uvicorn.workers.UvicornWorker"` as a whole string (`worker_class = ...` in a gunicorn
    config, `["-k", ...]`) or after `-k`/`--worker-class` in a command-line string."""
    for line_number, line in enumerate(ctx.source.lines):
        for match in _CLASS_PATH.finditer(line):
            # One character in: at a boundary parso answers with the leaf before.
            leaf = ctx.source.tree.get_leaf_for_position((line_number + 1, match.start() + 1))
            if leaf is None or leaf.type not in ("string", "fstring_string"):
                continue  # code or a comment
            if _is_bare_string_statement(leaf):
                continue  # a docstring's example (`$ gunicorn ... -k uvicorn.workers.UvicornWorker`) is prose
            if not _is_whole_string(leaf, match.group(0)) and not _WORKER_OPTION_BEFORE.search(line[: match.start()]):
                continue
            where = Range.of((line_number, match.start()), (line_number, match.end()))
            replacement = f"{_REPLACEMENT}.{match.group('name')}"
            fix = Fix(
                f"Use `{replacement}` (package uvicorn-worker)",
                (TextEdit(where, replacement),),
                Applicability.UNSAFE,
                preferred=True,
            )
            message = f"`{match.group(0)}` is {_DEPRECATED}: use `{replacement}`"
            yield ctx.finding(RULE, message, where, fixes=[] if _project_has_own_module(ctx) else [fix])


def _project_has_own_module(ctx: RuleContext, in_an_import: bool = False) -> bool:
    """Whether the project has a `uvicorn_worker` module of its own beside the file or at the workspace root,
    often the very file that subclasses the worker: Python finds it before the package, so the fixed import
    would load the project's file (from itself: a circular import, and gunicorn stops with status 1)."""
    path = ctx.source.path
    if path is None:
        return True  # where it runs is not known
    # The import of a module of a package below the root (`app/uvicorn_worker.py`, loaded as `app.uvicorn_worker`)
    # is absolute and finds the package: a sibling hides no top-level name. A class path in a string is looked up
    # wherever gunicorn runs, which may be that folder.
    initializer = path.parent / "__init__.py"
    ctx.depends_on(initializer)
    in_package = in_an_import and path.parent != ctx.workspace.root and initializer.exists()
    if path.stem == _REPLACEMENT and not in_package:
        return True
    for folder in {ctx.workspace.root} if in_package else {path.parent, ctx.workspace.root}:
        for candidate in (folder / f"{_REPLACEMENT}.py", folder / _REPLACEMENT):
            ctx.depends_on(candidate)
            if candidate.exists():
                return True
    return False


def _is_bare_string_statement(leaf) -> bool:
    """Whether the string holding `leaf` is a statement of its own (a docstring): a value nothing uses."""
    node = leaf.parent if leaf.type == "fstring_string" else leaf
    while node.parent is not None and node.parent.type in ("fstring", "strings"):
        node = node.parent
    return node.parent is not None and node.parent.type == "simple_stmt"


def _is_whole_string(leaf, text: str) -> bool:
    if leaf.type == "string":
        return syntax.literal_value(leaf) == text
    # An f-string without fields: fstring_start, the text, fstring_end.
    return leaf.value == text and len(leaf.parent.children) == 3


RULE = Rule(
    code="UVI009",
    name="deprecated-worker-class",
    summary="The gunicorn worker classes in `uvicorn.workers` are deprecated; use the `uvicorn-worker` package.",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.UNSAFE,),
    check=check,
    judges_commands=True,
    tags=(Tag.DEPRECATED,),
    doc=RuleDoc(
        what="""
            Finds uses of `uvicorn.workers.UvicornWorker` and `uvicorn.workers.UvicornH11Worker`, the
            gunicorn worker classes:

            - imports: `from uvicorn.workers import UvicornWorker`, `import uvicorn.workers`,
              `from uvicorn import workers`;
            - the class path as a whole string, as in `worker_class = "uvicorn.workers.UvicornWorker"`
              in `gunicorn.conf.py` or any Python gunicorn config module, `{"worker_class": ...}`
              options of a custom gunicorn application, or `["-k", "uvicorn.workers.UvicornWorker"]`;
            - the class path after `-k` or `--worker-class` in a command line written as a string.

            Mentions in comments and prose (docstrings, example commands in them included) are not reported.
        """,
        why="""
            The `uvicorn.workers` module is deprecated since uvicorn 0.30.0 and emits a
            `DeprecationWarning` on import, which Python hides by default, so nobody sees it before the
            module is removed. The classes moved, unchanged, to the `uvicorn-worker` package
            (`uvicorn_worker.UvicornWorker`, `uvicorn_worker.UvicornH11Worker`). gunicorn 27 also ships
            a native ASGI worker (`-k asgi`).
        """,
        example="""
            # gunicorn.conf.py
            worker_class = "uvicorn.workers.UvicornWorker"
        """,
        use_instead="""
            # gunicorn.conf.py (pip install uvicorn-worker)
            worker_class = "uvicorn_worker.UvicornWorker"
        """,
        fix="""
            Replaces `uvicorn.workers.` with `uvicorn_worker.` in class paths inside strings, and
            `from uvicorn.workers import ...` with `from uvicorn_worker import ...` when it imports only
            the worker classes. `import uvicorn.workers`, `from uvicorn import workers` and
            `from uvicorn.workers import *` get no fix: every use of the module name would have to change.
            Nor does a project with a `uvicorn_worker` module of its own beside the file or at the workspace root
            (often the worker subclass itself, `uvicorn_worker.py`): Python finds it before the package, and in
            that file the new import is a circular one that stops gunicorn; the message says to rename it first.
            One inside a package below the root (`app/uvicorn_worker.py`, loaded as `app.uvicorn_worker`) hides
            nothing: the absolute import finds the package, so the fix is offered there.
        """,
        fix_safety="""
            Unsafe: the new name works only once the `uvicorn-worker` package is installed; add it to
            the project's dependencies with the fix.
        """,
        notes="""
            Nothing is reported when the uvicorn that runs is older than 0.30 (the analysed environment's, or the
            version the project's requirements or lock file pin; in an image or a Procfile dyno, the declared
            one, else the newest), or when that version is not known: a declared range counts as known when every
            version it admits is 0.30 or newer (Poetry's `^0.32.0`).

            On a command line: `gunicorn main:app -k uvicorn.workers.UvicornWorker` (or `--worker-class`), in a
            Procfile, Dockerfile, compose file or script; the fix writes `uvicorn_worker.UvicornWorker`.
        """,
        command_example="""
            # Procfile
            web: gunicorn main:app -k uvicorn.workers.UvicornWorker
        """,
        command_use_instead="""
            # Procfile (pip install uvicorn-worker)
            web: gunicorn main:app -k uvicorn_worker.UvicornWorker
        """,
        command_language="text",
    ),
)
