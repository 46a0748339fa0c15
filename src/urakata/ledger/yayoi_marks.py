"""弥生 仕訳日記帳 columns read and written beside the amounts: 識別フラグ and 決算.

識別フラグ: 2000 = a one-row entry, 2111 = a one-row 伝票, 2110 / 2100 / 2101 = the first / a
middle / the last row of a multi-row 伝票. 決算: blank for an ordinary entry, 中決 (中間決算) or
本決 (本決算) for a 決算仕訳, which imports as a 決算整理 entry (source `adjustment`, so it may
post into the year's closed last month) and exports back with its mark.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from urakata.ledger import cache
from urakata.ledger.models import JournalEntry

FLAGS = ("2000", "2111", "2110", "2100", "2101")
FIRST_ROW_FLAGS = ("2000", "2111", "2110")
LAST_ROW_FLAGS = ("2000", "2111", "2101")
CLOSING_MARKS = ("", "中決", "本決")


def row_problem(row: list[str]) -> str | None:
    """Why a row's 識別フラグ or 決算 cell cannot be read, or None."""
    flag = row[0].strip()
    if flag not in FLAGS:
        return _("識別フラグ「%(flag)s」が正しくありません。") % {"flag": flag}
    if flag in FIRST_ROW_FLAGS and row[2].strip() not in CLOSING_MARKS:
        return _("決算「%(value)s」は空欄・中決・本決のいずれかにしてください。") % {
            "value": row[2].strip()
        }
    return None


def entry_source(closing: str) -> Any:
    """The source of an imported entry from its 決算 cell."""
    if closing.strip() in ("中決", "本決"):
        return JournalEntry.Source.ADJUSTMENT
    return JournalEntry.Source.IMPORT


def closing_mark(entry: JournalEntry) -> str:
    """本決 for a 決算整理 entry in the year's last month, 中決 in another month, else blank."""
    if entry.source != JournalEntry.Source.ADJUSTMENT:
        return ""
    return "本決" if entry.period == cache.fiscal_year_bounds(entry.fiscal_year)[1] else "中決"
