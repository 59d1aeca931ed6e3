"""Dockerfile CMD/ENTRYPOINT: arguments, places, environment, layout and edits."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine.commands.dockerfile import stages
from uvicorn_lsp.engine.launch import GivenAs, Server, Setting
from uvicorn_lsp.engine.source import split_lines

from ...conftest import apply_edits
from .helpers import launches, roots, text_at

APP = "from fastapi import FastAPI\napp = FastAPI()\n"


def test_exec_form_options_values_and_places(project):
    project.write(
        "Dockerfile",
        """
        FROM python:3.12-slim
        WORKDIR /code
        COPY ./app /code/app
        CMD ["uvicorn", "app.main:app", "--workers", "4", \\
             "--forwarded-allow-ips=*", "--no-access-log"]
        """,
    )
    [launch] = launches(project, "Dockerfile")
    assert launch.server is Server.UVICORN and launch.setting is Setting.CONTAINER
    assert launch.app.value.candidates == ("app.main:app",)
    assert text_at(project, "Dockerfile", launch.app.range) == '"app.main:app"'
    workers = launch.option("workers")
    assert workers.value.candidates == (4,) and workers.given_as is GivenAs.FLAG
    assert text_at(project, "Dockerfile", workers.range) == '"--workers", "4"'
    assert launch.option("forwarded_allow_ips").value.candidates == ("*",)
    assert text_at(project, "Dockerfile", launch.option("forwarded_allow_ips").range) == '"--forwarded-allow-ips=*"'
    assert launch.option("access_log").value.candidates == (False,)


def test_json_escapes_map_to_their_columns(project):
    project.write("Dockerfile", 'FROM python:3.12\nCMD ["uvicorn", "caf\\u00e9:app", "--relaod"]\n')
    [launch] = launches(project, "Dockerfile")
    assert launch.app.value.candidates == ("café:app",)
    [rejection] = launch.rejections
    assert rejection.option.name == "--relaod" and rejection.near[0] == "--reload"
    assert text_at(project, "Dockerfile", rejection.option.range) == '"--relaod"'


def test_exec_form_dollar_is_literal_and_refused(project):
    project.write("Dockerfile", 'FROM python:3.12\nCMD ["uvicorn", "main:app", "--port", "${PORT}"]\n')
    [launch] = launches(project, "Dockerfile")
    [rejection] = launch.rejections
    assert "'${PORT}' is not a valid integer" in rejection.message and "no shell expands" in rejection.message


def test_shell_form_dollar_is_unknown_and_env_is_known(project):
    project.write(
        "Dockerfile",
        """
        FROM python:3.12
        ARG WORKERS=2
        ENV WEB_CONCURRENCY=$WORKERS UVICORN_RELOAD=true
        CMD uvicorn main:app --port $PORT
        """,
    )
    [launch] = launches(project, "Dockerfile")
    assert not launch.rejections
    assert launch.option("port").value.known is False
    assert launch.option("workers").value.candidates == (2,)
    assert launch.option("workers").given_as is GivenAs.ENVIRONMENT
    assert launch.option("reload").value.candidates == (True,)
    assert text_at(project, "Dockerfile", launch.option("reload").range) == "UVICORN_RELOAD=true"


def test_entrypoint_and_cmd_join_and_edits_stay_in_their_list(project):
    project.write(
        "Dockerfile",
        """
        FROM python:3.12
        ENTRYPOINT ["uvicorn", "--reload"]
        CMD ["main:app"]
        """,
    )
    [launch] = launches(project, "Dockerfile")
    assert launch.app.value.candidates == ("main:app",)
    text = (project.root / "Dockerfile").read_text()
    fixed = apply_edits(text, launch.edits.remove_option(launch.option("reload")))
    assert 'ENTRYPOINT ["uvicorn"]\nCMD ["main:app"]' in fixed
    fixed = apply_edits(text, launch.edits.set_option("host", "0.0.0.0"))
    assert 'CMD ["main:app", "--host", "0.0.0.0"]' in fixed


def test_shell_form_edits_keep_continuations(project):
    project.write(
        "Dockerfile",
        """
        FROM python:3.12
        CMD uvicorn main:app \\
            --reload \\
            --port 80
        """,
    )
    [launch] = launches(project, "Dockerfile")
    text = (project.root / "Dockerfile").read_text()
    fixed = apply_edits(text, launch.edits.remove_option(launch.option("reload")))
    assert fixed.endswith("CMD uvicorn main:app \\\n    --port 80\n")
    [again] = launches_after(project, fixed)
    assert again.option("reload") is None and again.option("port").value.candidates == (80,)


def launches_after(project, text):
    project.write("Dockerfile", text)
    return launches(project, "Dockerfile")


def test_sh_c_line_is_read_as_shell(project):
    project.write("Dockerfile", 'FROM python:3.12\nCMD ["sh", "-c", "uvicorn main:app --port ${PORT:-80} --reload"]\n')
    [launch] = launches(project, "Dockerfile")
    assert launch.option("port").value.known is False and not launch.rejections
    assert text_at(project, "Dockerfile", launch.option("reload").range) == "--reload"


def test_layout_maps_the_workdir_to_copied_folders(project):
    project.write("app/main.py", APP)
    project.write("requirements.txt", "fastapi\n")
    project.write(
        "Dockerfile",
        """
        FROM python:3.12-slim
        WORKDIR /code
        COPY requirements.txt .
        COPY ./app /code/app
        CMD ["uvicorn", "main:app"]
        """,
    )
    [launch] = launches(project, "Dockerfile")
    assert roots(launch) == [(project.root,)]
    assert launch.search_paths[0].launch.command == "/code in the image"


def test_copy_into_the_workdir_itself(project):
    project.write("app/main.py", APP)
    project.write("Dockerfile", "FROM python:3.12\nWORKDIR /srv\nCOPY app/ /srv/\nCMD uvicorn main:app\n")
    [launch] = launches(project, "Dockerfile")
    assert roots(launch) == [(project.root / "app",)]


def test_layout_unknown_is_silent(project):
    project.write("app/main.py", APP)
    for body in (
        "FROM python:3.12 AS build\nFROM python:3.12\nWORKDIR /code\nCOPY --from=build /code /code\n",
        "FROM mycompany/base:1\nWORKDIR /code\nCOPY app /code/app\n",
        "FROM python:3.12\nWORKDIR /code\nCOPY app /code/application\n",
        "FROM python:3.12\nWORKDIR /code\nCOPY app /code/app\nRUN git clone https://x/y /code/y\n",
    ):
        project.write("Dockerfile", body + 'CMD ["uvicorn", "main:app"]\n')
        [launch] = launches(project, "Dockerfile")
        assert launch.search_paths == [], body


def test_stages_heredocs_comments_and_escape_directive():
    lines = split_lines(
        "# escape=`\nFROM python:3.12 AS Base\nRUN <<EOF\nCMD not an instruction\nEOF\n"
        "FROM base AS dev\n# comment\nCMD uvicorn `\n  # inside\n  main:app\n"
    )
    found, _ = stages(lines)
    assert [(stage.name, stage.base) for stage in found] == [("base", "python:3.12"), ("dev", "base")]
    assert [instruction.keyword for instruction in found[0].instructions] == ["RUN"]
    [cmd] = found[1].instructions
    assert cmd.text.text == " uvicorn   main:app"


def test_production_is_the_final_stage_unless_named_for_development(project):
    project.write(
        "Dockerfile",
        "FROM python:3.12 AS develop\nCMD uvicorn main:app\nFROM python:3.12\nCOPY . .\nCMD uvicorn main:app\n",
    )
    first, second = launches(project, "Dockerfile")
    assert not first.edits.info.production and second.edits.info.production
    # An image that copies in no code gets it from a bind mount when it runs: a development image.
    project.write("requirements.txt", "fastapi\n")
    for copied in ("COPY requirements.txt .\nRUN pip install -r requirements.txt", ""):
        project.write("Dockerfile", f"FROM python:3.12\nWORKDIR /app\n{copied}\nCMD uvicorn main:app\n")
        [launch] = launches(project, "Dockerfile")
        assert not launch.edits.info.production, copied
    for copied in ("COPY main.py .", "COPY app app", "RUN git clone https://example.com/app.git ."):
        project.write("Dockerfile", f"FROM python:3.12\nWORKDIR /app\n{copied}\nCMD uvicorn main:app\n")
        [launch] = launches(project, "Dockerfile")
        assert launch.edits.info.production, copied
    project.write("Dockerfile.dev", "FROM python:3.12\nCMD uvicorn main:app\n")
    [launch] = launches(project, "Dockerfile.dev")
    assert not launch.edits.info.production


def test_gunicorn_and_fastapi(project):
    project.write("Dockerfile", "FROM python:3.12\nCMD gunicorn -w 4 -k uvicorn.workers.UvicornWorker main:app\n")
    [launch] = launches(project, "Dockerfile")
    assert launch.server is Server.GUNICORN and launch.worker_class == "uvicorn.workers.UvicornWorker"
    assert launch.app.value.candidates == ("main:app",)
    project.write("Dockerfile", 'FROM python:3.12\nCMD ["fastapi", "run", "app/main.py", "--port", "80"]\n')
    [launch] = launches(project, "Dockerfile")
    assert launch.server is Server.FASTAPI and launch.app is None
    assert launch.option("port").value.candidates == (80,)


def test_wrappers_are_seen_through(project):
    for command in (
        "exec uv run --frozen uvicorn main:app",
        "env A=1 poetry run python3 -m uvicorn main:app",
        "pipenv run uvicorn main:app",
        "/opt/venv/bin/uvicorn main:app",
    ):
        project.write("Dockerfile", f"FROM python:3.12\nCMD {command} --reload\n")
        [launch] = launches(project, "Dockerfile")
        assert launch.option("reload").value.candidates == (True,), command
    project.write("Dockerfile", "FROM python:3.12\nCMD $RUNNER main:app --reload\n")
    assert launches(project, "Dockerfile") == []


def test_pythonpath_and_gunicorn_chdir_leave_the_import_unjudged(project):
    project.write("app/main.py", APP)
    for body in (
        "ENV PYTHONPATH=/opt/lib\nCMD uvicorn main:app\n",  # a folder no COPY fills: the base image's
        "ENV PYTHONPATH=$LIBS:/code/app\nCMD uvicorn main:app\n",
        "CMD PYTHONPATH=app uvicorn main:app\n",
        "CMD gunicorn --chdir /code/app -k uvicorn_worker.UvicornWorker main:app\n",
        "CMD gunicorn -c gunicorn.conf.py -k uvicorn_worker.UvicornWorker main:app\n",
        "CMD uv run --directory app uvicorn main:app\n",
    ):
        project.write("Dockerfile", f"FROM python:3.12\nWORKDIR /code\nCOPY app /code/app\n{body}")
        [launch] = launches(project, "Dockerfile")
        assert launch.search_paths == [], body
    project.write("Dockerfile", "FROM python:3.12\nWORKDIR /code\nCOPY app /code/app\nCMD uvicorn main:app\n")
    [launch] = launches(project, "Dockerfile")
    assert roots(launch) == [(project.root,)]


def test_image_pythonpath_puts_the_image_folders_it_names_after_the_workdir(project):
    project.write("app/main.py", APP)
    for pythonpath in ("/code/app", "app", ":/code/app", "/code:/code/app"):
        project.write(
            "Dockerfile",
            f"FROM python:3.12\nENV PYTHONPATH={pythonpath}\nWORKDIR /code\nCOPY app /code/app\nCMD uvicorn main:app\n",
        )
        [launch] = launches(project, "Dockerfile")
        [search_path] = launch.search_paths
        assert search_path.roots[:2] == (project.root, project.root / "app"), pythonpath


def test_app_dir_is_first_on_sys_path_and_python_m_adds_the_workdir(project):
    project.write("src/shop/main.py", APP)
    project.write("Dockerfile", "FROM python:3.12\nWORKDIR /srv\nCOPY . .\nCMD uvicorn --app-dir src shop.main:app\n")
    [launch] = launches(project, "Dockerfile")
    assert [path.roots[:1] for path in launch.search_paths] == [(project.root / "src",)]
    assert project.root not in launch.search_paths[0].roots
    project.write(
        "Dockerfile", "FROM python:3.12\nWORKDIR /srv\nCOPY . .\nCMD python -m uvicorn --app-dir src shop.main:app\n"
    )
    [launch] = launches(project, "Dockerfile")
    assert launch.search_paths[0].roots[:2] == (project.root / "src", project.root)
    project.write("Dockerfile", "FROM python:3.12\nWORKDIR /srv\nCOPY . .\nCMD uvicorn --app-dir $DIR shop.main:app\n")
    [launch] = launches(project, "Dockerfile")
    assert launch.search_paths == []


def test_copies_of_files_the_project_does_not_have_leave_the_layout_unknown(project):
    project.write("Dockerfile", "FROM python:3.12\nWORKDIR /code\nCOPY build/app /code/app\nCMD uvicorn app.main:app\n")
    [launch] = launches(project, "Dockerfile")
    assert launch.search_paths == []


@pytest.mark.parametrize(
    ("entrypoint", "complete"),
    [('["uvicorn"]', False), ('["uvicorn", "main:app"]', False), ('["sh", "-c", "uvicorn main:app"]', True)],
)
def test_an_exec_entrypoint_alone_waits_for_run_time_arguments(project, entrypoint, complete):
    """`docker run IMAGE --host 0.0.0.0` and compose's `command:` add arguments to an exec ENTRYPOINT with no
    CMD, so what is missing from it may come then (no loopback warning); `sh -c` ignores them."""
    project.write("main.py", "app = object()\n")
    project.write(
        "Dockerfile", f"FROM python:3.12\nWORKDIR /code\nCOPY . /code\nEXPOSE 8000\nENTRYPOINT {entrypoint}\n"
    )
    [launch] = launches(project, "Dockerfile")
    assert launch.complete is complete
    assert bool(project.check("Dockerfile", codes=("UVI015",))) is complete


@pytest.mark.parametrize(
    "lines",
    [
        ["WORKDIR /app", "COPY requirements.txt ./", "COPY main.py ."],
        ["WORKDIR /app", "COPY requirements.txt /app/requirements.txt", "COPY main.py /app"],
        ["COPY main.py /srv", "WORKDIR /srv"],
    ],
)
def test_a_file_copied_to_a_folder_lands_in_it(project, lines):
    """Real runs: tests/realrun/test_copy_into_folders_realrun.py."""
    project.write("main.py", "app = object()\n")
    project.write("requirements.txt", "fastapi\n")
    project.write("Dockerfile", "\n".join(["FROM python:3.12-slim", *lines, 'CMD ["uvicorn", "main:app"]']) + "\n")
    [launch] = launches(project, "Dockerfile")
    assert roots(launch) == [(project.root,)]
    assert project.check("Dockerfile", codes=("UVI002",)) == []


def test_a_here_document_copy_makes_its_file_unknown(project):
    """Audit repro-6: `COPY <<EOF /app/log.yml` writes the file (BuildKit); nothing is said of it."""
    project.write(
        "Dockerfile",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY <<EOF /app/main.py\napp = None\nEOF\n"
        "COPY <<EOF /app/log.yml\nversion: 1\nEOF\n"
        'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--log-config", "log.yml"]\n',
    )
    assert project.check("Dockerfile", codes=("UVI002", "UVI020")) == []
