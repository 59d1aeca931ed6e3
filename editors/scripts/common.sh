# Sourced by the install scripts: shared paths and an idempotent Debian installer.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
EDITORS_CACHE="${UVICORN_LSP_EDITORS_CACHE:-$REPO_ROOT/.cache/editors}"
mkdir -p "$EDITORS_CACHE"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

# apt_install PACKAGE...: installs the Debian packages that are missing; no-op when all are there.
apt_install() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    log "apt-get install ${missing[*]}"
    # Two install scripts may run at once: apt holds its locks without waiting, so take turns.
    (
        flock 9
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    ) 9>"$EDITORS_CACHE/.apt.lock"
}
