#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing: the
# tests drive it with playwright-core and never download a browser.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "ensure-chromium: /usr/bin/chromium is missing and there is no root or sudo to install it (apt-get install chromium)" >&2; exit 1; }
  sudo="sudo"
fi
echo "ensure-chromium: installing Debian's chromium package"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
