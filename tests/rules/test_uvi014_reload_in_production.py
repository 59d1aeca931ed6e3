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
    project.write("Dockerfile", 'FROM python:3.12\nENV UVICORN_RELOAD=true\nCMD ["uvicorn", "main:app"]\n')
    [finding] = project.check("Dockerfile", codes=("UVI014",))
    assert finding.range.start.line == 1 and not finding.fixes  # the environment belongs to its author
    project.write("Dockerfile", "FROM python:3.12\nCMD uvicorn main:app $RELOAD_FLAG\n")
    assert project.check("Dockerfile", codes=("UVI014",)) == []


def test_fastapi_dev_becomes_fastapi_run(project):
    project.write("Dockerfile", "FROM python:3.12\nCMD fastapi dev app/main.py --port 80\n")
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
