#!/usr/bin/env bash
# The CJK TrueType font the PDF reports embed (jieli/core/pdf.py) and poppler's pdftoppm/pdftotext
# used by the tests and to look at a rendered page (`make pdf-fonts`). Quick when installed;
# otherwise installs them with apt (root only). Nothing is downloaded at run time.
set -euo pipefail
PACKAGES=(fonts-wqy-zenhei poppler-utils)
missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "pdf-fonts: fonts-wqy-zenhei and poppler-utils are installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "pdf-fonts: ${missing[*]} missing; run 'make pdf-fonts' as root, or:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
