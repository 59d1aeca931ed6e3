#!/usr/bin/env bash
# Installs code-server 4.139.1 (VS Code 1.139.1) from npm, on Node 24, into .cache/editors
# and prints the path of the code-server binary.
source "$(dirname "$0")/common.sh"

VERSION=4.139.1
TARGET="$EDITORS_CACHE/code-server-$VERSION"
STAMP="$TARGET/.installed"

apt_install libkrb5-dev
NODE_BIN="$("$(dirname "$0")/install-node.sh")"
export PATH="$NODE_BIN:$PATH"

if [ ! -f "$STAMP" ]; then
    log "npm install code-server@$VERSION -> $TARGET (about 2 minutes)"
    rm -rf "$TARGET"
    mkdir -p "$TARGET"
    npm_config_nodedir="$(dirname "$NODE_BIN")" npm_config_unsafe_perm=true \
        npm install --prefix "$TARGET" --no-save --no-audit --no-fund --loglevel=error \
        --foreground-scripts "code-server@$VERSION" >&2
    touch "$STAMP"
fi
echo "$TARGET/node_modules/.bin/code-server"
