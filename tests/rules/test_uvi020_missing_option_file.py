from __future__ import annotations

import textwrap

import pytest

from uvicorn_lsp.engine.model import Severity
from uvicorn_lsp.rules.uvi020_missing_option_file import RULE

from .helpers import rule_findings

CODE = "UVI020"


findings = rule_findings(CODE)


def test_documented_example_and_its_correction(project):
    [finding] = findings(project, textwrap.dedent(RULE.doc.example))
    assert finding.severity is Severity.WARNING
    assert 'log_config="logging.yaml": no such file' in finding.message and "FileNotFoundError" in finding.message
    assert findings(project, textwrap.dedent(RULE.doc.use_instead)) == []
    project.write("logging.yaml", "version: 1\n")
    assert findings(project, textwrap.dedent(RULE.doc.example)) == []


@pytest.mark.parametrize(
    ("options", "reported", "says"),
    [
        ('ssl_certfile="cert.crt", ssl_keyfile="key.key"', ["ssl_certfile", "ssl_keyfile"], "FileNotFoundError"),
        (
            'ssl_certfile="here.crt", ssl_keyfile="here.key", ssl_ca_certs="ca.crt"',
            ["ssl_ca_certs"],
            "FileNotFoundError",
        ),
        ('log_config="logging.json"', ["log_config"], "FileNotFoundError"),
        ('env_file="prod.env"', ["env_file"], "serves without its variables"),
        ('log_config="logging.ini", reload=True', ["log_config"], "the reloader keeps running"),
    ],
)
def test_missing_files_are_reported(project, options, reported, says):
    project.write("here.crt", "")
    project.write("here.key", "")
    found = findings(project, f'import uvicorn\nuvicorn.run("main:app", {options})\n')
    assert [finding.message.split("=")[0] for finding in found] == reported
    assert all(says in finding.message for finding in found)


def test_found_next_to_the_file_or_in_the_workspace_root(project):
    project.write("pkg/logging.json", "{}")
    project.write("prod.env", "")
    code = 'import uvicorn\nuvicorn.run("pkg.main:app", log_config="logging.json", env_file="prod.env")\n'
    assert findings(project, code, name="pkg/main.py") == []


def test_found_above_the_files_package(project):
    """backend/app/main.py's "app.main:app" loads only with `python -m app.main` in backend/, where uvicorn opens
    backend/logging.json (real run: serves; tests/realrun/test_option_file_start_folder_realrun.py)."""
    project.write("backend/app/__init__.py", "")
    project.write("backend/logging.json", '{"version": 1}')
    code = 'import uvicorn\nuvicorn.run("app.main:app", log_config="logging.json", env_file="prod.env")\n'
    [finding] = findings(project, code, name="backend/app/main.py")
    assert finding.message.startswith('env_file="prod.env": no such file')
    # Without the package the file starts in its own folder (or the root), where there is no logging.json.
    (project.root / "backend/app/__init__.py").unlink()
    found = project.check("backend/app/main.py", codes=(CODE,))
    assert [finding.message.split(":")[0] for finding in found] == ['log_config="logging.json"', 'env_file="prod.env"']


@pytest.mark.parametrize(
    "options",
    [
        # Absolute paths point where the project cannot look.
        'ssl_certfile="/etc/ssl/certs/site.pem", ssl_keyfile="/etc/ssl/private/site.key"',
        'log_config="~/logging.yaml"',
        # TLS files are read only with TLS on, and not with a context factory.
        'ssl_ca_certs="ca.crt"',
        'ssl_certfile="c.crt", ssl_keyfile="k.key", ssl_context_factory=make_context',
        # Run-time values and the defaults.
        'env_file=os.environ["ENV_FILE"]',
        "env_file=None, log_config=None",
    ],
)
def test_no_finding(project, options):
    code = f'import os, uvicorn\nmake_context = None\nuvicorn.run("main:app", {options})\n'
    assert findings(project, code) == []


@pytest.mark.parametrize(
    ("gitignore", "name"),
    [("*.pem\n", "certs/site.pem"), (".env\n", ".env"), ("secrets/\n", "secrets/prod.env")],
)
def test_git_ignored_paths_are_silent(project, gitignore, name):
    (project.root / ".git" / "info").mkdir(parents=True)
    project.write(".gitignore", gitignore)
    code = f'import uvicorn\nuvicorn.run("main:app", env_file="{name}", ssl_certfile="{name}", ssl_keyfile="{name}")\n'
    assert findings(project, code) == []


def test_git_ignore_rules_of_subfolders_and_negations(project):
    (project.root / ".git").mkdir()
    project.write(".gitignore", "*.env\n")
    project.write("deploy/.gitignore", "!tracked.env\n")
    code = 'import uvicorn\nuvicorn.run("main:app", env_file="deploy/tracked.env", log_config="deploy/x.env")\n'
    [finding] = findings(project, code)
    assert finding.message.startswith('env_file="deploy/tracked.env"')


def test_info_exclude_counts(project):
    (project.root / ".git" / "info").mkdir(parents=True)
    (project.root / ".git" / "info" / "exclude").write_text("local.env\n")
    assert findings(project, 'import uvicorn\nuvicorn.run("main:app", env_file="local.env")\n') == []


def test_command_line_flags_and_containers(project):
    project.write(
        "run.sh", "#!/bin/sh\nuvicorn main:app --env-file prod.env --ssl-keyfile k.pem --ssl-certfile c.pem\n"
    )
    found = project.check("run.sh", codes=(CODE,))
    assert [finding.message.split(": no such file")[0] for finding in found] == [
        "--env-file prod.env",
        "--ssl-keyfile k.pem",
        "--ssl-certfile c.pem",
    ]
    assert "exits with status 2" in found[0].message and "FileNotFoundError" in found[1].message
    # An image whose base may hold the file: silent (images built here: test_uvi020_containers.py).
    project.write("Dockerfile", 'FROM myorg/base\nCMD ["uvicorn", "main:app", "--env-file", "prod.env"]\n')
    assert project.check("Dockerfile", codes=(CODE,)) == []


@pytest.mark.parametrize(
    ("relative", "text"),
    [
        ("start.sh", "#!/bin/bash\ncd backend\nuvicorn main:app --env-file {name} --log-config log.json\n"),
        ("Makefile", "dev:\n\tcd backend && uvicorn main:app --env-file {name} --log-config log.json\n"),
        ("start.sh", '#!/bin/bash\ncd "$APP_DIR"\nuvicorn main:app --env-file {name} --log-config log.json\n'),
    ],
)
def test_files_are_looked_for_where_the_command_starts(project, relative, text):
    """uvicorn opens them from its working directory: `cd backend` then `--env-file env.txt` serves with
    backend/env.txt (real run, uvicorn 0.54), and was reported as missing from the script's folder."""
    project.write("backend/main.py", "app = object()\n")
    project.write("backend/env.txt", "A=1\n")
    project.write("backend/log.json", '{"version": 1}\n')
    project.write(relative, text.format(name="env.txt"))
    assert project.check(relative, codes=(CODE,)) == []
    project.write(relative, text.format(name="nope.txt"))
    [finding] = project.check(relative, codes=(CODE,))
    assert finding.message.startswith("--env-file nope.txt: no such file")


def test_a_file_beside_the_app_but_not_where_the_command_starts(project):
    """From the top, `uvicorn backend.main:app --env-file env.txt` exits with status 2: the file is in backend/."""
    project.write("backend/main.py", "app = object()\n")
    project.write("backend/env.txt", "A=1\n")
    project.write("start.sh", "#!/bin/bash\nuvicorn backend.main:app --env-file env.txt\n")
    [finding] = project.check("start.sh", codes=(CODE,))
    assert "exits with status 2" in finding.message


def test_a_file_a_project_script_names_may_be_made_before_the_start(project):
    """gen-cert.sh writes the certificates start.sh serves with (audit: peeko); a misspelt name is still missing."""
    start = "#!/bin/bash\nuvicorn main:app --ssl-keyfile certs/key.pem --ssl-certfile certs/{cert}\n"
    project.write("main.py", "app = object()\n")
    project.write("gen-cert.sh", "openssl req -x509 -nodes -keyout certs/key.pem -out certs/cert.pem -subj /CN=x\n")
    project.write("start.sh", start.format(cert="cert.pem"))
    assert project.check("start.sh", codes=("UVI020",)) == []
    project.write("start.sh", start.format(cert="crt.pem"))
    [finding] = project.check("start.sh", codes=("UVI020",))
    assert "crt.pem" in finding.message
