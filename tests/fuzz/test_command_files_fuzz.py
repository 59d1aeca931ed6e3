"""Hostile command files (Dockerfiles, compose, Procfiles, Makefiles, scripts, workflows, launch.json,
pyproject task runners, supervisord, systemd) through the command line and a real server (seeded; slow).

Pass: `check` never fails with an internal error; `--fix` (unsafe fixes included) never turns a YAML,
TOML or JSON file that parsed into one that does not, nor a Dockerfile's JSON-array CMD into one that is
not JSON; the server answers every request on them and shows no internal error."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re

import pytest
import tomllib
from lsprotocol import types
from ruamel.yaml import YAML

from ..lsp.conftest import capabilities, lsp_session
from .command_texts import KINDS, command_cases, write_cases
from .test_cli_fuzz import _run
from .test_lsp_fuzz import Driver, check_published_in_order

SEED = int(os.environ.get("UVICORN_LSP_FUZZ_SEED", "20261130")) + 2
PER_KIND = 120
_EXEC_FORM = re.compile(r"^(?:CMD|ENTRYPOINT)\s+(\[.*\])\s*$", re.MULTILINE)


def _parses(kind: str, text: str) -> bool:
    """Whether the file still reads as its format (for the formats a library here reads)."""
    try:
        if kind in ("compose", "workflow"):
            YAML(typ="safe", pure=True).load(text)
        elif kind == "pyproject":
            tomllib.loads(text)
        elif kind == "launch.json":
            json.loads(text)  # only files that were strict JSON are compared
        elif kind == "dockerfile":
            for array in _EXEC_FORM.findall(text):
                json.loads(array)
    except Exception:  # each library has its own errors: any of them means "does not parse"
        return False
    return True


@pytest.mark.slow
def test_check_never_fails_internally_on_hostile_command_files(tmp_path):
    cases = write_cases(tmp_path / "corpus", SEED, PER_KIND)
    done = _run("--format", "json", tmp_path / "corpus")
    reported = json.loads(done.stdout)
    assert len(cases) >= PER_KIND * len(KINDS)
    # The corpus still holds real mistakes: every kind of file gets findings somewhere.
    kinds_found = {kind.name for kind, path in cases if any(item["filename"] == str(path) for item in reported)}
    assert kinds_found == {kind.name for kind in KINDS}, sorted({kind.name for kind in KINDS} - kinds_found)


@pytest.mark.slow
def test_fix_never_breaks_a_command_file_that_parsed(tmp_path):
    cases = write_cases(tmp_path / "corpus", SEED, PER_KIND)
    checked = [(kind, path) for kind, path in cases if _parses(kind.name, path.read_text(errors="surrogatepass"))]
    before = {path: path.read_bytes() for _, path in checked}
    _run("--fix", "--unsafe-fixes", tmp_path / "corpus")
    changed = [(kind, path) for kind, path in checked if path.read_bytes() != before[path]]
    broken = [str(path.relative_to(tmp_path)) for kind, path in changed if not _parses(kind.name, path.read_text())]
    assert broken == [], broken
    assert {kind.name for kind, _ in changed} >= {"dockerfile", "compose", "pyproject", "workflow"}, (
        "fixes no longer reach these formats: the corpus no longer exercises --fix"
    )


@pytest.mark.slow
async def test_the_server_survives_hostile_command_files(tmp_path):
    rng = random.Random(SEED)
    texts = iter(command_cases(SEED, PER_KIND))
    async with lsp_session(tmp_path, client_capabilities=capabilities()) as client:
        driver = Driver(client, tmp_path, rng)
        # One document per kind, named as the kind wants; the texts of each kind go to its own document.
        uris = {kind.name: (tmp_path / kind.file_name.format(n="doc")).as_uri() for kind in KINDS}
        driver.uris = list(uris.values())
        for kind, text in texts:
            uri = uris[kind.name]
            if uri not in driver.texts:
                driver.open(uri, text)
            elif rng.random() < 0.1:  # a burst without waiting
                for _ in range(10):
                    driver.change(uri, text)
            else:
                driver.change(uri, text)
            if rng.random() < 0.5:
                await driver.request(uri, cancel=rng.random() < 0.2)
        await asyncio.sleep(0.5)
        assert client._server.returncode is None, "the server process ended"
        check_published_in_order(client)
        errors = [m.message for m in client.messages if m.type == types.MessageType.Error]
        assert errors == [], errors
        assert driver.requests > 300
