"""Verdicts the eighth acceptance audit (real public projects) found wrong, against the real programs that run them.

- A requirements file saved as UTF-16 (Windows PowerShell's `pip freeze > requirements.txt`) pins uvicorn 0.13.4
  in a Django image started by `gunicorn -k uvicorn.workers.UvicornWorker`: pip reads the file by its byte order
  mark and installs that pin, under which the worker class is not deprecated; the check read the file as UTF-8,
  saw no pin and reported UVI009 against uvicorn 0.54.
- `app = FastAPI(` left open before a `try:` block (ai-factory's backend/app/main.py): importing the module raises
  SyntaxError, a traceback and exit status 1 from uvicorn (not its "Attribute not found", exit status 3), and
  gunicorn's worker fails to boot (exit status 3, not "App failed to load", 4); the check named a missing
  attribute, with uvicorn's status for one.
"""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port, run_server
from .test_precision3_realrun import OLD_UVICORN, check, launch, make_venv

pytestmark = pytest.mark.slow

DOCKERFILE = """FROM python:3.8
WORKDIR /code
COPY requirements.txt /code/
RUN pip install -r requirements.txt
COPY . /code/
CMD ["gunicorn", "main:app", "--bind", "0.0.0.0:8000", "-k", "uvicorn.workers.UvicornWorker"]
"""


@pytest.mark.parametrize(("pin", "deprecated"), [(OLD_UVICORN, False), ("0.54.0", True)])
def test_a_utf16_requirements_pin_decides_whether_the_worker_class_is_deprecated(
    tmp_path, tmp_path_factory, pin, deprecated
):
    """The image's `pip install -r requirements.txt`, run for real on the UTF-16 file (into a venv that sees our
    gunicorn and uvicorn 0.54), installs the pinned uvicorn; with DeprecationWarning made an error, gunicorn's
    uvicorn worker boots and serves under 0.18.3 (UVI009 silent) and fails under 0.54 (UVI009 reports)."""
    requirements = f"gunicorn\r\nuvicorn=={pin}\r\n".encode("utf-16")
    assert requirements.startswith(b"\xff\xfe")  # the byte order mark PowerShell writes
    (tmp_path / "requirements.txt").write_bytes(requirements)
    (tmp_path / "main.py").write_text(APP_HEAD.format())
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    python = make_venv(tmp_path_factory.mktemp(f"uvicorn-{pin}"), "--no-deps", "-r", str(tmp_path / "requirements.txt"))
    port = free_port()
    command = ["-m", "gunicorn", "main:app", "-k", "uvicorn.workers.UvicornWorker", "-b", f"127.0.0.1:{port}"]
    outcome = launch(python, command, tmp_path, port, env={"PYTHONWARNINGS": "error::DeprecationWarning"})
    assert outcome.served is not deprecated, outcome.output
    assert [row["code"] for row in check(tmp_path)] == (["UVI009"] if deprecated else [])


BROKEN = "from fastapi import FastAPI\n\napp = FastAPI(\ntry:\n    pass\nexcept Exception:\n    pass\n"


def test_an_app_module_that_does_not_parse_fails_with_a_syntax_error(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text(BROKEN)
    port = free_port()
    uvicorn = ["-m", "uvicorn", "app.main:app", "--port", str(port)]
    gunicorn = ["-m", "gunicorn", "app.main:app", "-k", "uvicorn.workers.UvicornWorker", "-b", f"127.0.0.1:{port}"]
    (tmp_path / "Procfile").write_text(f"web: {' '.join(gunicorn[1:])}\nlocal: {' '.join(uvicorn[1:])}\n")

    served = run_server(uvicorn, tmp_path, port)
    assert (served.served, served.exit_code) == (False, 1) and "SyntaxError" in served.output, served.output
    booted = run_server(gunicorn, tmp_path, port)
    assert (booted.served, booted.exit_code) == (False, 3) and "Worker failed to boot" in booted.output

    reasons = [row["message"] for row in check(tmp_path) if row["code"] == "UVI002"]
    assert reasons == [
        '"app.main:app" will not load: module "app.main" has a syntax error (SyntaxError on import); '
        "gunicorn stops: Worker failed to boot",
        '"app.main:app" will not load: module "app.main" has a syntax error (SyntaxError on import); '
        "uvicorn stops at startup (exit status 1)",
    ]
