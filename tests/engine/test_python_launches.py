"""Python launches: which uvicorn.run and uvicorn.Config calls start a server."""

from __future__ import annotations

import pytest

FACTORY = "from fastapi import FastAPI\n\n\ndef create_app() -> FastAPI:\n    return FastAPI()\n"


@pytest.mark.parametrize(
    "body",
    [
        '    cfg = Config("pkg.api:create_app", reload=True)\n    return cfg.reload_dirs\n',
        '    cfg = Config("pkg.api:create_app")\n    cfg.host = "0.0.0.0"\n    return [cfg.host, cfg.port]\n',
    ],
)
def test_a_config_built_only_to_read_its_settings_starts_nothing(project, body):
    """Skyvern's `__main__` reads the reload folders of a Config it never serves (it starts uvicorn.run below):
    nothing of that Config runs, so nothing is said of its import string."""
    project.write("pkg/__init__.py")
    project.write("pkg/api.py", FACTORY)
    project.write("pkg/check.py", f"from uvicorn import Config\n\n\ndef reload_dirs():\n{body}")
    assert project.check("pkg/check.py") == []


@pytest.mark.parametrize(
    "use",
    ["    return cfg\n", "    Server(cfg).run()\n", "    cfg.load()\n", "    serve(config=cfg)\n"],
)
def test_a_config_handed_on_loaded_or_returned_is_a_launch(project, use):
    project.write("pkg/__init__.py")
    project.write("pkg/api.py", FACTORY)
    project.write(
        "pkg/check.py",
        f'from uvicorn import Config, Server\n\n\ndef start():\n    cfg = Config("pkg.api:create_app")\n{use}',
    )
    assert "UVI013" in [finding.code for finding in project.check("pkg/check.py")]
