"""Static values of arguments: literals, constant names and dict unpacking.

A value is either known (every way the expression can be bound gives a
literal) or unknown, with a short human description of where it comes from so
messages can say *when* a problem happens ("when RELOAD is true").
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import syntax
from .parso_types import Node, leaves
from .source import node_code

_MAX_DEPTH = 8
# An f-string whose fields each take several values has their product of
# values; past this many the value is left unknown.
_MAX_FSTRING_CANDIDATES = 16


@dataclass(frozen=True)
class Value:
    """`candidates` holds every literal the expression may take; None if unknown."""

    candidates: tuple | None
    source: str  # the expression as written, shortened
    env_var: str | None = None  # the environment variable it is read from
    is_string: bool = False  # known to be a str even when its text is not (f-strings)

    @property
    def known(self) -> bool:
        return self.candidates is not None

    def all(self, predicate) -> bool | None:
        """True/False when every candidate agrees, None when not known or mixed."""
        if self.candidates is None:
            return None
        results = {bool(predicate(candidate)) for candidate in self.candidates}
        return results.pop() if len(results) == 1 else None

    def truthy(self) -> bool | None:
        return self.all(bool)

    def int_above(self, limit: int) -> bool | None:
        def above(candidate) -> bool:
            return isinstance(candidate, int) and not isinstance(candidate, bool) and candidate > limit

        return self.all(above)

    def describe_condition(self, condition: str) -> str:
        """`when RELOAD is true` / `when settings.reload is true`."""
        subject = self.env_var or f"`{self.source}`"
        return f"when {subject} {condition}"


@dataclass
class _NameIndex:
    """One name's leaves by namespace (keys: id() of the function, class or module node)."""

    by_scope: dict[int, list] = field(default_factory=dict)
    definitions: dict[int, list] = field(default_factory=dict)
    global_in: set[int] = field(default_factory=set)  # functions declaring the name `global`


class Evaluator:
    """Evaluates parso expression nodes of one module."""

    def __init__(self, used_names: Mapping[str, list]):
        self._used_names = used_names
        self._indexes: dict[str, _NameIndex] = {}
        self._mutations: dict[str, bool] = {}

    def evaluate(self, node, depth: int = 0) -> Value:
        source = _shorten(node_code(node))
        if depth > _MAX_DEPTH:
            return Value(None, source)
        if node.type in ("string", "strings", "fstring") or (
            node.type == "atom" and node.children[0].type in ("string", "fstring")
        ):
            literal = syntax.literal_value(node, _UNKNOWN)
            if literal is _UNKNOWN:  # f-string or implicit concatenation with one
                return Value(self._fstring_candidates(node, depth), source, is_string=True)
            return Value((literal,), source, is_string=True)
        literal = syntax.literal_value(node, _UNKNOWN)
        if literal is not _UNKNOWN:
            return Value((literal,), source, is_string=isinstance(literal, str))
        if node.type == "name":
            return self._evaluate_name(node, depth, source)
        if node.type == "atom" and node.children[0].value == "(" and len(node.children) == 3:
            return self.evaluate(node.children[1], depth + 1)
        converted = self._conversion(node, depth, source)
        if converted is not None:
            return converted
        return Value(None, source, env_var=environment_variable(node))

    def _conversion(self, node, depth: int, source: str) -> Value | None:
        """`int(WORKERS)`, `str(PORT)`, `bool(DEBUG)`, `float(...)` of a known value (the builtin, not shadowed)."""
        if node.type not in ("atom_expr", "power") or len(node.children) != 2 or node.children[0].type != "name":
            return None
        convert = _CONVERSIONS.get(node.children[0].value)
        trailer = node.children[1]
        if (
            convert is None
            or trailer.type != "trailer"
            or trailer.children[0].value != "("
            or len(trailer.children) != 3
        ):
            return None
        argument = trailer.children[1]
        if argument.type in ("arglist", "argument"):
            return None
        inner = self.evaluate(argument, depth + 1)
        if not inner.known and inner.env_var == environment_variable(node):
            # What a shadowed `int` gives too (the expression's own variable): no need to look for its bindings,
            # which reads every use of a name as common as `int`.
            return Value(None, source, env_var=inner.env_var)
        if self._is_bound(node.children[0].value):
            return None
        if not inner.known:
            return Value(None, source, env_var=inner.env_var)
        try:
            candidates = tuple(convert(candidate) for candidate in inner.candidates or ())
        except (TypeError, ValueError, OverflowError):
            return Value(None, source)
        return Value(candidates, source, is_string=convert is str)

    def _is_bound(self, name: str) -> bool:
        return any(leaf.is_definition() for leaf in self._used_names.get(name, ()))

    def _fstring_candidates(self, node, depth: int) -> tuple[str, ...] | None:
        """Values of an f-string whose fields are plain names of string constants."""
        if node.type == "atom":  # parenthesised
            node = node.children[1]
        parts = node.children if node.type == "strings" else [node]
        choices: list[tuple[str, ...]] = []
        for part in parts:
            if part.type == "string":
                literal = syntax.literal_value(part, _UNKNOWN)
                if not isinstance(literal, str):
                    return None
                choices.append((literal,))
                continue
            if part.type != "fstring":
                return None
            start = part.children[0].value
            prefix, quote = start.rstrip("'\"").replace("f", "").replace("F", ""), start.lstrip("fFrR")
            for piece in part.children[1:-1]:
                if piece.type == "fstring_string":
                    text = piece.value.replace("{{", "{").replace("}}", "}")
                    choices.append((ast.literal_eval(prefix + quote + text + quote),))
                    continue
                field = self.evaluate(piece.children[1], depth + 1) if len(piece.children) == 3 else None
                if (
                    field is None
                    or field.candidates is None
                    or not all(isinstance(candidate, str) for candidate in field.candidates)
                ):
                    return None
                choices.append(field.candidates)
        count = 1
        for options in choices:
            count *= len(options)
        if count > _MAX_FSTRING_CANDIDATES:
            return None
        return tuple("".join(combination) for combination in itertools.product(*choices))

    def assignments(self, name_leaf) -> list | None:
        """Right-hand sides of every binding of this name in the scope it is read in.

        None when some binding is not a plain assignment (parameter, loop
        target, augmented assignment, import...): the value cannot be known."""
        bindings = self.bindings(name_leaf)
        if not bindings:
            return None
        values = []
        for definition in bindings:
            statement = definition.parent
            if statement.type == "expr_stmt" and statement.children[0] is definition:
                rest = statement.children[1:]
                if len(rest) == 2 and rest[0].type == "operator" and rest[0].value == "=":
                    values.append(rest[1])
                    continue
                if len(rest) == 1 and rest[0].type == "annassign" and len(rest[0].children) == 4:
                    values.append(rest[0].children[3])
                    continue
            unpacked = _unpacked_value(definition)
            if unpacked is None:
                return None
            values.append(unpacked)
        return values

    def scope_of(self, leaf):
        """The namespace a name leaf lives in: its function's, or the module's where the function
        declares the name `global`."""
        definition = leaf.parent
        owner = definition if definition.type in ("funcdef", "classdef") and definition.name is leaf else leaf
        scope = syntax.enclosing_scope(owner)  # a def's own name lives where the def stands
        if scope is not None and scope.type == "funcdef" and id(scope) in self._index(leaf.value).global_in:
            return leaf.get_root_node()
        return scope

    def uses_in_scope(self, name: str, scope) -> list:
        """Every leaf of `name` (read or bound) whose namespace is `scope`."""
        return self._index(name).by_scope.get(id(scope), [])

    def bindings(self, name_leaf) -> list:
        """Definitions of this name in the function it is used in, else at module level."""
        index = self._index(name_leaf.value)
        scope = self.scope_of(name_leaf)
        while scope is not None:
            local = index.definitions.get(id(scope))
            if local:
                return local
            scope = syntax.enclosing_scope(scope) if scope.type != "file_input" else None
            # Class bodies are not visible from the methods inside them.
            while scope is not None and scope.type == "classdef":
                scope = syntax.enclosing_scope(scope)
        return []

    def _index(self, name: str) -> _NameIndex:
        """Where `name` is used and bound, by namespace: built once per name and check, so every
        lookup costs what the scopes on its way cost, not a scan of the module."""
        index = self._indexes.get(name)
        if index is None:
            index = self._indexes[name] = _NameIndex()
            leaves = self._used_names.get(name, ())
            index.global_in = {id(syntax.enclosing_scope(leaf)) for leaf in leaves if leaf.parent.type == "global_stmt"}
            for leaf in leaves:
                scope = self.scope_of(leaf)
                index.by_scope.setdefault(id(scope), []).append(leaf)
                if leaf.is_definition():
                    index.definitions.setdefault(id(scope), []).append(leaf)
        return index

    def _evaluate_name(self, node, depth: int, source: str) -> Value:
        assigned = self.assignments(node)
        if assigned is None:
            return Value(None, source)
        candidates: list = []
        is_string = True
        for value_node in assigned:
            value = self.evaluate(value_node, depth + 1)
            if value.candidates is None:
                return Value(None, source, env_var=value.env_var, is_string=is_string and value.is_string)
            candidates.extend(value.candidates)
            is_string = is_string and value.is_string
        return Value(tuple(candidates), source, is_string=is_string)

    def dict_keywords(self, node: Node) -> list[tuple[str, Node]] | None:
        """Keys and value nodes of a `**name` whose every binding is a dict literal."""
        if node.type != "name":
            return None
        assigned = self.assignments(node)
        if not assigned or len(assigned) != 1 or self._mutated(node.value):
            return None
        dict_node = syntax.literal_dict_node(assigned[0])
        return None if dict_node is None else list(syntax.dict_items(dict_node))

    def _mutated(self, name: str) -> bool:
        """`name[k] = v`, `del name[k]`, `name |= ...`, `name.update(...)`...: the literal is not the whole story."""
        if name not in self._mutations:
            self._mutations[name] = self._find_mutation(name)
        return self._mutations[name]

    def _find_mutation(self, name: str) -> bool:
        for leaf in self._used_names.get(name, ()):
            parent = leaf.parent
            if parent.type == "expr_stmt" and len(parent.children) == 3 and parent.children[1].value in _AUGMENTED:
                return True
            if parent.type not in ("atom_expr", "power") or parent.children[0] is not leaf or len(parent.children) < 2:
                continue
            trailer = parent.children[1]
            if trailer.children[0].value == "." and trailer.children[1].value in _MUTATING_METHODS:
                return True
            if trailer.children[0].value == "[":
                statement = parent.parent
                if statement.type == "del_stmt" or (
                    statement.type == "expr_stmt"
                    and statement.children[0] is parent
                    and statement.children[1].value != "=="
                ):
                    return True
        return False


def _unpacked_value(name_leaf):
    """The element assigned to `name_leaf` by `A, B = True, 1` (same-length tuples only)."""
    targets = name_leaf.parent
    if targets.type == "testlist_comp" and targets.parent.type == "atom":  # `(A, B) = ...`
        targets = targets.parent
    statement = targets.parent
    if statement.type != "expr_stmt" or statement.children[0] is not targets or len(statement.children) != 3:
        return None
    if statement.children[1].value != "=":
        return None
    names, values = _elements(targets), _elements(statement.children[2])
    if names is None or values is None or len(names) != len(values) or name_leaf not in names:
        return None
    return values[names.index(name_leaf)]


def _elements(node) -> list | None:
    if node.type == "atom" and len(node.children) == 3 and node.children[0].value in "([":
        node = node.children[1]
    if node.type not in ("testlist_star_expr", "testlist_comp", "exprlist", "testlist"):
        return None
    return [child for child in node.children if not (child.type == "operator" and child.value == ",")]


_UNKNOWN = object()
_CONVERSIONS = {"int": int, "str": str, "bool": bool, "float": float}
_AUGMENTED = {"|=", "+=", "-=", "&=", "^="}
_MUTATING_METHODS = {"update", "pop", "popitem", "setdefault", "clear", "__setitem__", "__delitem__"}


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def environment_variable(node) -> str | None:
    """`RELOAD` for `os.environ.get("RELOAD")`, `os.getenv("RELOAD", ...)`, `os.environ["RELOAD"]`,
    also when wrapped (`int(os.getenv("WORKERS", "1"))`, `... == "1"`)."""
    code = node.get_code()
    if "environ" not in code and "getenv" not in code:
        return None
    for leaf in leaves(node):
        if leaf.type != "string":
            continue
        previous = leaf.get_previous_leaf()
        if previous is None or previous.value not in ("(", "["):
            continue
        before = previous.get_previous_leaf()
        if before is not None and before.value in ("get", "getenv", "environ"):
            value = syntax.literal_value(leaf)
            if isinstance(value, str):
                return value
    return None
