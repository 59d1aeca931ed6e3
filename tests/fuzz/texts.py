"""Seeded hostile document texts for the fuzz suites: real snippets cut, spliced and mutated."""

from __future__ import annotations

import random
import textwrap
from collections.abc import Iterator
from pathlib import Path

from uvicorn_lsp.rules import ALL_RULES

from ..lsp.texts import KNOWN_BAD, hostile_module, long_module

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

LINE_ENDINGS = ["\n", "\r\n", "\r", "\u2028", "\x85", "\x0c", "\x0b"]
# Characters that break naive position arithmetic: astral, ZWJ sequences, RTL marks, combining marks.
ODD_CHARACTERS = [
    "\x00",
    "\ufeff",
    "😀",
    "👩\u200d👩\u200d👧",
    "\u202e",
    "\u200f",
    "שלום",
    "e\u0301",
    "\t",
    "\\",
    '"',
    "'''",
]
PIECES = [
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "=",
    "**",
    "lambda ",
    "uvicorn.run(",
    "app",
    "reload=True",
    '"main:app"',
]


def snippets() -> list[str]:
    """Real code: every rule's documented example and its fixed form, the shipped examples, KNOWN_BAD."""
    found = [KNOWN_BAD]
    for rule in ALL_RULES:
        if rule.doc.language == "python":  # the command-line rules' examples are Dockerfiles
            found += [textwrap.dedent(rule.doc.example), textwrap.dedent(rule.doc.use_instead)]
    found += [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.rglob("*.py"))]
    return [text for text in found if text.strip()]


def nested(depth: int = 200) -> str:
    return "import uvicorn\nuvicorn.run(" + "(" * depth + "app" + ")" * depth + ", reload=True)\n" + "[" * depth + "\n"


def one_megabyte_line() -> str:
    return 'import uvicorn\nDATA = "' + "x" * 1_000_000 + '"; uvicorn.run(app, reload=True)\n'


def mutate(rng: random.Random, text: str, corpus: list[str]) -> str:
    """One random, possibly destructive, change."""
    kind = rng.randrange(9)
    cut = rng.randint(0, len(text))
    if kind == 0:  # truncation
        return text[:cut]
    if kind == 1:  # splice of two snippets
        other = rng.choice(corpus)
        return text[:cut] + other[rng.randint(0, len(other)) :]
    if kind == 2:  # byte-level mutation: flip, drop or duplicate a few characters
        chars = list(text)
        for _ in range(rng.randint(1, 5)):
            if not chars:
                break
            at = rng.randrange(len(chars))
            chars[at] = rng.choice([chr(rng.randrange(0x20, 0x7F)), "", chars[at] * 2, "\x00"])
        return "".join(chars)
    if kind == 3:  # every line ending
        ending = rng.choice(LINE_ENDINGS)
        return ending.join(text.split("\n"))
    if kind == 4:  # mixed line endings
        return "".join(line + rng.choice(LINE_ENDINGS) for line in text.split("\n"))
    if kind == 5:
        return "\ufeff" + text
    if kind == 6:
        return text[:cut] + rng.choice(ODD_CHARACTERS) + text[cut:]
    if kind == 7:
        return text[:cut] + rng.choice(PIECES) + text[cut:]
    return text[: max(0, cut - rng.randint(0, 40))] + text[cut:]  # a deletion


def fuzz_texts(seed: int, count: int) -> Iterator[str]:
    """`count` texts: mostly mutations of real snippets, now and then a deliberately extreme one."""
    rng = random.Random(seed)
    corpus = snippets()
    text = rng.choice(corpus)
    for number in range(count):
        if number % 50 == 0:
            text = rng.choice(corpus)
        text = mutate(rng, text, corpus)
        if len(text) > 200_000:  # keep the big ones for the extremes below
            text = rng.choice(corpus)
        yield text


def single_mutations(seed: int, count: int) -> Iterator[str]:
    """`count` real snippets changed once each: many still parse, so fixes get applied to them."""
    rng = random.Random(seed)
    corpus = snippets()
    for _ in range(count):
        yield mutate(rng, rng.choice(corpus), corpus)


def extreme_texts() -> list[str]:
    return [nested(), one_megabyte_line(), long_module(100_000), hostile_module(5_000)]
