"""UVI005: uvicorn.run executed when the module is imported (no `__main__` guard)."""

from __future__ import annotations

from collections.abc import Iterator

from ..engine import edits as edit_module
from ..engine import syntax
from ..engine.context import RuleContext
from ..engine.launch import Entry, Launch, Setting
from ..engine.model import Applicability, Finding, Fix, Position, Range, Severity, TextEdit
from ..engine.parso_types import Node
from ..engine.rule import FixAvailability, Quoted, Rule, RuleDoc, fit_message
from ..engine.source import node_code, node_range
from ..engine.uvicorn_facts import reloads, supervision_conditions

_GUARD = 'if __name__ == "__main__":'


def check(ctx: RuleContext) -> Iterator[Finding]:
    if ctx.source.path is not None and ctx.source.path.name == "__main__.py":
        # multiprocessing's spawn never re-runs a main module named __main__, and nothing
        # imports `pkg.__main__` by an import string: the call runs once.
        return
    if any(launch.setting is Setting.NOTEBOOK for launch in ctx.launches):
        return  # a notebook is never imported: its top-level uvicorn.run() is UVI016's case
    for launch, call, started_by in _calls_run_at_import(ctx):
        definite, conditional = supervision_conditions(launch)
        # The consequence names the cause (the reloader, the workers); a cause known only at run time is
        # named too. The rule page tells the whole story.
        if reloads(launch) is not False:
            consequence = "the reloader's child re-imports it and crashes, so nothing is served"
        elif definite or conditional:  # workers, reload being ruled out
            consequence = "each worker re-imports it, crashes and restarts without end"
        else:
            consequence = "any import of it (a test, an import string) starts a second server"
        message = fit_message(
            ("uvicorn.run() runs" if started_by is call.node else "{started} runs uvicorn.run()")
            + " at import{when}: {consequence}; add a `__main__` guard",
            started=Quoted(node_code(started_by)),
            when=Quoted(f" ({' or '.join(conditional)})" if conditional and not definite else "", scale=2),
            consequence=consequence,
        )
        fix = _guard_fix(ctx, started_by)
        yield ctx.finding(
            RULE,
            message,
            node_range(started_by),
            severity=Severity.ERROR if definite else Severity.WARNING,
            fixes=[fix] if fix else [],
        )


def _calls_run_at_import(ctx: RuleContext) -> Iterator[tuple[Launch, syntax.CallSite, Node]]:
    """(uvicorn.run launch, its call, the call that runs at import): the call itself, or a module-level
    call of a module-level function that contains it (`def main(): uvicorn.run(...)` + `main()`)."""
    for launch in ctx.launches:
        call = launch.call
        if launch.entry is not Entry.RUN or call is None:
            continue
        if _runs_at_import(call.node):
            yield launch, call, call.node
            continue
        function = call.node.search_ancestor("funcdef")
        if function is None or syntax.enclosing_scope(function).type != "file_input":
            continue
        for leaf in ctx.source.used_names.get(function.name.value, ()):
            outer = leaf.parent
            is_call = (
                outer.type in ("atom_expr", "power")
                and outer.children[0] is leaf
                and len(outer.children) == 2
                and outer.children[1].type == "trailer"
                and outer.children[1].children[0].value == "("
            )
            if is_call and _runs_at_import(outer):
                yield launch, call, outer


def _runs_at_import(node) -> bool:
    """Not inside a function or lambda, and not under `if __name__ == "__main__":` nor another name's guard:
    `if __name__ == "main":` runs the call only for an import as `main` (tron: `uvicorn app.main:app` serves)."""
    parent = node.parent
    while parent is not None:
        if parent.type in ("funcdef", "lambdef"):
            return False
        parent = parent.parent
    return not syntax.name_guards(node)


def _guard_fix(ctx: RuleContext, call_node) -> Fix | None:
    """Indent the statement one level under a new `__main__` guard."""
    statement = call_node
    while statement.parent.type not in ("file_input", "suite", "simple_stmt"):
        statement = statement.parent
    if statement.type == "error_node":
        return None
    if statement.parent.type == "simple_stmt":
        line = statement.parent
        if len(line.children) != 2 or line.parent.type not in ("file_input", "suite"):
            return None  # `a; uvicorn.run(app)` or `if x: uvicorn.run(app)`: no block of its own
        newline = line.children[1].value
    else:  # the file's last line, without a line break: parso leaves out the simple_stmt
        newline = ctx.source.line_break
    first_line, column = statement.start_pos[0] - 1, statement.start_pos[1]
    indentation = ctx.source.lines[first_line][:column]
    unit = syntax.indent_unit(ctx.source.tree)
    edits = [
        TextEdit(
            Range(Position(first_line, column), Position(first_line, column)), f"{_GUARD}{newline}{indentation}{unit}"
        )
    ]
    edits.extend(edit_module.indent_lines(ctx.source, statement, unit))
    return Fix(f"Move into `{_GUARD}`", tuple(edits), Applicability.SAFE, preferred=True)


RULE = Rule(
    code="UVI005",
    name="run-at-import-time",
    summary='`uvicorn.run` runs at module level, outside `if __name__ == "__main__":`, so every import of the module starts it.',
    severity=Severity.ERROR,
    fix_availability=FixAvailability.SOMETIMES,
    fix_applicabilities=(Applicability.SAFE,),
    check=check,
    doc=RuleDoc(
        what="""
            Finds `uvicorn.run(...)` calls that execute when the module is imported: at module level (also
            inside module-level `if`, `for`, `with`, `try` blocks or class bodies) and not under
            `if __name__ == "__main__":`. Calls inside functions are left alone, unless that function is
            itself called at module level (`def main(): uvicorn.run(...)` followed by a bare `main()`): then
            the `main()` call is reported. A `__main__.py` is never reported: multiprocessing does not
            re-run a main module of that name, so the call runs once.

            It is an error when `reload` or `workers` > 1 is set, and a warning otherwise (also when they
            depend on run-time values).
        """,
        why="""
            uvicorn's reloader and worker processes are new Python processes that import the launching
            file again. Code at module level runs again in each of them:

            - with reload, the child calls `uvicorn.run` again while it is still starting up and dies
              with multiprocessing's "An attempt has been made to start a new process before the current
              process has finished its bootstrapping phase"; the parent reloader stays up and serves
              nothing;
            - with workers, every worker does the same and is started again, without end;
            - without either, any import of the module starts a server: uvicorn importing
              `"main:app"` from this very file starts a second, nested server, and so does a test that
              imports the app.
        """,
        example="""
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()

            uvicorn.run("main:app", reload=True)
        """,
        use_instead="""
            import uvicorn
            from fastapi import FastAPI

            app = FastAPI()

            if __name__ == "__main__":
                uvicorn.run("main:app", reload=True)
        """,
        fix="""
            Puts the statement under a new `if __name__ == "__main__":` at its own indentation, and
            indents every line of it (a call over several lines included) by the file's indentation
            unit. Lines inside a multi-line string are left as they are. No fix when the call shares its
            line with other statements (`x = 1; uvicorn.run(app)`) or follows a colon on the same line.
        """,
        fix_safety="""
            Safe: started as a script (`python main.py`, `python -m pkg.main`) the file runs exactly as
            before. Only importing the module stops starting a server, which is the point; a launcher
            that relies on `import main` to start serving has to call `uvicorn.run` itself.
        """,
        notebooks="""
            Off: nothing imports a notebook, and its `__name__` is `"__main__"`, so the guard would change
            nothing. A top-level `uvicorn.run()` in a notebook fails for another reason, the kernel's running
            event loop, which UVI016 reports.
        """,
        python_only="it is about Python code that runs when its module is imported.",
    ),
)
