"""Command-line verdicts against real uvicorn: the container layout a Dockerfile's WORKDIR and
COPY lines make is rebuilt in a temp folder (no Docker daemon), the CMD runs there on
127.0.0.1, before and after the fix."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from docker.utils import build as docker_build

from uvicorn_lsp.engine import commands, import_resolution
from uvicorn_lsp.engine.workspace import Workspace

from ..conftest import apply_edits
from ..engine.commands.helpers import launches
from .conftest import free_port, run_server

pytestmark = pytest.mark.slow

APP = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\ndef index():\n    return {"ok": True}\n'


# Empty folders python:3.12-slim (Debian's base-files) has that a COPY may target.
BASE_IMAGE_FOLDERS = ("srv", "opt", "home", "mnt", "usr/src")


def sent_context(context: Path, target: Path) -> Path:
    """The build context as `docker build` sends it to the daemon, unpacked under `target`: docker-py's
    own tarball of the folder less what its `.dockerignore` leaves out (independent of the engine's reader)."""
    ignore = context / ".dockerignore"
    patterns = None
    if ignore.exists():
        lines = [line.strip() for line in ignore.read_text().splitlines()]
        patterns = [line for line in lines if line and not line.startswith("#")]  # as docker-py reads it
    with docker_build.tar(str(context), exclude=patterns, dockerfile=("Dockerfile", None)) as archive:
        with tarfile.open(fileobj=archive) as files:
            files.extractall(target, filter="data")
    return target


def rebuild_image(context: Path, target: Path) -> tuple[Path, list[str]]:
    """The files the Dockerfile's WORKDIR/COPY lines put in the image, under `target`, and its exec-form CMD.

    Written from Docker's rules (a copied folder's contents go into the destination; a
    destination ending in / is a folder; COPY sees the context less its .dockerignore),
    independently of the engine's layout code."""
    context = sent_context(context, target.with_name(target.name + "-context"))
    for folder in BASE_IMAGE_FOLDERS:
        (target / folder).mkdir(parents=True, exist_ok=True)
    workdir = "/"
    command: list[str] = []
    for line in (context / "Dockerfile").read_text().splitlines():
        keyword, _, rest = line.partition(" ")
        if keyword == "WORKDIR":
            workdir = os.path.normpath(os.path.join(workdir, rest.strip()))
        elif keyword == "COPY":
            *sources, destination = rest.split()
            into = os.path.normpath(os.path.join(workdir, destination))
            for source in sources:
                host = context / source
                place = target / into.lstrip("/")
                if host.is_dir():
                    shutil.copytree(host, place, dirs_exist_ok=True)
                else:
                    if destination.endswith("/") or destination in (".", "./"):
                        place = place / host.name
                    place.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(host, place)
        elif keyword == "CMD":
            command = json.loads(rest)
    return target / workdir.lstrip("/"), command


def run_in_image(context: Path, tmp_path: Path, name: str, extra: list[str] | None = None):
    workdir, command = rebuild_image(context, tmp_path / name)
    assert command[0] == "uvicorn"
    port = free_port()
    return run_server(["-m", "uvicorn", *command[1:], *(extra or []), "--port", str(port)], workdir, port)


def project_with(project, cmd: str) -> None:
    project.write("app/__init__.py", "")
    project.write("app/main.py", APP)
    project.write("requirements.txt", "fastapi\n")
    project.write(
        "Dockerfile",
        f"FROM python:3.12-slim\nWORKDIR /code\nCOPY requirements.txt .\nCOPY ./app /code/app\nCMD {cmd}\n",
    )


def verdict(project, import_string: str) -> import_resolution.Outcome:
    """What the engine says the launch does with this import string (all its search paths agree)."""
    path = project.root / "Dockerfile"
    workspace = Workspace(project.root)
    ctx = commands.context_for("dockerfile", path.read_text(), path, workspace, workspace.settings_for(path)[0])
    [launch] = ctx.launches
    outcomes = {
        import_resolution.resolve(ctx, *import_resolution.split_import_string(import_string), search_path).outcome
        for search_path in launch.search_paths
    }
    [outcome] = outcomes
    return outcome


def test_module_outside_the_workdir_does_not_load_then_the_fix_serves(project, tmp_path):
    project_with(project, '["uvicorn", "main:app"]')
    assert verdict(project, "main:app") is import_resolution.Outcome.NO_MODULE
    before = run_in_image(project.root, tmp_path, "before")
    assert not before.served and before.exit_code == 3, before.output
    assert 'Could not import module "main"' in before.output

    [launch] = launches(project, "Dockerfile")
    dockerfile = project.root / "Dockerfile"
    dockerfile.write_text(apply_edits(dockerfile.read_text(), launch.edits.replace_app("app.main:app")))
    assert verdict(project, "app.main:app") is import_resolution.Outcome.LOADS
    after = run_in_image(project.root, tmp_path, "after")
    assert after.served, after.output


def test_exec_form_dollar_and_one_element_option_exit_2(project, tmp_path):
    project_with(project, '["uvicorn", "app.main:app", "--port", "${PORT}"]')
    [launch] = launches(project, "Dockerfile")
    assert "is not a valid integer" in launch.rejections[0].message
    workdir, command = rebuild_image(project.root, tmp_path / "port")
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", *command[1:]], cwd=workdir, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and "'${PORT}' is not a valid integer" in result.stderr

    project_with(project, '["uvicorn", "app.main:app", "--host 127.0.0.1"]')
    [launch] = launches(project, "Dockerfile")
    assert launch.rejections[0].message == "No such option '--host 127.0.0.1'"
    workdir, command = rebuild_image(project.root, tmp_path / "host")
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", *command[1:]], cwd=workdir, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and "No such option" in result.stderr
    fixed = apply_edits(
        (project.root / "Dockerfile").read_text(), launch.edits.split_argument(launch.rejections[0].option)
    )
    (project.root / "Dockerfile").write_text(fixed)
    [launch] = launches(project, "Dockerfile")
    assert not launch.rejections
    workdir, command = rebuild_image(project.root, tmp_path / "split")
    port = free_port()
    assert run_server(["-m", "uvicorn", *command[1:], "--port", str(port)], workdir, port).served


def listening_addresses(port: int) -> set[str]:
    """Local addresses of LISTEN sockets on `port` (/proc/net/tcp, hex little-endian IPv4)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, _, hex_port = local.partition(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux socket tables")
def test_default_host_listens_on_loopback_only(project, tmp_path):
    project_with(project, '["uvicorn", "app.main:app"]')
    findings = project.check("Dockerfile", codes=("UVI015",))
    assert len(findings) == 1
    workdir, command = rebuild_image(project.root, tmp_path / "image")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *command[1:], "--port", str(port)],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_served(port)
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    fixed = apply_edits((project.root / "Dockerfile").read_text(), findings[0].best_fix.edits)
    assert 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]' in fixed


def wait_until_served(port: int, seconds: float = 20) -> None:
    """Until 127.0.0.1:`port` answers 200 on / (or `seconds` pass)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                assert response.status == 200
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)


def assert_serves_through_a_shell(command: str, cwd: Path, environment: dict[str, str]) -> None:
    """Run `command` as a platform does (`sh -c`, PORT set) in `cwd` until / answers 200 on 127.0.0.1, then stop it."""
    port = free_port()
    process = subprocess.Popen(
        ["sh", "-c", command],
        cwd=cwd,
        env={**environment, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_served(port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            assert response.status == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def listening_after_start(command: str, cwd: Path, port: int) -> set[str]:
    """Run a Procfile command the way Heroku does (a shell, PORT set) until it answers on 127.0.0.1; the
    addresses it listens on."""
    process = subprocess.Popen(
        ["sh", "-c", command],
        cwd=cwd,
        env={**os.environ, "PORT": str(port), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_served(port)
        return listening_addresses(port)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux socket tables")
def test_procfile_web_process_listens_on_loopback_only_then_the_fix_on_every_interface(project):
    """audit40d: `web: uvicorn main:app --port $PORT` answers on 127.0.0.1 only, where Heroku's router (which
    connects to the dyno's interface) never reaches it; the fix's --host 0.0.0.0 listens on every interface."""
    project.write("main.py", APP)
    project.write("Procfile", "web: python -m uvicorn main:app --port $PORT\n")
    [finding] = project.check("Procfile", codes=("UVI015",))
    command = (project.root / "Procfile").read_text().partition(":")[2].strip()
    assert listening_after_start(command, project.root, free_port()) == {"127.0.0.1"}
    fixed = apply_edits((project.root / "Procfile").read_text(), finding.best_fix.edits)
    assert fixed == "web: python -m uvicorn main:app --host 0.0.0.0 --port $PORT\n"
    assert listening_after_start(fixed.partition(":")[2].strip(), project.root, free_port()) == {"0.0.0.0"}


def test_a_platform_start_command_fails_or_serves_in_the_folder_the_platform_starts_it_in(project):
    """render.yaml's `startCommand` runs in the service's `rootDir`: from the repository, `uvicorn main:app` with
    main.py in backend/ exits with status 3, as UVI002 says; with `rootDir: backend` it serves, and is not reported."""
    project.write("backend/main.py", APP)
    command = "python -m uvicorn main:app --host 0.0.0.0 --port $PORT"
    service = f"services:\n  - type: web\n    name: api\n    runtime: python\n    startCommand: {command}\n"
    project.write("render.yaml", service)
    [finding] = project.check("render.yaml", codes=("UVI002",))
    assert "exit status 3" in finding.message
    environment = {
        **os.environ,
        "PORT": str(free_port()),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    failed = subprocess.run(["sh", "-c", command], cwd=project.root, env=environment, capture_output=True, timeout=30)
    assert failed.returncode == 3 and b'Could not import module "main"' in failed.stderr
    project.write("render.yaml", service.replace("    startCommand", "    rootDir: backend\n    startCommand"))
    assert project.check("render.yaml", codes=("UVI002",)) == []
    assert_serves_through_a_shell(command, project.root / "backend", environment)


def test_a_render_service_whose_env_vars_set_pythonpath_serves_from_the_repository(project):
    """render.yaml's `envVars` are set where the start command runs: with PYTHONPATH=backend, `uvicorn main:app`
    run from the repository imports backend/main.py and serves; UVI002 does not report it."""
    project.write("backend/main.py", APP)
    command = "python -m uvicorn main:app --host 0.0.0.0 --port $PORT"
    project.write(
        "render.yaml",
        "services:\n  - type: web\n    name: api\n    runtime: python\n"
        f"    startCommand: {command}\n    envVars:\n      - key: PYTHONPATH\n        value: backend\n",
    )
    assert project.check("render.yaml", codes=("UVI002",)) == []
    environment = {**os.environ, "PYTHONPATH": "backend", "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    assert_serves_through_a_shell(command, project.root, environment)


def test_a_dockerfile_built_railway_start_gets_port_as_written(project):
    """Railway runs a Dockerfile-built service's startCommand in exec form: `--port $PORT` reaches uvicorn as
    written and it exits with status 2, as UVI004 says; wrapped in `sh -c`, the shell expands it and it serves."""
    project.write("main.py", APP)
    project.write("Dockerfile", 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "main:app"]\n')
    start = "python -m uvicorn main:app --host 127.0.0.1 --port $PORT"
    project.write("railway.toml", f'[build]\nbuilder = "DOCKERFILE"\n\n[deploy]\nstartCommand = "{start}"\n')
    [finding] = project.check("railway.toml", codes=("UVI004",))
    assert "exits with status 2" in finding.message
    port = free_port()
    environment = {**os.environ, "PORT": str(port)}
    words = [sys.executable, *start.split()[1:]]  # exec form: split into words, nothing expanded
    failed = subprocess.run(words, cwd=project.root, env=environment, capture_output=True, timeout=30)
    assert failed.returncode == 2 and b"'$PORT' is not a valid integer" in failed.stderr
    wrapped = f"sh -c '{start}'"
    project.write("railway.toml", f'[build]\nbuilder = "DOCKERFILE"\n\n[deploy]\nstartCommand = "{wrapped}"\n')
    assert project.check("railway.toml", codes=("UVI004",)) == []
    shell_environment = {**environment, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    assert_serves_through_a_shell(start, project.root, shell_environment)


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux socket tables")
def test_a_python_file_the_image_runs_listens_on_the_loopback_then_the_fix_on_every_interface(project, tmp_path):
    """`CMD ["python", "main.py"]` on a file whose `uvicorn.run` names host 127.0.0.1: in the rebuilt image it
    answers on 127.0.0.1 only, where a published port never reaches; the fix's host listens on every interface."""
    run = 'if __name__ == "__main__":\n    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["PORT"]))\n'
    project.write("main.py", f"import os\n\nimport uvicorn\n{APP}\n\n{run}")
    project.write("Dockerfile", 'FROM python:3.12-slim\nWORKDIR /code\nCOPY . .\nCMD ["python", "main.py"]\n')
    [finding] = project.check("main.py", codes=("UVI015",))
    workdir, command = rebuild_image(project.root, tmp_path / "image")
    assert command == ["python", "main.py"]
    assert listening_after_start("python main.py", workdir, free_port()) == {"127.0.0.1"}
    project.write("main.py", apply_edits((project.root / "main.py").read_text(), finding.best_fix.edits))
    assert project.check("main.py", codes=("UVI015",)) == []
    workdir, _ = rebuild_image(project.root, tmp_path / "fixed")
    assert listening_after_start("python main.py", workdir, free_port()) == {"0.0.0.0"}
