#!/usr/bin/env bash
# Installs Emacs with eglot and lsp-mode from Debian (Emacs 28 has no built-in eglot)
# and prints the path of the emacs binary.
source "$(dirname "$0")/common.sh"

apt_install emacs-nox elpa-eglot elpa-lsp-mode
command -v emacs
