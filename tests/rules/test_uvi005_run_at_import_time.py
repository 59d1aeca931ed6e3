from __future__ import annotations

import pytest

from uvicorn_lsp.engine.model import Applicability, Severity

from .helpers import apply_fix, rule_findings

CODE = "UVI005"
GUARD = 'if __name__ == "__main__":'


findings = rule_findings(CODE)


@pytest.mark.parametrize(
    ("code", "severity", "says"),
    [
        ('import uvicorn\nuvicorn.run("main:app", reload=True)\n', Severity.ERROR, "reloader"),
        ('import uvicorn as uv\nuv.run("main:app", workers=4)\n', Severity.ERROR, "each worker"),
        ('from uvicorn import run\nrun("main:app")\n', Severity.WARNING, "second server"),
        (
            'import os\nfrom uvicorn import run as serve\nserve("main:app", reload=os.getenv("DEV") == "1")\n',
            Severity.WARNING,
            "reloader",
        ),
        (
            'import uvicorn\nDEBUG = True\nif DEBUG:\n    uvicorn.run("main:app", reload=DEBUG)\n',
            Severity.ERROR,
            "reloader",
        ),
        ('import uvicorn\nclass Server:\n    uvicorn.run("main:app")\n', Severity.WARNING, "second server"),
    ],
)
def test_import_time_runs_are_reported(project, code, severity, says):
    [finding] = findings(project, code)
    assert finding.severity is severity
    assert says in finding.message and "add a `__main__` guard" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nif __name__ == "__main__":\n    uvicorn.run("main:app", reload=True)\n',
        "import uvicorn\nif '__main__' == __name__:\n    uvicorn.run('main:app')\n",
        'import uvicorn\nif __name__ == "__main__":\n    if True:\n        uvicorn.run("main:app")\n',
        # A guard in parentheses or broken over lines (a real run of the first serves with reload).
        'import uvicorn\nif (__name__ == "__main__"):\n    uvicorn.run("main:app", reload=True)\n',
        'import uvicorn\nif __name__ == \\\n        "__main__":  # run directly\n    uvicorn.run("main:app", reload=True)\n',
        # Another name's guard (tron's typo): the call runs only for an import as `main`; its Dockerfile's
        # `uvicorn app.main:app --reload` imports it as app.main and serves (run for real).
        'import uvicorn\nif __name__ == "main":\n    uvicorn.run("main:app", reload=True)\n',
        'import uvicorn\ndef main():\n    uvicorn.run("main:app", reload=True)\n',
        'import uvicorn\nstart = lambda: uvicorn.run("main:app")\n',
        'import uvicorn\nclass App:\n    def serve(self):\n        uvicorn.run("main:app")\n',
        # Not uvicorn's run.
        'import subprocess\nsubprocess.run(["ls"])\n',
        "from asyncio import run\nasync def main(): ...\nrun(main())\n",
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []


def test_fix_wraps_a_one_line_call(project):
    code = 'import uvicorn\n\napp = object()\n\nuvicorn.run("main:app", reload=True)\n'
    [finding] = findings(project, code)
    [fix] = finding.fixes
    assert fix.applicability is Applicability.SAFE
    fixed = apply_fix(project, "main.py", fix, CODE)
    assert fixed == f'import uvicorn\n\napp = object()\n\n{GUARD}\n    uvicorn.run("main:app", reload=True)\n'


def test_fix_indents_every_line_of_a_multi_line_call_but_not_string_contents(project):
    code = (
        "import uvicorn\n"
        "config = uvicorn.run(\n"
        '    "main:app",\n'
        "\n"
        "    log_config=None,  # keep\n"
        '    root_path="""/a\n'
        'b""",\n'
        ")\n"
        "print('after')\n"
    )
    [finding] = findings(project, code)
    fixed = apply_fix(project, "main.py", finding.fixes[0], CODE)
    assert fixed == (
        "import uvicorn\n"
        f"{GUARD}\n"
        "    config = uvicorn.run(\n"
        '        "main:app",\n'
        "\n"
        "        log_config=None,  # keep\n"
        '        root_path="""/a\n'
        'b""",\n'
        "    )\n"
        "print('after')\n"
    )


def test_fix_follows_the_block_indentation_and_the_file_unit(project):
    code = 'import uvicorn\nDEBUG = True\nif DEBUG:\n  x = 1\n  uvicorn.run("main:app",\n              port=1)\n'
    [finding] = findings(project, code)
    fixed = apply_fix(project, "main.py", finding.fixes[0], CODE)
    assert fixed == (
        f'import uvicorn\nDEBUG = True\nif DEBUG:\n  x = 1\n  {GUARD}\n    uvicorn.run("main:app",\n                port=1)\n'
    )


def test_fix_uses_tabs_in_a_tab_indented_file(project):
    code = 'import uvicorn\ndef f():\n\treturn 1\nuvicorn.run("main:app")\n'
    [finding] = findings(project, code)
    assert apply_fix(project, "main.py", finding.fixes[0], CODE).endswith(f'{GUARD}\n\tuvicorn.run("main:app")\n')


def test_fix_at_end_of_file_without_newline(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app")')
    assert (
        apply_fix(project, "main.py", finding.fixes[0], CODE) == f'import uvicorn\n{GUARD}\n    uvicorn.run("main:app")'
    )


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn; uvicorn.run("main:app")\n',
        'import uvicorn\nif True: uvicorn.run("main:app")\n',
    ],
)
def test_no_fix_when_the_statement_is_not_alone_on_its_lines(project, code):
    [finding] = findings(project, code)
    assert finding.fixes == []


def test_found_without_uvicorn_installed(project, without_uvicorn):
    [finding] = findings(project, 'import uvicorn as uv\nuv.run("main:app", reload=True)\n', without_uvicorn)
    assert finding.severity is Severity.ERROR


def test_main_dunder_file_is_not_flagged(project):
    """spawn never re-runs a main module named __main__ (checked with real uvicorn: it serves)."""
    project.write("svc/__init__.py")
    project.write("svc/__main__.py", 'import uvicorn\nuvicorn.run("svc.web:app", reload=True)\n')
    assert [f for f in project.check("svc/__main__.py") if f.code == "UVI005"] == []


def test_module_level_call_of_a_function_that_runs_uvicorn(project):
    from tests.conftest import apply_edits

    project.write("main.py", 'import uvicorn\n\n\ndef main():\n    uvicorn.run("main:app", reload=True)\n\n\nmain()\n')
    [finding] = [f for f in project.check("main.py") if f.code == "UVI005"]
    assert finding.message.startswith("main() runs uvicorn.run() at import: the reloader's child")
    assert (finding.range.start.line, finding.range.start.character) == (7, 0)
    fixed = apply_edits((project.root / "main.py").read_text(), finding.best_fix.edits)
    assert fixed.endswith('if __name__ == "__main__":\n    main()\n')
    (project.root / "main.py").write_text(fixed)
    assert [f for f in project.check("main.py") if f.code == "UVI005"] == []
