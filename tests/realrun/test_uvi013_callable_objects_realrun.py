"""UVI013 with --factory on objects: a functools.partial or an object with a zero-argument `__call__` is a
factory uvicorn calls and serves (no finding); an ASGI app instance exits with status 3 (error)."""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

MAIN = (
    APP_HEAD
    + """

def build(settings):
    return app


class Builder:
    def __call__(self):
        return app


partial_factory = functools.partial(build, {{}})
builder = Builder()
"""
)


@pytest.mark.parametrize(("name", "serves"), [("partial_factory", True), ("builder", True), ("app", False)])
def test_factory_flag_on_an_object(project, name, serves):
    port = free_port()
    project.write("main.py", "import functools\n" + MAIN.format())
    project.write("Procfile", f"web: uvicorn main:{name} --factory --port {port}\n")
    outcome = run_server(["-m", "uvicorn", f"main:{name}", "--factory", "--port", str(port)], project.root, port)
    findings = project.check("Procfile", codes=("UVI013",))
    assert outcome.served is serves, outcome.output
    if serves:
        assert findings == []
    else:
        assert outcome.exit_code == 3 and "Error loading ASGI app factory" in outcome.output
        [finding] = findings
        assert "is not a factory" in finding.message and "exit status 3" in finding.message
