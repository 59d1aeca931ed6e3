"""UVI020 in containers: a file option's path looked for in the image that the Dockerfile's COPY/ADD lines
build from the build context, less its `.dockerignore`; silent wherever that image is not clear."""

from __future__ import annotations

import subprocess
import sys

import pytest

from uvicorn_lsp.engine.model import Finding, Severity

CODE = "UVI020"
APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


def dockerfile(*lines: str, cmd: str = '["uvicorn", "main:app", "--host", "0.0.0.0", "--env-file", ".env"]') -> str:
    return "\n".join(["FROM python:3.12-slim", "WORKDIR /app", *lines, f"CMD {cmd}"]) + "\n"


def found(project, relative: str = "Dockerfile") -> list[Finding]:
    return project.check(relative, codes=(CODE,))


def messages(project, relative: str = "Dockerfile") -> list[str]:
    return [finding.message for finding in found(project, relative)]


@pytest.fixture
def app(project):
    project.write("main.py", APP)
    project.write("requirements.txt", "fastapi\nuvicorn\n")
    return project


def test_env_file_left_out_by_the_dockerignore_then_copied(app):
    app.write(".env", "MODE=prod\n")
    app.write(".dockerignore", ".git\n.env\n")
    app.write("Dockerfile", dockerfile("COPY requirements.txt .", "RUN pip install -r requirements.txt", "COPY . ."))
    [finding] = found(app)
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "--env-file .env: no /app/.env in the image (left out by .dockerignore) unless mounted at run time; "
        "uvicorn exits with status 2"
    )
    line = app.root.joinpath("Dockerfile").read_text().splitlines()[finding.range.start.line]
    assert line[finding.range.start.character : finding.range.end.character] == '"--env-file", ".env"'

    app.write(".dockerignore", ".git\n")
    assert found(app) == []


def test_a_file_no_copy_puts_in_the_image_then_copied(app):
    app.write("logging.yaml", "version: 1\n")
    cmd = '["uvicorn", "main:app", "--log-config", "logging.yaml"]'
    app.write("Dockerfile", dockerfile("COPY main.py .", cmd=cmd))
    assert messages(app) == [
        "--log-config logging.yaml: no /app/logging.yaml in the image (no COPY or ADD puts it there) unless mounted "
        "at run time; uvicorn exits with status 2"
    ]
    app.write("Dockerfile", dockerfile("COPY main.py logging.yaml ./", cmd=cmd))
    assert found(app) == []


def test_a_copied_folder_without_the_file_unless_git_ignores_it(app):
    app.write("Dockerfile", dockerfile("COPY . ."))
    [message] = messages(app)
    assert "no /app/.env in the image (not in the build context)" in message
    (app.root / ".git").mkdir()
    app.write(".gitignore", ".env\n")  # the checkout the image is built from may have it
    assert found(app) == []


def test_tls_files_fail_with_file_not_found(app):
    app.write("certs/cert.pem", "")
    app.write(".dockerignore", "certs/key.pem\n")
    cmd = '["uvicorn", "main:app", "--ssl-certfile", "certs/cert.pem", "--ssl-keyfile", "certs/key.pem"]'
    app.write("Dockerfile", dockerfile("COPY . .", cmd=cmd))
    [message] = messages(app)
    assert message.startswith(
        "--ssl-keyfile certs/key.pem: no /app/certs/key.pem in the image (left out by .dockerignore)"
    )
    assert message.endswith("uvicorn stops at startup (exit status 1)")


def test_a_long_message_keeps_the_option_whole(app):
    """Workers that fail to start say the most: the terser wording drops "unless mounted at run time" before any
    name is cut (the option read `--ssl…le key.pem`). A worker that cannot open its key file dies of the exception
    (status 1), and uvicorn 0.54's parent starts another in its place: only status 3 stops it."""
    cmd = '["uvicorn", "main:app", "--ssl-certfile", "cert.pem", "--ssl-keyfile", "key.pem", "--workers", "2"]'
    app.write("cert.pem", "")
    app.write("Dockerfile", dockerfile("COPY main.py cert.pem ./", cmd=cmd))
    [message] = messages(app)
    assert message == (
        "--ssl-keyfile key.pem: no /app/key.pem in the image (no COPY or ADD puts it there); "
        "the workers die at startup and are restarted without end"
    )


@pytest.mark.parametrize(
    ("workdir", "path", "reported"),
    [
        ("/app", "/app/conf/logging.yaml", True),  # an absolute path in a copied folder
        ("/usr/src/app", "logging.yaml", True),  # official images ship /usr/src empty
        ("/app", "/etc/uvicorn/logging.yaml", False),  # the base image's own folders
        ("/", "root/logging.yaml", False),
        ("/app", "~/logging.yaml", False),
    ],
)
def test_paths_in_the_image(app, workdir, path, reported):
    app.write(
        "Dockerfile",
        f'FROM python:3.12-slim\nWORKDIR {workdir}\nCOPY . .\nCMD ["uvicorn", "main:app", "--log-config", "{path}"]\n',
    )
    assert bool(found(app)) is reported


def test_shell_form_and_uvicorn_variables(app):
    app.write(".dockerignore", ".env\n")
    app.write("Dockerfile", dockerfile("COPY . .", cmd="uvicorn main:app --host 0.0.0.0 --env-file .env"))
    assert len(found(app)) == 1
    app.write("Dockerfile", dockerfile("COPY . .", "ENV UVICORN_ENV_FILE=.env", cmd='["uvicorn", "main:app"]'))
    [message] = messages(app)
    assert message.startswith("UVICORN_ENV_FILE=.env: no /app/.env in the image")


@pytest.mark.parametrize(
    "lines",
    [
        # A RUN that may write the file, or makes files the layout does not follow.
        ["COPY . .", "RUN echo MODE=prod > .env"],
        ["COPY . .", "RUN python make_settings.py"],
        ["COPY . .", "RUN openssl req -x509 -nodes -subj /CN=x -keyout key.pem -out cert.pem"],
        ["COPY . .", "RUN --mount=type=secret,id=env,target=/app/.env pip install -r requirements.txt"],
        ["COPY . .", "RUN cp .env.example .env"],
        # A run-time mount, another stage or image, a URL.
        ["COPY . .", "VOLUME /app"],
        ["COPY --from=ghcr.io/acme/settings:1 /settings /app", "COPY main.py ."],
        ["ADD https://example.com/settings.tar.gz /app/", "COPY main.py ."],
    ],
)
def test_silent_where_something_else_may_make_the_file(app, lines):
    app.write(".dockerignore", ".env\n")
    app.write("Dockerfile", dockerfile(*lines))
    assert found(app) == []


def test_package_installs_keep_the_verdict(app):
    app.write(".dockerignore", ".env\n")
    installs = [
        "RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*",
        "RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt",
        "RUN useradd -m app && chown -R app /app",
    ]
    app.write("Dockerfile", dockerfile("COPY . .", *installs))
    assert len(found(app)) == 1


@pytest.mark.parametrize(
    ("dockerfile_text", "ignore_files"),
    [
        # A base image that may ship the file, a WORKDIR only the build knows.
        ('FROM acme/base\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "main:app", "--env-file", ".env"]\n', {}),
        ('FROM python:3.12\nWORKDIR $HOME\nCOPY . .\nCMD ["uvicorn", "main:app", "--env-file", ".env"]\n', {}),
        # Values only the running shell knows, and a `cd` the layout does not follow.
        ("FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD uvicorn main:app --env-file $ENV_FILE\n", {}),
        ('FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "main:app", "--env-file", "${ENV_FILE}"]\n', {}),
        ("FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD cd /srv && uvicorn main:app --env-file .env\n", {}),
        # Docker's and Podman's ignore files disagree; an ignore file not followed.
        (
            'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "main:app", "--env-file", ".env"]\n',
            {".dockerignore": ".env\n", ".containerignore": "*.md\n"},
        ),
        (
            'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "main:app", "--env-file", ".env"]\n',
            {".dockerignore": ".[e]nv\n"},
        ),
    ],
)
def test_silent_where_the_image_is_not_clear(app, dockerfile_text, ignore_files):
    for name, text in ignore_files.items():
        app.write(name, text)
    app.write("Dockerfile", dockerfile_text)
    assert found(app) == []


def test_a_dockerfile_built_from_another_folder_is_silent(app):
    # docker/Dockerfile is built with `docker build -f docker/Dockerfile .`: its context is not known here.
    app.write(".dockerignore", ".env\n")
    app.write("docker/Dockerfile", dockerfile("COPY . ."))
    assert found(app, "docker/Dockerfile") == []


COMPOSE = """\
services:
  web:
    build: .
    ports: ["8000:8000"]
    command: uvicorn main:app --host 0.0.0.0 --env-file .env --log-config conf/logging.yaml
"""


@pytest.mark.parametrize(
    ("service_lines", "reported"),
    [
        ([], [".env", "conf/logging.yaml"]),
        (["    volumes:", "      - pgdata:/var/lib/data"], [".env", "conf/logging.yaml"]),
        (["    volumes:", "      - ./conf:/app/conf"], [".env"]),
        (["    volumes:", "      - type: bind", "        source: ./deploy", "        target: /app"], []),
        (["    volumes:", "      - ${CONFIG_DIR}:/app/conf"], [".env"]),
        (["    volumes:", "      - ${CONFIG_DIR}:${CONFIG_TARGET}"], []),
        (["    secrets: [settings]"], []),
        (["    develop:", "      watch:", "        - {action: sync, path: ., target: /app}"], []),
    ],
)
def test_compose_services_built_here(app, service_lines, reported):
    app.write(".dockerignore", ".env\nconf/\n")
    app.write("Dockerfile", dockerfile("COPY . .", cmd='["uvicorn", "main:app"]'))
    app.write("compose.yaml", COMPOSE + "".join(line + "\n" for line in service_lines))
    assert [message.split(": no ")[0].split()[-1] for message in messages(app, "compose.yaml")] == reported


def test_compose_service_of_a_pulled_image_is_silent(app):
    app.write("compose.yaml", COMPOSE.replace("build: .", "image: acme/web:1\n    working_dir: /app"))
    assert found(app, "compose.yaml") == []


@pytest.mark.parametrize(
    ("compose", "reported"),
    [
        ("services:\n  db:\n    image: postgres\n    volumes: [pgdata:/var/lib/postgresql/data]\n", True),
        ("services:\n  web:\n    build: .\n    volumes: [./.env:/app/.env]\n", False),
        ("services:\n  web:\n    build: .\n    volumes: [./deploy:/app]\n", False),
        ("services:\n  web:\n    build: .\n    secrets: [env]\n", False),
        ("services: [broken\n", True),  # compose cannot run it
    ],
)
def test_a_compose_file_of_the_project_may_mount_the_file(app, compose, reported):
    app.write(".dockerignore", ".env\n")
    app.write("Dockerfile", dockerfile("COPY . ."))
    assert len(found(app)) == 1
    app.write("compose.yaml", compose)
    assert bool(found(app)) is reported


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deploy.sh", "docker run -d -p 443:443 \\\n  -v /etc/letsencrypt/live/site:/certs:ro acme/web\n"),
        # A CI deploy job: an SSH action's script runs the image with the host's certificates mounted.
        (
            ".github/workflows/deploy.yml",
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: appleboy/ssh-action@v1\n"
            "        with:\n          script: |\n            docker run -d -p 443:443 \\\n"
            "              -v /etc/letsencrypt/live/site:/certs:ro acme/web:latest\n",
        ),
    ],
)
def test_a_script_or_ci_job_running_the_image_may_mount_the_file(app, name, text):
    cmd = '["uvicorn", "main:app", "--ssl-keyfile", "/certs/privkey.pem", "--ssl-certfile", "/certs/fullchain.pem"]'
    app.write("Dockerfile", dockerfile("COPY . .", cmd=cmd))
    assert len(found(app)) == 2
    app.write(name, text)
    assert found(app) == []


def test_a_compose_override_may_mount_the_file(app):
    app.write(".dockerignore", ".env\n")
    app.write("Dockerfile", dockerfile("COPY . .", cmd='["uvicorn", "main:app"]'))
    app.write("compose.yaml", COMPOSE)
    assert len(found(app, "compose.yaml")) == 2
    app.write("compose.override.yaml", "services:\n  web:\n    volumes:\n      - ./.env:/app/.env\n")
    [message] = messages(app, "compose.yaml")
    assert message.startswith("--log-config conf/logging.yaml: no /app/conf/logging.yaml in the image")


def test_a_glob_copy_may_take_a_git_ignored_file_from_the_builders_checkout(app):
    cmd = '["uvicorn", "main:app", "--log-config", "logging.json"]'
    app.write("Dockerfile", dockerfile("COPY *.py *.txt ./", cmd=cmd))
    assert "(no COPY or ADD puts it there)" in messages(app)[0]
    (app.root / ".git").mkdir()
    app.write(".gitignore", "logging.json\n")
    assert found(app) == []
    app.write("logging.json", "{}")  # here, and the glob does not take it: no other checkout's would
    app.write(".dockerignore", "logging.json\n")
    assert "(no COPY or ADD puts it there)" in messages(app)[0]


def check_command(project) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "uvicorn_lsp", "check", "--select", CODE, "."]
    return subprocess.run(command, cwd=project.root, capture_output=True, text=True, timeout=60)


def test_the_command_line_reports_it_and_bad_values_never_crash(app):
    app.write(".dockerignore", ".env\n")
    app.write("Dockerfile", dockerfile("COPY . ."))
    result = check_command(app)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("Dockerfile:4:50: UVI020 --env-file .env: no /app/.env in the image")

    app.write("Dockerfile", dockerfile("COPY . .", cmd='["uvicorn", "main:app", "--env-file", "a\\u0000b"]'))
    assert found(app) == []
    result = check_command(app)
    assert result.returncode == 0 and "All checks passed!" in result.stdout, result.stdout + result.stderr


def test_a_file_copied_into_a_folder_already_there(app):
    app.write("logging.json", "{}")
    cmd = '["uvicorn", "main:app", "--log-config", "config/logging.json"]'
    app.write("Dockerfile", dockerfile("WORKDIR /app/config", "WORKDIR /app", "COPY logging.json config", cmd=cmd))
    assert found(app) == []
    app.write("Dockerfile", dockerfile("COPY logging.json config", cmd=cmd.replace("logging.json", "other.json")))
    assert "no /app/config/other.json in the image" in messages(app)[0]


@pytest.mark.parametrize(
    "start",
    [
        'CMD ["sh", "-c", "exec uvicorn main:app --host 0.0.0.0 --env-file .env"]',
        'ENTRYPOINT ["uvicorn", "main:app"]\nCMD ["--env-file", ".env"]',
    ],
)
def test_starts_through_a_shell_or_entrypoint(app, start):
    app.write(".dockerignore", ".env\n")
    app.write("Dockerfile", f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n{start}\n")
    [message] = messages(app)
    assert "no /app/.env in the image (left out by .dockerignore)" in message
