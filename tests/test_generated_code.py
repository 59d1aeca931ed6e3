"""The cache of generated code (generated_code.py): a hit serves the stored code, anything wrong with the file
only means compiling, the builtins' semantics are kept, and real runs write it once and then only read it.
The same for parso's parser tables: read back, they parse as the built ones; a damaged file means building."""

from __future__ import annotations

import ast
import marshal
import os
import subprocess
import sys
import types
from pathlib import Path

from uvicorn_lsp import generated_code
from uvicorn_lsp.generated_code import GeneratedCode

SOURCE = "def __init__(self, x):\n    self.x = x\n"


def module_with_annotations_future() -> types.ModuleType:
    """A module like attr._make: `from __future__ import annotations` in effect for the code it compiles."""
    module = types.ModuleType("generator")
    exec("from __future__ import annotations", vars(module))
    return module


def test_a_stored_entry_is_served_without_compiling(tmp_path):
    path = tmp_path / "code.marshal"
    first = GeneratedCode(path)
    code = first.compile(SOURCE, "<generated>", "exec", 0, -1)
    assert first.compiled  # a miss
    first.save()

    second = GeneratedCode(path)
    assert second.compile(SOURCE, "<generated>", "exec", 0, -1) == code
    assert not second.compiled  # a hit
    mtime = path.stat().st_mtime_ns
    second.save()  # nothing new: the file is not written again
    assert path.stat().st_mtime_ns == mtime


def test_the_key_holds_everything_the_code_depends_on(tmp_path):
    cache = GeneratedCode(tmp_path / "code.marshal")
    cache.compile(SOURCE, "<a>", "exec", 0, -1)
    cache.compile(SOURCE, "<b>", "exec", 0, -1)  # the filename is in the code (tracebacks)
    cache.compile(SOURCE, "<a>", "exec", 0, 2)  # another optimisation level
    annotations = module_with_annotations_future().annotations.compiler_flag  # type: ignore[attr-defined]
    cache.compile(SOURCE, "<a>", "exec", annotations, -1)
    assert len(cache.compiled) == 4


def test_a_broken_file_only_means_compiling(tmp_path):
    path = tmp_path / "code.marshal"
    key = (SOURCE, "<generated>", "exec", 0, sys.flags.optimize)
    wrong_types = (marshal.dumps([1, 2]), marshal.dumps({key: "not code"}))
    for content in (b"\x00garbage", b"", *wrong_types, *(generated_code._with_checksum(data) for data in wrong_types)):
        path.write_bytes(content)
        cache = GeneratedCode(path)
        namespace: dict = {}
        exec(cache.compile(SOURCE, "<generated>", "exec", 0, -1), namespace)
        assert callable(namespace["__init__"])


def test_a_changed_byte_only_means_compiling(tmp_path):
    # marshal checks nothing: one changed byte of a code object can raise SystemError ('bad argument to internal
    # function'), which stopped every start of the server and of `check` (audit34o), or load other code.
    path = tmp_path / "code.marshal"
    written = GeneratedCode(path)
    written.compile(SOURCE, "<generated>", "exec", 0, -1)
    written.save()
    stored = path.read_bytes()
    for index in range(len(stored)):
        for value in (0x00, 0x7F, 0xFF):
            changed = bytearray(stored)
            changed[index] = value
            path.write_bytes(bytes(changed))
            cache = GeneratedCode(path)
            assert cache.stored in ({}, written.stored)  # rejected, or the byte was already that value
    payload = bytearray(marshal.dumps(written.stored))
    raising = []  # the changes marshal itself raises on, with a checksum that matches them
    for index in range(len(payload)):
        changed = bytearray(payload)
        changed[index] = 0xFF
        try:
            marshal.loads(bytes(changed))
        except Exception:
            raising.append(bytes(changed))
    assert raising
    for content in raising:
        path.write_bytes(generated_code._with_checksum(content))
        assert GeneratedCode(path).stored == {}


def test_an_unwritable_folder_is_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = GeneratedCode(blocker / "uvicorn-lsp" / "code.marshal")  # a folder under a file cannot be made
    cache.compile(SOURCE, "<generated>", "exec", 0, -1)
    cache.save()
    assert list(tmp_path.iterdir()) == [blocker]


def test_past_the_limit_a_write_keeps_what_the_run_used(tmp_path, monkeypatch):
    path = tmp_path / "code.marshal"
    old = GeneratedCode(path)
    for number in range(3):
        old.compile(f"x = {number}\n", "<old>", "exec", 0, -1)
    old.save()
    monkeypatch.setattr(generated_code, "MAX_ENTRIES", 3)
    new = GeneratedCode(path)
    new.compile("x = 0\n", "<old>", "exec", 0, -1)
    new.compile("y = 1\n", "<new>", "exec", 0, -1)
    new.save()
    assert sorted(key[0] for key in GeneratedCode(path).stored) == ["x = 0\n", "y = 1\n"]


def test_a_served_module_keeps_the_builtins_meaning(tmp_path):
    module = module_with_annotations_future()
    GeneratedCode(tmp_path / "code.marshal").serve(module)
    # Its __future__ flags apply as the builtin would inherit them: the annotation stays a string.
    namespace: dict = {}
    module.exec("def f(x: NotDefinedAnywhere) -> None: pass", namespace)
    assert namespace["f"].__annotations__ == {"x": "NotDefinedAnywhere", "return": "None"}
    # exec without a namespace runs in its caller's, as the builtin does.
    exec("module.exec('answer = 42')", {"module": module}, caller := {})
    assert caller["answer"] == 42
    # compile: code from text, an AST with ast.parse's flag (passed through, never stored).
    assert isinstance(module.compile("1 + 1", "<expr>", "eval"), types.CodeType)
    assert isinstance(module.compile("1 + 1", "<expr>", "eval", ast.PyCF_ONLY_AST), ast.Expression)


def parso_grammar_module(builds: list[str]) -> types.SimpleNamespace:
    """A stand-in for the module parso.grammar, with parso's own table builder, counting its calls."""
    from parso.pgen2 import generate_grammar

    def counted(text, token_namespace):
        builds.append(text)
        return generate_grammar(text, token_namespace)

    return types.SimpleNamespace(generate_grammar=counted)


def grammar_text() -> str:
    import parso

    return (Path(parso.__file__).parent / "python" / "grammar311.txt").read_text()


def parse_with(tables, text: str) -> str:
    import parso

    grammar = parso.load_grammar(version="3.11")
    with_tables = object.__new__(type(grammar))
    vars(with_tables).update(vars(grammar), _pgen_grammar=tables)
    return repr(with_tables.parse(text).children)


def test_parser_tables_are_read_back_and_parse_alike(tmp_path):
    from parso.python.token import PythonTokenTypes

    builds: list[str] = []
    first = parso_grammar_module(builds)
    generated_code._serve_parser_tables(first, tmp_path)
    built = first.generate_grammar(grammar_text(), PythonTokenTypes)
    assert len(builds) == 1 and len(list(tmp_path.glob("parso-tables.*.pickle"))) == 1

    second = parso_grammar_module(builds)
    generated_code._serve_parser_tables(second, tmp_path)
    read = second.generate_grammar(grammar_text(), PythonTokenTypes)
    assert len(builds) == 1  # read, not built
    text = "import uvicorn\nif x:\n    uvicorn.run('main:app', reload=True)\ndef f(:\n"
    assert parse_with(read, text) == parse_with(built, text)


def test_damaged_parser_tables_mean_building(tmp_path):
    from parso.python.token import PythonTokenTypes

    builds: list[str] = []
    first = parso_grammar_module(builds)
    generated_code._serve_parser_tables(first, tmp_path)
    first.generate_grammar(grammar_text(), PythonTokenTypes)
    (stored,) = tmp_path.glob("parso-tables.*.pickle")
    content = bytearray(stored.read_bytes())
    content[len(content) // 2] ^= 0x40
    stored.write_bytes(bytes(content))

    second = parso_grammar_module(builds)
    generated_code._serve_parser_tables(second, tmp_path)
    tables = second.generate_grammar(grammar_text(), PythonTokenTypes)
    assert len(builds) == 2 and "import x" in parse_with(tables, "import x\n")


def test_real_runs_write_the_cache_once_then_read_it(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_text("import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\n")
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "uvicorn_lsp", "check", "--no-cache", str(project)]

    first = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120, check=False)
    cache_files = sorted((tmp_path / "cache" / "uvicorn-lsp").glob("*"))
    assert [path.name.split(".")[0] for path in cache_files] == ["generated-code", "parso-tables"], first.stderr
    mtimes = [path.stat().st_mtime_ns for path in cache_files]

    second = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout) == (0, "All checks passed!\n")
    assert [path.stat().st_mtime_ns for path in cache_files] == mtimes  # every class's code was in it, and the tables


def test_no_home_folder_means_no_cache(monkeypatch):
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", no_home)
    monkeypatch.setattr(generated_code, "_cache", None)
    generated_code.install()
    assert generated_code._cache is None
    generated_code.save()  # nothing to write, no error


def test_parso_imported_after_install_keeps_its_loader(tmp_path):
    """The hook that serves the tables wraps parso.grammar's loader: what else asks that loader is answered."""
    program = (
        "from uvicorn_lsp import generated_code\n"
        "generated_code.install()\n"
        "import parso, parso.grammar\n"
        "assert parso.grammar.__loader__.get_filename('parso.grammar') == parso.grammar.__file__\n"
        "print(parso.load_grammar().parse('x = 1\\n').children[0].type)\n"
    )
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", program], env=environment, capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout) == (0, "simple_stmt\n"), run.stderr
    assert len(list((tmp_path / "uvicorn-lsp").glob("parso-tables.*.pickle"))) == 1
