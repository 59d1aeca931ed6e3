"""The one type the package gives parso syntax-tree nodes, and the one walk over their leaves.

parso's classes are annotated, but the code reads a node by its grammar `type` string (`node.type == "name"`,
then `.value`; `"atom_expr"`, then `.children`), which mypy cannot narrow to a class: the common base
`NodeOrLeaf` has neither `.value` nor `.children`, and `BaseNode.children` is typed as that base. So a parso
node is typed `Node`, an alias of `Any`; every place that holds one says so through this name.
"""

from collections.abc import Iterator
from typing import Any

Node = Any

# Statements whose indented blocks hold other statements.
COMPOUND_STATEMENTS = frozenset(
    {
        "async_funcdef",
        "async_stmt",
        "case_block",
        "classdef",
        "decorated",
        "for_stmt",
        "funcdef",
        "if_stmt",
        "match_stmt",
        "try_stmt",
        "while_stmt",
        "with_stmt",
    }
)


def leaves(node: Node) -> Iterator[Node]:
    """The leaves under `node` (itself when it is one), in text order; no recursion, as nesting can be deep."""
    stack = [node]
    while stack:
        current = stack.pop()
        children = getattr(current, "children", None)
        if children is None:
            yield current
        else:
            stack.extend(reversed(children))
