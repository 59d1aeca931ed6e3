"""The launch source for Python: every `uvicorn.run(...)` and `uvicorn.Config(...)` call of a file.

Options come from keywords, positional arguments (by the signature's order), keys of dicts
unpacked with `**` (literals and dict constants), and keywords forwarded through a helper's
`**options` from its calls in the same file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from . import config, edits, layout, syntax
from .import_resolution import CheckedFile, search_paths
from .launch import Entry, GivenAs, Launch, Option, SearchPath, Server, Setting
from .model import TextEdit
from .parso_types import Node
from .source import node_range
from .uvicorn_facts import PARAMETERS
from .values import Evaluator, Value


class PythonFile(CheckedFile, Protocol):
    """What turning a file's uvicorn calls into launches reads of it (engine.context.RuleContext)."""

    @property
    def evaluator(self) -> Evaluator: ...

    def calls_to(self, *qualnames: str) -> list[syntax.CallSite]: ...

    def argument(self, call: syntax.CallSite, keyword: str, position: int | None = None) -> syntax.Argument | None:
        """The argument bound to a parameter, `**dict` entries and forwarded keywords included."""
        ...

    def forwarded_keywords(self, name: Node) -> dict[str, syntax.Argument] | None: ...

    def value_of(self, argument: syntax.Argument | None) -> Value | None: ...

    def check_cancelled(self) -> None: ...


_ENTRIES = {"uvicorn.run": Entry.RUN, "uvicorn.Config": Entry.CONFIG}


def python_launches(ctx: PythonFile) -> list[Launch]:
    if is_test_module(ctx.source.path, ctx.workspace.root):
        # Tests patch `uvicorn.run`, build configs they never serve, start servers their fixtures stop: not how
        # the project starts (audit: py-shiny's test builds Config("app:app") and only calls Server.startup).
        return []
    launches = []
    for call in ctx.calls_to(*_ENTRIES):
        ctx.check_cancelled()  # a newer text or the time budget stops a long file between calls
        if not _only_inspected(ctx, call):
            launches.append(_launch(ctx, call))
    return launches


def _only_inspected(ctx: PythonFile, call: syntax.CallSite) -> bool:
    """A `uvicorn.Config` a function builds only to read its settings (`cfg = uvicorn.Config(...)`, then only
    `cfg.reload_dirs`): never handed to a Server, loaded or returned, it serves nothing (Skyvern builds one to
    find the folders its reload watches, then starts the app with uvicorn.run)."""
    statement = call.node.parent
    if (
        _ENTRIES.get(call.qualname or "") is not Entry.CONFIG
        or statement.type != "expr_stmt"
        or len(statement.children) != 3
        or statement.children[1].value != "="
        or statement.children[0].type != "name"
    ):
        return False
    target = statement.children[0]
    function = statement.search_ancestor("funcdef")
    if function is None:
        return False  # a module's name: another module may import it and serve it
    for leaf in ctx.source.used_names.get(target.value, ()):
        if leaf is target or not function.start_pos <= leaf.start_pos < function.end_pos:
            continue
        dot = leaf.get_next_leaf()
        attribute = dot.get_next_leaf() if dot is not None and dot.value == "." else None
        if attribute is None or attribute.value == "load":  # handed on, returned, or loading the app
            return False
    return True


def is_test_module(path: Path | None, root: Path) -> bool:
    """pytest's test files (`test_*.py`, `*_test.py`, `conftest.py`) and the modules of a `tests` folder."""
    if path is None:
        return False
    if path.name.startswith("test_") or path.stem.endswith("_test") or path.name == "conftest.py":
        return path.suffix == ".py"
    folders = path.parent.relative_to(root).parts if path.is_relative_to(root) else ()
    return any(folder in ("tests", "test") for folder in folders)


def _launch(ctx: PythonFile, call: syntax.CallSite) -> Launch:
    entry = _ENTRIES[call.qualname or ""]
    options: dict[str, Option] = {}
    complete = True
    for index, argument in enumerate(call.positional):
        names = PARAMETERS[entry]
        # uvicorn.run takes only the app positionally (UVI004 reports the rest).
        if index < len(names) and (index == 0 or entry is Entry.CONFIG):
            options[names[index]] = _option(ctx, names[index], argument, GivenAs.POSITIONAL)
    for name, argument in call.keywords.items():
        options[name] = _option(ctx, name, argument, GivenAs.DICT_ENTRY if argument.from_dict else GivenAs.KEYWORD)
    for star in call.star_args:
        if star.children[0].value != "**":
            continue  # `*args`: positional, only the app could come from it
        unpacked = _unpacked_keywords(ctx, star)
        if unpacked is None:
            complete = False
            continue
        for name, argument, given_as in unpacked:
            options.setdefault(name, _option(ctx, name, argument, given_as))
    app = options.pop("app", None)
    return Launch(
        server=Server.UVICORN,
        entry=entry,
        app=app,
        options=options,
        complete=complete,
        range=node_range(call.node),
        edits=PythonEdits(ctx, call),
        setting=Setting.NOTEBOOK
        if ctx.source.path is not None and ctx.source.path.suffix == ".ipynb"
        else Setting.UNKNOWN,
        call=call,
        find_search_paths=lambda: search_paths_of_call(ctx, call),
    )


def search_paths_of_call(ctx: PythonFile, call: syntax.CallSite) -> list[SearchPath]:
    """sys.path per launch of the file, with the call's `app_dir=` first (none when it cannot be known)."""
    # A file that edits sys.path itself can import from anywhere: say nothing.
    if ctx.source.mentions("sys.path") or _notebook_makes_or_moves_files(ctx):
        return []
    argument = ctx.argument(call, "app_dir")
    if argument is None:
        return _console_scripts(ctx, call, _imported_only(ctx, call, _running_the_call(ctx, call, search_paths(ctx))))
    value = ctx.value_of(argument)
    if (
        value is None
        or value.candidates is None
        or len(value.candidates) != 1
        or not isinstance(value.candidates[0], (str, type(None)))
    ):
        return []
    return _running_the_call(ctx, call, search_paths(ctx, value.candidates[0]))


def _console_scripts(ctx: PythonFile, call: syntax.CallSite, paths: list[SearchPath]) -> list[SearchPath]:
    """A call in a module-level function that a console script of the project names (`serve = "shop.main:run"`
    in `[project.scripts]` or Poetry's scripts) also runs as that installed script does: with the installed
    packages on sys.path, the project's among them, and not the folder it starts in (a real run of such a
    script with "main:app": `Could not import module "main"`). Where the file never names the function again
    (no `__main__` block calls it), running the file never reaches the call: the script is its one launch."""
    script = ctx.source.path
    function = call.node.search_ancestor("funcdef")
    if script is None or function is None or syntax.enclosing_scope(function).type != "file_input":
        return paths
    module = layout.full_module_name(script)
    pyproject = config.find_pyproject(script.parent)
    if module is None or pyproject is None:
        return paths
    ctx.depends_on(pyproject)
    name = function.name.value
    scripts = [
        script_name
        for script_name, target in config.project_scripts(script.parent).items()
        if [part.strip() for part in target.split("[")[0].split(":")] == [module, name]
    ]
    if not scripts:
        return paths
    root = layout.package_root(script)
    installed = SearchPath(
        layout.Launch("module", " or ".join(scripts), root),
        tuple(dict.fromkeys((root, *ctx.workspace.modules.installed_roots))),
    )
    named_again = any(
        leaf is not function.name and not _attribute_or_keyword(leaf) for leaf in ctx.source.used_names.get(name, ())
    )
    return [*paths, installed] if named_again else [installed]


def _attribute_or_keyword(leaf) -> bool:
    """`x.run` or `f(run=...)`: the word, not a reference to a name of the module."""
    before = leaf.get_previous_leaf()
    return (before is not None and before.value == ".") or (
        leaf.parent.type == "argument" and leaf.parent.children[0] is leaf
    )


def _imported_only(ctx: PythonFile, call: syntax.CallSite, paths: list[SearchPath]) -> list[SearchPath]:
    """A module-level `uvicorn.Config(...)` of a package module that starts nothing itself (no `.run`, no `.serve`,
    no `__main__` block) is served by a module that imports it (`from bot.loader import server`, then
    `await server.serve()` in bot/__main__.py), under its full name: running the file builds the config and exits
    (a real run: no error, nothing served). The import is its one launch."""
    if (
        _ENTRIES.get(call.qualname or "") is not Entry.CONFIG
        or syntax.enclosing_scope(call.node).type != "file_input"
        or any(ctx.source.mentions(word) for word in (".run", ".serve", "__main__"))
    ):
        return paths
    imported = [path for path in paths if path.launch.kind == "module"]
    return imported or paths


def _running_the_call(ctx: PythonFile, call: syntax.CallSite, paths: list[SearchPath]) -> list[SearchPath]:
    """A package's `__init__.py` is never `__main__` under `python -m pkg` (that runs pkg/__main__.py): a call
    in its `__main__` block runs with the script launch only."""
    path = ctx.source.path
    if path is None or path.name != "__init__.py" or not syntax.is_under_main_guard(call.node):
        return paths
    return [search_path for search_path in paths if search_path.launch.kind == "script"]


# In a notebook's document IPython's magics are commented out column for column (engine/notebooks.py):
# `%%writefile m.py` reads `#%writefile m.py`, `%cd x` reads `#cd x`, `!git clone ...` reads `#git clone ...`.
_FILE_MAKING_MAGIC = re.compile(
    r"^#(?:%(?:writefile|file)\b|cd\b|(?:git\s+clone|wget|curl|unzip|tar|cp|mv|ln)\s)", re.MULTILINE
)


def _notebook_makes_or_moves_files(ctx: PythonFile) -> bool:
    """A notebook that writes files as it runs (`%%writefile server.py`, `!git clone`) or moves the kernel
    to another folder (`%cd`, `os.chdir`) imports modules the project's files do not show."""
    path = ctx.source.path
    if path is None or path.suffix != ".ipynb":
        return False
    return ctx.source.mentions("chdir") or _FILE_MAKING_MAGIC.search(ctx.source.text) is not None


def _option(ctx: PythonFile, name: str, argument: syntax.Argument, given_as: GivenAs) -> Option:
    value = ctx.evaluator.evaluate(argument.value)
    written = f"{name}={value.source}" if given_as is not GivenAs.POSITIONAL else value.source
    return Option(
        name, value, argument.range, given_as, written, node_range(argument.value), node=argument.value, handle=argument
    )


def _unpacked_keywords(ctx: PythonFile, star) -> list[tuple[str, syntax.Argument, GivenAs]] | None:
    """The keywords `**name` passes: a dict constant's keys, or a helper's forwarded keywords."""
    name = star.children[1]
    keys = ctx.evaluator.dict_keywords(name)
    if keys is not None:
        return [
            (key, syntax.Argument(value, star, name=key, from_dict=True), GivenAs.DICT_ENTRY) for key, value in keys
        ]
    forwarded = ctx.forwarded_keywords(name)
    if forwarded is not None:
        return [(key, argument, GivenAs.FORWARDED) for key, argument in forwarded.items()]
    return None


class PythonEdits:
    """Keyword edits on one uvicorn call."""

    def __init__(self, ctx: PythonFile, call: syntax.CallSite):
        self._ctx = ctx
        self._call = call

    def spell(self, name: str, value: object) -> str:
        return f"{name}={value!r}"

    def label(self, name: str) -> str:
        return name

    def remove_option(self, option: Option) -> tuple[TextEdit, ...] | None:
        if not option.editable or not isinstance(option.handle, syntax.Argument):
            return None
        return (edits.remove_argument(option.handle),)

    def rename_option(self, option: Option, new_name: str) -> tuple[TextEdit, ...] | None:
        if (
            option.given_as is not GivenAs.KEYWORD
            or not isinstance(option.handle, syntax.Argument)
            or new_name in self._call.keywords
        ):
            return None
        return (edits.rename_keyword(option.handle, new_name),)

    def set_option(self, name: str, value: object) -> tuple[TextEdit, ...] | None:
        existing = self._call.keywords.get(name)
        if (
            existing is not None
            and not existing.from_dict
            and self._ctx.evaluator.evaluate(existing.value).all(lambda current: current == value)
        ):
            return ()  # already so
        written = edits.quoted(value) if isinstance(value, str) else repr(value)  # as replace_app writes strings
        edit = edits.set_keyword(self._ctx.source, self._call, name, written)
        return None if edit is None else (edit,)

    def replace_app(self, import_string: str) -> tuple[TextEdit, ...] | None:
        app = self._call.argument("app", 0)
        if app is None or app.from_dict:
            return None
        return (edits.replace(app.value, edits.quoted(import_string)),)
