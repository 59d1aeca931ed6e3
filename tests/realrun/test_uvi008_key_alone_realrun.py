"""UVI008 names the exception a key without a certificate raises under the uvicorn that runs: uvicorn 0.15 added
`assert self.ssl_certfile` (a bare AssertionError); 0.14 hands ssl `load_cert_chain(None, key)`, a TypeError.
Either way the server stops at startup with exit status 1."""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port
from .test_precision3_realrun import launch, make_venv

pytestmark = pytest.mark.slow

RUN = APP_HEAD + '\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port}, ssl_keyfile="key.pem")\n'


@pytest.mark.parametrize(("version", "raised"), [("0.14.0", "TypeError"), ("0.15.0", "AssertionError")])
def test_a_key_alone_stops_with_the_exception_the_message_names(tmp_path_factory, project, version, raised):
    python = make_venv(tmp_path_factory.mktemp(f"uvicorn-{version}"), "--no-deps", f"uvicorn=={version}")
    folder = tmp_path_factory.mktemp("project")
    port = free_port()
    (folder / "main.py").write_text(RUN.format(port=port))
    outcome = launch(python, ["main.py"], folder, port)
    assert not outcome.served and outcome.exit_code == 1, outcome.output
    assert raised in outcome.output, outcome.output

    project.write("requirements.txt", f"uvicorn=={version}\nfastapi\n")
    project.write("main.py", RUN.format(port=port))
    [finding] = project.check("main.py", codes=("UVI008",))
    assert f": a {'bare ' if raised == 'AssertionError' else ''}{raised}, so uvicorn stops" in finding.message
