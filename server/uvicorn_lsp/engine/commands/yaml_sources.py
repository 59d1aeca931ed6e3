"""compose files and GitHub Actions workflows, read with ruamel.yaml's node marks.

ruamel.yaml (pure Python, MIT) composes the node graph with start and end marks; each
scalar's characters are mapped back to the file by its style (plain and quoted scalars
fold their line breaks, double quotes decode escapes, `|` and `>` blocks drop their
indentation), so a word inside `run: |` lands on its own line and column.
"""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..launch import Launch, Setting
from ..layout import env_file_sets_pythonpath
from ..model import Position, Range
from ..text_cache import TextCache
from ..values import Value
from . import dockerfile
from .base import (
    CommandContext,
    ContainerLayout,
    WorkingDirectory,
    command_launches,
    container_directory,
    host_directory,
    shell_launches,
    word_arguments,
)
from .recognise import Argument, CommandInfo, Form, JsonForm, YamlBlockForm, YamlFlowForm
from .shell import commands as shell_commands
from .text import Placed, lines_span

_DOUBLE_QUOTE_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/", " ": " ", "0": "\0", "r": "\r"}


def compose_root(text: str) -> Node | None:
    """The document's node graph; None when it is not YAML ruamel can read, or a node holds itself."""
    try:
        # The safe composer gives the same nodes and marks as the round-trip one, 3x faster.
        root = YAML(typ="safe", pure=True).compose(text)
    except Exception:  # ruamel raises many error classes for bad input; a bad file has no launches
        return None
    return root if root is None or _acyclic(root) else None


def _acyclic(root: Node) -> bool:
    """Whether no node holds itself: an alias inside the node its anchor names (`x: &a {<<: *a}`) makes a
    loop that every walk of the graph would follow forever (such a file is read as starting nothing)."""
    on_path, done = {id(root)}, set()
    stack = [(root, iter(_children(root)))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            on_path.discard(id(node))
            done.add(id(node))
        elif id(child) in on_path:
            return False
        elif id(child) not in done:
            on_path.add(id(child))
            stack.append((child, iter(_children(child))))
    return True


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


class _Alias(Node):
    """An alias whose anchor is outside the block being composed: the node it names is filled in
    once the blocks before it are read."""

    id = "alias"

    def __init__(self, anchor: str, start_mark: object, end_mark: object):
        super().__init__(None, anchor, start_mark, end_mark)


class _BlockComposer(Composer):
    """ruamel's composer, but an alias to an anchor of another block is kept as an `_Alias`."""

    def compose_node(self, parent: Node | None, index: object) -> Node:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            if event.anchor not in self.anchors:
                self.parser.get_event()
                return _Alias(event.anchor, event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


@dataclass(frozen=True)
class _Block:
    """A block of the file composed on its own, its marks at the file's lines."""

    root: Node
    anchors: dict[str, Node]  # the anchors it defines, by name
    has_aliases: bool  # to anchors defined before it


# Composed blocks by their text, and moved to their first line: on each keystroke only the
# edited service is composed again.
_COMPOSED: TextCache[str, tuple[Node, dict[str, Node], bool] | None] = TextCache(4096)
_SHIFTED: TextCache[tuple[str, int], _Block | None] = TextCache(4096)
# What makes a block read differently on its own (besides tabs): tags (and `%TAG`).
_TAGS = re.compile(r"(^|[\s\[{,])!", re.MULTILINE)
_SERVICES_LINE = re.compile(r"^services:\s*(#.*)?$")
# A field of a service: a plain key (its value may follow on the line).
_FIELD_KEY = re.compile(r"^[\w.-]+\s*:(\s|$)")
# A service's first line: its name, and maybe an anchor on its mapping (`api: &api`).
_SERVICE_KEY = re.compile(r"^\s*[\w.-]+\s*:(\s+&[^\s\[\]{},]+)?\s*(#.*)?$")


def _composed_block(chunk: str, first: int) -> _Block | None:
    """`chunk` (lines from `first` on) composed alone; None when it is not YAML ruamel can read."""
    return _SHIFTED.get((chunk, first), lambda: _moved_block(chunk, first))


def _moved_block(chunk: str, first: int) -> _Block | None:
    composed = _COMPOSED.get(chunk, lambda: _compose_block(chunk))
    if composed is None:
        return None
    root, anchors, has_aliases = composed
    copies: dict[int, Node] = {}
    shifted = _shifted(root, first, copies)
    return _Block(shifted, {name: copies[id(node)] for name, node in anchors.items()}, has_aliases)


def _compose_block(chunk: str) -> tuple[Node, dict[str, Node], bool] | None:
    """The block's node (marks from its own first line), the anchors it defines, and whether it
    holds aliases to anchors outside it."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _BlockComposer
    try:
        root = yaml.compose(chunk)
        anchors = dict(yaml.composer.anchors)
    except Exception:  # ruamel raises many error classes for bad input; a bad block has no launches
        return None
    if root is None or not _acyclic(root):
        return None
    return root, anchors, _holds_alias(root, set())


def _holds_alias(node: Node, seen: set[int]) -> bool:
    if id(node) in seen:
        return False
    seen.add(id(node))
    return isinstance(node, _Alias) or any(_holds_alias(child, seen) for child in _children(node))


def _services(lines: list[str], text: str) -> list[tuple[str, Node]]:
    """The `services:` entries, each composed from its own lines when the file is plain block YAML.
    Anchors resolve in the file's order: an alias names the last node of that anchor before it."""
    found_chunks = _service_chunks(lines)
    if found_chunks is None:
        return _services_of_the_whole_file(text)
    start, chunks = found_chunks
    anchors: dict[str, Node] = {}
    preamble = _block_text(lines, 0, start)
    if "&" in preamble:
        block = _composed_block(preamble, 0)
        if block is None or block.has_aliases:
            return _services_of_the_whole_file(text)
        anchors.update(block.anchors)
    found = []
    for first, last in chunks:
        service = _service(lines, first, last, anchors)
        if service is not None:
            found.append(service)
    return found


@dataclass(frozen=True)
class _ServicePlan:
    """A service's blocks: one (the whole service), or its name line and then each field."""

    blocks: tuple[_Block, ...]
    # The service's name and node when no block holds an alias: the same for every check.
    ready: tuple[str, Node] | None


_SERVICE_PLANS: TextCache[tuple[str, int], _ServicePlan | None] = TextCache(4096)


def _service(lines: list[str], first: int, last: int, anchors: dict[str, Node]) -> tuple[str, Node] | None:
    """One service (its name and node) from its lines: its name line and each field composed on
    their own, so an edit composes one field again. None for a service that is not good YAML."""
    chunk = _block_text(lines, first, last)
    plan = _SERVICE_PLANS.get((chunk, first), lambda: _service_plan(lines, first, last))
    if plan is None:
        return None
    if plan.ready is not None:
        for block in plan.blocks:
            anchors.update(block.anchors)
        return plan.ready
    roots = []
    for block in plan.blocks:
        root = _resolved_block(block, anchors)
        if root is None:
            return None
        roots.append(root)
    return _assembled(roots)


def _block_text(lines: list[str], first: int, last: int) -> str:
    """Lines `first` to `last`, with the line break after the last one when the file goes on (a
    block scalar takes the empty lines up to the next line: its end is where the file has it)."""
    text = "\n".join(lines[first:last])
    return text + "\n" if last < len(lines) else text


def _service_plan(lines: list[str], first: int, last: int) -> _ServicePlan | None:
    fields = _field_spans(lines, first, last)
    spans = [(first, last)] if fields is None else [(first, first + 1), *fields]
    blocks = []
    for start, end in spans:
        block = _composed_block(_block_text(lines, start, end), start)
        if block is None:
            return None  # a bad field: the service is bad YAML
        blocks.append(block)
    if any(block.has_aliases for block in blocks):
        return _ServicePlan(tuple(blocks), None)
    ready = _assembled([block.root for block in blocks])
    return _ServicePlan(tuple(blocks), ready) if ready is not None else None


def _assembled(roots: list[Node]) -> tuple[str, Node] | None:
    """The service from its blocks' nodes: a one-key mapping, then (field by field) its fields."""
    head, *fields = roots
    if not isinstance(head, MappingNode) or len(head.value) != 1:
        return None
    [(key, value)] = head.value
    if fields:
        if not all(isinstance(field, MappingNode) for field in fields):
            return None
        pairs = [pair for field in fields for pair in field.value]
        value = MappingNode(fields[-1].tag, pairs, pairs[0][0].start_mark, fields[-1].end_mark)
    return str(key.value), value


def _field_spans(lines: list[str], first: int, last: int) -> list[tuple[int, int]] | None:
    """Line spans of each field of the block mapping the service's name line opens; None when the
    service is not that simple (an anchor on its mapping, a field line that is not a plain key)."""
    if "&" in lines[first]:
        return None  # the anchor names the whole mapping
    starts: list[int] = []
    indent = None
    for number in range(first + 1, last):
        line = lines[number]
        content = line.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        depth = len(line) - len(content)
        if indent is None:
            indent = depth
            if not _FIELD_KEY.match(content):
                return None  # not a block mapping of plain keys (a sequence, a flow or quoted key)
        if depth < indent:
            return None  # not YAML a block mapping allows: let ruamel say so for the whole service
        if depth == indent and not content.startswith(("- ", "-\t")) and content != "-":
            if not _FIELD_KEY.match(content):
                return None  # a flow or quoted key, a complex key: compose the service whole
            starts.append(number)
    return [(start, starts[i + 1] if i + 1 < len(starts) else last) for i, start in enumerate(starts)]


def _resolved_block(block: _Block, anchors: dict[str, Node]) -> Node | None:
    """The block's node, its aliases resolved with `anchors` (the anchors before it), which then
    take the ones it defines. None for an alias to no anchor (as bad YAML: no launches)."""
    if not block.has_aliases:
        anchors.update(block.anchors)
        return block.root
    copies: dict[int, Node | None] = {}
    resolved = _resolved(block.root, anchors, copies)
    if resolved is None:
        return None
    anchors.update({name: copies.get(id(node)) or node for name, node in block.anchors.items()})
    return resolved


def _services_of_the_whole_file(text: str) -> list[tuple[str, Node]]:
    services = get(compose_root(text), "services")
    if not isinstance(services, MappingNode):
        return []
    return [(str(key.value), value) for key, value in services.value]


def _resolved(node: Node, anchors: dict[str, Node], copies: dict[int, Node | None]) -> Node | None:
    """`node` with each `_Alias` replaced by the node its anchor names (None: an anchor not defined)."""
    if id(node) in copies:
        return copies[id(node)]
    result: Node | None = node
    if isinstance(node, _Alias):
        result = anchors.get(node.value)
    elif isinstance(node, SequenceNode):
        items = [_resolved(item, anchors, copies) for item in node.value]
        if any(item is None for item in items):
            result = None
        elif any(new is not old for new, old in zip(items, node.value, strict=True)):
            result = SequenceNode(node.tag, items, node.start_mark, node.end_mark, flow_style=node.flow_style)
    elif isinstance(node, MappingNode):
        pairs = [(_resolved(key, anchors, copies), _resolved(value, anchors, copies)) for key, value in node.value]
        if any(key is None or value is None for key, value in pairs):
            result = None
        elif any(new != (key, value) for new, (key, value) in zip(pairs, node.value, strict=True)):
            result = MappingNode(node.tag, pairs, node.start_mark, node.end_mark, flow_style=node.flow_style)
    copies[id(node)] = result
    return result


def _service_chunks(lines: list[str]) -> tuple[int, list[tuple[int, int]]] | None:
    """The line of `services:` and the line spans of each service of its block-style mapping;
    None for anything else."""
    start = next(
        (number for number, line in enumerate(lines) if line.startswith("services:") and _SERVICES_LINE.match(line)),
        None,
    )
    if start is None:
        return None
    end = next(
        (n for n in range(start + 1, len(lines)) if lines[n][:1] not in ("", " ", "#")),
        len(lines),
    )
    body = lines[start + 1 : end]
    head = "\n".join(lines[:end])
    if "\t" in head or ("!" in head and _TAGS.search(head)) or any(line.startswith("---") for line in lines):
        return None
    first_key = next((line for line in body if line.strip() and not line.lstrip().startswith("#")), None)
    if first_key is None:
        return start, []
    indent = len(first_key) - len(first_key.lstrip(" "))
    prefix = " " * indent
    # Lines at the first key's indentation that hold a key (not blank, not a comment).
    starts = [
        start + 1 + number
        for number, line in enumerate(body)
        if line.startswith(prefix) and line[indent : indent + 1] not in ("", " ", "#")
    ]
    if any(not _SERVICE_KEY.match(lines[n]) for n in starts):
        return None  # a flow mapping, a quoted or complex key: compose the whole file
    return start, [(first, starts[i + 1] if i + 1 < len(starts) else end) for i, first in enumerate(starts)]


class _Mark:
    def __init__(self, line: int, column: int):
        self.line = line
        self.column = column


def _shifted(node: Node, lines: int, copies: dict[int, Node]) -> Node:
    """A copy of `node` whose marks are `lines` further down (a block composed on its own);
    `copies` maps each node to its copy (a node an alias repeats is copied once)."""
    if id(node) in copies:
        return copies[id(node)]
    start = _Mark(node.start_mark.line + lines, node.start_mark.column)
    end = _Mark(node.end_mark.line + lines, node.end_mark.column)
    copy: Node
    if isinstance(node, ScalarNode):
        copy = ScalarNode(node.tag, node.value, start, end, style=node.style)
    elif isinstance(node, SequenceNode):
        copy = SequenceNode(node.tag, [], start, end, flow_style=node.flow_style)
        copy.value = [_shifted(item, lines, copies) for item in node.value]
    elif isinstance(node, MappingNode):
        copy = MappingNode(node.tag, [], start, end, flow_style=node.flow_style)
        copy.value = [(_shifted(key, lines, copies), _shifted(value, lines, copies)) for key, value in node.value]
    else:
        copy = _Alias(node.value, start, end)
    copies[id(node)] = copy
    return copy


def _fields(mapping: MappingNode) -> dict[str, Node]:
    """A mapping's values by key (the first of a repeated key, as `get` finds it)."""
    found: dict[str, Node] = {}
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode):
            found.setdefault(key_node.value, value_node)
    return found


def get(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value_node
    return None


def get_merged(node: Node | None, key: str) -> Node | None:
    """`get`, also through YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`): the mapping's own key first, then
    each merged mapping's, in order."""
    found = get(node, key)
    merged = get(node, "<<")
    if found is not None or merged is None:
        return found
    for source in merged.value if isinstance(merged, SequenceNode) else [merged]:
        found = get_merged(source, key)
        if found is not None:
            return found
    return None


def scalar_text(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def placed_scalar(node: ScalarNode, lines: list[str]) -> Placed:
    """The scalar's value with the place of each character."""
    raw = lines_span(
        lines,
        Position(node.start_mark.line, node.start_mark.column),
        Position(node.end_mark.line, node.end_mark.column),
    )
    style = node.style
    if style in ("|", ">"):
        return _block(raw, style)
    if style in ("'", '"'):
        inner = raw.sliced(1, len(raw.text) - 1)
        return _flow(inner, style)
    return _flow(raw, "")


def _flow(raw: Placed, style: str) -> Placed:
    simple = style == "" or (style == "'" and "''" not in raw.text) or (style == '"' and "\\" not in raw.text)
    if simple and "\n" not in raw.text:
        return raw  # one line, nothing to fold or decode: the scalar is its text
    text, places = raw.text, raw.places
    chars: list[str] = []
    where: list[Position] = []
    verbatim = True
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\n":  # a line break folds to a space; the next line's indentation is dropped
            while chars and chars[-1] in " \t":
                chars.pop()
                where.pop()
            chars.append(" ")
            where.append(places[index])
            index += 1
            while index < len(text) and text[index] in " \t":
                index += 1
            verbatim = False
            continue
        if style == "'" and text.startswith("''", index):
            chars.append("'")
            where.append(places[index])
            index += 2
            verbatim = False
            continue
        if style == '"' and char == "\\" and index + 1 < len(text):
            code = text[index + 1]
            verbatim = False
            if code in "xuU":
                size = {"x": 2, "u": 4, "U": 8}[code]
                try:
                    chars.append(chr(int(text[index + 2 : index + 2 + size], 16)))
                except ValueError:
                    chars.append(code)
                where.append(places[index])
                index += 2 + size
                continue
            if code == "\n":
                index += 2
                while index < len(text) and text[index] in " \t":
                    index += 1
                continue
            chars.append(_DOUBLE_QUOTE_ESCAPES.get(code, code))
            where.append(places[index])
            index += 2
            continue
        chars.append(char)
        where.append(places[index])
        index += 1
    end = places[len(text)] if len(text) < len(places) else places[-1]
    return Placed("".join(chars), tuple(where) + (end,), verbatim)


def _block(raw: Placed, style: str) -> Placed:
    """A `|` or `>` block: its content lines without their indentation."""
    text, places = raw.text, raw.places
    header_end = text.find("\n")
    if header_end < 0:
        return Placed("", (places[-1],), True)
    body_lines = text[header_end + 1 :].split("\n")
    indents = [len(line) - len(line.lstrip(" ")) for line in body_lines if line.strip()]
    indent = min(indents) if indents else 0
    chars: list[str] = []
    where: list[Position] = []
    offset = header_end + 1
    for number, line in enumerate(body_lines):
        start = offset + min(indent, len(line))
        for index in range(start, offset + len(line)):
            chars.append(text[index])
            where.append(places[index])
        if number != len(body_lines) - 1:
            chars.append("\n" if style == "|" else " ")
            where.append(places[offset + len(line)])
        offset += len(line) + 1
    return Placed("".join(chars), tuple(where) + (places[-1],), style == "|")


def _arguments(node: Node, lines: list[str], group: int = 0) -> tuple[list[Argument], Form] | None:
    """A list `command:`: each element one argument, `$` left to compose's interpolation (unknown)."""
    if not isinstance(node, SequenceNode) or not all(isinstance(item, ScalarNode) for item in node.value):
        return None
    arguments = []
    for item in node.value:
        quote = item.style if item.style in ("'", '"') else ""
        start = Position(item.start_mark.line, item.start_mark.column)
        end = Position(item.end_mark.line, item.end_mark.column)
        expanded = "$" in item.value.replace("$$", "")
        places = None if "$$" in item.value else lambda item=item: placed_scalar(item, lines)
        arguments.append(
            Argument(
                item.value.replace("$$", "$"), Range(start, end), expanded, quote, group=group, value_places=places
            )
        )
    if not arguments:
        return None
    form: Form
    if node.flow_style:
        form = YamlFlowForm()
    else:
        first = node.value[0].start_mark
        form = YamlBlockForm(" " * max(first.column - 2, 0))
    return arguments, form


def _range(node: Node) -> Range:
    return Range(
        Position(node.start_mark.line, node.start_mark.column), Position(node.end_mark.line, node.end_mark.column)
    )


def _environment(node: Node | None, lines: list[str]) -> dict:
    found: dict = {}
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
                found[key.value] = (_env_value(value.value), _range(value))
    elif isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, ScalarNode) and "=" in item.value:
                name, _, value = item.value.partition("=")
                found[name.strip()] = (_env_value(value), _range(item))
    return found


def render_environment(node: Node | None, groups: Node | None = None) -> dict:
    """Render's `envVars:` (`- key: PYTHONPATH` with `value: backend`); a variable set otherwise (`sync: false`,
    `generateValue`, `fromDatabase`) has a value only the platform knows. A linked group (`- fromGroup: shared`)
    sets what the file's `envVarGroups:` (`groups`) gives it, under the service's own variables; a group the file
    does not define is the dashboard's, and may set any variable, PYTHONPATH among them."""
    found: dict = {}
    from_groups: dict = {}
    if isinstance(node, SequenceNode):
        for item in node.value:
            group = scalar_text(get(item, "fromGroup"))
            if group is not None:
                defined = _render_group(groups, group)
                if defined is None:
                    from_groups.setdefault("PYTHONPATH", (Value(None, "PYTHONPATH"), _range(item)))
                else:
                    from_groups.update(render_environment(get(defined, "envVars")))
                continue
            name, value = scalar_text(get(item, "key")), get(item, "value")
            if name is None:
                continue
            if isinstance(value, ScalarNode):
                found[name] = (_env_value(value.value), _range(value))
            else:
                found[name] = (Value(None, name), _range(item))
    return {**from_groups, **found}


def _render_group(groups: Node | None, name: str) -> Node | None:
    """The group called `name` in render.yaml's `envVarGroups:`; None when it is not there."""
    if not isinstance(groups, SequenceNode):
        return None
    for group in groups.value:
        if scalar_text(get(group, "name")) == name:
            return group
    return None


def _env_value(text: str) -> Value:
    if "$" in text.replace("$$", ""):
        return Value(None, text)
    return Value((text.replace("$$", "$"),), text, is_string=True)


# ---------------------------------------------------------------------------
# compose


def compose_launches(ctx: CommandContext) -> list[Launch]:
    path = ctx.source.path
    name = path.name.lower() if path is not None else ""
    production = ".prod." in name or "production" in name
    found = []
    services = _services(ctx.source.lines, ctx.source.text)
    builders = _image_builders(services)
    for key, service in services:
        if ctx.only_lines is not None and not ctx.only_lines[0] <= service.start_mark.line < ctx.only_lines[1]:
            continue
        if isinstance(service, MappingNode):
            found.extend(_service_launches(ctx, key, service, production, builders))
    return found


def _image_builders(services: list[tuple[str, Node]]) -> dict[str, MappingNode]:
    """By image name, the service whose `build` makes it (`build: .` with `image: api`): compose builds it
    once, and a service naming only `image: api` runs that image."""
    found: dict[str, MappingNode] = {}
    for _, service in services:
        name = scalar_text(get(service, "image"))
        if isinstance(service, MappingNode) and name is not None and get(service, "build") is not None:
            found.setdefault(name, service)
    return found


def independent_services(lines: list[str]) -> list[tuple[int, int]] | None:
    """The line spans [first, last) of the services when each one's launches come from its own lines and the lines
    before the services block: block YAML, anchors only before it (`x-logging: &logging`; an anchor in a service
    would let it change another), no `extends`. None otherwise."""
    found = _service_chunks(lines)
    if found is None:
        return None
    start, chunks = found
    preamble = _block_text(lines, 0, start)
    if "&" in preamble:
        block = _composed_block(preamble, 0)
        if block is None or block.has_aliases:
            return None
    images: set[str] = set()
    for first, last in chunks:
        chunk = _block_text(lines, first, last)
        if "extends" in chunk:
            return None
        # A service running the image another one builds (`image: api` in both) is judged with its Dockerfile.
        for image in _IMAGE_LINE.findall(chunk):
            if image in images:
                return None
            images.add(image)
        plan = _SERVICE_PLANS.get((chunk, first), functools.partial(_service_plan, lines, first, last))
        if plan is None and "&" in chunk:
            return None  # bad YAML that may define an anchor once it is right
        if plan is not None and any(block.anchors for block in plan.blocks):
            return None
    return chunks  # a service that is bad YAML has no launch (whole or not, the file is read the same)


_IMAGE_LINE = re.compile(r"^[ \t]+image[ \t]*:[ \t]*['\"]?([^\s'\"#]+)", re.MULTILINE)


def _service_launches(
    ctx: CommandContext, name: str, service: MappingNode, production: bool, builders: dict[str, MappingNode]
) -> list[Launch]:
    lines = ctx.source.lines
    fields = _fields(service)
    image_name = scalar_text(fields.get("image"))
    builder = service if "build" in fields else builders.get(image_name) if image_name is not None else None
    image = (
        None if builder is None else ctx.once(("compose image", _build_key(builder)), lambda: _image_of(ctx, builder))
    )
    environment: dict = {}
    build = Range(Position(0, 0), Position(0, 0))
    if image is not None:
        # What the Dockerfile writes is shown at the service's `build` (its ranges are the Dockerfile's), or at
        # the `image` it runs when another service builds it.
        shown = "build" if builder is service else "image"
        build = _range(next(key for key, _ in service.value if isinstance(key, ScalarNode) and key.value == shown))
        environment.update({name: (value, build) for name, (value, _) in image.environment.items()})
    env_file = fields.get("env_file")
    if env_file is not None and _env_files_may_set_pythonpath(ctx, env_file):
        environment["PYTHONPATH"] = (Value(None, "an env_file's"), _range(env_file))
    environment.update(_environment(fields.get("environment"), lines))  # over env_file's, as compose does
    ports = fields.get("ports")
    publishes = isinstance(ports, SequenceNode) and bool(ports.value)
    host_network = scalar_text(fields.get("network_mode")) == "host"
    mounts = _bind_mounts(ctx, fields.get("volumes"))
    layout = ContainerLayout(
        list(image.layout.copies) if image else [],
        list(image.layout.unknown) if image else [],
        list(image.layout.installed_projects) if image else [],
        # A bind mount shows the host folder whole, .dockerignore or not.
        image.layout.build_context if image and not mounts else None,
        # Files no COPY lists: what the image's RUN lines may write, and what the service mounts.
        None
        if image is None or image.layout.unlisted_files is None
        else [*image.layout.unlisted_files, *_mounted_places(fields)],
        installed_files=list(image.layout.installed_files) if image else [],
        installed_requirements=list(image.layout.installed_requirements) if image else [],
        workdirs=list(image.layout.workdirs) if image else [],
        run_may_make_folders=image.layout.run_may_make_folders if image else False,
    )
    for mount in mounts:
        layout.mount(*mount)
    working_dir = scalar_text(fields.get("working_dir"))
    workdir = posixpath.normpath(working_dir) if working_dir and "$" not in working_dir else None
    if workdir is None and working_dir is None and image is not None and image.workdir_known:
        workdir = image.workdir
    directory = container_directory(layout, workdir, f"{workdir} in service {name}") if workdir else None
    if fields.get("env_file") is not None:
        environment = {key: value for key, value in environment.items() if not key.startswith("UVICORN_")}
    info = CommandInfo(
        "compose", production=production, container=publishes and not host_network, where=f"service {name}"
    )
    entrypoint, command = fields.get("entrypoint"), fields.get("command")
    if entrypoint is not None:
        launches = _parts_launches(
            ctx, [entrypoint, *([command] if command is not None else [])], info, directory, environment, []
        )
    elif command is not None:
        image_entrypoint: list[Argument] = []
        if image is not None and image.entrypoint is not None:
            exec_form = dockerfile.exec_arguments(image.entrypoint, 0)
            if exec_form is None:
                return []  # a shell-form ENTRYPOINT runs alone (`/bin/sh -c` ignores the arguments): never run
            # The command gives the arguments of the Dockerfile's exec-form ENTRYPOINT, whatever it runs: a wrapper
            # the launches see through (`tini --`, `uv run`), or a script that may `cd` or set PYTHONPATH before its
            # `exec "$@"` (the command alone in the WORKDIR was judged, a wrong "will not load").
            image_entrypoint = _shown_at(exec_form, build)
        launches = _parts_launches(ctx, [command], info, directory, environment, image_entrypoint)
    elif image is not None and (mounts or any(key in fields for key in _CHANGES_THE_START)):
        # The image's own start, with what this service changes (the Dockerfile's launch judges it without).
        launches = _image_start(ctx, image, info, directory, environment, build)
    else:
        return []
    if fields.get("env_file") is not None:
        for launch in launches:
            launch.complete = False  # the env file may set any UVICORN_* option
    for launch in launches:
        if image is not None:
            launch.image_installs = dockerfile.installed_by(ctx, image.layout)
        else:
            # Pulled, or built from a Dockerfile not followed (unread, or FROM a base that may ship uvicorn, which
            # pip keeps where the installs admit it): what the image installs is not known.
            launch.runs_pulled_image = image_name is not None or builder is not None
    return launches


def _env_files_may_set_pythonpath(ctx: CommandContext, env_file: Node) -> bool:
    """Whether the service's `env_file` (one path, a list, or entries with `path:`) may set PYTHONPATH: one
    does, or cannot be read here (a `.env` kept out of the repository)."""
    entries = env_file.value if isinstance(env_file, SequenceNode) else [env_file]
    for entry in entries:
        text = scalar_text(entry if isinstance(entry, ScalarNode) else get(entry, "path"))
        if text is None or "$" in text:
            return True
        path = ctx.folder / text
        if scalar_text(get(entry, "required")) == "false" and not path.exists():
            ctx.depends_on(path)
            continue  # optional and absent: compose loads nothing
        if env_file_sets_pythonpath(path, ctx.depends_on) is not False:
            return True
    return False


# Service fields that make the image's start differ from the Dockerfile's (bind mounts are looked at apart).
_CHANGES_THE_START = ("environment", "env_file", "working_dir")


def _shown_at(arguments: list[Argument], build: Range) -> list[Argument]:
    """Arguments the Dockerfile writes, as the compose file shows them: at the service's `build`."""
    return [dataclasses.replace(argument, range=build, value_places=None, elsewhere=True) for argument in arguments]


def _image_start(
    ctx: CommandContext,
    image: dockerfile.ImageState,
    info: CommandInfo,
    directory: WorkingDirectory | None,
    environment: dict,
    build: Range,
) -> list[Launch]:
    arguments = dockerfile.exec_start(image)
    form: Form = JsonForm()
    if arguments is None:
        arguments, form = dockerfile.shell_start(image), Form()
    if arguments is None:
        return []
    info.where = f"the image's start in {info.where}"
    launches = command_launches(ctx, _shown_at(arguments, build), form, info, Setting.CONTAINER, directory, environment)
    for launch in launches:
        launch.complete = launch.complete and not dockerfile.waits_for_arguments(image, arguments)
    return launches


def _parts_launches(
    ctx: CommandContext,
    parts: list[Node],
    info: CommandInfo,
    directory: WorkingDirectory | None,
    environment,
    image_entrypoint: list[Argument],
) -> list[Launch]:
    """`image_entrypoint`: the arguments of the image's ENTRYPOINT the parts follow (group 0)."""
    lines = ctx.source.lines
    setting = Setting.CONTAINER
    first_group = 1 if image_entrypoint else 0
    if len(parts) == 1 and isinstance(parts[0], ScalarNode):
        placed = placed_scalar(parts[0], lines)
        # compose splits a string command into words as a shell would, without running a shell.
        found = shell_commands(placed)
        if not found:
            return []
        command = found[0]
        words = word_arguments(command, first_group)
        # The command's memo keeps a parse of its own words only.
        made = None if image_entrypoint else command.made
        return command_launches(
            ctx, image_entrypoint + words, Form(), info, setting, directory, environment, placed.verbatim, made
        )
    arguments: list[Argument] = list(image_entrypoint)
    form: Form | None = None
    for group, part in enumerate(parts, first_group):
        read = _arguments(part, lines, group)
        if read is None:
            return []
        arguments += read[0]
        form = form or read[1]
    return command_launches(ctx, arguments, form or Form(), info, setting, directory, environment)


def _build_key(service: MappingNode) -> tuple:
    build = get(service, "build")
    if isinstance(build, MappingNode):
        return tuple(sorted((str(key.value), str(getattr(value, "value", ""))) for key, value in build.value))
    return (scalar_text(build),)


def _image_of(ctx: CommandContext, service: MappingNode) -> dockerfile.ImageState | None:
    build = get(service, "build")
    if build is None:
        return None
    context_text = scalar_text(build) if isinstance(build, ScalarNode) else scalar_text(get(build, "context"))
    dockerfile_text = scalar_text(get(build, "dockerfile")) or "Dockerfile"
    target = scalar_text(get(build, "target"))
    if context_text is None and isinstance(build, MappingNode):
        context_text = "."
    if context_text is None or "$" in context_text or "://" in context_text:
        return None
    context = (ctx.folder / context_text).resolve()
    path = context / dockerfile_text
    ctx.depends_on(path)
    text = ctx.workspace.read_module(path)
    if text is None:
        return None
    stage_list, preamble = dockerfile.stages_of(text)
    if not stage_list:
        return None
    index = len(stage_list) - 1
    if target is not None:
        index = next((i for i, stage in enumerate(stage_list) if stage.name == target.lower()), -1)
        if index < 0:
            return None
    chain = dockerfile.chain(stage_list, index)
    if chain is None:
        return None
    return dockerfile.image_state(chain, preamble, context, dockerfile.read_build_context(ctx, context, path))


def compose_mounts(text: str) -> list[str]:
    """The container paths the services of a compose file mount over (`/` for one not known); none in a file
    compose cannot read, which runs nothing."""
    services = get(compose_root(text), "services")
    if services is None:
        return []
    if not isinstance(services, MappingNode):
        return ["/"]
    return [
        place
        for _, service in services.value
        if isinstance(service, MappingNode)
        for place in _mounted_places(_fields(service))
    ]


def _mounted_places(fields: dict[str, Node]) -> list[str]:
    """Container paths a service's mounts may fill (volumes, secrets, configs, a watch's sync); `/` when not known."""
    unknown_mounts = ("volumes_from", "secrets", "configs", "develop", "extends", "<<")
    places = ["/"] if any(key in fields for key in unknown_mounts) else []
    volumes = fields.get("volumes")
    if volumes is not None and not isinstance(volumes, SequenceNode):
        return ["/"]
    for _, target, _ in _volume_items(volumes):
        plain = target is not None and target.startswith("/") and "$" not in target
        places.append(posixpath.normpath(target) if plain and target else "/")
    return places


def _volume_items(volumes: Node | None) -> list[tuple[str | None, str | None, str | None]]:
    """(source, target, type) of each `volumes:` item, in the long syntax or the short one, `[SOURCE:]TARGET[:MODE]`
    (a bind when SOURCE is a path, else a named or an anonymous volume); None where an item does not say."""
    items: list[tuple[str | None, str | None, str | None]] = []
    for item in volumes.value if isinstance(volumes, SequenceNode) else []:
        if isinstance(item, ScalarNode):
            source, _, rest = item.value.partition(":")
            if not rest:
                items.append((None, source, "volume"))
            else:
                kind = "bind" if source.startswith((".", "/", "~")) else "volume"
                items.append((source, rest.split(":")[0], kind))
        elif isinstance(item, MappingNode):
            items.append(
                (scalar_text(get(item, "source")), scalar_text(get(item, "target")), scalar_text(get(item, "type")))
            )
        else:
            items.append((None, None, None))
    return items


def _bind_mounts(ctx: CommandContext, volumes: Node | None) -> list[tuple[str, Path, bool]]:
    mounts: list[tuple[str, Path, bool]] = []
    for source, target, kind in _volume_items(volumes):
        if (
            kind != "bind"
            or not source
            or not target
            or "$" in source + target
            or not source.startswith((".", "/", "~"))
        ):
            continue  # a named volume: its content is not the project's
        host = (ctx.folder / source).resolve() if not source.startswith("~") else None
        if host is not None and host.exists():
            mounts.append((posixpath.normpath(target), host, host.is_dir()))
    return mounts


# ---------------------------------------------------------------------------
# GitHub Actions

# A line of a step that appends to $GITHUB_ENV: the variables it sets are those of every later step of the job.
_GITHUB_ENV_WRITE = re.compile(r"^.*\$\{?GITHUB_ENV\b.*$", re.MULTILINE)
# `echo "NAME=value" >> "$GITHUB_ENV"`: one variable named on the line.
_NAMED_ENV_WRITE = re.compile(r"""^\s*(?:echo|printf)\s+(?:-[a-z]+\s+)?["']?(\w+)=""")


def _exports_pythonpath(script: str) -> bool:
    """Whether a step's script may set PYTHONPATH for the later steps: a $GITHUB_ENV line naming it, or one
    whose variables are not written on it (`cat .env >> $GITHUB_ENV`)."""
    for line in _GITHUB_ENV_WRITE.findall(script):
        named = _NAMED_ENV_WRITE.match(line)
        if named is None or named.group(1) == "PYTHONPATH":
            return True
    return False


def _checkout_path(steps: SequenceNode) -> str | None:
    """Where in $GITHUB_WORKSPACE the job checks out this repository ("." by default); None when a step's
    `path:` is not known."""
    for step in steps.value:
        uses = scalar_text(get(step, "uses")) or ""
        if uses.startswith("actions/checkout@") and get(get(step, "with"), "repository") is None:
            path = get(get(step, "with"), "path")
            if path is None:
                return "."
            text = scalar_text(path)
            return None if text is None or "${{" in text else posixpath.normpath(text)
    return "."


def _inside_checkout(folder: str, checkout: str) -> str | None:
    """The step's working directory as a folder of the repository; None outside the checked-out repository."""
    relative = (
        posixpath.relpath(posixpath.normpath(folder), checkout) if checkout != "." else posixpath.normpath(folder)
    )
    return None if relative == ".." or relative.startswith("../") or posixpath.isabs(relative) else relative


def workflow_launches(ctx: CommandContext) -> list[Launch]:
    root = compose_root(ctx.source.text)
    jobs = get(root, "jobs")
    if not isinstance(jobs, MappingNode):
        return []
    path = ctx.source.path
    repository = path.parents[2] if path is not None and len(path.parents) >= 3 else ctx.workspace.root
    top_default = scalar_text(get(get(get(root, "defaults"), "run"), "working-directory"))
    found = []
    for _, job in jobs.value:
        steps = get(job, "steps")
        if not isinstance(steps, SequenceNode):
            continue
        job_default = scalar_text(get(get(get(job, "defaults"), "run"), "working-directory"))
        job_shell = scalar_text(get(get(get(job, "defaults"), "run"), "shell"))
        checkout = _checkout_path(steps)
        pythonpath_exported: Range | None = None  # where an earlier step wrote PYTHONPATH (or may) to $GITHUB_ENV
        for step in steps.value:
            run = get(step, "run")
            if not isinstance(run, ScalarNode):
                continue
            step_shell = scalar_text(get(step, "shell")) or job_shell
            if step_shell and not re.match(r"^(bash|sh)\b", step_shell):
                continue
            folder = scalar_text(get(step, "working-directory")) or job_default or top_default or "."
            # Steps run in $GITHUB_WORKSPACE (working-directory is relative to it); the repository is checked out
            # there, or in the folder `actions/checkout` names with `path:`.
            inside = _inside_checkout(folder, checkout) if checkout is not None and "${{" not in folder else None
            directory = (
                None
                if inside is None
                else host_directory(Path(posixpath.normpath(str(repository / inside))), f"the repository's {inside}")
            )
            info = CommandInfo("workflow", where="a workflow step")
            environment: dict[str, tuple[Value, Range]] = {}
            if pythonpath_exported is not None:
                environment["PYTHONPATH"] = (Value(None, "$GITHUB_ENV's"), pythonpath_exported)
            for scope in (root, job, step):
                environment.update(_environment(get(scope, "env"), ctx.source.lines))
            if _exports_pythonpath(run.value):
                pythonpath_exported = _range(run)  # for the steps after this one
            placed = placed_scalar(run, ctx.source.lines)
            found.extend(shell_launches(ctx, placed, info, Setting.DEVELOPMENT, directory, environment))
    return found
