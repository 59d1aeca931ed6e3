#!/usr/bin/env bash
# Installs Debian's chromium and Playwright for Python (PyPI) into .cache/editors/playwright,
# and prints that folder (to put on sys.path). Playwright never downloads a browser here:
# the tests launch /usr/bin/chromium.
source "$(dirname "$0")/common.sh"

VERSION=1.65.2
TARGET="$EDITORS_CACHE/playwright"
STAMP="$TARGET/.installed-$VERSION"

apt_install chromium
if [ ! -f "$STAMP" ]; then
    log "pip install playwright==$VERSION -> $TARGET"
    rm -rf "$TARGET"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        --target "$TARGET" "playwright==$VERSION" >&2
    touch "$STAMP"
fi
echo "$TARGET"
