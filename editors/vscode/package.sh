#!/usr/bin/env bash
# Builds and packages the extension with @vscode/vsce, the server bundled; prints the path of the .vsix.
# Usage: editors/vscode/package.sh [OUT.vsix]   (default: editors/vscode/uvicorn-lsp.vsix)
#
# bundled/libs gets uvicorn-lsp (the wheel built from this repository) and its dependencies,
# resolved for the oldest supported Python so the ones only older Pythons need (tomli,
# exceptiongroup) are in, and pure-Python wheels only, so one .vsix serves every platform.
# The .vsix takes the version of the server it carries: server/uvicorn_lsp/__init__.py.
set -euo pipefail
cd "$(dirname "$0")"
OUT="$(realpath -m "${1:-uvicorn-lsp.vsix}")"
mkdir -p "$(dirname "$OUT")"
REPO="$(cd ../.. && pwd)"
OLDEST_PYTHON=3.10  # requires-python in pyproject.toml; bundled/tool/server.py checks the same

UV="$(../scripts/install-uv.sh)"
# Staged in a temporary folder: editors/vscode/ is shared by everyone working in this tree.
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
"$UV" build --quiet --wheel --out-dir "$STAGE/wheels" "$REPO" >&2
WHEEL="$(echo "$STAGE"/wheels/uvicorn_lsp-*-py3-none-any.whl)"
VERSION="$(basename "$WHEEL" | cut -d- -f2)"

EXTENSION="$STAGE/extension"
mkdir -p "$EXTENSION/bundled"
"$UV" pip install --quiet --target "$EXTENSION/bundled/libs" --python "$(command -v python3)" \
    --python-version "$OLDEST_PYTHON" --only-binary :all: "$WHEEL" >&2
# Console scripts carry this machine's interpreter path; the extension never runs them.
rm -rf "$EXTENSION/bundled/libs/bin"
compiled="$(find "$EXTENSION/bundled/libs" -name '*.so' -o -name '*.pyd' -o -name '*.dylib')"
impure="$(grep -L '^Root-Is-Purelib: true' "$EXTENSION"/bundled/libs/*.dist-info/WHEEL || true)"
if [ -n "$compiled$impure" ]; then
    echo "package.sh: bundled/libs must be pure Python (one .vsix for every platform), but has:" >&2
    echo "$compiled$impure" >&2
    exit 1
fi

# @vscode/vsce 4 needs Node >= 22: use the one on PATH if new enough, else Node 24 from npm.
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)' 2>/dev/null; then
    PATH="$(../scripts/install-node.sh):$PATH"
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error >&2
fi
npx tsc -p . --outDir "$EXTENSION/out" >&2
cp -L package.json package-lock.json README.md LICENSE .vscodeignore "$EXTENSION/"
cp -r bundled/tool "$EXTENSION/bundled/"
ln -s "$PWD/node_modules" "$EXTENSION/node_modules"
# vsce's secret scan reads every packed file outside node_modules; over the bundled libraries
# (thousands of files published on PyPI) it takes minutes, so it is turned off.
(cd "$EXTENSION" && "$OLDPWD/node_modules/.bin/vsce" package "$VERSION" --no-update-package-json \
    --no-git-tag-version --allow-package-all-secrets --out "$OUT") >&2
echo "$OUT"
