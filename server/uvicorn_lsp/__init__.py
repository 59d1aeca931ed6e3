"""uvicorn-lsp: finds the mistakes people make when they start an ASGI app with uvicorn."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("uvicorn-lsp")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+source"
