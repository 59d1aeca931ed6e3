"""The launch source for Python: every `uvicorn.run(...)` and `uvicorn.Config(...)` call of a file.

Options come from keywords, positional arguments (by the signature's order), keys of dicts
unpacked with `**` (literals and dict constants), and keywords forwarded through a helper's
`**options` from its calls in the same file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import edits, import_resolution, syntax
from .launch import Entry, GivenAs, Launch, Option, Server, Setting
from .model import TextEdit
from .source import node_range
from .uvicorn_facts import PARAMETERS

if TYPE_CHECKING:
    from .context import RuleContext

_ENTRIES = {"uvicorn.run": Entry.RUN, "uvicorn.Config": Entry.CONFIG}


def python_launches(ctx: RuleContext) -> list[Launch]:
    launches = []
    for call in ctx.calls_to(*_ENTRIES):
        ctx.check_cancelled()  # a newer text or the time budget stops a long file between calls
        launches.append(_launch(ctx, call))
    return launches


def _launch(ctx: RuleContext, call: syntax.CallSite) -> Launch:
    entry = _ENTRIES[call.qualname or ""]
    options: dict[str, Option] = {}
    complete = True
    for index, argument in enumerate(call.positional):
        names = PARAMETERS[entry]
        # uvicorn.run takes only the app positionally (UVI004 reports the rest).
        if index < len(names) and (index == 0 or entry is Entry.CONFIG):
            options[names[index]] = _option(ctx, names[index], argument, GivenAs.POSITIONAL)
    for name, argument in call.keywords.items():
        options[name] = _option(ctx, name, argument, GivenAs.DICT_ENTRY if argument.from_dict else GivenAs.KEYWORD)
    for star in call.star_args:
        if star.children[0].value != "**":
            continue  # `*args`: positional, only the app could come from it
        unpacked = _unpacked_keywords(ctx, star)
        if unpacked is None:
            complete = False
            continue
        for name, argument, given_as in unpacked:
            options.setdefault(name, _option(ctx, name, argument, given_as))
    app = options.pop("app", None)
    return Launch(
        server=Server.UVICORN,
        entry=entry,
        app=app,
        options=options,
        complete=complete,
        range=node_range(call.node),
        edits=PythonEdits(ctx, call),
        setting=Setting.NOTEBOOK
        if ctx.source.path is not None and ctx.source.path.suffix == ".ipynb"
        else Setting.UNKNOWN,
        call=call,
        find_search_paths=lambda: import_resolution.search_paths_of_call(ctx, call),
    )


def _option(ctx: RuleContext, name: str, argument: syntax.Argument, given_as: GivenAs) -> Option:
    value = ctx.evaluator.evaluate(argument.value)
    written = f"{name}={value.source}" if given_as is not GivenAs.POSITIONAL else value.source
    return Option(
        name, value, argument.range, given_as, written, node_range(argument.value), node=argument.value, handle=argument
    )


def _unpacked_keywords(ctx: RuleContext, star) -> list[tuple[str, syntax.Argument, GivenAs]] | None:
    """The keywords `**name` passes: a dict constant's keys, or a helper's forwarded keywords."""
    name = star.children[1]
    keys = ctx.evaluator.dict_keywords(name)
    if keys is not None:
        return [
            (key, syntax.Argument(value, star, name=key, from_dict=True), GivenAs.DICT_ENTRY) for key, value in keys
        ]
    forwarded = ctx.forwarded_keywords(name)
    if forwarded is not None:
        return [(key, argument, GivenAs.FORWARDED) for key, argument in forwarded.items()]
    return None


class PythonEdits:
    """Keyword edits on one uvicorn call."""

    def __init__(self, ctx: RuleContext, call: syntax.CallSite):
        self._ctx = ctx
        self._call = call

    def spell(self, name: str, value: object) -> str:
        return f"{name}={value!r}"

    def label(self, name: str) -> str:
        return name

    def remove_option(self, option: Option) -> tuple[TextEdit, ...] | None:
        if not option.editable or not isinstance(option.handle, syntax.Argument):
            return None
        return (edits.remove_argument(option.handle),)

    def rename_option(self, option: Option, new_name: str) -> tuple[TextEdit, ...] | None:
        if (
            option.given_as is not GivenAs.KEYWORD
            or not isinstance(option.handle, syntax.Argument)
            or new_name in self._call.keywords
        ):
            return None
        return (edits.rename_keyword(option.handle, new_name),)

    def set_option(self, name: str, value: object) -> tuple[TextEdit, ...] | None:
        existing = self._call.keywords.get(name)
        if (
            existing is not None
            and not existing.from_dict
            and self._ctx.evaluator.evaluate(existing.value).all(lambda current: current == value)
        ):
            return ()  # already so
        edit = edits.set_keyword(self._ctx.source, self._call, name, repr(value))
        return None if edit is None else (edit,)

    def replace_app(self, import_string: str) -> tuple[TextEdit, ...] | None:
        app = self._call.argument("app", 0)
        if app is None or app.from_dict:
            return None
        return (edits.replace(app.value, edits.quoted(import_string)),)
