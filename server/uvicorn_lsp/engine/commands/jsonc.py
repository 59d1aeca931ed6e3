"""JSON and JSON with comments (VS Code's launch.json), with places.

`json` gives no positions, so this is a small recursive reader of RFC 8259 values; in
JSONC mode it also skips `//` and `/* */` comments and accepts trailing commas, as VS Code
does. Strings decode their escapes and keep, per character, where it was written, so a
word inside `"--port=80"` or `"caf\\u00e9"` maps to its exact columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Position, Range
from .text import Placed

_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class JsonError(ValueError):
    pass


@dataclass(frozen=True)
class JsonString:
    value: str
    range: Range  # quotes included
    placed: Placed  # the decoded characters and their places


@dataclass(frozen=True)
class JsonOther:
    value: object  # number, true, false, null
    range: Range


@dataclass
class JsonArray:
    elements: list = field(default_factory=list)
    range: Range | None = None


@dataclass
class JsonObject:
    entries: list[tuple[JsonString, object]] = field(default_factory=list)
    range: Range | None = None

    def get(self, key: str):
        return next((value for name, value in self.entries if name.value == key), None)

    def key(self, key: str) -> JsonString | None:
        return next((name for name, _ in self.entries if name.value == key), None)


class _Reader:
    def __init__(self, placed: Placed, comments: bool):
        self.placed = placed
        self.text = placed.text
        self.at = 0
        self.comments = comments

    def blank(self) -> None:
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char in " \t\r\n\ufeff":
                self.at += 1
            elif self.comments and text.startswith("//", self.at):
                end = text.find("\n", self.at)
                self.at = len(text) if end < 0 else end
            elif self.comments and text.startswith("/*", self.at):
                end = text.find("*/", self.at + 2)
                if end < 0:
                    raise JsonError("unclosed comment")
                self.at = end + 2
            else:
                return

    def value(self, depth: int = 0):
        if depth > 200:
            raise JsonError("nested too deeply")
        self.blank()
        if self.at >= len(self.text):
            raise JsonError("unexpected end")
        char = self.text[self.at]
        if char == '"':
            return self.string()
        if char == "[":
            return self.array(depth)
        if char == "{":
            return self.object(depth)
        return self.other()

    def string(self) -> JsonString:
        text = self.text
        start = self.at
        self.at += 1
        chars: list[str] = []
        places: list[Position] = []
        verbatim = True
        while True:
            if self.at >= len(text):
                raise JsonError("unclosed string")
            char = text[self.at]
            if char == '"':
                self.at += 1
                break
            if char == "\n":
                raise JsonError("line break in a string")
            place = self.placed.place(self.at)
            if char == "\\":
                verbatim = False
                code = text[self.at + 1 : self.at + 2]
                if code == "u":
                    digits = text[self.at + 2 : self.at + 6]
                    try:
                        decoded = chr(int(digits, 16))
                    except ValueError:
                        raise JsonError("bad \\u escape") from None
                    self.at += 6
                elif code in _ESCAPES:
                    decoded = _ESCAPES[code]
                    self.at += 2
                else:
                    raise JsonError("bad escape")
                chars.append(decoded)
                places.append(place)
                continue
            chars.append(char)
            places.append(place)
            self.at += 1
        end_place = self.placed.place(self.at - 1)
        placed = Placed("".join(chars), tuple(places) + (end_place,), verbatim)
        return JsonString(placed.text, self.placed.range(start, self.at), placed)

    def array(self, depth: int) -> JsonArray:
        start = self.at
        self.at += 1
        array = JsonArray()
        self.blank()
        if self.peek() == "]":
            self.at += 1
            array.range = self.placed.range(start, self.at)
            return array
        while True:
            array.elements.append(self.value(depth + 1))
            self.blank()
            char = self.peek()
            self.at += 1
            if char == "]":
                break
            if char != ",":
                raise JsonError("expected , or ]")
            self.blank()
            if self.comments and self.peek() == "]":
                self.at += 1
                break
        array.range = self.placed.range(start, self.at)
        return array

    def object(self, depth: int) -> JsonObject:
        start = self.at
        self.at += 1
        found = JsonObject()
        self.blank()
        if self.peek() == "}":
            self.at += 1
            found.range = self.placed.range(start, self.at)
            return found
        while True:
            self.blank()
            if self.peek() != '"':
                raise JsonError("expected a key")
            key = self.string()
            self.blank()
            if self.peek() != ":":
                raise JsonError("expected :")
            self.at += 1
            found.entries.append((key, self.value(depth + 1)))
            self.blank()
            char = self.peek()
            self.at += 1
            if char == "}":
                break
            if char != ",":
                raise JsonError("expected , or }")
            self.blank()
            if self.comments and self.peek() == "}":
                self.at += 1
                break
        found.range = self.placed.range(start, self.at)
        return found

    def other(self) -> JsonOther:
        start = self.at
        while self.at < len(self.text) and self.text[self.at] not in " \t\r\n,]}/":
            self.at += 1
        word = self.text[start : self.at]
        literals = {"true": True, "false": False, "null": None}
        if word in literals:
            return JsonOther(literals[word], self.placed.range(start, self.at))
        try:
            number: object = float(word) if any(c in word for c in ".eE") else int(word)
        except ValueError:
            raise JsonError(f"unexpected {word[:20]!r}") from None
        return JsonOther(number, self.placed.range(start, self.at))

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""


def parse(placed: Placed, comments: bool = False):
    """The one JSON value of the text (JSONC when `comments`); raises JsonError."""
    reader = _Reader(placed, comments)
    value = reader.value()
    reader.blank()
    if reader.at != len(reader.text):
        raise JsonError("text after the value")
    return value


def parse_json_array(placed: Placed) -> JsonArray | None:
    """A Dockerfile exec form: a JSON array of strings, else None (the shell form)."""
    if not placed.text.strip().startswith("["):
        return None
    try:
        value = parse(placed)
    except JsonError:
        return None
    if not isinstance(value, JsonArray) or not all(isinstance(item, JsonString) for item in value.elements):
        return None
    return value
