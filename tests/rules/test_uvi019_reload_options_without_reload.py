from __future__ import annotations

import textwrap

import pytest

from uvicorn_lsp.engine.model import Applicability, Severity, Tag
from uvicorn_lsp.rules.uvi019_reload_options_without_reload import RULE

from ..conftest import apply_edits
from .helpers import apply_fix, rule_findings

CODE = "UVI019"


findings = rule_findings(CODE)


def test_documented_example_gets_two_fixes_neither_preferred(project):
    [finding] = findings(project, textwrap.dedent(RULE.doc.example))
    assert finding.severity is Severity.WARNING and finding.tags == (Tag.UNNECESSARY,)
    assert "uvicorn ignores it with a warning" in finding.message
    remove, add_reload = finding.fixes
    assert not remove.preferred and not add_reload.preferred
    assert remove.applicability is Applicability.SAFE and add_reload.applicability is Applicability.UNSAFE
    assert 'uvicorn.run("main:app")' in apply_fix(project, "main.py", remove, CODE)
    project.write("main.py", textwrap.dedent(RULE.doc.example))
    fixed = apply_fix(project, "main.py", add_reload, CODE)
    assert 'uvicorn.run("main:app", reload_dirs=["src"], reload=True)' in fixed


@pytest.mark.parametrize(
    ("options", "silently"),
    [
        ('reload_dirs=["src"]', False),
        ('reload_includes=["*.html"]', False),
        ('reload_excludes=["*.tmp"]', False),
        ("reload_delay=1.0", True),
        ('reload=False, reload_dirs=["src"]', False),
        ('**{"reload_dirs": ["src"]}', False),
    ],
)
def test_reload_options_without_reload_are_reported(project, options, silently):
    [finding] = findings(project, f'import uvicorn\nuvicorn.run("main:app", {options})\n')
    assert ("ignores it silently" in finding.message) is silently


def test_reload_false_is_turned_on(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", reload=False, reload_delay=2)\n')
    fixed = apply_fix(project, "main.py", finding.fixes[1], CODE)
    assert 'uvicorn.run("main:app", reload=True, reload_delay=2)' in fixed


@pytest.mark.parametrize(
    "code",
    [
        # An app object cannot reload (UVI001), workers would be dropped, Server never reloads.
        'import uvicorn\napp = object()\nuvicorn.run(app, reload_dirs=["src"])\n',
        'import uvicorn\nuvicorn.run("main:app", workers=4, reload_dirs=["src"])\n',
        'import uvicorn\nconfig = uvicorn.Config("main:app", reload_dirs=["src"])\n',
    ],
)
def test_reload_is_not_offered_where_it_cannot_work(project, code):
    [finding] = findings(project, code)
    assert [fix.title for fix in finding.fixes] == ["Remove reload_dirs"]


def test_dict_entries_get_no_removal(project):
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", **{"reload_delay": 1})\n')
    assert [fix.title for fix in finding.fixes] == ["Turn reload on (reload=True)"]


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app", reload=True, reload_dirs=["src"])\n',
        # The usual development switch: known only at run time.
        'import os, uvicorn\nuvicorn.run("main:app", reload=os.getenv("DEV") == "1", reload_dirs=["src"])\n',
        # Options uvicorn may get from what the analysis cannot read.
        'import uvicorn\ndef main(options):\n    uvicorn.run("main:app", reload_dirs=["src"], **options)\n',
        # The defaults spelled out.
        'import uvicorn\nuvicorn.run("main:app", reload_dirs=None, reload_excludes=None)\n',
        'import uvicorn\nuvicorn.run("main:app")\n',
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []


def test_command_line_flags(project):
    project.write("run.sh", "#!/bin/sh\nuvicorn main:app --reload-dir src --reload-delay 2\n")
    found = project.check("run.sh", codes=(CODE,))
    assert [finding.message.split(" does nothing")[0] for finding in found] == ["--reload-dir src", "--reload-delay 2"]
    remove, add_reload = found[0].fixes
    assert remove.title == "Remove --reload-dir" and add_reload.title == "Turn reload on (--reload)"
    fixed = apply_edits((project.root / "run.sh").read_text(), add_reload.edits)
    assert fixed == "#!/bin/sh\nuvicorn main:app --reload --reload-dir src --reload-delay 2\n"
    (project.root / "run.sh").write_text(fixed)
    assert project.check("run.sh", codes=(CODE,)) == []


def test_debug_may_reload(project):
    """uvicorn before 0.19 reloads an import string on debug=True: reload_dirs is used there (UVI004 reports
    debug where the installed uvicorn lacks it)."""
    assert findings(project, 'import uvicorn\nuvicorn.run("main:app", debug=True, reload_dirs=["src"])\n') == []
    # The command line's --debug too (real run, 0.18.3: it watches the --reload-dir, and the "safe" removal
    # made it watch the whole folder; audit). Later versions reject --debug: UVI004's business.
    project.write("Procfile", "web: uvicorn main:app --debug --reload-dir app --port $PORT\n")
    assert project.check("Procfile", codes=(CODE,)) == []


def test_a_misspelt_reload_keeps_the_reload_options(project):
    """`relaod=True` is UVI004's (did you mean `reload`?): removing `reload_dirs` meanwhile would lose the user's
    setting once the typo is fixed (audit: fix-all deleted it)."""
    project.write("main.py", 'import uvicorn\nuvicorn.run("main:app", reload_dirs=["src"], relaod=True)\n')
    assert project.check("main.py", codes=("UVI019",)) == []
    project.write("main.py", 'import uvicorn\nuvicorn.run("main:app", reload_dirs=["src"], workers=2)\n')
    assert len(project.check("main.py", codes=("UVI019",))) == 1


def test_before_0_15_uvicorn_ignores_them_without_a_warning(project, without_uvicorn):
    """uvicorn 0.14 serves with reload_dirs and no reload, saying nothing; 0.15 logs its warning (audit)."""
    project.write("main.py", 'import uvicorn\nuvicorn.run("main:app", reload_dirs=["src"])\n')
    for pinned, effect in (("0.14.0", "ignores it silently"), ("0.15.0", "ignores it with a warning")):
        project.write("requirements.txt", f"uvicorn=={pinned}\n")
        [finding] = project.check("main.py", without_uvicorn, codes=("UVI019",))
        assert effect in finding.message, pinned


def test_a_command_line_reload_dir_says_the_folder_must_exist(project):
    """uvicorn's command line checks the folder before anything else (exit status 2 on a missing one since 0.15,
    which UVI020 reports): ignored with a warning only where it exists (audit33l)."""
    project.write("Makefile", "run:\n\tuvicorn main:app --reload-dir src\n")
    [finding] = project.check("Makefile", codes=("UVI019",))
    assert "uvicorn ignores it with a warning if the folder exists (exit status 2 if not)" in finding.message
