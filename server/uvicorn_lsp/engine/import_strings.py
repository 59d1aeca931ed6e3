"""Import strings under the cursor: completion, definition, hover and renames.

An import string of a launch (`uvicorn.run("pkg.main:app")`, `uvicorn.Config(...)`)
is resolved exactly as the rules resolve it (import_resolution.py, per launch of the file);
this module only finds the string and the dotted segment at a position, lists
what could stand there, and turns resolutions into places and edits. It also
knows uvicorn's own keywords and flags (signature and `--help` text of the analysed
uvicorn, read from its source) and the keywords and flags that name files.

Launches come from `ctx.launches`, whatever their source: a Python call or a command
line of a Dockerfile, compose file, Procfile... (engine/commands/). A command line's
argument maps each character of its value back to the file (quotes, escapes and `\\`
continuations skipped), so positions are exact in every source.
"""

from __future__ import annotations

import enum
import posixpath
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from keyword import iskeyword
from pathlib import Path

from . import app_kinds, commands, import_resolution, layout, module_index, syntax
from .commands.recognise import Argument, CommandEdits, known_flags, launch_edits
from .commands.text import Placed, span
from .context import RuleContext
from .launch import GivenAs, Launch, SearchPath, Server
from .model import Position, Range, TextEdit
from .resolver import Resolver
from .source import SourceFile, node_range, split_lines
from .workspace import Workspace

# Keywords (and, as uvicorn's parameters, flags) whose string value is a file uvicorn opens
# (relative to the current folder).
FILE_KEYWORDS = ("ssl_certfile", "ssl_keyfile", "ssl_ca_certs", "env_file", "log_config")
# A file that names none of these starts no server.
_SERVER_WORDS = ("uvicorn", "gunicorn", "fastapi")


def may_launch(text: str, path: Path | None) -> bool:
    """Cheap test before any parsing: can the text hold a launch? (Python: only uvicorn's own calls.)"""
    if is_command_file(path, text):
        return any(word in text for word in _SERVER_WORDS)
    return "uvicorn" in text


def may_launch_at(text: str, path: Path | None, line: int) -> bool:
    """Cheap test before a question under the cursor: can the cursor's line be part of a launch?
    In a command file, its block (the lines joined to it by a `\\` continuation or by indentation)
    must name a server, or be a Dockerfile's CMD/ENTRYPOINT (which may give the arguments alone)."""
    if not may_launch(text, path):
        return False
    if not is_command_file(path, text) or (path is not None and path.name == "pyproject.toml"):
        return True  # a task's multi-line string has no indentation to go by
    lines = split_lines(text)
    if line >= len(lines):
        return False
    first = line
    while first > 0 and _joined_to_previous(lines, first):
        first -= 1
    last = line
    while last + 1 < len(lines) and _joined_to_previous(lines, last + 1):
        last += 1
    if lines[first].lstrip().upper().startswith(("CMD", "ENTRYPOINT")):
        return True
    return any(word in block_line for block_line in lines[first : last + 1] for word in _SERVER_WORDS)


def _joined_to_previous(lines: list[str], number: int) -> bool:
    line = lines[number]
    return lines[number - 1].rstrip().endswith(("\\", "`")) or not line.strip() or line[:1] in " \t"


def is_command_file(path: Path | None, text: str) -> bool:
    """Whether the file is a command source (Dockerfile, compose file, ...) by its name or its first
    bytes (a file that only `include` settings select is not looked up here: that needs its settings)."""
    if path is None or path.suffix in (".py", ".pyi", ".ipynb"):
        return False
    return commands.source_kind(path, text[: commands.SNIFF_BYTES]) is not None


def _command_context(text: str, path: Path | None, workspace: Workspace) -> RuleContext | None:
    """The context of a command source, picked as the check picks it (name, first bytes, `include`)."""
    if path is None or path.suffix in (".py", ".pyi", ".ipynb"):
        return None
    settings, _ = workspace.settings_for(path)
    kind = commands.source_kind(path, text[: commands.SNIFF_BYTES])
    if kind is None and settings.names_file(path, workspace.root):
        kind = commands.implied_kind(path, text)
    return None if kind is None else commands.context_for(kind, text, path, workspace, settings)


def parse(text: str, path: Path | None, workspace: Workspace) -> RuleContext:
    """A document's text ready for the questions below (parso's diff cache makes re-parsing cheap).
    jedi may be asked (which uvicorn a bare `run(...)` is): call it on the analysis thread."""
    command = _command_context(text, path, workspace)
    if command is not None:
        return command
    source = SourceFile(text, path, grammar=workspace.grammar, use_diff_cache=True)
    settings, _ = workspace.settings_for(path)
    return RuleContext(source, workspace, settings)


class _NoJedi(Resolver):
    """A resolver that never asks jedi: every answer is "cannot tell"."""

    @property
    def script(self) -> None:  # type: ignore[override]
        return None

    def installed_parameters(self, qualname: str) -> None:
        return None


class _SyntaxContext(RuleContext):
    @cached_property
    def resolver(self) -> Resolver:
        return _NoJedi(self.source, self.workspace)


_LAST_SOURCE: dict[Path | None, SourceFile] = {}


def parse_syntax_only(text: str, path: Path | None, workspace: Workspace) -> RuleContext:
    """Like `parse`, but jedi is never asked (calls are recognised by their imports alone) and
    parso's diff cache, which the analysis thread uses, is left alone: safe beside that thread.
    The last text parsed per file is kept, so questions between two edits parse nothing.
    A command source's context never asks jedi."""
    command = _command_context(text, path, workspace)
    if command is not None:
        return command
    source = _LAST_SOURCE.get(path)
    if source is None or source.text != text:
        source = SourceFile(text, path, grammar=workspace.grammar)
        _LAST_SOURCE.clear()  # one document at a time is under the cursor
        _LAST_SOURCE[path] = source
    settings, _ = workspace.settings_for(path)
    return _SyntaxContext(source, workspace, settings)


# ---------------------------------------------------------------------------
# The string under the cursor


class Part(enum.Enum):
    MODULE = "module"
    ATTRIBUTE = "attribute"


@dataclass(frozen=True)
class Segment:
    """The dotted segment the cursor is in: text offsets into the string's content."""

    part: Part
    begin: int
    end: int


def value_offset(placed: Placed, position: Position) -> int | None:
    """How many of the value's characters stand before `position`; None when it is outside the value."""
    if not placed.text:
        return 0 if position == placed.end else None
    if not placed.place(0) <= position <= placed.end:
        return None
    return sum(1 for index in range(len(placed.text)) if placed.place(index) < position)


def value_range(placed: Placed, lines: Sequence[str], begin: int, end: int) -> Range:
    """The file range of the value's characters begin..end: an escape written for the last one
    (`\\u00e9` in JSON) is included, a closing quote after it is not."""
    first = placed.place(begin)
    if end <= begin:
        return Range(first, first)
    if end >= len(placed.text):
        return Range(first, placed.end)
    last = placed.place(end - 1)
    line = lines[last.line] if last.line < len(lines) else ""
    if line[last.character : last.character + 1] == "\\":  # an escape: up to the next character
        return Range(first, placed.place(end))
    return Range(first, Position(last.line, last.character + 1))


@dataclass(frozen=True)
class LaunchString:
    """The import string a launch gets as its app: a Python string literal, a command's argument."""

    text: str  # the value (a gunicorn spec's call `()` left out)
    placed: Placed  # where each of its characters is written
    launch: Launch
    lines: Sequence[str]  # the file's lines

    @property
    def search_paths(self) -> list[SearchPath]:
        """Computed when a question needs them (the launch keeps them), not for every string of the file."""
        return self.launch.search_paths

    def range(self, begin: int, end: int) -> Range:
        return value_range(self.placed, self.lines, begin, end)

    def offset(self, position: Position) -> int | None:
        return value_offset(self.placed, position)

    @property
    def colon(self) -> int:
        return self.text.find(":")

    @property
    def module(self) -> str:
        return self.text if self.colon < 0 else self.text[: self.colon]

    def segment(self, offset: int) -> Segment:
        """From the previous `.`, `:` or quote to the next one."""
        colon = self.colon
        in_module = colon < 0 or offset <= colon
        low = 0 if in_module else colon + 1
        high = colon if in_module and colon >= 0 else len(self.text)
        begin = max(self.text.rfind(".", low, offset) + 1, low)
        end = self.text.find(".", offset, high)
        return Segment(Part.MODULE if in_module else Part.ATTRIBUTE, begin, high if end < 0 else end)


def _literal_content(leaf) -> tuple[int, str] | None:
    """(column offset of the content in the leaf, content) of a plain one-line str literal."""
    value = leaf.value
    prefix = len(value) - len(value.lstrip("rRuUbBfF"))
    if any(letter in "bBfF" for letter in value[:prefix]):
        return None
    body = value[prefix:]
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    if len(body) < 2 * len(quote) or not body.endswith(quote):
        return None
    content = body[len(quote) : len(body) - len(quote)]
    raw = "r" in value[:prefix].lower()
    if "\n" in content or "\r" in content or ("\\" in content and not raw):
        return None
    return prefix + len(quote), content


def _string_literal(node) -> Placed | None:
    """A Python string literal's content with its places."""
    literal = _literal_content(node) if node is not None and node.type == "string" else None
    if literal is None:
        return None
    offset, content = literal
    line, column = node.start_pos
    return span(line - 1, column + offset, content)


def launch_strings(ctx: RuleContext) -> Iterator[LaunchString]:
    """Every import string given as the app of a launch of the file, whatever its source."""
    for launch in ctx.launches:
        found = _launch_string(ctx, launch)
        if found is not None:
            yield found


def _launch_string(ctx: RuleContext, launch: Launch) -> LaunchString | None:
    app = launch.app
    if app is None:
        return None
    if launch.call is not None:  # Python: a literal written as the call's argument
        placed = _string_literal(app.node) if app.given_as in (GivenAs.POSITIONAL, GivenAs.KEYWORD) else None
    else:
        edits = launch_edits(launch)
        handle = app.handle if isinstance(app.handle, tuple) and app.given_as is GivenAs.POSITIONAL else None
        placed = _argument_places(edits.parsed.arguments[handle[0]]) if edits is not None and handle else None
        if placed is not None and launch.server is Server.GUNICORN and "(" in placed.text:
            placed = placed.sliced(0, placed.text.index("("))  # `module:factory(args)`: the factory's name
    if placed is None:
        return None
    return LaunchString(placed.text, placed, launch, ctx.source.lines)


def _argument_places(argument: Argument) -> Placed | None:
    """A command argument's value with its places, when the value is what the file says."""
    if argument.expanded or argument.value_places is None:
        return None
    placed = argument.value_places()
    return placed if placed is not None and placed.text == argument.value else None


def string_at(ctx: RuleContext, position: Position) -> tuple[LaunchString, int] | None:
    """The launch string whose content holds `position`, and the cursor's offset into it."""
    if ctx.is_python and not _inside_string_leaf(ctx, position):
        return None
    for found in launch_strings(ctx):
        offset = found.offset(position)
        if offset is not None:
            return found, offset
    return None


def _inside_string_leaf(ctx: RuleContext, position: Position) -> bool:
    """Cheap test before looking for uvicorn calls: is there a string literal around the cursor?"""
    try:
        leaf = ctx.source.tree.get_leaf_for_position((position.line + 1, position.character), include_prefixes=True)
    except ValueError:
        return False
    candidates = (leaf, leaf.get_previous_leaf()) if leaf is not None else ()
    return any(
        candidate is not None and candidate.type == "string" and candidate.start_pos[0] == position.line + 1
        for candidate in candidates
    )


# ---------------------------------------------------------------------------
# What a name is


class Kind(enum.Enum):
    APP = "app"
    FACTORY = "factory"
    FUNCTION = "function"
    CLASS = "class"
    VARIABLE = "variable"
    MODULE = "module"
    KEYWORD = "keyword"  # a parameter of uvicorn.run / uvicorn.Config
    IMPORTED = "imported"  # a name imported from a module that cannot be followed
    FLAG = "flag"  # a command-line option: `--reload`
    VALUE = "value"  # a value a flag takes: `asyncio` of `--loop`


@dataclass(frozen=True)
class Described:
    kind: Kind
    detail: str  # "FastAPI instance", "factory → Starlette", "function"


def describe(binding: module_index.Binding) -> Described:
    """What one binding binds, in the words of app_kinds.py's kind detection."""
    module, leaf = binding.module, binding.leaf
    if leaf.parent.type == "funcdef" and leaf.parent.name is leaf:
        product = _factory_product(module, leaf)
        if product is not None:
            return Described(Kind.FACTORY, f"factory → {product}")
        return Described(Kind.FUNCTION, "function")
    kind = app_kinds.binding_kind(module, leaf)
    if kind == "class":
        return Described(Kind.CLASS, "class")
    if kind is not None:
        return Described(Kind.APP, kind)
    if leaf.get_definition() is not None and leaf.get_definition().type in ("import_name", "import_from"):
        return Described(Kind.IMPORTED, "imported name")
    return Described(Kind.VARIABLE, "variable")


def _factory_product(module: app_kinds.ModuleView, leaf) -> str | None:
    """The app class a zero-argument-callable function returns an instance of, if it builds an app."""
    if not app_kinds.defines_app(module, leaf):
        return None
    for returned in app_kinds.returned_values(leaf.parent):
        kind = app_kinds.app_call_kind(module, returned)
        if kind is not None:
            return kind.removesuffix(" instance")
    return "app object"


_KIND_ORDER = {
    Kind.APP: 0,
    Kind.FACTORY: 1,
    Kind.CLASS: 2,
    Kind.FUNCTION: 2,
    Kind.VARIABLE: 3,
    Kind.MODULE: 3,
    Kind.KEYWORD: 0,
    Kind.IMPORTED: 4,
    Kind.FLAG: 0,
    Kind.VALUE: 0,
}


# ---------------------------------------------------------------------------
# Completion


@dataclass(frozen=True)
class Candidate:
    label: str
    kind: Kind
    detail: str
    rank: str  # sorts the list: apps first, project modules before installed ones, private names last
    replace: Range  # what the inserted text replaces
    insert: str
    documentation: str = ""


@dataclass(frozen=True)
class Completions:
    candidates: list[Candidate]
    # False when names were left out until more is typed: the client should ask again as the user types.
    complete: bool = True


def complete(ctx: RuleContext, position: Position) -> Completions:
    """Completions at `position`: inside a launch's import string, keyword names of a launch call,
    or a command line's flags and the values of a flag."""
    hit = string_at(ctx, position)
    if hit is not None:
        launch, offset = hit
        segment = launch.segment(offset)
        if segment.part is Part.MODULE:
            return _module_candidates(ctx, launch, segment, offset)
        return Completions(_attribute_candidates(ctx, launch, segment))
    if not ctx.is_python:
        return Completions(_command_candidates(ctx, position))
    return Completions(_keyword_candidates(ctx, position))


def _module_candidates(ctx: RuleContext, launch: LaunchString, segment: Segment, offset: int) -> Completions:
    """Module names; an installed folder (the standard library, site-packages: hundreds of names
    an app is rarely in) offers only those starting with what is typed, and nothing before that."""
    index = ctx.workspace.modules
    parent = launch.text[: segment.begin - 1] if segment.begin > 0 else ""
    typed = launch.text[segment.begin : offset]
    replace = launch.range(segment.begin, segment.end)
    installed = set(index.installed_roots)
    left_out = False
    seen: dict[str, Candidate] = {}
    for search_path in launch.search_paths:
        if parent:
            found = index.find(parent, search_path.roots, ctx.depends_on)
            folders: tuple[Path, ...] = found.folders if isinstance(found, module_index.FoundModule) else ()
        else:
            folders = search_path.roots
        for folder in folders:
            project = folder not in installed and folder.is_relative_to(ctx.workspace.root)
            left_out = left_out or not project
            for name in index.names_in((folder,)):
                if name in seen or name in ("__pycache__", "__init__", "__main__"):
                    continue
                if not project and not (typed and name.startswith(typed)):
                    continue
                # Installed folders hold hundreds of names: no stat per name there.
                detail = "installed"
                if project:
                    if (folder / name).is_dir():
                        detail = "package"
                    elif (folder / name).exists():
                        continue  # a file without a suffix (Dockerfile, Makefile): not a module
                    else:
                        detail = "module"
                rank = f"{0 if project else 1}{1 if name.startswith('_') else 0}{name}"
                seen[name] = Candidate(name, Kind.MODULE, detail, rank, replace, name)
    return Completions(sorted(seen.values(), key=lambda candidate: candidate.rank), complete=not left_out)


def _attribute_candidates(ctx: RuleContext, launch: LaunchString, segment: Segment) -> list[Candidate]:
    index = ctx.workspace.modules
    module_name = launch.module
    prefix = launch.text[launch.colon + 1 : segment.begin - 1] if segment.begin > launch.colon + 1 else ""
    replace = launch.range(segment.begin, segment.end)
    seen: dict[str, Candidate] = {}
    for search_path in launch.search_paths:
        found = index.find(module_name, search_path.roots, ctx.depends_on)
        if not isinstance(found, module_index.FoundModule):
            continue
        namespace = _namespace_of(ctx, found, prefix, search_path)
        if namespace is None:
            continue
        for name, bindings in namespace.bindings.items():
            if name in seen or (name.startswith("__") and name.endswith("__")):
                continue
            binding = _followed(ctx, module_name, f"{prefix}.{name}" if prefix else name, search_path, bindings[0])
            described = describe(binding)
            rank = f"{_KIND_ORDER[described.kind]}{1 if name.startswith('_') else 0}{name}"
            line = binding.leaf.start_pos[0]
            seen[name] = Candidate(
                name,
                described.kind,
                described.detail,
                rank,
                replace,
                name,
                f"`{_display(ctx, binding.module.found.path)}`, line {line}",
            )
    return sorted(seen.values(), key=lambda candidate: candidate.rank)


def _namespace_of(
    ctx: RuleContext, found: module_index.FoundModule, prefix: str, search_path: SearchPath
) -> module_index.Namespace | None:
    """The names after `module:prefix.`: the module's own, a plain class's, or an imported module's."""
    if not prefix:
        return import_resolution.module_namespace(ctx, found, search_path)
    resolution = import_resolution.resolve(ctx, found.name, prefix, search_path)
    if resolution.binding is None:
        return None
    module, leaf = resolution.binding.module, resolution.binding.leaf
    if leaf.parent.type == "classdef" and leaf.parent.name is leaf:
        return module.class_namespace(leaf.parent)
    definition = leaf.get_definition()
    if definition is not None and definition.type in ("import_name", "import_from"):
        dotted = module.imports.names.get(leaf.value)
        absolute = module.absolute(dotted) if dotted else None
        target = ctx.workspace.modules.find(absolute, search_path.roots, ctx.depends_on) if absolute else None
        if isinstance(target, module_index.FoundModule):
            return import_resolution.module_namespace(ctx, target, search_path)
    return None


def _followed(
    ctx: RuleContext,
    module_name: str,
    attributes: str,
    search_path: SearchPath,
    binding: module_index.Binding,
) -> module_index.Binding:
    """An imported name's binding where it is defined (what the kind depends on); else `binding`."""
    definition = binding.leaf.get_definition()
    if definition is None or definition.type not in ("import_name", "import_from"):
        return binding
    resolution = import_resolution.resolve(ctx, module_name, attributes, search_path)
    return resolution.binding or binding


# -- keywords of a launch call ----------------------------------------------


@dataclass(frozen=True)
class Option:
    name: str
    default: str | None  # the source text of the default, None when required
    help: str  # the CLI option's help text ("" when the CLI has no such option)
    flag: str | None  # "--reload"


def launch_options(ctx: RuleContext, qualname: str) -> dict[str, Option] | None:
    """Keywords of `uvicorn.run` or `uvicorn.Config` in the analysed uvicorn, read from its source."""
    return ctx.once(("launch_options", qualname), lambda: _launch_options(ctx, qualname))


_OPTIONS_CACHE: dict[tuple[Path, str], dict[str, Option]] = {}


def _launch_options(ctx: RuleContext, qualname: str) -> dict[str, Option] | None:
    index = ctx.workspace.modules
    main = _installed_module(ctx, "uvicorn.main")
    definer = main if qualname == "uvicorn.run" else _installed_module(ctx, "uvicorn.config")
    if main is None or definer is None or definer.found.path is None:
        return None
    key = (definer.found.path, qualname)
    cached = _OPTIONS_CACHE.get(key)
    if cached is not None and index.parsed(definer.found) is definer:
        return cached
    function = _function(definer, qualname)
    if function is None:
        return None
    helps = cli_options(ctx)
    options = {}
    for param in function.get_params():
        name = param.name.value
        if param.star_count or name == "self":
            continue
        default = param.default.get_code().strip() if param.default is not None else None
        cli = helps.get(name)
        options[name] = Option(name, default, cli.help if cli else "", cli.flag if cli else None)
    _OPTIONS_CACHE[key] = options
    return options


def _installed_module(ctx: RuleContext, name: str) -> module_index.ParsedModule | None:
    index = ctx.workspace.modules
    found = index.find(name, index.installed_roots, lambda path: None)
    return index.parsed(found) if isinstance(found, module_index.FoundModule) else None


def _function(module: module_index.ParsedModule, qualname: str):
    """`def run` of uvicorn.main, or `Config.__init__` of uvicorn.config."""
    tree = module.source.tree
    if qualname == "uvicorn.run":
        return next((f for f in tree.iter_funcdefs() if f.name.value == "run"), None)
    config = next((c for c in tree.iter_classdefs() if c.name.value == "Config"), None)
    if config is None:
        return None
    return next((f for f in config.iter_funcdefs() if f.name.value == "__init__"), None)


@dataclass(frozen=True)
class CliOption:
    """One `@click.option` of uvicorn's `main` command, as its source writes it."""

    flag: str  # the longest flag: "--reload"
    help: str
    default: str | None  # the source text of `default=`, None when not given


_CLI_CACHE: dict[Path, tuple[module_index.ParsedModule, dict[str, CliOption]]] = {}


def cli_options(ctx: RuleContext) -> dict[str, CliOption]:
    """Parameter name → the CLI option of the analysed uvicorn (empty when it cannot be read)."""
    main = _installed_module(ctx, "uvicorn.main")
    if main is None or main.found.path is None:
        return {}
    cached = _CLI_CACHE.get(main.found.path)
    if cached is None or cached[0] is not main:
        cached = (main, _cli_help(main))
        _CLI_CACHE[main.found.path] = cached
    return cached[1]


def _cli_help(main: module_index.ParsedModule) -> dict[str, CliOption]:
    """Parameter name → its option from the `@click.option(...)` decorators of `main`."""
    command = next((f for f in main.source.tree.iter_funcdefs() if f.name.value == "main"), None)
    if command is None or command.parent.type != "decorated":
        return {}
    found = {}
    decorators = command.parent.children[0]
    for decorator in decorators.children if decorators.type == "decorators" else [decorators]:
        expression = decorator.children[1]
        if expression.type != "atom_expr" or syntax.dotted_name(expression.children[0]) != "click":
            continue
        if expression.get_code().strip().split("(")[0].replace(" ", "") != "click.option":
            continue
        arguments = _call_arguments(expression.children[-1])
        names = [syntax.literal_value(a) for a in arguments if a.type == "string"]
        keywords = {
            a.children[0].value: a.children[2]
            for a in arguments
            if a.type == "argument" and a.children[0].type == "name" and len(a.children) == 3
        }
        help_text = _string_value(keywords["help"]) if "help" in keywords else ""
        default = keywords["default"].get_code().strip() if "default" in keywords else None
        flags = [name for name in names if isinstance(name, str) and name.startswith("-")]
        declared = [name for name in names if isinstance(name, str) and not name.startswith("-")]
        if not flags:
            continue
        longest = max(flags, key=len)
        parameter = declared[0] if declared else longest.lstrip("-").replace("-", "_")
        found[parameter] = CliOption(longest, " ".join(str(help_text).split()), default)
    return found


def _string_value(node) -> str:
    """A string literal's value, implicitly concatenated ones across lines included."""
    parts = node.children if node.type == "strings" else [node]
    values = [syntax.literal_value(part) for part in parts]
    return "".join(values) if all(isinstance(value, str) for value in values) else ""


def _call_arguments(trailer) -> list:
    """The argument nodes of a `( ... )` trailer."""
    if trailer.type != "trailer" or len(trailer.children) != 3:
        return []
    inner = trailer.children[1]
    if inner.type == "arglist":
        return [child for child in inner.children if child.type != "operator"]
    return [inner]


def _in_name(char: str) -> bool:
    return char.isalnum() or char == "_"


def _keyword_slot(ctx: RuleContext, position: Position) -> tuple[syntax.CallSite, int, int] | None:
    """The launch call whose argument list has a keyword name being typed at `position`,
    and the columns of that name (empty when nothing is typed yet)."""
    line = ctx.source.lines[position.line] if position.line < len(ctx.source.lines) else ""
    begin = min(position.character, len(line))
    while begin > 0 and _in_name(line[begin - 1]):
        begin -= 1
    end = begin
    while end < len(line) and _in_name(line[end]):
        end += 1
    at = (position.line + 1, begin)
    try:
        leaf = ctx.source.tree.get_leaf_for_position(at, include_prefixes=True)
    except ValueError:
        return None
    if leaf is None:
        return None
    if begin < end:  # a name is being typed: it must be a whole leaf
        before = leaf.get_previous_leaf() if leaf.type == "name" and leaf.start_pos == at else None
    elif leaf.end_pos == at:  # right after a leaf: `(`, `, `
        before = leaf
    else:  # in the whitespace before a leaf, not inside one
        before = leaf.get_previous_leaf() if leaf.start_pos >= at else None
    if before is None or before.type != "operator" or before.value not in "(,":
        return None
    trailer = before.parent if before.value == "(" else before.parent.parent
    call = _launch_call(ctx, trailer)
    return None if call is None else (call, begin, end)


def _launch_call(ctx: RuleContext, trailer) -> syntax.CallSite | None:
    """The Python launch whose call has this argument list."""
    return next((launch.call for launch in ctx.launches if launch.call and launch.call.trailer is trailer), None)


def _keyword_candidates(ctx: RuleContext, position: Position) -> list[Candidate]:
    slot = _keyword_slot(ctx, position)
    if slot is None:
        return []
    call, begin, end = slot
    options = launch_options(ctx, call.qualname or "")
    if not options:
        return []
    typed = ctx.source.lines[position.line][begin:end]
    replace = Range(Position(position.line, begin), Position(position.line, end))
    # Positional arguments before the cursor bind the first parameters; the name being typed does not.
    positional = sum(1 for argument in call.positional if argument.node.end_pos <= (position.line + 1, begin))
    candidates = []
    for number, option in enumerate(options.values()):
        bound = option.name in call.keywords or number < positional
        if bound and option.name != typed:
            continue
        detail = f"{option.name}={option.default}" if option.default is not None else f"{option.name} (required)"
        candidates.append(
            Candidate(
                option.name,
                Kind.KEYWORD,
                detail,
                f"{number:03d}",
                replace,
                f"{option.name}=",
                option.help,
            )
        )
    return candidates


# -- flags and values of a command line --------------------------------------


@dataclass(frozen=True)
class _CommandSlot:
    """What the cursor is in on a command line: a flag being typed, or a flag's value."""

    launch: Launch
    edits: CommandEdits
    index: int  # the argument under the cursor (len(arguments) when in the blanks after the last)
    flag: str  # the flag typed so far, or the flag whose value is typed
    replace: Range
    is_value: bool


def _command_slot(ctx: RuleContext, position: Position) -> _CommandSlot | None:
    for launch in ctx.launches:
        edits = launch_edits(launch)
        if edits is None:
            continue
        arguments = edits.parsed.arguments
        for index in range(edits.parsed.program_index + 1, len(arguments)):
            placed = _argument_places(arguments[index])
            offset = value_offset(placed, position) if placed is not None else None
            if placed is None or offset is None:
                continue
            value = placed.text
            equals = value.find("=")
            if value.startswith("-") and (equals < 0 or offset <= equals):
                end = len(value) if equals < 0 else equals
                return _CommandSlot(launch, edits, index, value[:offset], _range(ctx, placed, 0, end), False)
            if value.startswith("--"):  # `--loop=asy`
                return _CommandSlot(launch, edits, index, value[:equals], _range(ctx, placed, equals + 1), True)
            previous = arguments[index - 1].value
            if previous.startswith("--") and "=" not in previous:
                return _CommandSlot(launch, edits, index, previous, _range(ctx, placed, 0), True)
            return None
        last = arguments[-1]
        if len(arguments) - 1 > edits.parsed.program_index and _blanks_between(ctx, last.range.end, position):
            if last.value.startswith("--") and "=" not in last.value:  # `--loop ` and nothing typed yet
                return _CommandSlot(launch, edits, len(arguments), last.value, Range(position, position), True)
    return None


def _range(ctx: RuleContext, placed: Placed, begin: int, end: int | None = None) -> Range:
    return value_range(placed, ctx.source.lines, begin, len(placed.text) if end is None else end)


def _blanks_between(ctx: RuleContext, start: Position, end: Position) -> bool:
    """Whether only spaces and tabs stand from `start` to `end` on one line."""
    if start.line != end.line or end.character <= start.character or start.line >= len(ctx.source.lines):
        return False
    return not ctx.source.lines[start.line][start.character : end.character].strip(" \t")


def _command_candidates(ctx: RuleContext, position: Position) -> list[Candidate]:
    slot = _command_slot(ctx, position)
    if slot is None:
        return []
    if slot.is_value:
        return _value_candidates(ctx, slot)
    return _flag_candidates(ctx, slot)


def _flag_candidates(ctx: RuleContext, slot: _CommandSlot) -> list[Candidate]:
    launch = slot.launch
    if launch.server is not Server.UVICORN:
        # What the engine knows of gunicorn's and fastapi's flags: their names.
        return [
            Candidate(flag, Kind.FLAG, f"{launch.server.value} option", f"{number:03d}", slot.replace, flag)
            for number, flag in enumerate(known_flags(launch.server))
        ]
    helps = cli_options(ctx)
    # Options given by another argument are not offered again (a repeatable one is).
    given = {
        option.name
        for option in launch.options.values()
        if isinstance(option.handle, tuple) and slot.index not in range(option.handle[0], option.handle[-1] + 1)
    }
    candidates = []
    help_order = {name: number for number, name in enumerate(helps)}  # `uvicorn --help`'s order
    for number, spec in enumerate(slot.edits.table.options):
        if spec.name in given and not spec.multiple:
            continue
        cli = helps.get(spec.name)
        for variant, flag in enumerate(flag for flag in (*spec.flags, *spec.off_flags) if flag.startswith("--")):
            rank = f"{help_order.get(spec.name, 100 + number):03d}{variant}"
            candidates.append(
                Candidate(flag, Kind.FLAG, _takes(spec), rank, slot.replace, flag, _flag_documentation(cli))
            )
    return sorted(candidates, key=lambda candidate: candidate.rank)


def _takes(spec) -> str:
    """What a flag takes, as the item's detail: "switch", "int", "auto|on|off"."""
    if not spec.takes_value:
        return "switch"
    values = spec.choices or spec.suggested
    return "|".join(values) if values else spec.kind


def _flag_documentation(cli: CliOption | None) -> str:
    if cli is None:
        return ""
    default = f"Default: `{cli.default}`" if cli.default is not None else ""
    return "\n\n".join(part for part in (cli.help, default) if part)


def _value_candidates(ctx: RuleContext, slot: _CommandSlot) -> list[Candidate]:
    if slot.launch.server is not Server.UVICORN:
        return []
    spec = slot.edits.table.by_flag(slot.flag)
    if spec is None or not spec.takes_value:
        return []
    documentation = _flag_documentation(cli_options(ctx).get(spec.name))
    return [
        Candidate(value, Kind.VALUE, f"{slot.flag} value", f"{number:03d}", slot.replace, value, documentation)
        for number, value in enumerate(spec.choices or spec.suggested)
    ]


# ---------------------------------------------------------------------------
# Definitions and links


@dataclass(frozen=True)
class Place:
    path: Path
    range: Range


_FILE_START = Range(Position(0, 0), Position(0, 0))


def definitions(ctx: RuleContext, position: Position) -> list[Place]:
    """Where the import string (or file keyword) under the cursor leads, per launch, without repeats."""
    hit = string_at(ctx, position)
    if hit is None:
        link = next((link for link in file_links(ctx) if _contains(link.range, position)), None)
        return [] if link is None else [Place(link.target, _FILE_START)]
    launch, offset = hit
    segment = launch.segment(offset)
    places: dict[tuple, Place] = {}
    index = ctx.workspace.modules
    for search_path in launch.search_paths:
        if segment.part is Part.MODULE:
            found = index.find(launch.text[: segment.end], search_path.roots, ctx.depends_on)
            if isinstance(found, module_index.FoundModule) and found.path is not None:
                places.setdefault((found.path, _FILE_START), Place(found.path, _FILE_START))
            continue
        binding = _binding_of(ctx, launch, segment, search_path)
        if binding is not None:
            place = Place(_binding_path(ctx, binding), node_range(binding.leaf))
            places.setdefault((place.path, place.range), place)
    return list(places.values())


def _binding_of(
    ctx: RuleContext, launch: LaunchString, segment: Segment, search_path: SearchPath
) -> module_index.Binding | None:
    attributes = launch.text[launch.colon + 1 : segment.end]
    if not attributes or launch.colon <= 0:
        return None
    return import_resolution.resolve(ctx, launch.module, attributes, search_path).binding


def _binding_path(ctx: RuleContext, binding: module_index.Binding) -> Path:
    return binding.module.found.path or ctx.source.path or Path()


def _contains(where: Range, position: Position) -> bool:
    return where.start <= position <= where.end


@dataclass(frozen=True)
class FileLink:
    range: Range  # the string's content
    target: Path
    keyword: str


def file_links(ctx: RuleContext) -> list[FileLink]:
    """String values of the launch keywords (and flags) that name files, where such a file exists."""
    script = ctx.source.path
    text = ctx.source.text
    if script is None or not any(k in text or k.replace("_", "-") in text for k in FILE_KEYWORDS):
        return []
    links = []
    for launch in ctx.launches:
        edits = launch_edits(launch)
        for keyword in FILE_KEYWORDS:
            option = launch.options.get(keyword)
            if option is None:
                continue
            if edits is not None:
                link = _command_file_link(ctx, edits, option)
            elif option.given_as is GivenAs.KEYWORD:
                link = _python_file_link(ctx, script, option.node, keyword)
            else:
                link = None
            if link is not None:
                links.append(link)
    return sorted(links, key=lambda link: link.range.start)


def _python_file_link(ctx: RuleContext, script: Path, node, keyword: str) -> FileLink | None:
    placed = _string_literal(node)
    if placed is None or not placed.text:
        return None
    target = _existing_file(ctx, script, placed.text)
    return None if target is None else FileLink(_range(ctx, placed, 0), target, keyword)


def _command_file_link(ctx: RuleContext, edits: CommandEdits, option) -> FileLink | None:
    """`--env-file .env` or `--env-file=.env`, the file looked for where the command starts."""
    handle = option.handle if option.given_as is GivenAs.FLAG and isinstance(option.handle, tuple) else None
    if handle is None:
        return None
    placed = _argument_places(edits.parsed.arguments[handle[-1]])
    if placed is not None and handle[0] == handle[-1]:
        equals = placed.text.find("=")
        placed = placed.sliced(equals + 1) if equals >= 0 else None
    if placed is None or not placed.text:
        return None
    folder, name = posixpath.split(posixpath.normpath(placed.text))
    for directory in edits.directories:
        for root in directory.roots_for(folder or ".") or ():
            if (root / name).is_file():
                return FileLink(_range(ctx, placed, 0), root / name, option.label)
    return None


def _existing_file(ctx: RuleContext, script: Path, text: str) -> Path | None:
    """A relative path is opened from the current folder: the workspace root, a launch's folder
    or the script's own."""
    path = Path(text).expanduser()
    if path.is_absolute():
        return path if path.is_file() else None
    folders = [ctx.workspace.root, *(search_path.launch.root for search_path in import_resolution.search_paths(ctx))]
    folders.append(script.parent)
    for folder in dict.fromkeys(folders):
        if (folder / path).is_file():
            return folder / path
    return None


# ---------------------------------------------------------------------------
# Hover


def hover(ctx: RuleContext, position: Position) -> tuple[Range, str] | None:
    """Markdown for the import string, the uvicorn keyword or the flag under the cursor."""
    hit = string_at(ctx, position)
    if hit is not None:
        launch, _ = hit
        return launch.range(0, len(launch.text)), _string_hover(ctx, launch)
    if not ctx.is_python:
        return _flag_hover(ctx, position)
    return _keyword_hover(ctx, position)


def _flag_hover(ctx: RuleContext, position: Position) -> tuple[Range, str] | None:
    slot = _command_slot(ctx, position)
    if slot is None or slot.is_value or slot.launch.server is not Server.UVICORN:
        return None
    argument = slot.edits.parsed.arguments[slot.index]
    flag = argument.value.partition("=")[0]
    spec = slot.edits.table.by_flag(flag)
    if spec is None:
        return None
    cli = cli_options(ctx).get(spec.name)
    text = [f"**uvicorn** option `{flag}` (parameter `{spec.name}`)", ""]
    if cli is not None and cli.help:
        text += [cli.help, ""]
    text.append(f"Takes: {_takes(spec)}" if spec.takes_value else "A switch: takes no value.")
    if cli is not None and cli.default is not None:
        text += ["", f"Default: `{cli.default}`"]
    return slot.replace, "\n".join(text)


def _string_hover(ctx: RuleContext, launch: LaunchString) -> str:
    lines = [f"**uvicorn import string** `{launch.text}`", ""]
    parts = import_resolution.split_import_string(launch.text)
    if parts is None:
        return "\n".join([*lines, 'uvicorn needs the form `"module:attribute"`.'])
    if not launch.search_paths:
        why = (
            "the file edits `sys.path` or `app_dir`"
            if ctx.is_python
            else "the folder the command starts in, or what is on its `sys.path`, is not known here"
        )
        return "\n".join([*lines, f"Where it loads from cannot be known: {why}."])
    module_name, attributes = parts
    resolutions = [import_resolution.resolve(ctx, module_name, attributes, path) for path in launch.search_paths]
    target = next((r.binding for r in resolutions if r.binding is not None), None)
    for resolution in resolutions:
        command = resolution.search_path.launch.command
        lines.append(f"- `{command}`: {_outcome(ctx, resolution, module_name, attributes, target)}")
    return "\n".join(lines)


def _outcome(
    ctx: RuleContext,
    resolution: import_resolution.Resolution,
    module_name: str,
    attributes: str,
    target: module_index.Binding | None,
) -> str:
    found = resolution.module
    if resolution.outcome is import_resolution.Outcome.LOADS:
        where = _display(ctx, found.path) if isinstance(found, module_index.FoundModule) and found.path else module_name
        if resolution.binding is None:
            return f"loads `{where}` → `{attributes}`"
        described = describe(resolution.binding)
        line = resolution.binding.leaf.start_pos[0]
        place = _display(ctx, _binding_path(ctx, resolution.binding))
        defined = f" (defined in `{place}`)" if place != where else ""
        return f"loads `{where}` → `{attributes}`, {described.detail}, line {line}{defined}"
    if resolution.outcome is import_resolution.Outcome.UNKNOWN:
        return "may load; something dynamic decides"
    reason = (
        f"no module `{found.missing}`"
        if isinstance(found, module_index.MissingModule)
        else f"`{module_name}` has a relative import and no package"
        if resolution.outcome is import_resolution.Outcome.NO_PARENT_PACKAGE
        else f"`{module_name}` imports `{resolution.sibling}`, found only "
        + (f"in {resolution.sibling_folder.name}/" if resolution.sibling_folder else "beside it")
        if resolution.outcome is import_resolution.Outcome.SIBLING_NOT_FOUND
        else f"`{module_name}` has no attribute `{attributes.split('.')[resolution.missing_at]}`"
    )
    if target is not None and target.module.found.path is not None:
        name = import_resolution.import_name(ctx, target.module.found.path, resolution.search_path)
        if name is not None:
            return f"does not load ({reason}); here it would be `{name}:{attributes}`"
    return f"does not load ({reason})"


def _display(ctx: RuleContext, path: Path | None) -> str:
    if path is None:
        return "?"
    try:
        return path.relative_to(ctx.workspace.root).as_posix()
    except ValueError:
        return path.as_posix()


def _keyword_hover(ctx: RuleContext, position: Position) -> tuple[Range, str] | None:
    if "uvicorn" not in ctx.source.text:
        return None
    try:
        leaf = ctx.source.tree.get_leaf_for_position((position.line + 1, position.character))
    except ValueError:
        return None
    if leaf is None or leaf.type != "name" or leaf.parent.type != "argument" or leaf.parent.children[0] is not leaf:
        return None
    trailer = leaf.parent.parent if leaf.parent.parent.type == "trailer" else leaf.parent.parent.parent
    call = _launch_call(ctx, trailer)
    if call is None:
        return None
    option = (launch_options(ctx, call.qualname or "") or {}).get(leaf.value)
    if option is None:
        return None
    text = [f"**{call.qualname}** keyword `{option.name}`", ""]
    if option.help:
        text.append(option.help + (f" (command line: `{option.flag}`)" if option.flag else ""))
        text.append("")
    text.append(f"Default: `{option.default}`" if option.default is not None else "Required.")
    return node_range(leaf), "\n".join(text)


# ---------------------------------------------------------------------------
# Renames


def rename_range(ctx: RuleContext, position: Position) -> tuple[Range, str] | None:
    """The attribute segment under the cursor, when it names something a rename can follow."""
    hit = string_at(ctx, position)
    if hit is None:
        return None
    launch, offset = hit
    segment = launch.segment(offset)
    if segment.part is not Part.ATTRIBUTE or segment.begin == segment.end:
        return None
    if not any(_binding_of(ctx, launch, segment, path) is not None for path in launch.search_paths):
        return None
    return launch.range(segment.begin, segment.end), launch.text[segment.begin : segment.end]


Edits = dict[Path, set[TextEdit]]


def is_bindable_name(name: str) -> bool:
    """A name code can bind: an identifier that is no keyword (`class = FastAPI()` does not parse)."""
    return name.isidentifier() and not iskeyword(name)


def rename(ctx: RuleContext, position: Position, new_name: str, files: Iterable[Path]) -> Edits | None:
    """Edits renaming the attribute under the cursor: its definition, its Python references
    (jedi's), and every launch string of `files` that names it. None: nothing to rename."""
    if not is_bindable_name(new_name):
        raise ValueError(f"`{new_name}` is not a name Python code can bind")
    hit = string_at(ctx, position)
    if hit is None:
        return None
    launch, offset = hit
    segment = launch.segment(offset)
    if segment.part is not Part.ATTRIBUTE:
        return None
    targets = {
        _identity(ctx, binding)
        for path in launch.search_paths
        if (binding := _binding_of(ctx, launch, segment, path)) is not None
    }
    if not targets:
        return None
    old_name = launch.text[segment.begin : segment.end]
    edits: Edits = {}
    for path, start in targets:
        _add_references(ctx.workspace, path, start, old_name, new_name, edits)
    for path in files:
        _rename_in_strings(ctx, path, targets, old_name, new_name, edits)
    return edits


def _identity(ctx: RuleContext, binding: module_index.Binding) -> tuple[Path, tuple[int, int]]:
    return _binding_path(ctx, binding), binding.leaf.start_pos


def _add_references(
    workspace: Workspace, path: Path, start: tuple[int, int], old_name: str, new_name: str, edits: Edits
) -> None:
    """The definition and its references across the project, as jedi finds them."""
    line, column = start
    edits.setdefault(path, set()).add(
        TextEdit(Range(Position(line - 1, column), Position(line - 1, column + len(old_name))), new_name)
    )
    text = workspace.read_module(path)
    if text is None:
        return
    script = Resolver(SourceFile(text, path), workspace).script
    if script is None:
        return
    try:
        references = script.get_references(line, column, scope="project")
    except Exception:  # jedi failing leaves the definition and the strings renamed
        return
    for reference in references:
        if reference.name != old_name or reference.module_path is None or reference.line is None:
            continue
        start_position = Position(reference.line - 1, reference.column)
        edits.setdefault(Path(reference.module_path), set()).add(
            TextEdit(
                Range(start_position, Position(start_position.line, start_position.character + len(old_name))), new_name
            )
        )


def _rename_in_strings(
    ctx: RuleContext,
    path: Path,
    targets: set[tuple[Path, tuple[int, int]]],
    old_name: str,
    new_name: str,
    edits: Edits,
) -> None:
    other = _context_of(ctx, path)
    if other is None or old_name not in other.source.text:
        return
    for launch in launch_strings(other):
        if launch.colon <= 0:
            continue
        start = launch.colon + 1
        for part in launch.text[start:].split("."):
            if part == old_name:
                segment = Segment(Part.ATTRIBUTE, start, start + len(part))
                if any(
                    (binding := _binding_of(other, launch, segment, search_path)) is not None
                    and _identity(other, binding) in targets
                    for search_path in launch.search_paths
                ):
                    edits.setdefault(path, set()).add(TextEdit(launch.range(segment.begin, segment.end), new_name))
            start += len(part) + 1


def _context_of(ctx: RuleContext, path: Path) -> RuleContext | None:
    """Another file of the workspace parsed, or `ctx` itself; None when it cannot be read or names no launch."""
    if path == ctx.source.path:
        return ctx
    text = ctx.workspace.read_module(path)
    if text is None or not may_launch(text, path):
        return None
    return parse(text, path, ctx.workspace)


def moved_module_edits(workspace: Workspace, moves: list[tuple[Path, Path]], files: Iterable[Path]) -> Edits:
    """Edits to the launch strings of `files` whose module is a moved file or lies in a moved folder."""
    edits: Edits = {}
    for path in files:
        text = workspace.read_module(path)
        if text is None or not may_launch(text, path):
            continue
        ctx = parse(text, path, workspace)
        for launch in launch_strings(ctx):
            renamed = _renamed_module(ctx, launch, moves)
            if renamed is not None:
                edits.setdefault(path, set()).add(TextEdit(launch.range(0, len(launch.module)), renamed))
    return edits


def _renamed_module(ctx: RuleContext, launch: LaunchString, moves: list[tuple[Path, Path]]) -> str | None:
    """The module name the string needs once the files move, under the first launch it loads with."""
    index = ctx.workspace.modules
    for search_path in launch.search_paths:
        found = index.find(launch.module, search_path.roots, ctx.depends_on)
        if not isinstance(found, module_index.FoundModule):
            continue
        place = found.path if found.path is not None else (found.folders[0] if found.folders else None)
        if place is None:
            continue
        for old, new in moves:
            if place != old and not place.is_relative_to(old):
                continue
            moved = new / place.relative_to(old) if place != old else new
            for root in search_path.roots:
                if layout.module_name(place, root) == launch.module:
                    renamed = layout.module_name(moved, root)
                    return renamed if renamed is not None and renamed != launch.module else None
    return None
