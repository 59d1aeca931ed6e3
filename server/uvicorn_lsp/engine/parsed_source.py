"""What is built once from a parsed file and asked of it by several layers: its imports and its values."""

from __future__ import annotations

from functools import cached_property

from . import statement_reparse, syntax
from .source import SourceFile, unrecorded
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
        if kept is not None and _same_import_statements(path, kept[0], kept[1], version):
            imports = kept[1].in_tree(source.used_names)
        else:
            with unrecorded():  # an edited buffer's check compares the map itself (`carry_over`)
                imports = syntax.build_import_map(source.tree, source.used_names)
        if len(_BUFFER_IMPORTS) >= _BUFFERS_KEPT:
            _BUFFER_IMPORTS.clear()
        _BUFFER_IMPORTS[path] = (version, imports.in_tree(None))  # kept without this text's names
        return imports

    @cached_property
    def evaluator(self) -> Evaluator:
        return Evaluator(self.source.used_names)


def _same_import_statements(path: str, kept_version: int, kept: syntax.ImportMap, version: int) -> bool:
    """Whether the tree of `version` has the import and alias statements `kept` was built from (those of
    `kept_version`): the same tree, or one whose edit replaced statements that mention none of the words they
    were found by."""
    if kept_version == version:
        return True
    edit = statement_reparse.edit_between(path, kept_version, version)
    return edit is not None and not any(word in edit.removed or word in edit.inserted for word in kept.found_by)
