#!/usr/bin/env bash
# Re-extract every translatable string (Japanese is the source language) into
# src/urakata/locale/<lang>/LC_MESSAGES/django.po, keep existing translations (msgmerge),
# compile django.mo, and report what is still untranslated. Commit both .po and .mo, so a fresh
# machine needs no gettext. Needs GNU gettext: apt-get install gettext.
# Usage: scripts/i18n.sh [LANG ...]    (default: en)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
if ! command -v msgfmt >/dev/null; then
  echo "GNU gettext is missing: apt-get install gettext" >&2
  exit 1
fi
URAKATA=${URAKATA:-}
if [ -z "$URAKATA" ]; then
  if [ -x "${VENV:-.venv}/bin/urakata" ]; then URAKATA="$ROOT/${VENV:-.venv}/bin/urakata"; else URAKATA=urakata; fi
fi
export PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}"
# Extraction needs settings but no data: keep the secret key file etc. out of the project.
export URAKATA_DATA_DIR="${URAKATA_DATA_DIR:-$(mktemp -d)}"
LANGS=("$@")
[ ${#LANGS[@]} -eq 0 ] && LANGS=(en)

cd "$ROOT/src/urakata"
mkdir -p locale
for lang in "${LANGS[@]}"; do
  # --add-location=file: line numbers would make every unrelated edit a merge conflict here.
  "$URAKATA" makemessages -l "$lang" --ignore "*/tests/*" --add-location file --verbosity 0
  "$URAKATA" compilemessages -l "$lang" --verbosity 0
  po="locale/$lang/LC_MESSAGES/django.po"
  stats=$(msgfmt --statistics -o /dev/null "$po" 2>&1)
  echo "$lang: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "  strings still to translate in src/urakata/$po:"
      msgattrib --untranslated --no-obsolete --no-wrap "$po" | grep '^msgid "..*"$' | sed 's/^/    /' || true
      msgattrib --only-fuzzy --no-obsolete --no-wrap "$po" | grep '^msgid "..*"$' | sed 's/^/    fuzzy: /' || true
      ;;
  esac
done
