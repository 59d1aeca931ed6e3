from __future__ import annotations

import pytest

from uvicorn_lsp.engine.model import Severity

from .helpers import rule_findings

CODE = "UVI008"

CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
RSA_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"


findings = rule_findings(CODE)


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app", ssl_keyfile="key.pem")\n',
        'import uvicorn as uv\nuv.run("main:app", ssl_keyfile="key.pem", ssl_certfile=None)\n',
        'from uvicorn import Config\nConfig("main:app", ssl_keyfile="key.pem", ssl_certfile="")\n',
        'from uvicorn import run\nKEY = "key.pem"\nrun("main:app", **{"ssl_keyfile": KEY})\n',
    ],
)
def test_key_without_certificate_is_an_error(project, code):
    [finding] = findings(project, code)
    assert finding.severity is Severity.ERROR
    assert "AssertionError" in finding.message


@pytest.mark.parametrize(
    ("pinned", "error"),
    [("0.14.0", "a TypeError"), ("0.15.0", "a bare AssertionError"), ("", "a bare AssertionError")],
)
def test_the_error_named_is_the_one_the_running_uvicorn_raises(project, pinned, error):
    # Before 0.15 uvicorn has no assertion: ssl's load_cert_chain(None, key) raises a TypeError (real runs).
    project.write("requirements.txt", f"uvicorn=={pinned}\n" if pinned else "uvicorn\n")
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", ssl_keyfile="key.pem")\n')
    assert finding.message.startswith(f"ssl_keyfile without ssl_certfile: {error}, so uvicorn stops at startup")


def test_key_from_the_environment_is_a_warning_saying_when(project):
    [finding] = findings(project, 'import os, uvicorn\nuvicorn.run("main:app", ssl_keyfile=os.getenv("TLS_KEY"))\n')
    assert finding.severity is Severity.WARNING
    assert "when TLS_KEY is set" in finding.message


@pytest.mark.parametrize("content", [CERTIFICATE, ""])
def test_certificate_file_without_a_key_is_an_error(project, content):
    project.write("cert.pem", content)
    [finding] = findings(project, 'import uvicorn\nuvicorn.run("main:app", ssl_certfile="cert.pem")\n')
    assert finding.severity is Severity.ERROR
    assert "holds no private key" in finding.message and "ssl.SSLError" in finding.message


@pytest.mark.parametrize("content", [CERTIFICATE + KEY, RSA_KEY + CERTIFICATE])
def test_certificate_file_holding_the_key_is_fine(project, content):
    project.write("certs/combined.pem", content)
    assert findings(project, 'import uvicorn\nuvicorn.run("main:app", ssl_certfile="certs/combined.pem")\n') == []


def test_certificate_found_from_the_workspace_root(project):
    project.write("cert.pem", CERTIFICATE)
    project.write("src/main.py", 'import uvicorn\nuvicorn.run("main:app", ssl_certfile="cert.pem")\n')
    [finding] = project.check("src/main.py", codes=(CODE,))
    assert finding.severity is Severity.ERROR


def test_absolute_certificate_path_and_dependency(project, tmp_path_factory):
    certificate = tmp_path_factory.mktemp("elsewhere") / "cert.pem"
    certificate.write_text(CERTIFICATE)
    project.write("main.py", f'import uvicorn\nuvicorn.run("main:app", ssl_certfile={str(certificate)!r})\n')
    result = project.result("main.py")
    assert [f.code for f in result.findings if f.code == CODE] == [CODE]
    assert certificate in result.dependencies


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app", ssl_certfile="missing.pem")\n',
        'import os, uvicorn\nuvicorn.run("main:app", ssl_certfile=os.environ["CERT"])\n',
    ],
)
def test_unreadable_certificate_is_a_warning(project, code):
    [finding] = findings(project, code)
    assert finding.severity is Severity.WARNING
    assert "private key" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        'import uvicorn\nuvicorn.run("main:app", ssl_keyfile="key.pem", ssl_certfile="cert.pem")\n',
        'import os, uvicorn\nuvicorn.run("main:app", ssl_keyfile="key.pem", ssl_certfile=os.environ["CERT"])\n',
        'import uvicorn\nuvicorn.run("main:app", ssl_keyfile=None)\n',
        'import uvicorn\nuvicorn.run("main:app")\n',
        'import ssl\nctx = ssl.create_default_context()\nctx.load_cert_chain("cert.pem")\n',
        'def run(app, **kw): ...\nrun("main:app", ssl_keyfile="key.pem")\n',
    ],
)
def test_no_finding(project, code):
    assert findings(project, code) == []


def test_ssl_context_factory_builds_its_own_context(project):
    """config.py asserts ssl_certfile only without ssl_context_factory (checked with real uvicorn: serves HTTPS)."""
    project.write(
        "main.py",
        'import uvicorn\n\ndef make(config, default):\n    ...\n\nuvicorn.run("m:app", ssl_keyfile="key.pem", ssl_context_factory=make)\n',
    )
    assert [f for f in project.check("main.py") if f.code == "UVI008"] == []


@pytest.mark.parametrize(
    ("code", "consequence"),
    [
        (
            'import uvicorn\nuvicorn.run("main:app", ssl_keyfile="key.pem")\n',
            "uvicorn stops at startup (exit status 1)",
        ),
        (
            'import uvicorn\nuvicorn.run("main:app", reload=True, ssl_keyfile="key.pem")\n',
            "the reloader keeps running and nothing is served",
        ),
        (
            'import uvicorn\nuvicorn.run("main:app", reload=True, ssl_certfile="missing/certificate-file.pem")\n',
            "the reloader keeps running and nothing is served",
        ),
        (
            'import os, uvicorn\nuvicorn.run("main:app", workers=4, ssl_keyfile=os.getenv("TLS_KEY_FILE_PATH"))\n',
            "the workers die at startup and are restarted without end",
        ),
    ],
)
def test_the_message_says_what_the_failure_does_to_the_process(project, code, consequence):
    # The assertion and the SSLError are raised in Config.load(), in the server process: a reloader or the
    # workers' parent stays up (checked with uvicorn 0.54: `--reload --ssl-keyfile k.pem` keeps running).
    [finding] = findings(project, code)
    assert consequence in finding.message
