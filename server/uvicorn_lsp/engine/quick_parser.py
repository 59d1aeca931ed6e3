"""parso's parser with a cheaper token loop, building the very tree parso builds.

For each token, parso 0.8's `BaseParser._add_token` looks the token up in the transitions of the
nonterminal on top of its stack, and closes a finished nonterminal each time the lookup raises
KeyError: about five raises per token (an expression closes `atom`, `power`, `term`... `test` one by
one), with a method call per close and a generator wrapped around the tokens to count indents. That
loop is a fifth of a parse. The loop here asks the same tables with `dict.get`, closes nonterminals in
place and counts indents inline, and files each name leaf by name as it makes it (what parso's
`get_used_names()` would walk the whole tree for); everything else (tables, tokenizer, node classes, error
recovery) is parso's own. A parse of a whole text takes 20-25 % less time; tests/engine/test_quick_parser.py
compares the trees on valid, broken and mutated code.

Only for the parso line it was written from (0.8): with another, `parse_module` leaves parsing to parso.
"""

from __future__ import annotations

import parso
from parso.parser import InternalParseError, Stack
from parso.python import tree
from parso.python.parser import Parser
from parso.python.token import PythonTokenTypes
from parso.python.tree import UsedNamesMapping
from parso.utils import split_lines

from .parso_types import Node

_NAME = PythonTokenTypes.NAME
# Kinds whose tokens may be keywords or operators; compared by identity (an enum's hash is Python code).
_SYNTAX_KINDS = tuple(kind for kind in PythonTokenTypes if kind.value.contains_syntax)
_INDENT = PythonTokenTypes.INDENT
_DEDENT = PythonTokenTypes.DEDENT

WRITTEN_FOR = "0.8."


def parse_module(grammar: parso.Grammar, text: str) -> Node:
    """The module parso's `grammar.parse(text, error_recovery=True)` returns (no cache of any kind)."""
    if not parso.__version__.startswith(WRITTEN_FOR):
        return grammar.parse(text, diff_cache=False, cache=False, error_recovery=True)
    lines = split_lines(text, keepends=True)
    return _QuickParser(grammar._pgen_grammar).parse(grammar._tokenizer(lines))


class _StackNode:
    """parso's `StackNode` with slots: one is made for each nonterminal a token opens."""

    __slots__ = ("dfa", "nodes")

    def __init__(self, dfa) -> None:
        self.dfa = dfa
        self.nodes: list = []

    @property
    def nonterminal(self) -> str:
        return self.dfa.from_rule


class _QuickParser(Parser):
    def __init__(self, pgen_grammar) -> None:
        super().__init__(pgen_grammar, error_recovery=True, start_nonterminal="file_input")

    def parse(self, tokens):
        # The name leaves by name, as parso's `get_used_names()` finds them walking the tree afterwards: every leaf
        # made here ends in the tree (error recovery wraps, never drops, a name), in the order of the text.
        self._names: dict[str, list[tree.Name]] = {}
        first_dfa = self._pgen_grammar.nonterminal_to_dfas[self._start_nonterminal][0]
        self.stack = stack = Stack([_StackNode(first_dfa)])
        omitted_dedents = self._omit_dedent_list
        token = None
        for token in tokens:
            # parso's `_recovery_tokenize`: a DEDENT whose INDENT error recovery dropped is dropped too.
            kind = token[0]
            if kind is _DEDENT:
                if omitted_dedents and omitted_dedents[-1] == self._indent_counter:
                    omitted_dedents.pop()
                    self._indent_counter -= 1
                    continue
                self._indent_counter -= 1
            elif kind is _INDENT:
                self._indent_counter += 1
            self._add_token(token)
        while True:
            top = stack[-1]
            if not top.dfa.is_final:
                assert token is not None  # a tokenizer always yields the end marker
                raise InternalParseError("incomplete input", token.type, token.string, token.start_pos)
            if len(stack) == 1:
                module = self.convert_node(top.nonterminal, top.nodes)
                module._used_names = UsedNamesMapping(self._names)
                return module
            self._pop()

    def _add_token(self, token) -> None:
        stack = self.stack
        kind, value, start_pos, prefix = token
        reserved = self._pgen_grammar.reserved_syntax_strings
        transition = reserved.get(value, kind) if kind in _SYNTAX_KINDS else kind
        while True:
            top = stack[-1]
            plan = top.dfa.transitions.get(transition)
            if plan is not None:
                break
            if not top.dfa.is_final:
                self.error_recovery(token)
                return
            stack.pop()
            if not stack:
                raise InternalParseError("too much input", kind, value, start_pos)
            nodes = top.nodes
            # One child stands for the finished nonterminal itself (parso's `_pop`).
            stack[-1].nodes.append(nodes[0] if len(nodes) == 1 else self.convert_node(top.dfa.from_rule, nodes))
        top.dfa = plan.next_dfa
        for pushed in plan.dfa_pushes:
            top = _StackNode(pushed)
            stack.append(top)
        if kind is _NAME:
            if value in reserved:
                top.nodes.append(tree.Keyword(value, start_pos, prefix))
            else:
                name = tree.Name(value, start_pos, prefix)
                top.nodes.append(name)
                self._names.setdefault(value, []).append(name)
        else:
            top.nodes.append(self._leaf_map.get(kind, tree.Operator)(value, start_pos, prefix))
