"""The process entry (`uvicorn-lsp`, `python -m uvicorn_lsp`): the generated-code cache before any class is built,
then the command line."""

from __future__ import annotations


def entry() -> None:
    from . import generated_code

    generated_code.install()
    from .cli import entry as command_line

    command_line()
