"""What the syntax tree alone tells: imports, dotted names and call sites.

This is the fallback when jedi cannot resolve (uvicorn missing from the analysed
environment) and the cheap first pass that decides where jedi is asked at all.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass, field

from parso.python import tree

from .model import Range
from .parso_types import COMPOUND_STATEMENTS, Node, leaves
from .source import NameLeaves, node_code, node_range
from .text_cache import TextCache

# Full names jedi or the imports may give, mapped to the public name rules use.
CANONICAL_NAMES = {
    "uvicorn.main.run": "uvicorn.run",
    "uvicorn.config.Config": "uvicorn.Config",
    "uvicorn.server.Server": "uvicorn.Server",
    "uvicorn.server.Server.run": "uvicorn.Server.run",
    "uvicorn.server.Server.serve": "uvicorn.Server.serve",
}

# Where a statement of the module's blocks sits: compound statements, their blocks, the module.
_COMPOUND = COMPOUND_STATEMENTS | {"suite", "simple_stmt", "file_input", "error_node"}


def canonical(full_name: str) -> str:
    return CANONICAL_NAMES.get(full_name, full_name)


@dataclass
class ImportMap:
    """Local name → dotted name it was bound to by an import or a plain alias.

    Relative imports keep their leading dots (".core.app"); `ambiguous` holds
    names that are also bound some other way, so the syntax cannot decide."""

    names: dict[str, str] = field(default_factory=dict)
    ambiguous: Set[str] = field(default_factory=frozenset)
    star_imports: list[str] = field(default_factory=list)  # `from X import *`: X as written (".x" kept)
    # The words whose places found the statements it is built from (`import` and the names followed): a
    # change of the text that mentions none of them changes none of those statements.
    found_by: frozenset[str] = frozenset()

    def in_tree(self, used_names: NameLeaves | None) -> ImportMap:
        """The same imports, in another tree of the module whose import and alias statements are these: which
        names are bound some other way too is worked out in that tree (None: in no tree yet, none is)."""
        ambiguous = frozenset() if used_names is None else _AmbiguousNames(self.names, used_names)
        return dataclasses.replace(self, ambiguous=ambiguous)

    def qualify(self, dotted: str) -> str | None:
        root, _, rest = dotted.partition(".")
        if root not in self.names or root in self.ambiguous:
            return None
        base = self.names[root]
        return canonical(f"{base}.{rest}" if rest else base)


def build_import_map(module: tree.Module, used_names: NameLeaves) -> ImportMap:
    """Every import statement, at any depth of blocks, and the aliases of what they bind
    (`serve = uvicorn.run`), applied in the order they appear. They are found from the places of
    the `import` keyword and of the names they bind, not by walking every statement."""
    result = ImportMap()
    statements = {
        id(keyword.parent): keyword.parent
        for keyword in used_names.keyword_leaves("import")
        if keyword.parent.type in ("import_name", "import_from") and _is_statement(keyword.parent)
    }
    pending = [alias for statement in statements.values() for alias in _bound_names(statement)]
    looked_up: set[str] = set()
    while pending:  # names an import binds, then the names of their aliases
        name = pending.pop()
        if name in looked_up:
            continue
        looked_up.add(name)
        for leaf in used_names.get(name, ()):
            statement = _alias_statement(leaf)
            if statement is not None and id(statement) not in statements and _is_statement(statement):
                statements[id(statement)] = statement
                pending.append(statement.children[0].value)
    for statement in sorted(statements.values(), key=lambda statement: statement.start_pos):
        if statement.type == "import_name":
            for alias, path in _import_name_bindings(statement):
                result.names[alias] = path
        elif statement.type == "import_from":
            prefix = "." * statement.level
            source = ".".join(n.value for n in statement.get_from_names()) if _has_from_names(statement) else ""
            if statement.is_star_import():
                result.star_imports.append(prefix + source)
            for original, alias in statement._as_name_tuples():
                if original.value == "*":
                    continue
                base = prefix + source
                joiner = "" if base.endswith(".") or not base else "."
                result.names[(alias or original).value] = f"{base}{joiner}{original.value}"
        else:
            _record_alias(statement, result)
    result.found_by = frozenset({"import", *looked_up})
    return result.in_tree(used_names)


def _is_statement(node) -> bool:
    """Whether `node` is a statement of the module's blocks, at any depth, not one inside an expression."""
    return all(parent.type in _COMPOUND for parent in _ancestors(node))


def _ancestors(node) -> Iterator:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _bound_names(statement) -> list[str]:
    if statement.type == "import_name":
        return [alias for alias, _ in _import_name_bindings(statement)]
    return [(alias or original).value for original, alias in statement._as_name_tuples() if original.value != "*"]


def _alias_statement(leaf):
    """The `name = leaf...` statement whose value's dotted name starts with `leaf`, else None."""
    value = leaf
    if leaf.parent.type in ("atom_expr", "power") and leaf.parent.children[0] is leaf:
        value = leaf.parent
    statement = value.parent
    if (
        statement.type == "expr_stmt"
        and len(statement.children) == 3
        and statement.children[2] is value
        and statement.children[0].type == "name"
    ):
        return statement
    return None


class _AmbiguousNames(Set[str]):
    """The imported names that are also bound some other way, worked out per name when asked."""

    def __init__(self, names: Mapping[str, str], used_names: Mapping[str, list]):
        self._names = names
        self._used_names = used_names
        self._known: dict[str, bool] = {}

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or name not in self._names:
            return False
        if name not in self._known:
            self._known[name] = any(
                leaf.is_definition() and not _is_binding_we_know(leaf) for leaf in self._used_names.get(name, ())
            )
        return self._known[name]

    def __iter__(self) -> Iterator[str]:
        return iter([name for name in self._names if name in self])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _has_from_names(statement) -> bool:
    try:
        return bool(statement.get_from_names())
    except (AttributeError, IndexError):
        return False


def _import_name_bindings(statement) -> Iterator[tuple[str, str]]:
    for path_names, alias in _dotted_as_names(statement):
        dotted = ".".join(n.value for n in path_names)
        if alias is not None:
            yield alias.value, dotted
        else:
            # `import uvicorn.main` binds `uvicorn` to the package.
            yield path_names[0].value, path_names[0].value


def _dotted_as_names(statement):
    try:
        return list(statement._dotted_as_names())
    except (AttributeError, IndexError, ValueError):
        return []


def _record_alias(statement, result: ImportMap) -> None:
    """`serve = uvicorn.run` makes `serve` an alias when the right side is known."""
    children = statement.children
    if len(children) != 3 or children[1].type != "operator" or children[1].value != "=":
        return
    target, value = children[0], children[2]
    if target.type != "name":
        return
    dotted = dotted_name(value)
    if dotted is None:
        return
    qualified = result.qualify(dotted)
    if qualified is not None:
        result.names[target.value] = qualified


def _is_binding_we_know(leaf) -> bool:
    parent = leaf.parent
    while parent is not None and parent.type in (
        "dotted_as_name",
        "import_as_name",
        "dotted_as_names",
        "import_as_names",
        "dotted_name",
    ):
        parent = parent.parent
    if parent is not None and parent.type in ("import_name", "import_from"):
        return True
    return parent is not None and parent.type == "expr_stmt" and dotted_name(parent.children[-1]) is not None


def dotted_name(node) -> str | None:
    """`a.b.c` for a name or attribute chain without calls or subscripts."""
    if node.type == "name":
        return node.value
    if node.type in ("atom_expr", "power") and node.children[0].type == "name":
        parts = [node.children[0].value]
        for trailer in node.children[1:]:
            if trailer.type != "trailer" or trailer.children[0].value != ".":
                return None
            parts.append(trailer.children[1].value)
        return ".".join(parts)
    return None


@dataclass
class Argument:
    value: Node  # parso node of the value
    node: Node  # the whole argument node, for edits that remove it
    name: str | None = None  # keyword name, None for a positional argument
    from_dict: bool = False  # came from `**{"key": value}`

    @property
    def range(self) -> Range:
        """Where a finding about it points: `name=value`, or the value alone inside a `**` dict."""
        return node_range(self.value if self.from_dict else self.node)


@dataclass
class CallSite:
    """One call `callee(args)` found in the tree."""

    callee_dotted: str  # as written, e.g. "uv.run"
    callee_leaf: Node  # last name of the callee, where jedi is asked
    node: Node  # the atom_expr/power holding the call
    trailer: Node  # the `( ... )` trailer of this call
    positional: list[Argument] = field(default_factory=list)
    keywords: dict[str, Argument] = field(default_factory=dict)
    star_args: list[Node] = field(default_factory=list)  # `*x` / `**x` not expanded
    qualname: str | None = None  # set once resolved, e.g. "uvicorn.run"

    def argument(self, keyword: str, position: int | None = None) -> Argument | None:
        if keyword in self.keywords:
            return self.keywords[keyword]
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return None

    @property
    def arguments(self) -> list[Argument]:
        return [*self.positional, *self.keywords.values()]


def calls_named(used_names: Mapping[str, list], names: set[str]) -> Iterator[CallSite]:
    """Calls whose callee chain starts or ends with one of `names`."""
    seen: set[int] = set()
    for name in names:
        for leaf in used_names.get(name, ()):
            for call in _calls_through(leaf):
                if id(call.trailer) not in seen:
                    seen.add(id(call.trailer))
                    yield call


def _calls_through(leaf) -> Iterator[CallSite]:
    """Calls in the chain `leaf` belongs to where `leaf` is the callee's root or last name."""
    parent = leaf.parent
    if parent.type == "trailer":
        chain = parent.parent
    elif parent.type in ("atom_expr", "power") and parent.children[0] is leaf:
        chain = parent
    else:
        return
    if chain.type not in ("atom_expr", "power"):
        return
    children = chain.children
    start = 1 if children[0].type != "keyword" else None
    if start is None or children[0].type != "name":
        return
    parts = [children[0].value]
    last_name = children[0]
    for index in range(1, len(children)):
        trailer = children[index]
        if trailer.type != "trailer":
            return
        opener = trailer.children[0].value
        if opener == ".":
            last_name = trailer.children[1]
            parts.append(last_name.value)
        elif opener == "(":
            if leaf is children[0] or leaf is last_name:
                yield _call_site(".".join(parts), last_name, chain, trailer)
            # Past a call the chain is an attribute of a result, e.g.
            # `uvicorn.Server(config).run()`: keep the dotted text for context.
            parts.append("()")
        else:
            parts.append("[]")


def _call_site(dotted: str, callee_leaf, chain, trailer) -> CallSite:
    site = CallSite(callee_dotted=dotted, callee_leaf=callee_leaf, node=chain, trailer=trailer)
    if len(trailer.children) == 2:
        return site
    inner = trailer.children[1]
    arguments = inner.children if inner.type == "arglist" else [inner]
    for argument in arguments:
        if argument.type == "operator":
            continue
        if argument.type == "argument":
            first = argument.children[0]
            if first.type == "operator" and first.value in ("*", "**"):
                value = argument.children[1]
                if first.value == "**" and _expand_dict(value, argument, site):
                    continue
                site.star_args.append(argument)
            elif (
                len(argument.children) >= 3
                and argument.children[1].type == "operator"
                and argument.children[1].value == "="
            ):
                if first.type != "name":  # `relo/d_dirs=...` mid-typing: no keyword anyone can name
                    continue
                site.keywords[first.value] = Argument(argument.children[2], argument, name=first.value)
            else:  # a generator expression argument
                site.positional.append(Argument(argument, argument))
        else:
            site.positional.append(Argument(argument, argument))
    return site


def _expand_dict(value, argument, site: CallSite) -> bool:
    """Fold the keys of `**{"reload": True}` (or `**dict(reload=True)`) into keywords."""
    dict_node = literal_dict_node(value)
    if dict_node is None:
        return False
    for key, item in dict_items(dict_node):
        site.keywords.setdefault(key, Argument(item, argument, name=key, from_dict=True))
    return True


def literal_dict_node(node):
    if node.type == "atom" and node.children[0].value == "{":
        return node
    if node.type in ("atom_expr", "power") and dotted_name(node.children[0]) == "dict" and len(node.children) == 2:
        return node
    return None


def dict_items(node: Node) -> Iterator[tuple[str, Node]]:
    """String keys and value nodes of `{...}` or `dict(k=v)`; stops at anything else."""
    if node.type == "atom":
        maker = node.children[1] if len(node.children) == 3 else None
        if maker is None or maker.type != "dictorsetmaker":
            return
        children = maker.children
        index = 0
        while index + 2 < len(children) and children[index + 1].type == "operator" and children[index + 1].value == ":":
            key, value = children[index], children[index + 2]
            literal = literal_value(key) if key.type in ("string", "strings") else None
            if isinstance(literal, str):
                yield literal, value
            index += 4  # key, ':', value, ','
    else:
        trailer = node.children[1]
        if trailer.type != "trailer" or len(trailer.children) != 3:
            return
        inner = trailer.children[1]
        arguments = inner.children if inner.type == "arglist" else [inner]
        for argument in arguments:
            if argument.type == "argument" and len(argument.children) == 3 and argument.children[1].value == "=":
                yield argument.children[0].value, argument.children[2]


def literal_value(node, default=None):
    """The value of a literal display (numbers, strings, containers), else `default`."""
    if node.type in _NEVER_LITERALS:  # a call, a name, a comparison...: no compile needed to tell
        return default
    code = node_code(node)
    value = _SCALAR_LITERALS.get(code, lambda: _scalar_literal(code)) if len(code) <= 200 else _CONTAINER
    if value is _CONTAINER:
        try:
            return ast.literal_eval(code)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return default
    return default if value is _NOT_A_LITERAL else value


# Nodes no literal display is (`True`, `None` are keywords; `-1` a factor; `1 + 2j` an arith_expr).
_NEVER_LITERALS = frozenset(
    {"name", "atom_expr", "power", "term", "comparison", "not_test", "and_test", "or_test", "test", "lambdef"}
)
# The same few literals (`"main:app"`, `True`, `8000`) are read at every keystroke, and compiling one costs more
# than the rest of its look-up. Containers are mutable: they are evaluated anew each time.
_SCALAR_LITERALS: TextCache[str, object] = TextCache(4096)
_NOT_A_LITERAL = object()
_CONTAINER = object()


def _scalar_literal(code: str) -> object:
    try:
        value = ast.literal_eval(code)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NOT_A_LITERAL
    return value if isinstance(value, (str, bytes, int, float, complex, bool, type(None))) else _CONTAINER


def enclosing_scope(node):
    """The function, class or module whose namespace `node` is evaluated in."""
    parent = node.parent
    while parent is not None and parent.type not in ("funcdef", "classdef", "file_input", "lambdef"):
        parent = parent.parent
    return parent


def is_async(function: Node) -> bool:
    """Whether a `funcdef` is an `async def`."""
    return function.parent.type in ("async_funcdef", "async_stmt")


def is_under_main_guard(node) -> bool:
    """True when an enclosing `if` tests `__name__ == "__main__"`."""
    return "__main__" in name_guards(node)


def name_guards(node) -> list[str]:
    """The module names the enclosing `if __name__ == "NAME":` tests require, innermost first: the code runs only
    when the module is run or imported under each (`"__main__"` for a script's guard)."""
    names: list[str] = []
    parent = node.parent
    while parent is not None:
        if parent.type == "if_stmt":
            for index, child in enumerate(parent.children):
                if child.type == "keyword" and child.value in ("if", "elif"):
                    test = parent.children[index + 1]
                    # Its tokens alone: `if (__name__ == '__main__'):` and a test broken over lines are guards too.
                    code = "".join(leaf.value for leaf in leaves(test)).replace("'", '"')
                    while code.startswith("(") and code.endswith(")"):
                        code = code[1:-1]
                    guarded = _NAME_GUARD.fullmatch(code)
                    if guarded is not None:
                        suite = parent.children[index + 3]
                        if suite.start_pos <= node.start_pos <= suite.end_pos:
                            names.append(guarded.group(1) or guarded.group(2))
        parent = parent.parent
    return names


# `__name__=="NAME"` or `"NAME"==__name__`, as the test's tokens read joined.
_NAME_GUARD = re.compile(r'__name__=="([\w.]+)"|"([\w.]+)"==__name__')


@dataclass(frozen=True)
class Callee:
    dotted: str  # "a.b.c"
    root: Node  # leaf `a`
    last: Node  # leaf `c`


def callee_of(node) -> Callee | None:
    """For a call `a.b.c(...)`, its callee; None for anything else."""
    if node.type not in ("atom_expr", "power") or node.children[0].type != "name":
        return None
    *chain, call = node.children
    if call.type != "trailer" or call.children[0].value != "(":
        return None
    parts, last = [chain[0].value], chain[0]
    for trailer in chain[1:]:
        if trailer.type != "trailer" or trailer.children[0].value != ".":
            return None
        last = trailer.children[1]
        parts.append(last.value)
    return Callee(".".join(parts), chain[0], last)


def call_keywords(node: Node) -> dict[str, Node]:
    """The keyword arguments (name → value node) of the call `node`, e.g. `SimpleNamespace(app=...)`."""
    trailer = node.children[-1]
    inner = trailer.children[1] if len(trailer.children) == 3 else None
    arguments = [] if inner is None else inner.children if inner.type == "arglist" else [inner]
    return {
        argument.children[0].value: argument.children[2]
        for argument in arguments
        if argument.type == "argument" and len(argument.children) == 3 and argument.children[1].value == "="
    }


def call_has_arguments(node) -> bool:
    return len(node.children[-1].children) > 2


def indent_unit(module: tree.Module) -> str:
    """The indentation of one block level in this file; four spaces when it has no blocks."""
    for statement in module.children:
        node = statement
        while hasattr(node, "children") and node.type != "suite":
            node = node.children[-1]  # down through decorators, async and else parts
        if node.type == "suite" and len(node.children) > 1:
            indentation = node.children[1].get_first_leaf().prefix.rpartition("\n")[2]
            if indentation and not indentation.strip(" \t"):
                return indentation
    return "    "
