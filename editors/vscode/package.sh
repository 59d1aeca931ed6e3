#!/usr/bin/env bash
# Builds and packages the extension with @vscode/vsce; prints the path of the .vsix.
# Usage: editors/vscode/package.sh [OUT.vsix]   (default: editors/vscode/uvicorn-lsp.vsix)
set -euo pipefail
cd "$(dirname "$0")"
OUT="$(realpath -m "${1:-uvicorn-lsp.vsix}")"

# @vscode/vsce 4 needs Node >= 22: use the one on PATH if new enough, else Node 24 from npm.
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)' 2>/dev/null; then
    PATH="$(../scripts/install-node.sh):$PATH"
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error >&2
fi
npm run --silent compile >&2
npx vsce package --skip-license --out "$OUT" >&2
echo "$OUT"
