"""What is built once from a parsed file and asked of it by several layers: its imports and its values."""

from __future__ import annotations

from functools import cached_property

from . import syntax
from .source import SourceFile
from .values import Evaluator


class ParsedSource:
    """A file's import map and value evaluator, each built on first use (the file checked and the modules
    its launches import both answer these)."""

    source: SourceFile

    @cached_property
    def imports(self) -> syntax.ImportMap:
        return syntax.build_import_map(self.source.tree, self.source.used_names)

    @cached_property
    def evaluator(self) -> Evaluator:
        return Evaluator(self.source.used_names)
