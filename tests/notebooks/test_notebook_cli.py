"""`uvicorn-lsp check` on notebooks, as a real subprocess: ruff's text and JSON shapes, --fix round trip."""

from __future__ import annotations

import json

from tests.cli.conftest import run_cli

from .notebook_files import SERVE, write_notebook


def test_text_output_names_cell_and_line(tmp_path):
    write_notebook(tmp_path)
    completed = run_cli(tmp_path, ".")
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.decode().splitlines()
    assert [line.split(" ")[0:3] for line in lines[:4]] == [
        ["serve.ipynb:cell", "3:1:1:", "UVI016"],
        ["serve.ipynb:cell", "4:2:5:", "UVI016"],
        ["serve.ipynb:cell", "4:2:17:", "UVI002"],
        ["serve.ipynb:cell", "4:2:29:", "UVI019"],
    ]
    assert lines[4] == "Found 4 problems (3 errors, 1 warning)."


def test_json_output_has_the_cell_and_rows_inside_it(tmp_path):
    path = write_notebook(tmp_path)
    completed = run_cli(tmp_path, "--format", "json", "serve.ipynb")
    entries = json.loads(completed.stdout)
    top_level = entries[0]
    assert top_level["code"] == "UVI016" and top_level["cell"] == 3
    assert top_level["filename"] == str(path.resolve())
    assert (top_level["location"], top_level["end_location"]) == ({"row": 1, "column": 1}, {"row": 1, "column": 28})
    [edit] = top_level["fix"]["edits"]
    assert edit["location"] == {"row": 1, "column": 1} and edit["content"].startswith("await uvicorn.Server(")
    reload_dirs = next(entry for entry in entries if entry["code"] == "UVI019")
    assert reload_dirs["cell"] == 4 and reload_dirs["location"] == {"row": 2, "column": 29}


def test_github_and_sarif_place_findings_where_the_json_holds_the_code(tmp_path):
    """Annotations land on the notebook file's own lines (the cell and row inside it go in the message): the line
    of the JSON string holding the code, the column of the character it encodes."""
    path = write_notebook(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    [at] = [number for number, line in enumerate(lines, start=1) if '"    uvicorn.run(\\"main:app\\"' in line]
    column = lines[at - 1].index("main:app") - 1  # the escaped quote before it: `\"` is one character of the code
    github = run_cli(tmp_path, "--format", "github", "serve.ipynb").stdout.decode().splitlines()
    [uvi002] = [line for line in github if "title=UVI002" in line]
    assert f"line={at},col={column}," in uvi002 and "::cell 4:2:17: " in uvi002
    sarif = json.loads(run_cli(tmp_path, "--format", "sarif", "serve.ipynb").stdout)
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "UVI002"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (at, column)
    assert result["message"]["text"].startswith("cell 4:2:17: ")
    assert all("fixes" not in r for r in sarif["runs"][0]["results"])  # edits of the cells' text, not of the JSON


def test_a_cell_written_as_one_string_is_placed_inside_it(tmp_path):
    text = SERVE.replace(
        '"source": [\n    "uvicorn.run(app, port=8000)"\n   ]', '"source": "uvicorn.run(app, port=8000)"'
    )
    assert text != SERVE
    path = write_notebook(tmp_path, text=text)
    [at] = [
        n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if '"source": "uvicorn' in line
    ]
    github = run_cli(tmp_path, "--format", "github", "serve.ipynb").stdout.decode().splitlines()
    assert any(f"line={at},col=15,endLine={at}," in line and "::cell 3:1:1: " in line for line in github), github


def test_fix_writes_the_notebook_back_in_its_layout(tmp_path):
    path = write_notebook(tmp_path)
    completed = run_cli(tmp_path, "--fix", "--unsafe-fixes", "serve.ipynb")
    assert completed.returncode == 1, completed.stderr  # UVI002 remains: nothing can fix it
    fixed = path.read_text(encoding="utf-8")
    changed = [
        (before, after) for before, after in zip(SERVE.splitlines(), fixed.splitlines(), strict=True) if before != after
    ]
    assert changed == [
        ('    "uvicorn.run(app, port=8000)"', '    "await uvicorn.Server(uvicorn.Config(app, port=8000)).serve()"'),
        (
            '    "    uvicorn.run(\\"main:app\\", reload_dirs=[\\"src\\"])\\n"',
            '    "    await uvicorn.Server(uvicorn.Config(\\"main:app\\")).serve()\\n"',
        ),
    ]
    assert "3 fixed, 1 remaining" in completed.stdout.decode()
    again = run_cli(tmp_path, "serve.ipynb")
    assert [line.split(" ")[2] for line in again.stdout.decode().splitlines()[:-1]] == ["UVI002"]


def test_safe_fixes_only_by_default(tmp_path):
    path = write_notebook(tmp_path)
    run_cli(tmp_path, "--fix", "serve.ipynb")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert cells[2]["source"] == ["uvicorn.run(app, port=8000)"]  # UVI016's fix is unsafe
    assert cells[3]["source"][1] == '    uvicorn.run("main:app")\n'  # UVI019's removal is safe


def test_a_broken_notebook_is_warned_about_as_an_undecodable_file_is(tmp_path):
    (tmp_path / "broken.ipynb").write_text('{"cells": ["import uvicorn"', encoding="utf-8")
    (tmp_path / "bad.py").write_bytes(b"import uvicorn\n\xff")
    completed = run_cli(tmp_path, ".")
    assert completed.returncode == 0
    warnings = completed.stderr.decode().splitlines()
    assert warnings[0].startswith("warning: bad.py: cannot decode as Python source")
    assert warnings[1].startswith("warning: broken.ipynb: cannot read as a notebook: not a notebook (invalid JSON")
