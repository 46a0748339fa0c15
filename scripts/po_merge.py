"""Resolve a django.po merge conflict: keep ours, re-extract, then take the other side's
translations for entries ours lacks. Usage: python scripts/po_merge.py OTHER_REF [LANG]"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib

ref = sys.argv[1]
lang = sys.argv[2] if len(sys.argv) > 2 else "en"
po_path = Path(f"src/urakata/locale/{lang}/LC_MESSAGES/django.po")
theirs_text = subprocess.run(
    ["git", "show", f"{ref}:{po_path}"], check=True, capture_output=True, text=True
).stdout
subprocess.run(["git", "checkout", "--ours", str(po_path)], check=True)
subprocess.run(["bash", "scripts/i18n.sh", lang], check=False, capture_output=True)
theirs = {(e.msgctxt, e.msgid): e for e in polib.pofile(theirs_text) if e.translated()}
ours = polib.pofile(str(po_path))
taken = 0
for entry in ours:
    other = theirs.get((entry.msgctxt, entry.msgid))
    if other is not None and (not entry.translated() or "fuzzy" in entry.flags):
        entry.msgstr = other.msgstr
        entry.msgstr_plural = dict(other.msgstr_plural)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
        taken += 1
ours.save(str(po_path))
print(f"took {taken} translations from {ref}")
