"""The editor's fix-all (`source.fixAll`): what `check --fix` writes, for a text document or a notebook."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from ..engine.model import TextEdit
from ..rules import ALL_RULES
from . import convert
from .analysis import Analysis

if TYPE_CHECKING:
    from .session import Session

log = logging.getLogger("uvicorn_lsp")


def asked_for(kind: str, only: Sequence[str]) -> bool:
    """Whether a code action of `kind` is among the kinds a client asked for (`only`: kinds or their parents)."""
    return any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def wanted(params: types.CodeActionParams, kind: str) -> bool:
    """Whether the request wants the file-wide fix: asked for by kind, or any ask but the lightbulb's automatic
    one on every cursor move (which should not offer, nor compute, it)."""
    only = params.context.only
    if only:
        return asked_for(kind, only)
    return params.context.trigger_kind != types.CodeActionTriggerKind.Automatic


def one_replacement(before: str, after: str) -> list[TextEdit]:
    return [convert.replacement_edit(before, after)]


async def fix_all_action(
    ls: Session,
    path: Path | None,
    analysis: Analysis,
    edit_for: convert.EditBuilder,
    kind: str,
    deadline: float,
    edits_between: Callable[[str, str], list[TextEdit]] = one_replacement,
) -> types.CodeAction | None:
    """Safe fixes pass after pass, re-checked in between (a fix that overlaps another, such as UVI014's and
    UVI015's on one command, waits for the next pass). When that does not finish by `deadline`, the first pass
    alone (edits that do not overlap, all of them for this text). `edits_between(old, new)`: the edits that
    turn the analysed text into the fixed one, in the analysed text's places."""
    first_pass = convert.fix_all_action(analysis.result.findings, edit_for, kind)
    if first_pass is None or analysis.result.timed_out:
        return first_pass
    from ..engine.fixing import fix_text

    budget = max(deadline - time.monotonic(), 0.05)
    workspace = ls.workspace_for(path)
    try:
        outcome = await asyncio.wait_for(
            ls.analyzer.run_on_worker(
                fix_text, analysis.text, path, workspace, ALL_RULES, False, budget, analysis.result
            ),
            budget,
        )
    except TimeoutError:
        return first_pass
    except Exception:  # an error of ours: the request is still answered, with what is known to be right
        log.exception("fix-all of %s failed; offering the first pass of fixes", path)
        return first_pass
    if outcome.timed_out:
        return first_pass
    if outcome.text == analysis.text:
        return None  # check --fix leaves it as it is (a fix that would break the file is refused)
    try:
        edits = edits_between(analysis.text, outcome.text)
    except ValueError:  # the fixed text cannot be mapped back (a notebook's cells no longer told apart)
        return first_pass
    return types.CodeAction(title=first_pass.title, kind=kind, edit=edit_for(edits))
