"""A `__main__` block in a package's `__init__.py` runs only as `python pkg/__init__.py` (`python -m pkg`
runs pkg/__main__.py): there "pkg:app" fails as UVI002 reports, and "__init__:app" serves, unreported."""

from __future__ import annotations

import pytest

from uvicorn_lsp.engine.model import Severity

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("string", "serves"), [("pkg:app", False), ("__init__:app", True)])
def test_main_block_of_a_package_init(project, string, serves):
    port = free_port()
    project.write(
        "pkg/__init__.py",
        APP_HEAD.format() + f'\nif __name__ == "__main__":\n    uvicorn.run("{string}", port={port})\n',
    )
    outcome = run_server(["pkg/__init__.py"], project.root, port, timeout=10)
    findings = project.check("pkg/__init__.py", codes=("UVI002",))
    assert outcome.served is serves, outcome.output
    if serves:
        assert findings == []
    else:
        assert 'Could not import module "pkg"' in outcome.output
        [finding] = findings
        assert finding.severity is Severity.ERROR and '"pkg:app" will not load: module not found' in finding.message
