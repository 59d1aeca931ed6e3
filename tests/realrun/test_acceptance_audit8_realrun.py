"""Verdicts the eighth acceptance audit (real public projects) found wrong, against the real programs that run them.

- A requirements file saved as UTF-16 (Windows PowerShell's `pip freeze > requirements.txt`) pins uvicorn 0.13.4
  in a Django image started by `gunicorn -k uvicorn.workers.UvicornWorker`: pip reads the file by its byte order
  mark and installs that pin, under which the worker class is not deprecated; the check read the file as UTF-8,
  saw no pin and reported UVI009 against uvicorn 0.54.
"""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port
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
