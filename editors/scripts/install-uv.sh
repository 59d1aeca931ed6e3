#!/usr/bin/env bash
# Installs uv from PyPI into .cache/editors/uv and prints the path of the uv binary.
# editors/vscode/package.sh builds the bundled server with it (it resolves dependencies for
# another Python version, markers included, which pip's --python-version does not), and
# tests/distribution installs the wheel with `uv tool install`.
source "$(dirname "$0")/common.sh"

VERSION=0.13.9
TARGET="$EDITORS_CACHE/uv"
STAMP="$TARGET/.installed-$VERSION"

if [ ! -f "$STAMP" ]; then
    log "pip install uv==$VERSION -> $TARGET"
    rm -rf "$TARGET"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target "$TARGET" "uv==$VERSION" >&2
    touch "$STAMP"
fi
echo "$TARGET/bin/uv"
