"""uvicorn-lsp: finds the mistakes people make when they start an ASGI app with uvicorn."""

# The one place the version is written. The build reads it from here (pyproject.toml's dynamic
# version, editors/vscode/package.sh for the .vsix manifest); at start-up it costs nothing, where
# importlib.metadata would cost tens of milliseconds.
__version__ = "0.1.0"
