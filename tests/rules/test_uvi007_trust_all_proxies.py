from __future__ import annotations

import pytest

from uvicorn_lsp.engine.model import Severity

from .helpers import rule_findings

CODE = "UVI007"


findings = rule_findings(CODE)


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app", forwarded_allow_ips="*")\n',
        'import uvicorn as uv\nuv.run("main:app", forwarded_allow_ips=["*"], proxy_headers=True)\n',
        'from uvicorn import Config\nConfig("main:app", forwarded_allow_ips="*")\n',
        'from uvicorn import run\nTRUSTED = "*"\nrun("main:app", **{"forwarded_allow_ips": TRUSTED})\n',
    ],
)
def test_trusting_every_peer_is_reported(project, code):
    [finding] = findings(project, code)
    assert finding.severity is Severity.WARNING and finding.fixes == []
    assert "every client" in finding.message and "proxy's addresses" in finding.message
    assert "skip the proxy" not in finding.message


@pytest.mark.parametrize("host", ['"0.0.0.0"', '"::"'])
def test_stronger_when_bound_to_every_interface(project, host):
    [finding] = findings(project, f'import uvicorn\nuvicorn.run("main:app", host={host}, forwarded_allow_ips="*")\n')
    assert f"with host={host}: clients can skip the proxy" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app", forwarded_allow_ips="10.0.0.0/8")\n',
        'import uvicorn\nuvicorn.run("main:app", forwarded_allow_ips=["10.0.0.1", "10.0.0.2"])\n',
        'import uvicorn\nuvicorn.run("main:app")\n',
        # uvicorn trusts everyone only for exactly "*" or ["*"].
        'import uvicorn\nuvicorn.run("main:app", forwarded_allow_ips=("*",))\n',
        'import uvicorn\nuvicorn.run("main:app", forwarded_allow_ips="*", proxy_headers=False)\n',
        'import os, uvicorn\nuvicorn.run("main:app", forwarded_allow_ips=os.environ["TRUSTED"])\n',
        'def run(app, **kw): ...\nrun("main:app", forwarded_allow_ips="*")\n',
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []


@pytest.mark.parametrize("host", ['"127.0.0.1"', '"localhost"', '"::1"'])
def test_loopback_servers_are_not_reported(project, host):
    """Only the machine's own processes reach them; from 127.0.0.1 uvicorn's default trust already applies their
    X-Forwarded-* headers (real run, uvicorn 0.54: the same client and scheme with and without "*")."""
    assert findings(project, f'import uvicorn\nuvicorn.run("main:app", host={host}, forwarded_allow_ips="*")\n') == []
    project.write("run.sh", "#!/bin/sh\nuvicorn main:app --host 127.0.0.1 --forwarded-allow-ips '*'\n")
    assert project.check("run.sh", codes=(CODE,)) == []


def test_unix_socket_servers_are_not_reported(project):
    project.write("main.py", 'import uvicorn\nuvicorn.run("m:app", uds="/run/app.sock", forwarded_allow_ips="*")\n')
    assert [f for f in project.check("main.py") if f.code == "UVI007"] == []


def test_an_unquoted_star_is_a_file_name_pattern_where_a_shell_runs_the_command(project):
    # `sh run.sh` expands it to the folder's file names: `--forwarded-allow-ips main.py run.sh`, which uvicorn
    # refuses ("Got unexpected extra arguments", exit status 2) or, with one file, takes as the one trusted peer.
    project.write("main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    project.write("run.sh", "#!/bin/sh\nuvicorn main:app --forwarded-allow-ips *\n")
    assert project.check("run.sh", codes=(CODE,)) == []
    project.write(
        "run.sh", "#!/bin/sh\nuvicorn main:app --forwarded-allow-ips '*'\nuvicorn main:app --forwarded-allow-ips=*\n"
    )
    assert len(project.check("run.sh", codes=(CODE,))) == 2
    # systemd and supervisord split the command as a shell would but run no shell: `*` is given as written.
    project.write("app.service", "[Service]\nExecStart=/usr/bin/uvicorn main:app --forwarded-allow-ips *\n")
    assert len(project.check("app.service", codes=(CODE,))) == 1


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Procfile", 'web: uvicorn main:app --host 0.0.0.0 --port $PORT --forwarded-allow-ips="*"\n'),
        (
            "railway.toml",
            "[deploy]\nstartCommand = \"uvicorn main:app --host 0.0.0.0 --port $PORT --forwarded-allow-ips '*'\"\n",
        ),
    ],
)
def test_a_platforms_routed_start_may_trust_its_router(project, name, text):
    """Only Heroku's or Railway's router reaches a web start on $PORT, from addresses it does not fix: `*` is what
    their guides set, and no client can skip the router."""
    project.write("main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    project.write(name, text)
    assert project.check(name, codes=("UVI007",)) == []
    project.write(name, text.replace("$PORT", "8000"))  # not routed by the platform: reached some other way
    assert [finding.code for finding in project.check(name, codes=("UVI007",))] == ["UVI007"]
