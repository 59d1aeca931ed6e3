"""A cache of the code that dataclasses, attrs and cattrs generate, kept between runs as Python keeps bytecode.

Each of them writes the source of a class's `__init__`, `__eq__`, `__repr__`... when the class is created and
compiles it: lsprotocol's 570 message classes alone are ~550 compiles, a third of the language server's start,
and the engine's dataclasses a third of the rules' import. The code compiled from a source is always the same
(for one Python version, optimisation level and set of `__future__` flags, all part of the key), so it is read
from one marshal file per Python version in the user's cache folder at start, and the file is written again
when a run compiled something it lacked. A missing, unreadable, corrupted or unwritable file only means
compiling, as before: the file starts with a checksum of the rest, since marshal does not check what it reads
(one changed byte can make it raise SystemError, or load code that does something else).

parso's parser tables are kept the same way: parso builds them from its grammar file in every process that
parses (~16 ms at each start of the server and of a check); they are read back in a third of that, from a file
named by parso's version and a checksum of the grammar text, itself checked like the code's.

The process entry installs both before anything builds a class or a parser (`install`); code that imports the
engine as a library compiles and builds as usual.
"""

from __future__ import annotations
import __future__

import builtins
import contextlib
import importlib.abc
import io
import marshal
import os
import sys
import threading
import zlib
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

# Entries the file may hold; past it, a write keeps only what the writing run used (the code of older versions of
# the libraries is dropped rather than kept for ever).
MAX_ENTRIES = 20_000

_Key = tuple[str, str, str, int, int]  # source, filename, mode, compiler flags, optimisation level


class GeneratedCode:
    """The compiled code of generated sources, by source: what the file held and what this run compiled."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stored: dict[_Key, CodeType] = _read(path)
        self.compiled: dict[_Key, CodeType] = {}
        self.used: set[_Key] = set()
        self.lock = threading.Lock()  # classes are built on any thread (cattrs' converters on first use)

    def compile(self, source: str, filename: str, mode: str, flags: int, optimize: int) -> Any:
        key = (source, filename, mode, flags, sys.flags.optimize if optimize == -1 else optimize)
        code = self.stored.get(key) or self.compiled.get(key)
        if type(code) is not CodeType:  # also a value of another type in a file written by something else
            code = builtins.compile(source, filename, mode, flags, True, key[4])
            if type(code) is not CodeType:  # an AST (ast.parse's flag): not code, and not for marshal
                return code
            with self.lock:
                self.compiled[key] = code
        self.used.add(key)
        return code

    def serve(self, module: ModuleType) -> None:
        """Make `module`'s calls of the builtins `compile` and `exec` on source text go through the cache (a
        module's own name shadows the builtin). Its `__future__` imports are the flags the builtins would give."""
        module_flags = _future_flags(module)

        def cached_compile(
            source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False, optimize: int = -1
        ) -> Any:
            inherited = 0 if dont_inherit else module_flags
            if isinstance(source, str) and isinstance(filename, str):
                return self.compile(source, filename, mode, flags | inherited, optimize)
            return builtins.compile(source, filename, mode, flags | inherited, True, optimize)

        def cached_exec(source: Any, globals: Any = None, locals: Any = None, /, **options: Any) -> None:
            if globals is None:  # the builtin runs it in its caller's namespace, which is ours here
                caller = sys._getframe(1)
                globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
            if isinstance(source, str):
                source = self.compile(source, "<string>", "exec", module_flags, -1)
            builtins.exec(source, globals, locals, **options)

        module.compile = cached_compile  # type: ignore[attr-defined]
        module.exec = cached_exec  # type: ignore[attr-defined]

    def save(self) -> None:
        """Write the file again if this run compiled something it lacked; atomically, so that concurrent runs
        (several editors, `check --jobs`) leave one whole file."""
        with self.lock:
            if not self.compiled:
                return
            entries = {**self.stored, **self.compiled}
            if len(entries) > MAX_ENTRIES:
                used = set(self.used)
                entries = {key: code for key, code in entries.items() if key in used}
            self.stored, self.compiled = entries, {}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(_with_checksum(marshal.dumps(entries)))
            os.replace(temporary, self.path)
        except OSError:  # a read-only or full cache folder: the next run compiles again
            with contextlib.suppress(OSError):
                temporary.unlink()


_cache: GeneratedCode | None = None


def install() -> None:
    """Serve dataclasses' generated code from the cache, for the rest of the process."""
    global _cache
    if _cache is not None or sys.implementation.cache_tag is None:  # no bytecode, no marshal format to rely on
        return
    try:
        folder = cache_folder()
    except RuntimeError:  # no home folder to be found (Path.home() on Python 3.12+): no cache
        return
    import dataclasses

    _cache = GeneratedCode(folder / f"generated-code.{sys.implementation.cache_tag}.marshal")
    _cache.serve(dataclasses)
    if "parso.grammar" in sys.modules:
        _serve_parser_tables(sys.modules["parso.grammar"], folder)
    else:  # parso is imported only by a run that parses (not by a re-run that finds every result cached)
        sys.meta_path.insert(0, _AfterImport("parso.grammar", lambda module: _serve_parser_tables(module, folder)))


def extend_to_attrs() -> None:
    """attrs' and cattrs' generated code too: the language server, before it imports lsprotocol's classes."""
    if _cache is None:
        return
    import attr._make
    import cattrs.gen

    _cache.serve(attr._make)
    _cache.serve(cattrs.gen)


def save() -> None:
    if _cache is not None:
        _cache.save()


def cache_folder() -> Path:
    """The user's cache folder for uvicorn-lsp: $XDG_CACHE_HOME, else the platform's place for caches."""
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg) / "uvicorn-lsp"
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "uvicorn-lsp" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "uvicorn-lsp"
    return Path.home() / ".cache" / "uvicorn-lsp"


_CHECKSUM_BYTES = 4


def _with_checksum(payload: bytes) -> bytes:
    return zlib.crc32(payload).to_bytes(_CHECKSUM_BYTES, "little") + payload


def _read(path: Path) -> dict[_Key, CodeType]:
    try:
        content = path.read_bytes()
    except OSError:
        return {}
    checksum, payload = content[:_CHECKSUM_BYTES], content[_CHECKSUM_BYTES:]
    if len(checksum) < _CHECKSUM_BYTES or int.from_bytes(checksum, "little") != zlib.crc32(payload):
        return {}  # changed since it was written (or written by something else)
    try:
        entries = marshal.loads(payload)
    except Exception:  # whatever marshal raises on bytes it did not write (EOFError, ValueError, SystemError...)
        return {}
    return entries if isinstance(entries, dict) else {}


def _future_flags(module: ModuleType) -> int:
    flags = 0
    for name in __future__.all_feature_names:
        feature = vars(module).get(name)
        if feature is not None and feature is getattr(__future__, name):
            flags |= feature.compiler_flag
    return flags


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs `then` on the module `name` once it is imported, and leaves `sys.meta_path` after it."""

    def __init__(self, name: str, then) -> None:
        self._name, self._then = name, then

    def find_spec(self, fullname, path, target=None):
        if fullname != self._name:
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)
        spec = next(
            (
                found
                for finder in sys.meta_path
                if hasattr(finder, "find_spec") and (found := finder.find_spec(fullname, path, target)) is not None
            ),
            None,
        )
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader, then = spec.loader, self._then

        class _Then(importlib.abc.Loader):
            def __getattr__(self, name: str) -> Any:  # get_data, get_resource_reader...: the loader's own
                return getattr(loader, name)

            def create_module(self, spec):
                return loader.create_module(spec)

            def exec_module(self, module):
                loader.exec_module(module)
                with contextlib.suppress(Exception):  # a parso made otherwise builds its tables as usual
                    then(module)

        spec.loader = _Then()
        return spec


def _serve_parser_tables(parso_grammar: Any, folder: Path) -> None:
    """Make parso's grammars take their parser tables from the cache folder, building and storing them once."""
    import parso

    build = parso_grammar.generate_grammar

    def cached_tables(text: str, token_namespace: Any) -> Any:
        path = folder / f"parso-tables.{parso.__version__}.{zlib.crc32(text.encode()):08x}.pickle"
        tables = _read_tables(path)
        if tables is None:
            tables = build(text, token_namespace)
            _write_tables(path, tables, token_namespace)
        return tables

    parso_grammar.generate_grammar = cached_tables


def _token_type(namespace: Any, name: str) -> Any:
    return namespace[name]


def _write_tables(path: Path, tables: Any, token_namespace: Any) -> None:
    import pickle

    class TablesPickler(pickle.Pickler):
        def reducer_override(self, obj: Any) -> Any:
            # parso's token types are enum members whose values compare by identity: unpickled by name.
            if isinstance(obj, token_namespace):
                return _token_type, (token_namespace, obj.name)
            return NotImplemented

    buffer = io.BytesIO()
    try:
        TablesPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(tables)
    except Exception:  # tables of a parso version made otherwise: built in every process, as without the cache
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(_with_checksum(buffer.getvalue()))
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _read_tables(path: Path) -> Any:
    import pickle

    try:
        content = path.read_bytes()
    except OSError:
        return None
    checksum, payload = content[:_CHECKSUM_BYTES], content[_CHECKSUM_BYTES:]
    if len(checksum) < _CHECKSUM_BYTES or int.from_bytes(checksum, "little") != zlib.crc32(payload):
        return None
    try:
        tables = pickle.loads(payload)
    except Exception:  # written by something else: built again
        return None
    from parso.pgen2.generator import Grammar

    return tables if isinstance(tables, Grammar) else None
