#!/usr/bin/env bash
# System packages Urakata and its tests need (libmagic for upload sniffing, Tesseract OCR with Japanese, real browser,
# Japanese fonts). Installed with apt when running
# as root; otherwise prints what is missing. Set URAKATA_SKIP_APT=1 to skip.
set -uo pipefail
PACKAGES=(chromium tesseract-ocr tesseract-ocr-jpn fonts-noto-cjk fonts-ipaexfont-gothic fonts-noto-color-emoji gettext libmagic1 postgresql-client)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "${URAKATA_SKIP_APT:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || echo "warning: apt-get could not install ${missing[*]}; browser tests will be skipped" >&2
else
  echo "note: missing system packages (${missing[*]}); as root: apt-get install ${missing[*]}" >&2
fi
exit 0
