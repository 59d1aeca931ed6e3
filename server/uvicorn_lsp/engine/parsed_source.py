"""What is built once from a parsed file and asked of it by several layers: its imports and its values."""

from __future__ import annotations

from functools import cached_property

from . import statement_reparse, syntax
from .source import SourceFile
from .values import Evaluator

# By path, the import map of an edited buffer's newest tree, and that tree's version: a keystroke in a
# statement that mentions no import and no imported name keeps it.
_BUFFER_IMPORTS: dict[str, tuple[int, syntax.ImportMap]] = {}
_BUFFERS_KEPT = 64


class ParsedSource:
    """A file's import map and value evaluator, each built on first use (the file checked and the modules
    its launches import both answer these)."""

    source: SourceFile

    @cached_property
    def imports(self) -> syntax.ImportMap:
        source = self.source
        version = source.tree_version
        if version is None:
            return syntax.build_import_map(source.tree, source.used_names)
        path = str(source.path)
        kept = _BUFFER_IMPORTS.get(path)
        imports = None if kept is None else _kept_imports(path, *kept, version)
        if imports is None:
            imports = syntax.build_import_map(source.tree, source.used_names)
        else:
            imports = imports.in_tree(source.used_names)
        if len(_BUFFER_IMPORTS) >= _BUFFERS_KEPT:
            _BUFFER_IMPORTS.clear()
        _BUFFER_IMPORTS[path] = (version, imports.in_tree(None))  # kept without this text's names
        return imports

    @cached_property
    def evaluator(self) -> Evaluator:
        return Evaluator(self.source.used_names)


def _kept_imports(path: str, kept_version: int, kept: syntax.ImportMap, version: int) -> syntax.ImportMap | None:
    """`kept` when the tree of `version` has the import and alias statements of `kept_version`'s: the same
    tree, or one whose edit replaced statements that mention none of the words they were found by."""
    if kept_version == version:
        return kept
    edit = statement_reparse.edit_between(path, kept_version, version)
    if edit is None or any(word in edit.removed or word in edit.inserted for word in kept.found_by):
        return None
    return kept
