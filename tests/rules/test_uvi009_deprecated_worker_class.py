from __future__ import annotations

import pytest

from uvicorn_lsp.engine.model import Applicability, Severity, Tag

from .helpers import apply_fix, rule_findings

CODE = "UVI009"


findings = rule_findings(CODE)


@pytest.mark.parametrize(
    ("code", "flagged"),
    [
        ("from uvicorn.workers import UvicornWorker\n", "uvicorn.workers"),
        ("from uvicorn.workers import UvicornWorker as Base, UvicornH11Worker\n", "uvicorn.workers"),
        ("import uvicorn.workers\n", "uvicorn.workers"),
        ("import uvicorn.workers as w\n", "uvicorn.workers"),
        ("from uvicorn import workers\n", "workers"),
        ("from uvicorn import Config, workers as w\n", "workers"),
        ("from uvicorn.workers import *\n", "uvicorn.workers"),
    ],
)
def test_imports_are_reported(project, code, flagged):
    [finding] = findings(project, code)
    assert finding.severity is Severity.WARNING and finding.tags == (Tag.DEPRECATED,)
    line = code.splitlines()[finding.range.start.line]
    assert line[finding.range.start.character : finding.range.end.character] == flagged
    assert "uvicorn_worker" in finding.message


def test_gunicorn_config_file(project):
    code = 'bind = "0.0.0.0:8000"\nworkers = 4\nworker_class = "uvicorn.workers.UvicornWorker"\n'
    [finding] = findings(project, code, name="gunicorn.conf.py")
    assert finding.range.start.line == 2 and finding.tags == (Tag.DEPRECATED,)
    [fix] = finding.fixes
    assert fix.applicability is Applicability.UNSAFE
    fixed = apply_fix(project, "gunicorn.conf.py", fix, CODE)
    assert 'worker_class = "uvicorn_worker.UvicornWorker"' in fixed


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            'import subprocess\nsubprocess.run(["gunicorn", "-k", "uvicorn.workers.UvicornH11Worker", "main:app"])\n',
            '"uvicorn_worker.UvicornH11Worker"',
        ),
        (
            'import os\nos.system("gunicorn main:app -w 4 -k uvicorn.workers.UvicornWorker")\n',
            '-k uvicorn_worker.UvicornWorker"',
        ),
        (
            'CMD = """gunicorn main:app \\\\\n    --worker-class=uvicorn.workers.UvicornWorker"""\n',
            "--worker-class=uvicorn_worker.UvicornWorker",
        ),
        (
            'options = {"bind": "0.0.0.0", "worker_class": "uvicorn.workers.UvicornWorker"}\n',
            '"uvicorn_worker.UvicornWorker"',
        ),
        ("WORKER = f'uvicorn.workers.UvicornWorker'\n", "'uvicorn_worker.UvicornWorker'"),
        (
            'import os\nos.environ["GUNICORN_CMD_ARGS"] = f"--worker-class uvicorn.workers.UvicornWorker -w {4}"\n',
            "--worker-class uvicorn_worker.UvicornWorker -w",
        ),
    ],
)
def test_class_paths_in_strings_are_reported_and_fixed(project, code, expected):
    [finding] = findings(project, code)
    fixed = apply_fix(project, "main.py", finding.fixes[0], CODE)
    assert expected in fixed


def test_from_import_fix(project):
    code = "from uvicorn.workers import UvicornWorker\n\nclass Worker(UvicornWorker):\n    CONFIG_KWARGS = {}\n"
    [finding] = findings(project, code)
    fixed = apply_fix(project, "main.py", finding.fixes[0], CODE)
    assert fixed.startswith("from uvicorn_worker import UvicornWorker\n")


@pytest.mark.parametrize("beside", [None, "uvicorn_worker.py", "uvicorn_worker/__init__.py"])
def test_no_fix_where_the_project_has_its_own_uvicorn_worker_module(project, beside):
    # The fixed import would find the project's module before the package: in the module itself, a circular
    # import (gunicorn stops: "cannot import name 'UvicornWorker' from partially initialized module").
    if beside is not None:
        project.write(beside, "")
    code = "from uvicorn.workers import UvicornWorker as Base\n\nclass UvicornWorker(Base):\n    CONFIG_KWARGS = {}\n"
    [finding] = findings(project, code, name="uvicorn_worker.py" if beside is None else "workers.py")
    assert finding.fixes == [] and "rename the project's own `uvicorn_worker` module" in finding.message
    assert len(finding.message) <= 160
    [string] = findings(project, 'worker_class = "uvicorn.workers.UvicornWorker"\n', name="gunicorn.conf.py")
    assert string.fixes == []


@pytest.mark.parametrize("name", ["app/uvicorn_worker.py", "app/workers.py"])
def test_a_uvicorn_worker_module_inside_a_package_hides_nothing(project, name):
    # `app/uvicorn_worker.py` is loaded as `app.uvicorn_worker` (`gunicorn -k app.uvicorn_worker.Worker`): its
    # absolute `from uvicorn_worker import UvicornWorker` finds the package, and gunicorn serves.
    project.write("app/__init__.py", "")
    project.write("app/uvicorn_worker.py", "")
    code = "from uvicorn.workers import UvicornWorker as Base\n\nclass Worker(Base):\n    CONFIG_KWARGS = {}\n"
    [finding] = findings(project, code, name=name)
    assert "rename" not in finding.message
    fixed = apply_fix(project, name, finding.fixes[0], CODE)
    assert fixed.startswith("from uvicorn_worker import UvicornWorker as Base\n")


def test_a_class_path_string_beside_a_package_s_uvicorn_worker_module_gets_no_fix(project):
    # gunicorn looks the class path up from where it runs (`--chdir app`), where the module hides the package
    project.write("app/__init__.py", "")
    project.write("app/uvicorn_worker.py", "")
    [finding] = findings(project, 'worker_class = "uvicorn.workers.UvicornWorker"\n', name="app/gunicorn_conf.py")
    assert finding.fixes == []


def test_a_uvicorn_worker_module_in_a_plain_folder_still_hides_the_package(project):
    # no __init__.py: the folder is where its scripts run from, on sys.path before site-packages
    project.write("app/uvicorn_worker.py", "")
    code = "from uvicorn.workers import UvicornWorker as Base\n\nclass Worker(Base):\n    CONFIG_KWARGS = {}\n"
    [finding] = findings(project, code, name="app/workers.py")
    assert finding.fixes == [] and "rename the project's own `uvicorn_worker` module" in finding.message


@pytest.mark.parametrize(
    "code",
    ["import uvicorn.workers\n", "from uvicorn import workers\n", "from uvicorn.workers import *\n"],
)
def test_module_imports_get_no_fix(project, code):
    [finding] = findings(project, code)
    assert finding.fixes == []


@pytest.mark.parametrize(
    "code",
    [
        "from uvicorn_worker import UvicornWorker\n",
        'worker_class = "uvicorn_worker.UvicornWorker"\n',
        "# we used to run uvicorn.workers.UvicornWorker here\n",
        '"""Deploy notes: gunicorn used uvicorn.workers.UvicornWorker before."""\n',
        # A docstring's example command is prose, however it is written
        '"""Run it with::\n\n    $ gunicorn app:app --worker-class uvicorn.workers.UvicornWorker\n"""\n',
        'def serve():\n    f"""gunicorn -k uvicorn.workers.UvicornWorker"""\n',
        'HELP = "see uvicorn.workers.UvicornWorker in the docs"\n',
        "import uvicorn\nuvicorn.run('main:app', workers=4)\n",
        "from myproject import workers\nfrom myproject.workers import UvicornWorker\n",
        "import gunicorn.workers\n",
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []


def test_attribute_use_is_reported_and_keeps_the_import_unfixed(project):
    """Rewriting the import would drop the submodule the attribute reaches (AttributeError, seen for real)."""
    project.write(
        "workers.py",
        "import uvicorn\nfrom uvicorn.workers import UvicornWorker\nprint(uvicorn.workers.UvicornWorker)\n",
    )
    findings = [f for f in project.check("workers.py") if f.code == "UVI009"]
    assert len(findings) == 2 and all(f.fixes == [] for f in findings)
    assert (findings[1].range.start.line, findings[1].range.start.character) == (2, 6)


def test_a_module_import_is_reported_once_not_at_each_use(project):
    """`import uvicorn.workers` and the subclass that uses it are one problem (audit: pd6-be)."""
    project.write(
        "workers.py",
        "import uvicorn.workers\n\n\nclass Worker(uvicorn.workers.UvicornWorker):\n    CONFIG_KWARGS = {}\n",
    )
    [finding] = [f for f in project.check("workers.py") if f.code == "UVI009"]
    assert finding.range.start.line == 0 and finding.fixes == []


@pytest.mark.parametrize(
    ("installed", "declared", "reported"),
    [
        (None, "uvicorn==0.18.3\n", False),
        (None, "uvicorn>=0.30\n", True),
        (None, "uvicorn>=0.20\n", True),  # installed afresh: the newest
        ("0.29.0", "", False),
        ("0.30.0", "", True),
        ("0.54.0", "uvicorn==0.29.0\n", False),
    ],
)
def test_only_reported_where_the_running_uvicorn_deprecates_it(
    project, without_uvicorn, with_fake_uvicorn, installed, declared, reported
):
    """uvicorn.workers is uvicorn's own, undeprecated module before 0.30 (no warning under 0.18.3)."""
    settings = without_uvicorn if installed is None else with_fake_uvicorn(installed, "def run(app, **kw): pass\n")
    project.write("requirements.txt", declared)
    project.write("Makefile", "run:\n\tgunicorn main:app -k uvicorn.workers.UvicornWorker\n")
    code = 'worker_class = "uvicorn.workers.UvicornWorker"\n'
    found = [*findings(project, code, settings, name="gunicorn.conf.py"), *project.check("Makefile", settings, (CODE,))]
    assert len(found) == (2 if reported else 0)


@pytest.mark.parametrize(("declared", "reported"), [("", True), ("uvicorn==0.29.0\n", False)])
def test_an_image_runs_the_uvicorn_it_installs(project, with_fake_uvicorn, declared, reported):
    """The analysed environment's 0.29 is not the image's: that installs the declared uvicorn, else the newest."""
    settings = with_fake_uvicorn("0.29.0", "def run(app, **kw): pass\n")
    project.write("requirements.txt", declared)
    project.write(
        "Dockerfile",
        "FROM python:3.11\nRUN pip install -r requirements.txt gunicorn uvicorn\nCOPY . .\n"
        'CMD ["gunicorn", "main:app", "-k", "uvicorn.workers.UvicornWorker"]\n',
    )
    assert len(project.check("Dockerfile", settings, (CODE,))) == int(reported)


@pytest.mark.parametrize(("pinned", "reported"), [("0.24.0", False), ("0.31.0", True)])
def test_a_script_runs_the_uvicorn_of_the_folder_it_changes_into(project, pinned, reported):
    """`cd services/api`, then its requirements are installed and gunicorn runs there: that folder's pin is the
    uvicorn that runs (0.24 imports `uvicorn.workers` with no DeprecationWarning; audit: nadaeri_250629)."""
    project.write("services/api/requirements.txt", f"fastapi\nuvicorn[standard]=={pinned}\ngunicorn\n")
    project.write("services/api/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    project.write(
        "deploy.sh",
        "#!/bin/bash\ncd services/api\npip install -r requirements.txt\n"
        "gunicorn main:app -w 4 -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:8001\n",
    )
    assert len(project.check("deploy.sh", codes=("UVI009",))) == int(reported)


def test_a_script_in_a_sub_folder_runs_with_the_pins_of_the_folder_it_cds_to(project):
    """`sh scripts/run/be.sh` from the project folder: `cd ./backend/app` leads there only from the project folder,
    whose backend/requirements.txt pins uvicorn 0.18.3 (real run: gunicorn boots its uvicorn workers, no
    deprecation; audit: envios)."""
    project.write("backend/requirements.txt", "uvicorn==0.18.3\ngunicorn==20.1.0\n")
    project.write("backend/app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    start = "cd ./backend/app && gunicorn main:app -w 2 -k uvicorn.workers.UvicornWorker -b 0.0.0.0:8081\n"
    project.write("scripts/run/be.sh", start)
    assert project.check("scripts/run/be.sh", codes=("UVI009",)) == []
    project.write("backend/requirements.txt", "uvicorn==0.30.0\ngunicorn\n")
    assert [finding.code for finding in project.check("scripts/run/be.sh", codes=("UVI009",))] == ["UVI009"]


@pytest.mark.parametrize(
    ("declared", "reported"),
    [
        ('uvicorn = {extras = ["standard"], version = "^0.32.0"}', True),  # 0.32.x only: all deprecate it
        ('uvicorn = "~0.29"', False),
        ('uvicorn = ">=0.28,<0.35"', False),  # 0.28 and 0.29 too, and the newest is not admitted: not known
    ],
)
def test_a_version_range_that_admits_only_deprecating_releases(project, without_uvicorn, declared, reported):
    """fastapi-production-skeleton: `^0.32.0` admits no version the analysis knows (0.54), yet each it admits
    deprecates uvicorn.workers (the analysed environment has no uvicorn)."""
    project.write("pyproject.toml", f'[tool.poetry.dependencies]\npython = "^3.11"\n{declared}\n')
    code = 'worker_class = "uvicorn.workers.UvicornWorker"\n'
    assert len(findings(project, code, without_uvicorn, name="gunicorn.conf.py")) == int(reported)
