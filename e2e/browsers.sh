#!/usr/bin/env bash
# Debian's Chromium and CJK fonts for the browser suite (`make browsers`). Quick when both are
# installed; otherwise installs them with apt (root only). Playwright never downloads a browser.
set -euo pipefail
PACKAGES=(chromium fonts-noto-cjk)
missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$package")
done
if [ ! -x /usr/bin/chromium ] && [[ ! " ${missing[*]} " =~ " chromium " ]]; then
  missing+=(chromium)
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "browsers: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) and fonts-noto-cjk are installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "browsers: ${missing[*]} missing; run 'make browsers' as root, or:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
test -x /usr/bin/chromium
