"""UVI020 in containers against real uvicorn: the image is rebuilt from the build context docker-py would
send (less its `.dockerignore`) and the Dockerfile's WORKDIR/COPY lines, and its CMD run there. A file
option naming a path the image lacks stops the start (click's exit 2, FileNotFoundError for TLS files);
once the file is in the image the rule is silent and the server starts."""

from __future__ import annotations

import json
import subprocess

import pytest

from .conftest import free_port, run_server
from .test_command_launches import APP, rebuild_image, run_in_image

pytestmark = pytest.mark.slow

LOGGING = json.dumps({"version": 1, "disable_existing_loggers": False})


def uvi020(project) -> list[str]:
    return [finding.message for finding in project.check("Dockerfile", codes=("UVI020",))]


def test_env_file_left_out_by_the_dockerignore_exits_2_then_serves_once_copied(project, tmp_path):
    project.write("main.py", APP)
    project.write(".env", "MODE=prod\n")
    project.write(".dockerignore", ".git\n.env\n")
    project.write(
        "Dockerfile",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\n"
        'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--env-file", ".env"]\n',
    )
    [message] = uvi020(project)
    assert "no /app/.env in the image (left out by .dockerignore)" in message and "exit" in message
    before = run_in_image(project.root, tmp_path, "before")
    assert not before.served and before.exit_code == 2, before.output
    assert "Path '.env' does not exist" in before.output

    project.write(".dockerignore", ".git\n")  # the fix: .env goes into the image
    assert uvi020(project) == []
    after = run_in_image(project.root, tmp_path, "after")
    assert after.served, after.output


def test_log_config_no_copy_puts_in_the_image_exits_2_then_serves_once_copied(project, tmp_path):
    project.write("main.py", APP)
    project.write("logging.json", LOGGING)
    cmd = 'CMD ["uvicorn", "main:app", "--log-config", "logging.json"]\n'
    project.write("Dockerfile", "FROM python:3.12-slim\nWORKDIR /app\nCOPY main.py .\n" + cmd)
    [message] = uvi020(project)
    assert "no /app/logging.json in the image (no COPY or ADD puts it there)" in message and "status 2" in message
    before = run_in_image(project.root, tmp_path, "before")
    assert not before.served and before.exit_code == 2, before.output
    assert "Path 'logging.json' does not exist" in before.output

    project.write("Dockerfile", "FROM python:3.12-slim\nWORKDIR /app\nCOPY main.py logging.json ./\n" + cmd)
    assert uvi020(project) == []
    after = run_in_image(project.root, tmp_path, "after")
    assert after.served, after.output


def test_tls_key_left_out_stops_with_file_not_found_then_starts(project, tmp_path):
    project.write("main.py", APP)
    (project.root / "certs").mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-keyout", "certs/key.pem", "-out", "certs/cert.pem"],
        cwd=project.root,
        check=True,
        capture_output=True,
    )
    project.write(".dockerignore", "certs/key.pem\n")
    project.write(
        "Dockerfile",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
        'CMD ["uvicorn", "main:app", "--ssl-certfile", "certs/cert.pem", "--ssl-keyfile", "certs/key.pem"]\n',
    )
    [message] = uvi020(project)
    assert "no /app/certs/key.pem in the image" in message and "exit status 1" in message

    def start(name: str):
        workdir, command = rebuild_image(project.root, tmp_path / name)
        port = free_port()
        # The server speaks TLS, which the plain-HTTP probe does not: a start is told by uvicorn's own line.
        return run_server(["-m", "uvicorn", *command[1:], "--port", str(port)], workdir, port, timeout=6)

    before = start("before")
    assert before.exit_code == 1 and "FileNotFoundError" in before.output, before.output

    project.write(".dockerignore", "")
    assert uvi020(project) == []
    after = start("after")
    assert after.exit_code is None and "Uvicorn running on https://" in after.output, after.output
