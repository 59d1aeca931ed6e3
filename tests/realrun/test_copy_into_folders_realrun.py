"""A file COPY'd to a folder the image has (`.`, the WORKDIR, a base image's /srv, a place other files go into)
lands inside it. Both against real uvicorn in the rebuilt
image (the audit found `COPY main.py .` after `COPY requirements.txt ./` read as a file at /app)."""

from __future__ import annotations

import pytest

from .test_command_launches import APP, run_in_image

pytestmark = pytest.mark.slow

CMD = 'CMD ["uvicorn", "main:app"]'


@pytest.mark.parametrize(
    "lines",
    [
        ["WORKDIR /app", "COPY requirements.txt ./", "COPY main.py .", CMD],
        ["WORKDIR /app", "COPY requirements.txt /app/requirements.txt", "COPY main.py /app", CMD],
        ["COPY main.py /srv", "WORKDIR /srv", CMD],
        ["COPY requirements.txt /code/deps/", "COPY main.py /code", "WORKDIR /code", CMD],
    ],
)
def test_a_file_copied_to_a_folder_lands_in_it_and_serves(project, tmp_path, lines):
    project.write("main.py", APP)
    project.write("requirements.txt", "fastapi\n")
    project.write("Dockerfile", "\n".join(["FROM python:3.12-slim", *lines]) + "\n")
    assert project.check("Dockerfile", codes=("UVI002",)) == []
    outcome = run_in_image(project.root, tmp_path, "image")
    assert outcome.served, outcome.output
