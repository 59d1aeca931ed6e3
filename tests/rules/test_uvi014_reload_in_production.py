"""UVI014: `--reload` or `fastapi dev` in a production start."""

from __future__ import annotations

from ruamel.yaml import YAML

from ..conftest import apply_edits


def fix_and_recheck(project, relative, finding):
    path = project.root / relative
    fixed = apply_edits(path.read_text(), finding.best_fix.edits)
    path.write_text(fixed)
    assert not project.check(relative, codes=("UVI014",)), fixed
    return fixed


def test_dockerfile_final_stage_reload_is_reported_and_removed(project):
    project.write(
        "Dockerfile",
        """
        FROM python:3.12-slim
        WORKDIR /code
        COPY . .
        CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--reload"]
        """,
    )
    [finding] = project.check("Dockerfile", codes=("UVI014",))
    assert (finding.range.start.line, finding.range.start.character) == (3, 49)
    assert "`--reload` in the Dockerfile's CMD, a production start" in finding.message
    fixed = fix_and_recheck(project, "Dockerfile", finding)
    assert fixed.endswith('CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n')


def test_development_files_stages_and_sources_are_silent(project):
    project.write("Dockerfile.dev", 'FROM python:3.12\nCMD ["uvicorn", "main:app", "--reload"]\n')
    project.write(
        "Dockerfile",
        "FROM python:3.12 AS debug\nCMD uvicorn main:app --reload\nFROM python:3.12\nCMD uvicorn main:app\n",
    )
    project.write("compose.yaml", "services:\n  web:\n    image: x\n    command: uvicorn main:app --reload\n")
    project.write("Makefile", "run:\n\tuvicorn main:app --reload\n")
    project.write("Procfile", "dev: uvicorn main:app --reload\n")
    project.write(
        ".vscode/launch.json", '{"configurations": [{"module": "uvicorn", "args": ["main:app", "--reload"]}]}'
    )
    for name in ("Dockerfile.dev", "Dockerfile", "compose.yaml", "Makefile", "Procfile", ".vscode/launch.json"):
        assert project.check(name, codes=("UVI014",)) == [], name


def test_files_in_folders_named_for_development_are_silent(project):
    """A dev container's image (.devcontainer/Dockerfile, built by devcontainer.json) and files kept in a folder
    named for development or tests are not production starts; the same file elsewhere is (audit: EShop_FastApi)."""
    dockerfile = 'FROM python:3.13-alpine\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "main:app", "--reload"]\n'
    for folder in (".devcontainer", "docker/dev", "deploy/local", "tests"):
        project.write(f"{folder}/Dockerfile", dockerfile)
        assert project.check(f"{folder}/Dockerfile", codes=("UVI014",)) == [], folder
    project.write("services/devices/Procfile", "web: uvicorn main:app --reload\n")  # "devices" is not "dev"
    project.write("services/devices/Dockerfile", dockerfile)
    for name in ("services/devices/Procfile", "services/devices/Dockerfile"):
        assert len(project.check(name, codes=("UVI014",))) == 1, name


def test_production_compose_procfile_systemd_supervisord(project):
    project.write(
        "docker-compose.prod.yml",
        "services:\n  web:\n    image: x\n    command:\n      - uvicorn\n      - main:app\n      - --reload\n",
    )
    project.write("Procfile", "web: uvicorn main:app --host 0.0.0.0 --port $PORT --reload # noqa: UVI003\n")
    project.write("api.service", "[Service]\nExecStart=/usr/bin/uvicorn main:app --reload\n")
    project.write("supervisord.conf", "[program:api]\ncommand=uvicorn main:app --reload\n")
    for name in ("docker-compose.prod.yml", "Procfile", "api.service", "supervisord.conf"):
        [finding] = project.check(name, codes=("UVI014",))
        fixed = fix_and_recheck(project, name, finding)
        assert "--reload" not in fixed
    YAML().load((project.root / "docker-compose.prod.yml").read_text())


def test_environment_reload_and_unknown_values(project):
    project.write("Dockerfile", 'FROM python:3.12\nCOPY . .\nENV UVICORN_RELOAD=true\nCMD ["uvicorn", "main:app"]\n')
    [finding] = project.check("Dockerfile", codes=("UVI014",))
    assert finding.range.start.line == 2 and not finding.fixes  # the environment belongs to its author
    project.write("Dockerfile", "FROM python:3.12\nCMD uvicorn main:app $RELOAD_FLAG\n")
    assert project.check("Dockerfile", codes=("UVI014",)) == []


def test_fastapi_dev_becomes_fastapi_run(project):
    project.write("Dockerfile", "FROM python:3.12\nCOPY . .\nCMD fastapi dev app/main.py --port 80\n")
    [finding] = project.check("Dockerfile", codes=("UVI014",))
    assert "`fastapi dev`" in finding.message and finding.best_fix.applicability.value == "unsafe"
    fixed = fix_and_recheck(project, "Dockerfile", finding)
    assert "CMD fastapi run app/main.py --port 80" in fixed


def test_noqa_and_per_file_ignores(project):
    project.write("Dockerfile", "FROM python:3.12\nCMD uvicorn main:app --reload # noqa: UVI014\n")
    assert project.check("Dockerfile", codes=("UVI014",)) == []
    project.write("Dockerfile", "FROM python:3.12\nCMD uvicorn main:app --reload\n")
    project.write("pyproject.toml", '[tool.uvicorn-lsp.per-file-ignores]\n"Dockerfile" = ["UVI014"]\n')
    assert project.check("Dockerfile", codes=("UVI014",)) == []


def test_python_files_are_not_judged(project):
    project.write("main.py", 'import uvicorn\nuvicorn.run("main:app", reload=True)\n')
    assert project.check("main.py", codes=("UVI014",)) == []


START_SCRIPT = "#!/bin/sh\nset -e\nalembic upgrade head\nexec uvicorn app.main:app --host 0.0.0.0 --reload\n"


def test_a_script_the_image_starts_is_a_production_start(project):
    """`ENTRYPOINT ["/entrypoint.sh"]`: the script's commands are the image's start, wherever COPY put it."""
    project.write("app/main.py", "app = object()\n")
    starts = {
        'COPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]': "ENTRYPOINT",
        'WORKDIR /code\nCOPY . .\nCMD ["sh", "./entrypoint.sh"]': "CMD",
        "WORKDIR /code\nCOPY . /code\nCMD ./entrypoint.sh": "CMD",
        'COPY entrypoint.sh /usr/local/bin/\nENTRYPOINT ["tini", "--"]\nCMD ["entrypoint.sh"]': "CMD",
        'COPY ./entrypoint.sh /srv/start\nENTRYPOINT ["/bin/bash", "/srv/start"]': "ENTRYPOINT",
    }
    project.write("entrypoint.sh", START_SCRIPT)
    for start, keyword in starts.items():
        project.write("Dockerfile", f"FROM python:3.12-slim\n{start}\n")
        [finding] = project.check("entrypoint.sh", codes=("UVI014",))
        assert f"`--reload` in the script run by the Dockerfile's {keyword}, a production start" in finding.message
    fixed = fix_and_recheck(project, "entrypoint.sh", finding)
    assert fixed.endswith("exec uvicorn app.main:app --host 0.0.0.0\n")


def test_a_long_start_name_is_cut_inside_the_file_name_not_across_the_words(project):
    """Audit60d (testsvdior/aiogram_django_template): the phrase was cut across its words,
    "`--reload` in the script run b…nd/Dockerfile.prod's ENTRYPOINT"."""
    project.write(
        "backend/entrypoint.prod.sh", "#!/bin/sh\ngunicorn core.wsgi:application --bind 0.0.0.0:8000 --reload\n"
    )
    project.write(
        "backend/Dockerfile.prod",
        'FROM python:3.12\nWORKDIR /django\nCOPY . .\nENTRYPOINT ["/django/entrypoint.prod.sh"]\n',
    )
    project.write("backend/core/wsgi.py", "application = None\n")
    [finding] = project.check("backend/entrypoint.prod.sh", codes=("UVI014",))
    assert len(finding.message) <= 160
    assert "`--reload` in the script run by " in finding.message
    assert ".prod's ENTRYPOINT, a production start" in finding.message


def test_a_procfile_web_process_running_a_script_makes_it_production(project):
    project.write("bin/start.sh", START_SCRIPT)
    project.write("Procfile", "web: bash bin/start.sh\n")
    [finding] = project.check("bin/start.sh", codes=("UVI014",))
    assert "the script run by the Procfile's web process" in finding.message


def test_scripts_no_production_start_runs_are_silent(project):
    project.write("entrypoint.sh", START_SCRIPT)
    project.write("scripts/dev.sh", START_SCRIPT)
    project.write("other.sh", START_SCRIPT)
    for dockerfile in (
        'FROM python:3.12\nCOPY other.sh /other.sh\nCMD ["/other.sh"]\n',  # another script
        'FROM python:3.12\nCOPY entrypoint.sh /entrypoint.sh\nCMD ["sh", "-c", "echo"]\n',  # copied, never run
        'FROM python:3.12 AS debug\nCOPY entrypoint.sh /e.sh\nCMD ["/e.sh"]\n',  # a stage named for debugging
        'FROM python:3.12\nCOPY entrypoint.sh /e.sh\nCMD if [ "$DEV" ]; then /e.sh; fi\n',  # only on a condition
    ):
        project.write("Dockerfile", dockerfile)
        assert project.check("entrypoint.sh", codes=("UVI014",)) == [], dockerfile
    project.write("Dockerfile.dev", 'FROM python:3.12\nCOPY . .\nCMD ["sh", "entrypoint.sh"]\n')
    project.write("Procfile", "web: sh scripts/dev.sh\nworker: sh entrypoint.sh\n")
    for name in ("entrypoint.sh", "scripts/dev.sh"):
        assert project.check(name, codes=("UVI014",)) == [], name


def test_a_reload_taken_only_on_a_condition_is_not_judged(project):
    """The development branch of a start (`if [ "$ENV" = dev ]`, `[ -n "$DEBUG" ] &&`) is not production."""
    project.write(
        "entrypoint.sh",
        '#!/bin/sh\nif [ "$ENV" = "development" ]; then\n  exec uvicorn main:app --reload\nfi\n'
        '[ -n "$DEBUG" ] && exec uvicorn main:app --reload\nexec uvicorn main:app --host 0.0.0.0\n',
    )
    project.write("Dockerfile", 'FROM python:3.12\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n')
    assert project.check("entrypoint.sh", codes=("UVI014",)) == []
    project.write(
        "Dockerfile",
        'FROM python:3.12\nCMD if [ "$DEV" = 1 ]; then uvicorn main:app --reload; else uvicorn main:app; fi\n',
    )
    assert project.check("Dockerfile", codes=("UVI014",)) == []


def test_an_image_run_on_mounted_code_is_development(project):
    """An image that copies in no code, or whose WORKDIR a compose file of the project mounts the code over, runs
    live code for hot reload (audits: nova-webgames, management-web-system)."""
    project.write("requirements.txt", "fastapi\n")
    project.write("app/main.py", "app = object()\n")
    project.write(
        "Dockerfile",
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
        'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"]\n',
    )
    assert project.check("Dockerfile", codes=("UVI014",)) == []
    project.write(
        "Dockerfile",
        'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"]\n',
    )
    assert len(project.check("Dockerfile", codes=("UVI014",))) == 1
    project.write("docker-compose.yml", "services:\n  api:\n    build: .\n    volumes:\n      - ./data:/app/data\n")
    assert len(project.check("Dockerfile", codes=("UVI014",))) == 1  # a data folder is no code
    project.write("docker-compose.yml", "services:\n  api:\n    build: .\n    volumes:\n      - .:/app\n")
    assert project.check("Dockerfile", codes=("UVI014",)) == []


def test_a_service_folder_with_its_own_pyproject_mounted_by_the_compose_file_above(project):
    """backend/ is a project of its own (its pyproject.toml), built and mounted by the repository's compose file
    one folder up: live code for hot reload (real run: it reloads on edits; audit: documents-api)."""
    (project.root / ".git").mkdir()
    project.write("backend/pyproject.toml", '[project]\nname = "x"\nversion = "0.1"\n')
    project.write("backend/src/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write(
        "backend/Dockerfile",
        'FROM python:3.11-slim\nWORKDIR /app\nCOPY . /app\nCMD ["uvicorn", "src.main:app", "--host", "0.0.0.0", "--reload"]\n',
    )
    assert len(project.check("backend/Dockerfile", codes=("UVI014",))) == 1
    project.write(
        "docker-compose.yaml", "services:\n  backend:\n    build: ./backend\n    volumes:\n      - ./backend:/app\n"
    )
    assert project.check("backend/Dockerfile", codes=("UVI014",)) == []


def test_a_docker_run_mount_over_the_workdir_is_development(project):
    """`docker run -v "$PWD":/usr/src/app` in a project script runs the image on live code (audit: tagger)."""
    project.write("main.py", "app = object()\n")
    project.write(
        "Dockerfile",
        "FROM python:3.12-slim\nWORKDIR /usr/src/app\nCOPY main.py ./\n"
        'ENTRYPOINT ["uvicorn", "--host", "0.0.0.0", "--reload"]\nCMD ["main:app"]\n',
    )
    assert len(project.check("Dockerfile", codes=("UVI014",))) == 1
    project.write("run.sh", '#!/bin/sh\ndocker run -d --name dev \\\n  -v "$PWD":/usr/src/app -p 9999:8000 myimage\n')
    assert project.check("Dockerfile", codes=("UVI014",)) == []


def test_removing_reload_next_to_workers_is_unsafe(project):
    """`--reload --workers 4`: reload was overriding the workers, so removing it starts four processes (audit)."""
    project.write(
        "Dockerfile", 'FROM python:3.12\nCOPY . .\nCMD ["uvicorn", "main:app", "--reload", "--workers", "4"]\n'
    )
    [finding] = project.check("Dockerfile", codes=("UVI014",))
    assert finding.best_fix.applicability.value == "unsafe"


def test_a_docker_run_mount_over_the_code_folder_the_copy_filled(project):
    """`docker run -v "$PWD"/app:/code/app` puts live code where `COPY ./app /code/app` put the image's (real run:
    the start reloads on edits; the 'safe' removal broke the documented loop; audit:
    fastapi-uvicorn-docker-skeleton)."""
    project.write("app/__init__.py")
    project.write("app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
    project.write(
        "Dockerfile",
        "FROM python:3.12-slim\nWORKDIR /code\nCOPY ./app /code/app\n"
        'CMD ["uvicorn", "app.main:app", "--reload", "--host", "0.0.0.0", "--port", "80"]\n',
    )
    assert len(project.check("Dockerfile", codes=("UVI014",))) == 1
    project.write("start.sh", 'docker run --rm -d -p 8080:80 -v "$PWD"/data:/code/data x\n')
    assert len(project.check("Dockerfile", codes=("UVI014",))) == 1  # data, not code
    project.write("start.sh", 'docker run --rm -d -p 8080:80 -v "$PWD"/app:/code/app x\n')
    assert project.check("Dockerfile", codes=("UVI014",)) == []
