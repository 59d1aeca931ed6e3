"""Import strings under the cursor: completion, definition, hover and renames.

An import string of a launch (`uvicorn.run("pkg.main:app")`, `uvicorn.Config(...)`)
is resolved exactly as the rules resolve it (import_resolution.py, per launch of the file);
this module only finds the string and the dotted segment at a position, lists
what could stand there, and turns resolutions into places and edits. It also
knows uvicorn's own keywords (signature and `--help` text of the analysed
uvicorn, read from its source) and the keywords that name files.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import app_kinds, import_resolution, layout, module_index, syntax
from .context import RuleContext
from .launch import SearchPath
from .model import Position, Range, TextEdit
from .python_launches import search_paths_of_call
from .resolver import Resolver
from .source import SourceFile, node_range
from .workspace import Workspace

LAUNCH_CALLS = ("uvicorn.run", "uvicorn.Config")
# Keywords whose string value is a file uvicorn opens (relative to the current folder).
FILE_KEYWORDS = ("ssl_certfile", "ssl_keyfile", "ssl_ca_certs", "env_file", "log_config")


def parse(text: str, path: Path | None, workspace: Workspace) -> RuleContext:
    """A document's text ready for the questions below (parso's diff cache makes re-parsing cheap).
    jedi may be asked (which uvicorn a bare `run(...)` is): call it on the analysis thread."""
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
    The last text parsed per file is kept, so questions between two edits parse nothing."""
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


@dataclass(frozen=True)
class LaunchString:
    """A string literal given as the app of a launch call."""

    text: str  # the literal's content
    line: int  # 0-based line of the content
    column: int  # code-point column of the content's first character
    search_paths: tuple[SearchPath, ...]

    def range(self, begin: int, end: int) -> Range:
        return Range(Position(self.line, self.column + begin), Position(self.line, self.column + end))

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


def launch_strings(ctx: RuleContext) -> Iterator[LaunchString]:
    """Every string literal passed as the app of `uvicorn.run` / `uvicorn.Config` in the file."""
    for call in ctx.calls_to(*LAUNCH_CALLS):
        found = _launch_string(ctx, call)
        if found is not None:
            yield found


def _launch_string(ctx: RuleContext, call: syntax.CallSite) -> LaunchString | None:
    argument = ctx.argument(call, "app", 0)
    if argument is None or argument.from_dict:
        return None
    value = argument.value
    literal = _literal_content(value) if value.type == "string" else None
    if literal is None:
        return None
    offset, content = literal
    line, column = value.start_pos
    return LaunchString(content, line - 1, column + offset, tuple(search_paths_of_call(ctx, call)))


def string_at(ctx: RuleContext, position: Position) -> tuple[LaunchString, int] | None:
    """The launch string whose content holds `position`, and the cursor's offset into it."""
    if not _inside_string_leaf(ctx, position):
        return None
    for found in launch_strings(ctx):
        if found.line == position.line and found.column <= position.character <= found.column + len(found.text):
            return found, position.character - found.column
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
    for returned in leaf.parent.iter_return_stmts():
        if len(returned.children) > 1:
            kind = app_kinds.app_call_kind(module, returned.children[1])
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
    """Completions at `position`: inside a launch's import string, or keyword names of a launch call."""
    hit = string_at(ctx, position)
    if hit is not None:
        launch, offset = hit
        segment = launch.segment(offset)
        if segment.part is Part.MODULE:
            return _module_candidates(ctx, launch, segment, offset)
        return Completions(_attribute_candidates(ctx, launch, segment))
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
                detail = ("package" if (folder / name).is_dir() else "module") if project else "installed"
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
    helps = _cli_help(main)
    options = {}
    for param in function.get_params():
        name = param.name.value
        if param.star_count or name == "self":
            continue
        default = param.default.get_code().strip() if param.default is not None else None
        flag, text = helps.get(name, (None, ""))
        options[name] = Option(name, default, text, flag)
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


def _cli_help(main: module_index.ParsedModule) -> dict[str, tuple[str, str]]:
    """Parameter name → (flag, help) from the `@click.option(...)` decorators of `main`."""
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
        help_text = next(
            (
                _string_value(a.children[2])
                for a in arguments
                if a.type == "argument" and a.children[0].type == "name" and a.children[0].value == "help"
            ),
            "",
        )
        flags = [name for name in names if isinstance(name, str) and name.startswith("-")]
        declared = [name for name in names if isinstance(name, str) and not name.startswith("-")]
        if not flags:
            continue
        longest = max(flags, key=len)
        parameter = declared[0] if declared else longest.lstrip("-").replace("-", "_")
        found[parameter] = (longest, " ".join(str(help_text).split()))
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
    for call in ctx.calls_to(*LAUNCH_CALLS):
        if call.trailer is trailer:
            return call, begin, end
    return None


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
    """String values of the launch keywords that name files, where such a file exists."""
    script = ctx.source.path
    if script is None or not any(keyword in ctx.source.text for keyword in FILE_KEYWORDS):
        return []
    links = []
    for call in ctx.calls_to(*LAUNCH_CALLS):
        for keyword in FILE_KEYWORDS:
            argument = call.keywords.get(keyword)
            value = argument.value if argument is not None else None
            if value is None or value.type != "string":
                continue
            literal = _literal_content(value)
            if literal is None or not literal[1]:
                continue
            offset, content = literal
            target = _existing_file(ctx, script, content)
            if target is None:
                continue
            line, column = value.start_pos
            start = Position(line - 1, column + offset)
            links.append(FileLink(Range(start, Position(line - 1, start.character + len(content))), target, keyword))
    return links


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
    """Markdown for the import string or the uvicorn keyword under the cursor."""
    hit = string_at(ctx, position)
    if hit is not None:
        launch, _ = hit
        return launch.range(0, len(launch.text)), _string_hover(ctx, launch)
    return _keyword_hover(ctx, position)


def _string_hover(ctx: RuleContext, launch: LaunchString) -> str:
    lines = [f"**uvicorn import string** `{launch.text}`", ""]
    parts = import_resolution.split_import_string(launch.text)
    if parts is None:
        return "\n".join([*lines, 'uvicorn needs the form `"module:attribute"`.'])
    if not launch.search_paths:
        return "\n".join([*lines, "Where it loads from cannot be known: the file edits `sys.path` or `app_dir`."])
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
    call = next((c for c in ctx.calls_to(*LAUNCH_CALLS) if c.trailer is trailer), None)
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


def rename(ctx: RuleContext, position: Position, new_name: str, files: Iterable[Path]) -> Edits | None:
    """Edits renaming the attribute under the cursor: its definition, its Python references
    (jedi's), and every launch string of `files` that names it. None: nothing to rename."""
    if not new_name.isidentifier():
        raise ValueError(f"`{new_name}` is not a Python identifier")
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
    if text is None or "uvicorn" not in text:
        return None
    return parse(text, path, ctx.workspace)


def moved_module_edits(workspace: Workspace, moves: list[tuple[Path, Path]], files: Iterable[Path]) -> Edits:
    """Edits to the launch strings of `files` whose module is a moved file or lies in a moved folder."""
    edits: Edits = {}
    for path in files:
        text = workspace.read_module(path)
        if text is None or "uvicorn" not in text:
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
