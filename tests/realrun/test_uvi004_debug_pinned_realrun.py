"""UVI004 `debug=` where the project pins a uvicorn other than the analysed one (audit60d): every uvicorn from
0.19 on refuses the keyword with TypeError, so a pin on one of those is reported; 0.18.3 takes it and serves."""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port
from .test_precision3_realrun import launch, make_venv

pytestmark = pytest.mark.slow

RUN = (
    APP_HEAD + '\nif __name__ == "__main__":\n'
    '    config = uvicorn.Config("main:app", port={port}, debug=True)\n'
    "    uvicorn.Server(config).run()\n"
)


@pytest.mark.parametrize(("version", "fails"), [("0.18.3", False), ("0.19.0", True)])
def test_debug_fails_from_0_19_on(tmp_path_factory, project, version, fails):
    python = make_venv(tmp_path_factory.mktemp(f"uvicorn-{version}"), "--no-deps", f"uvicorn=={version}")
    folder = tmp_path_factory.mktemp("project")
    port = free_port()
    (folder / "main.py").write_text(RUN.format(port=port))
    outcome = launch(python, ["main.py"], folder, port)
    assert outcome.served is not fails, outcome.output
    if fails:
        assert "unexpected keyword argument 'debug'" in outcome.output, outcome.output

    project.write("requirements.txt", f"uvicorn=={version}\nfastapi\n")
    project.write("main.py", RUN.format(port=port))
    found = project.check("main.py", codes=("UVI004",))
    assert [finding.message.split(":")[0] for finding in found] == (
        ["uvicorn.Config() has no `debug` parameter since uvicorn 0.19"] if fails else []
    )
