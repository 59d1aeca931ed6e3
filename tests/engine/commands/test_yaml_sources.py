"""compose files and GitHub workflows: scalars of every style map to exact places."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from uvicorn_lsp.engine.launch import GivenAs, Setting

from ...conftest import apply_edits
from .helpers import launches, roots, text_at

APP = "from fastapi import FastAPI\napp = FastAPI()\n"


def test_string_and_list_commands(project):
    project.write(
        "compose.yaml",
        """
        services:
          web:
            image: python:3.12
            command: uvicorn main:app --reload --port "8000"
          api:
            image: python:3.12
            command: ["uvicorn", "main:app", "--workers", "2"]
          worker:
            image: python:3.12
            command:
              - uvicorn
              - 'main:app'
              - --reload
        """,
    )
    web, api, worker = launches(project, "compose.yaml")
    assert text_at(project, "compose.yaml", web.option("reload").range) == "--reload"
    assert web.option("port").value.candidates == (8000,)
    assert text_at(project, "compose.yaml", web.option("port").range) == '--port "8000"'
    assert text_at(project, "compose.yaml", api.option("workers").range) == '"--workers", "2"'
    assert text_at(project, "compose.yaml", worker.app.range) == "'main:app'"
    assert web.setting is Setting.CONTAINER and not web.edits.info.production


def test_edits_keep_the_list_form_and_still_parse(project):
    text = project.write(
        "compose.yaml",
        """
        services:
          worker:
            image: python:3.12
            command:
              - uvicorn
              - main:app
              - --reload
            ports: ["80:80"]
          api:
            image: python:3.12
            command: [uvicorn, main:app, --reload]
        """,
    ).read_text()
    worker, api = launches(project, "compose.yaml")
    removed = apply_edits(text, worker.edits.remove_option(worker.option("reload")))
    assert "      - main:app\n    ports" in removed
    added = apply_edits(text, worker.edits.set_option("host", "0.0.0.0"))
    assert "      - main:app\n      - --host\n      - 0.0.0.0\n      - --reload" in added
    flow = apply_edits(text, api.edits.set_option("host", "0.0.0.0"))
    assert "command: [uvicorn, main:app, --host, 0.0.0.0, --reload]" in flow
    for fixed in (removed, added, flow):
        YAML().load(fixed)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ('["uvicorn", "main:app"]', '["uvicorn", "main:app", "--host", "0.0.0.0"]'),
        ("['uvicorn', 'main:app']", "['uvicorn', 'main:app', '--host', '0.0.0.0']"),
        (
            "\n      - 'uvicorn'\n      - 'main:app'",
            "\n      - 'uvicorn'\n      - 'main:app'\n      - '--host'\n      - '0.0.0.0'",
        ),
        (
            '\n      - "uvicorn"\n      - "main:app"',
            '\n      - "uvicorn"\n      - "main:app"\n      - "--host"\n      - "0.0.0.0"',
        ),
    ],
)
def test_words_added_to_a_list_are_quoted_as_their_neighbour(project, command, expected):
    text = project.write(
        "compose.yaml", f"services:\n  api:\n    image: python:3.12\n    command: {command}\n"
    ).read_text()
    [api] = launches(project, "compose.yaml")
    added = apply_edits(text, api.edits.set_option("host", "0.0.0.0"))
    assert added == text.replace(command, expected)
    assert YAML(typ="safe").load(added)["services"]["api"]["command"] == ["uvicorn", "main:app", "--host", "0.0.0.0"]


def test_environment_mapping_and_list(project):
    project.write(
        "docker-compose.yml",
        """
        services:
          web:
            image: python:3.12
            command: uvicorn main:app
            environment:
              WEB_CONCURRENCY: "4"
              UVICORN_RELOAD: "${RELOAD}"
          api:
            image: python:3.12
            command: uvicorn main:app
            environment:
              - FORWARDED_ALLOW_IPS=*
        """,
    )
    web, api = launches(project, "docker-compose.yml")
    assert web.option("workers").value.candidates == (4,) and web.option("workers").given_as is GivenAs.ENVIRONMENT
    assert web.option("reload").value.known is False
    assert api.option("forwarded_allow_ips").value.candidates == ("*",)
    assert text_at(project, "docker-compose.yml", api.option("forwarded_allow_ips").range) == "FORWARDED_ALLOW_IPS=*"


def test_build_context_and_working_dir_and_bind_mounts(project):
    project.write("src/app/main.py", APP)
    project.write(
        "docker/Dockerfile", "FROM python:3.12\nWORKDIR /code\nCOPY src/app /code/app\nCMD uvicorn app.main:app\n"
    )
    project.write(
        "compose.prod.yaml",
        """
        services:
          built:
            build:
              context: .
              dockerfile: docker/Dockerfile
            command: uvicorn app.main:app --reload
            ports: ["8000:8000"]
          mounted:
            image: python:3.12
            working_dir: /srv
            volumes: ["./src:/srv"]
            command: uvicorn app.main:app
          named_volume:
            image: python:3.12
            working_dir: /srv
            volumes: ["data:/srv"]
            command: uvicorn app.main:app
        """,
    )
    built, mounted, named = launches(project, "compose.prod.yaml")
    assert built.edits.info.production and built.edits.info.container
    assert roots(built) == [(project.root / "src",)]
    assert roots(mounted) == [(project.root / "src",)]
    assert not mounted.edits.info.container  # no published port
    assert named.search_paths == []


def test_a_variable_the_dockerfile_sets_is_shown_at_the_services_build(project):
    project.write("app/main.py", APP)
    project.write("Dockerfile", "FROM python:3.12\nENV WEB_CONCURRENCY=4\nWORKDIR /code\nCOPY app /code/app\n")
    project.write(
        "compose.yaml",
        """
        services:
          web:
            command: uvicorn app.main:app --reload
            build: .
        """,
    )
    [web] = launches(project, "compose.yaml")
    workers = web.option("workers")
    assert workers.written == "WEB_CONCURRENCY=4"
    assert (workers.range.start.line, text_at(project, "compose.yaml", workers.range)) == (3, "build")


def test_workflow_run_blocks_have_exact_places(project):
    project.write(
        ".github/workflows/ci.yml",
        """
        name: ci
        on: push
        defaults:
          run:
            working-directory: backend
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: serve
                run: |
                  pip install -e .
                  uvicorn app.main:app \\
                    --workers ${{ matrix.workers }} --reload &
              - run: "python -m uvicorn app.main:app --port \\"80\\""
                working-directory: ${{ github.workspace }}
              - shell: pwsh
                run: uvicorn app.main:app --reload
        """,
    )
    first, second = launches(project, ".github/workflows/ci.yml")
    reload = first.option("reload")
    line = (project.root / ".github/workflows/ci.yml").read_text().split("\n")[14]
    assert (reload.range.start.line, reload.range.start.character) == (14, line.index("--reload"))
    assert text_at(project, ".github/workflows/ci.yml", reload.range) == "--reload"
    assert first.option("workers").value.known is False
    assert first.search_paths[0].launch.command == "the repository's backend"
    assert roots(first) == [(project.root / "backend",)]
    assert second.option("port").value.candidates == (80,)
    assert text_at(project, ".github/workflows/ci.yml", second.option("port").range) == '--port \\"80\\"'
    assert second.search_paths == []
    assert first.setting is Setting.DEVELOPMENT


def test_bad_yaml_has_no_launches(project):
    project.write("compose.yaml", "services:\n  web: [unclosed\n    command: uvicorn main:app --reload\n")
    assert launches(project, "compose.yaml") == []


def test_services_composed_one_by_one_match_the_whole_file(project):
    from uvicorn_lsp.engine.commands import yaml_sources

    text = (
        "services:\n  # the API\n  web:\n    image: x\n    command: uvicorn main:app --reload\n\n"
        "  api:\n    image: x\n    command: [uvicorn, 'main:app', --workers, '2']\nvolumes: {}\n"
    )
    lines = text.split("\n")
    assert yaml_sources._service_chunks(lines) == (0, [(2, 6), (6, 9)])
    assert _marks_one_by_one(text) == _marks_of_the_whole_file(text)
    assert yaml_sources._service_chunks("services:\n  web: !reset\n    image: x\n".split("\n")) is None


def _marks(node):
    from uvicorn_lsp.engine.commands import yaml_sources

    start = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml_sources.ScalarNode):
        if node.value == "" and node.style is None:
            return [""]  # an empty value (null): it has no text, so no place is read
        return [(node.value, *start, node.end_mark.line, node.end_mark.column)]
    items = node.value if isinstance(node, yaml_sources.SequenceNode) else [v for pair in node.value for v in pair]
    # A collection's end differs (the whole file ends it at the next key): only scalars' ends are read.
    return [start] + [mark for item in items for mark in _marks(item)]


def _marks_one_by_one(text):
    from uvicorn_lsp.engine.commands import yaml_sources

    return [(name, _marks(node)) for name, node in yaml_sources._services(text.split("\n"), text)]


def _marks_of_the_whole_file(text):
    from uvicorn_lsp.engine.commands import yaml_sources

    whole = yaml_sources.get(yaml_sources.compose_root(text), "services").value
    return [(key.value, _marks(value)) for key, value in whole]


@pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")  # the whole file redefines `env`
def test_anchors_and_aliases_across_services_match_the_whole_file():
    from uvicorn_lsp.engine.commands import yaml_sources

    text = (
        "x-logging: &logging\n  driver: json-file\nx-env: &env\n  LOG_LEVEL: info\n\n"
        "services:\n"
        "  api: &api\n    build: .\n    command: uvicorn main:app --reload\n    environment: *env\n"
        "    logging: *logging\n"
        "  worker:\n    <<: *api\n    command: [uvicorn, 'main:app', --workers, '2']\n"
        "    environment: &env\n      WEB_CONCURRENCY: '4'\n    logging: {<<: *logging, options: {max-size: 1m}}\n"
        "  beat:\n    <<: *api\n    environment: *env\n"
    )
    lines = text.split("\n")
    assert yaml_sources._service_chunks(lines) == (5, [(6, 11), (11, 17), (17, 21)])
    one_by_one = _marks_one_by_one(text)
    assert one_by_one == _marks_of_the_whole_file(text)
    services = dict(yaml_sources._services(lines, text))
    # `beat` sees the second `&env` (worker's), `worker` merges api's node itself.
    assert yaml_sources.get(services["beat"], "environment").start_mark.line == 14
    assert yaml_sources.get(services["worker"], "<<") is services["api"]
    # A line added above worker: the blocks below are reused, moved one line down.
    moved = text.replace("  worker:\n", "\n  worker:\n")
    assert _marks_one_by_one(moved) == _marks_of_the_whole_file(moved)
    assert _marks_one_by_one(moved) != one_by_one


def test_an_alias_to_no_anchor_leaves_that_service_out():
    from uvicorn_lsp.engine.commands import yaml_sources

    text = "services:\n  api:\n    environment: *nowhere\n  web:\n    command: uvicorn main:app\n"
    assert [name for name, _ in yaml_sources._services(text.split("\n"), text)] == ["web"]


def test_services_read_field_by_field_match_the_whole_file():
    from uvicorn_lsp.engine.commands import yaml_sources

    text = (
        "services:\n"
        "  web:\n    image: x\n    # a comment at the fields' indentation\n    ports:\n    - '80:80'\n    -  '443:443'\n"
        "    command: >\n      uvicorn main:app\n      --reload\n\n    environment:\n      A: '1'\n"
        "  api:\n    command: [uvicorn, 'main:app',\n      --workers, '2']\n    labels: {a: b}\n"
        "  empty:\n"
        "  listed:\n    - not a mapping\n"
    )
    lines = text.split("\n")
    assert yaml_sources._service_chunks(lines) == (0, [(1, 13), (13, 17), (17, 18), (18, 21)])
    assert yaml_sources._field_spans(lines, 1, 13) == [(2, 4), (4, 7), (7, 11), (11, 13)]
    assert yaml_sources._field_spans(lines, 18, 21) is None  # a sequence: the service is composed whole
    assert _marks_one_by_one(text) == _marks_of_the_whole_file(text)
    # An edit inside one field: the same nodes as composing the whole file.
    edited = text.replace("A: '1'", "A: '2'  # edited")
    assert _marks_one_by_one(edited) == _marks_of_the_whole_file(edited)


@pytest.mark.parametrize(
    "text",
    [
        "x: &a {<<: *a}\nservices:\n  web:\n    command: uvicorn main:app --workers 2 --reload\n",
        "x-base: &a\n  <<: *a\nservices:\n  web:\n    command: uvicorn main:app --workers 2 --reload\n",
        "services:\n  web: &web\n    command: uvicorn main:app --workers 2 --reload\n    again: *web\n",
        "on: push\njobs: &jobs\n  test:\n    steps: [*jobs, {run: uvicorn main:app --workers 2 --reload}]\n",
    ],
)
def test_a_node_that_holds_itself_is_read_as_starting_nothing(project, text):
    # Every walk of such a graph would loop until Python's recursion limit (each rule reported "skipped").
    name = ".github/workflows/ci.yml" if text.startswith("on:") else "compose.yaml"
    project.write(name, text)
    assert launches(project, name) == []
    result = project.result(name)
    assert result.findings == [] and result.problems == []


ENTRYPOINT_IMAGE = (
    'FROM python:3.12\nWORKDIR /code\nCOPY ./app /code/app\nENTRYPOINT ["uvicorn"{more}]\nCMD ["app.main:app"]\n'
)


@pytest.mark.parametrize("command", ['["main:app", "--port", "80"]', "main:app --port 80"])
def test_a_command_gives_its_arguments_to_the_images_exec_entrypoint(project, command):
    project.write("app/main.py", APP)
    project.write("Dockerfile", ENTRYPOINT_IMAGE.format(more=""))
    project.write("compose.yaml", f"services:\n  web:\n    build: .\n    command: {command}\n")
    [web] = launches(project, "compose.yaml")
    program = web.edits.parsed.arguments[0]
    assert (program.value, program.elsewhere, text_at(project, "compose.yaml", program.range)) == (
        "uvicorn",
        True,
        "build",
    )
    assert web.option("port").value.candidates == (80,)
    assert text_at(project, "compose.yaml", web.app.range) == command.split(",")[0].split()[0].strip("[")
    [finding] = project.check("compose.yaml", codes=("UVI002",))  # no module `main` in /code: real run in realrun
    assert '"main:app" will not load' in finding.message
    # The edits write in the compose file's command only, keeping its form.
    fixed = apply_edits((project.root / "compose.yaml").read_text(), web.edits.replace_app("app.main:app"))
    assert "app.main:app" in fixed.split("command:")[1]
    assert web.edits.set_option("host", "0.0.0.0") is not None


def test_arguments_from_the_images_entrypoint_are_never_edited(project):
    project.write("app/main.py", APP)
    project.write("Dockerfile", ENTRYPOINT_IMAGE.format(more=', "--reload", "--workers", "2"'))
    project.write("compose.yaml", 'services:\n  web:\n    build: .\n    command: ["app.main:app"]\n')
    [web] = launches(project, "compose.yaml")
    assert web.edits.remove_option(web.option("workers")) is None
    assert web.edits.remove_option(web.option("reload")) is None
    assert web.edits.set_option("workers", 1) is None
    [finding] = project.check("compose.yaml", codes=("UVI003",))
    assert text_at(project, "compose.yaml", finding.range) == "build" and not finding.fixes


@pytest.mark.parametrize(
    "entrypoint",
    ["ENTRYPOINT uvicorn app.main:app", 'ENTRYPOINT ["/docker-entrypoint.sh"]', None],
)
def test_a_command_an_image_does_not_give_to_uvicorn_is_judged_alone(project, entrypoint):
    """A shell-form ENTRYPOINT ignores the command (the Dockerfile's own launch is judged there); a script
    ENTRYPOINT gets it as its arguments, and none runs it as the whole start."""
    project.write("app/main.py", APP)
    lines = ["FROM python:3.12", "WORKDIR /code", "COPY ./app /code/app", *([entrypoint] if entrypoint else [])]
    project.write("Dockerfile", "\n".join(lines) + "\n")
    project.write("compose.yaml", 'services:\n  web:\n    build: .\n    command: ["main:app"]\n')
    assert launches(project, "compose.yaml") == []


@pytest.mark.parametrize("command", ['["uvicorn", "main:app", "--host", "0.0.0.0"]', "uvicorn main:app --host 0.0.0.0"])
def test_a_command_after_an_entrypoint_script_is_not_judged_in_the_workdir(project, command):
    """The image's `ENTRYPOINT ["/entrypoint.sh"]` runs first and may `cd src` before its `exec "$@"`: uvicorn
    then serves main:app (run for real), so the command alone in the WORKDIR was a wrong "will not load"."""
    project.write("src/main.py", APP)
    project.write("entrypoint.sh", '#!/bin/sh\ncd /app/src\nexec "$@"\n')
    project.write("Dockerfile", 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["/app/entrypoint.sh"]\n')
    project.write("compose.yaml", f"services:\n  web:\n    build: .\n    command: {command}\n")
    assert launches(project, "compose.yaml") == []
    assert project.check("compose.yaml", codes=("UVI002",)) == []


def test_a_command_after_an_init_entrypoint_is_still_judged(project):
    """`tini --` runs the command as it is: the launch is seen through it, in the image's WORKDIR."""
    project.write("src/main.py", APP)
    project.write("Dockerfile", 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["tini", "--"]\n')
    project.write("compose.yaml", "services:\n  web:\n    build: .\n    command: uvicorn main:app --host 0.0.0.0\n")
    [finding] = project.check("compose.yaml", codes=("UVI002",))
    assert text_at(project, "compose.yaml", finding.range) == "main:app"


def test_a_shell_form_entrypoint_that_starts_no_server_never_runs_the_command(project):
    """`ENTRYPOINT python main.py` runs alone, `command:` or not: nothing in the command is judged (audit: UVI015
    and UVI003 on a command Docker never runs)."""
    project.write("main.py", APP)
    project.write("Dockerfile", "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT python main.py\n")
    project.write(
        "compose.yaml",
        'services:\n  web:\n    build: .\n    ports: ["8000:8000"]\n    command: uvicorn main:app --reload --workers 2\n',
    )
    assert launches(project, "compose.yaml") == []
    assert project.check("compose.yaml") == []


IMAGE_START = "FROM python:3.12\nWORKDIR /code\nCOPY ./app /code/app\nCMD {cmd}\n"


@pytest.mark.parametrize(
    "cmd", ['["uvicorn", "app.main:app", "--host", "0.0.0.0"]', "uvicorn app.main:app --host 0.0.0.0"]
)
def test_a_service_without_command_runs_the_images_start_under_its_mounts(project, cmd):
    """The mount over /code hides the /code/app the image copied: the image's start no longer loads."""
    project.write("app/__init__.py", "")
    project.write("app/main.py", APP)
    project.write("Dockerfile", IMAGE_START.format(cmd=cmd))
    project.write("compose.yaml", "services:\n  web:\n    build: .\n    volumes:\n      - ./app:/code\n")
    [web] = launches(project, "compose.yaml")
    assert all(argument.elsewhere for argument in web.edits.parsed.arguments)
    [finding] = project.check("compose.yaml", codes=("UVI002",))
    assert text_at(project, "compose.yaml", finding.range) == "build" and not finding.fixes
    assert finding.message.startswith('"app.main:app" will not load')
    project.write("compose.yaml", "services:\n  web:\n    build: .\n    volumes:\n      - .:/code\n")
    assert project.check("compose.yaml", codes=("UVI002",)) == []


def test_a_service_without_command_is_judged_only_where_it_changes_the_start(project):
    project.write("app/main.py", APP)
    project.write("Dockerfile", IMAGE_START.format(cmd='["uvicorn", "app.main:app", "--reload"]'))
    project.write("compose.yaml", "services:\n  web:\n    build: .\n    ports: ['80:80']\n")
    assert launches(project, "compose.yaml") == []  # the Dockerfile's own launch is the same start
    project.write("compose.yaml", "services:\n  web:\n    build: .\n    environment:\n      WEB_CONCURRENCY: '4'\n")
    [web] = launches(project, "compose.yaml")
    [finding] = project.check("compose.yaml", codes=("UVI003",))
    assert "WEB_CONCURRENCY=4" in finding.message and not finding.fixes
