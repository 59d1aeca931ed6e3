"""UVI015: a container start that listens on the loopback only."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from ..conftest import apply_edits


def fix_and_recheck(project, relative, finding):
    path = project.root / relative
    fixed = apply_edits(path.read_text(), finding.best_fix.edits)
    path.write_text(fixed)
    assert not project.check(relative, codes=("UVI015",)), fixed
    return fixed


def test_default_host_in_exec_form(project):
    project.write("Dockerfile", 'FROM python:3.12\nCMD ["uvicorn", "main:app", "--port", "80"]\n')
    [finding] = project.check("Dockerfile", codes=("UVI015",))
    assert (finding.range.start.line, finding.range.start.character, finding.range.end.character) == (1, 5, 14)
    fixed = fix_and_recheck(project, "Dockerfile", finding)
    assert 'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "80"]' in fixed


def test_loopback_host_in_shell_form_is_replaced(project):
    project.write("Dockerfile", "FROM python:3.12\nCMD exec uvicorn main:app --host 127.0.0.1 --port 80\n")
    [finding] = project.check("Dockerfile", codes=("UVI015",))
    fixed = fix_and_recheck(project, "Dockerfile", finding)
    assert "CMD exec uvicorn main:app --host 0.0.0.0 --port 80" in fixed


def test_compose_needs_published_ports(project):
    project.write(
        "compose.yaml",
        """
        services:
          web:
            image: x
            command: uvicorn main:app
            ports: ["8000:8000"]
          quiet:
            image: x
            command: uvicorn main:app
          host_network:
            image: x
            network_mode: host
            command: uvicorn main:app
            ports: ["8000:8000"]
          env_host:
            image: x
            command: uvicorn main:app
            environment:
              UVICORN_HOST: 0.0.0.0
            ports: ["8000:8000"]
        """,
    )
    [finding] = project.check("compose.yaml", codes=("UVI015",))
    assert finding.range.start.line == 3
    fixed = fix_and_recheck(project, "compose.yaml", finding)
    assert "command: uvicorn main:app --host 0.0.0.0\n" in fixed
    YAML().load(fixed)


def test_fastapi_dev_and_gunicorn(project):
    project.write("Dockerfile", "FROM python:3.12\nCMD fastapi dev main.py\n")
    [finding] = project.check("Dockerfile", codes=("UVI015",))
    assert "fastapi dev" in finding.message
    project.write("Dockerfile", "FROM python:3.12\nCMD fastapi run main.py\n")
    assert project.check("Dockerfile", codes=("UVI015",)) == []
    project.write("Dockerfile", "FROM python:3.12\nCMD gunicorn -k uvicorn_worker.UvicornWorker main:app\n")
    assert project.check("Dockerfile", codes=("UVI015",)) == []
    project.write(
        "Dockerfile", "FROM python:3.12\nCMD gunicorn -k uvicorn_worker.UvicornWorker -b 127.0.0.1:80 main:app\n"
    )
    [finding] = project.check("Dockerfile", codes=("UVI015",))
    assert "`-b 127.0.0.1:80`" in finding.message
    fixed = fix_and_recheck(project, "Dockerfile", finding)
    assert "CMD gunicorn -k uvicorn_worker.UvicornWorker -b 0.0.0.0:80 main:app" in fixed


def test_gunicorn_listens_on_every_bind_given(project):
    """gunicorn's --bind appends: `-b 0.0.0.0:8000 -b 127.0.0.1:9000` listens on both (real run, gunicorn 23.0), so a
    loopback bind after a public one is not "loopback only", in either order."""
    start = "FROM python:3.12\nCMD gunicorn -k uvicorn_worker.UvicornWorker main:app {}\n"
    for binds in (
        "-b 0.0.0.0:8000 -b 127.0.0.1:9000",
        "-b 127.0.0.1:9000 -b 0.0.0.0:8000",
        "-b [::]:80 -b 127.0.0.1:80",
    ):
        project.write("Dockerfile", start.format(binds))
        assert project.check("Dockerfile", codes=("UVI015",)) == [], binds
    # Every bind on the loopback: reported, without a fix (one moved to 0.0.0.0 may clash with another's port).
    project.write(
        "Dockerfile",
        'FROM python:3.12\nCMD ["gunicorn", "main:app", "-k", "uvicorn_worker.UvicornWorker", "-b", "127.0.0.1:8000", '
        '"-b", "[::1]:8000"]\n',
    )
    [finding] = project.check("Dockerfile", codes=("UVI015",))
    assert finding.message.startswith("every --bind (last `-b [::1]:8000`) is loopback only in the container")
    assert finding.fixes == []


def test_silent_cases(project):
    for command in (
        "uvicorn main:app --host $HOST",
        "uvicorn main:app --uds /tmp/app.sock",
        "uvicorn main:app --host ::",
    ):
        project.write("Dockerfile", f"FROM python:3.12\nCMD {command}\n")
        assert project.check("Dockerfile", codes=("UVI015",)) == [], command
    project.write("Procfile", "web: uvicorn main:app\n")
    assert project.check("Procfile", codes=("UVI015",)) == []


def test_procfile_web_process_reading_the_platform_port(project):
    """Heroku's router connects to $PORT on the dyno's interface: a loopback bind never answers it (R10)."""
    project.write("main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write("Procfile", "web: uvicorn main:app --port $PORT\nworker: uvicorn main:app --port $PORT\n")
    [finding] = project.check("Procfile", codes=("UVI015",))
    assert finding.range.start.line == 0 and "in the web process" in finding.message and "R10" in finding.message
    fixed = fix_and_recheck(project, "Procfile", finding)
    assert fixed.startswith("web: uvicorn main:app --host 0.0.0.0 --port $PORT\n")
    project.write("Procfile", "web: uvicorn main:app --host localhost --port=${PORT:-8000}\n")
    [finding] = project.check("Procfile", codes=("UVI015",))
    assert "--host localhost" in finding.message
    assert "web: uvicorn main:app --host 0.0.0.0 --port=${PORT:-8000}" in fix_and_recheck(project, "Procfile", finding)


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("Procfile", "web: uvicorn main:app --port 8000"),  # no $PORT: may be for a local process manager only
        ("Procfile", "web: uvicorn main:app --host 0.0.0.0 --port $PORT"),
        ("Procfile", "web: uvicorn main:app --host :: --port $PORT"),
        ("Procfile", "api: uvicorn main:app --port $PORT"),
        ("Procfile.dev", "web: uvicorn main:app --port $PORT"),
        ("Procfile", "web: uvicorn main:app --port $PORT & nginx -g 'daemon off;'"),
    ],
)
def test_procfile_starts_left_alone(project, name, line):
    project.write("main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write(name, line + "\n")
    assert project.check(name, codes=("UVI015",)) == []


@pytest.mark.parametrize(
    "start",
    [
        'CMD ["sh", "-c", "uvicorn main:app --host 127.0.0.1 --port 8000 & nginx -g \'daemon off;\'"]',
        "CMD service nginx start && exec uvicorn main:app --port 8000",
        "CMD nginx && uvicorn main:app --host localhost",
    ],
)
def test_a_proxy_in_the_same_container_is_silent(project, start):
    """A loopback bind behind a proxy of the same container is reached by it (audit)."""
    project.write("Dockerfile", f"FROM python:3.12\nWORKDIR /app\nCOPY . .\nEXPOSE 80\n{start}\n")
    assert project.check("Dockerfile", codes=("UVI015",)) == []


def test_a_compose_service_sharing_the_network_namespace_silences_the_dockerfile(project):
    project.write("Dockerfile", 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "main:app"]\n')
    assert len(project.check("Dockerfile", codes=("UVI015",))) == 1
    project.write(
        "docker-compose.yml",
        'services:\n  proxy:\n    image: nginx\n    ports: ["80:80"]\n  api:\n    build: .\n'
        '    network_mode: "service:proxy"\n',
    )
    assert project.check("Dockerfile", codes=("UVI015",)) == []


RUN_APP = 'import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\nif __name__ == "__main__":\n    uvicorn.run({})\n'
IMAGE = "FROM python:3.12-slim\nWORKDIR /code\nCOPY . .\nCMD {}\n"


@pytest.mark.parametrize(
    ("arguments", "start", "shown", "fixed"),
    [
        (
            'app, host="127.0.0.1", port=8000',
            '["python", "main.py"]',
            '`host="127.0.0.1"` is the loopback',
            'uvicorn.run(app, host="0.0.0.0", port=8000)',
        ),
        (
            "app, port=8000",
            "python -u main.py",
            "uvicorn.run() listens on 127.0.0.1",
            'uvicorn.run(app, port=8000, host="0.0.0.0")',
        ),
        (
            '"main:app", host="localhost"',
            '["/usr/local/bin/python3", "-X", "dev", "./main.py"]',
            '`host="localhost"` is the loopback',
            'uvicorn.run("main:app", host="0.0.0.0")',
        ),
    ],
)
def test_a_python_file_a_dockerfile_runs_listens_on_the_loopback(project, arguments, start, shown, fixed):
    """`CMD ["python", "main.py"]` runs the file's `uvicorn.run`: its loopback is the container's own."""
    project.write("main.py", RUN_APP.format(arguments))
    project.write("Dockerfile", IMAGE.format(start))
    [finding] = project.check("main.py", codes=("UVI015",))
    assert finding.message.startswith(f"{shown}, and the Dockerfile's CMD runs this file in a container")
    assert fixed in fix_and_recheck(project, "main.py", finding)


@pytest.mark.parametrize(
    ("main", "dockerfile"),
    [
        (RUN_APP.format('app, host="0.0.0.0"'), IMAGE.format('["python", "main.py"]')),
        (RUN_APP.format('app, host=os.getenv("HOST", "127.0.0.1")'), IMAGE.format('["python", "main.py"]')),
        (RUN_APP.format("app, **options"), IMAGE.format('["python", "main.py"]')),
        (RUN_APP.format("app"), IMAGE.format('["uvicorn", "main:app", "--host", "0.0.0.0"]')),  # not this file
        (RUN_APP.format("app"), IMAGE.format('["python", "-c", "import main"]')),  # inline code: not read
        (RUN_APP.format("app"), IMAGE.format("python -m $MODULE")),
        (RUN_APP.format("app"), "FROM python:3.12-slim\nWORKDIR /code\nCOPY other.py .\nCMD python main.py\n"),
        (
            "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\ndef serve():\n    uvicorn.run(app)\n",
            IMAGE.format('["python", "main.py"]'),
        ),
    ],
)
def test_silent_where_the_container_start_or_its_host_is_not_known(project, main, dockerfile):
    project.write("main.py", main)
    project.write("Dockerfile", dockerfile)
    assert project.check("main.py", codes=("UVI015",)) == []


def test_silent_without_a_dockerfile_or_with_one_for_development(project):
    project.write("main.py", RUN_APP.format("app"))
    assert project.check("main.py", codes=("UVI015",)) == []
    project.write("Dockerfile.dev", IMAGE.format('["python", "main.py"]'))
    assert project.check("main.py", codes=("UVI015",)) == []


@pytest.mark.parametrize(
    ("relative", "start"),
    [
        ("main.py", '["python", "-m", "main"]'),
        ("app/main.py", '["python3", "-m", "app.main"]'),
        ("app/__main__.py", "python -mapp"),
    ],
)
def test_a_module_the_image_runs_with_python_m(project, relative, start):
    """`python -m app.main` runs app/main.py of the working directory (app/__main__.py for `-m app`)."""
    project.write("app/__init__.py")
    project.write(relative, RUN_APP.format("app"))
    project.write("Dockerfile", IMAGE.format(start))
    [finding] = project.check(relative, codes=("UVI015",))
    assert "the Dockerfile's CMD runs this file in a container" in finding.message


def test_a_compose_service_starting_the_image_is_named_whole(project):
    # chat-billing: the built image's own CMD under a compose service; the long wording cut
    # "the image's start in service backend" to "the image's…t in service backend".
    project.write("Dockerfile", 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "main:app"]\n')
    project.write("main.py", "app = None\n")
    project.write(
        "compose.yaml",
        'services:\n  backend:\n    build: .\n    environment:\n      DB_HOST: db\n    ports: ["8000:8000"]\n',
    )
    [finding] = project.check("compose.yaml", codes=("UVI015",))
    assert "(the image's start in service backend)" in finding.message
    assert "…" not in finding.message
