"""The launch rules judge command lines as they judge Python calls: same codes, fixes through
the command source's own edits (quoting and exec/shell form kept)."""

from __future__ import annotations

from ..conftest import apply_edits

DOCKERFILE = """\
FROM python:3.12-slim
WORKDIR /code
COPY ./app /code/app
CMD {cmd}
"""


def _project(project, cmd: str):
    project.write("app/__init__.py")
    project.write("app/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    project.write("Dockerfile", DOCKERFILE.format(cmd=cmd))


def _fixed(project, relative: str, finding) -> str:
    return apply_edits((project.root / relative).read_text(), finding.best_fix.edits)


def test_import_string_in_a_dockerfile_gets_did_you_mean(project):
    _project(project, '["uvicorn", "app.mian:app", "--host", "0.0.0.0"]')
    [finding] = project.check("Dockerfile", codes=("UVI002",))
    assert '"app.mian:app" will not load: module not found' in finding.message
    assert 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]' in _fixed(project, "Dockerfile", finding)


def test_unknown_flag_is_exit_status_2_with_did_you_mean(project):
    _project(project, "uvicorn app.main:app --host 0.0.0.0 --relaod")
    [finding] = project.check("Dockerfile", codes=("UVI004",))
    assert "exits with status 2" in finding.message and "No such option '--relaod'" in finding.message
    assert "CMD uvicorn app.main:app --host 0.0.0.0 --reload" in _fixed(project, "Dockerfile", finding)


def test_flag_and_value_in_one_exec_form_element_is_split(project):
    _project(project, '["uvicorn", "app.main:app", "--host 0.0.0.0"]')
    [finding] = project.check("Dockerfile", codes=("UVI004",))
    assert '"--host", "0.0.0.0"]' in _fixed(project, "Dockerfile", finding)


def test_deprecated_worker_class_on_a_gunicorn_command(project):
    project.write("Procfile", "web: gunicorn app.main:app -k uvicorn.workers.UvicornWorker -w 2\n")
    [finding] = project.check("Procfile", codes=("UVI009",))
    assert _fixed(project, "Procfile", finding) == "web: gunicorn app.main:app -k uvicorn_worker.UvicornWorker -w 2\n"


def test_gunicorn_keeps_its_workers_when_reloading(project):
    project.write("Makefile", "dev:\n\tgunicorn app.main:app -k uvicorn_worker.UvicornWorker --reload -w 4\n")
    assert project.check("Makefile", codes=("UVI003",)) == []


def test_reload_with_workers_on_a_development_command(project):
    project.write("Makefile", "dev:\n\tuvicorn app.main:app --reload --workers 4\n")
    [finding] = project.check("Makefile", codes=("UVI003",))
    assert (
        finding.message
        == "--workers 4 is ignored because --reload is set: uvicorn runs a single process when reloading"
    )
    assert _fixed(project, "Makefile", finding) == "dev:\n\tuvicorn app.main:app --reload\n"


def test_reload_with_workers_in_production_prefers_dropping_reload(project):
    _project(project, '["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload", "--workers", "4"]')
    [finding] = project.check("Dockerfile", codes=("UVI003",))
    assert finding.best_fix.title.startswith("Remove `--reload`")
