"""Process measures the DX app reads from the audit log (hook `dx.process_measures`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

POSTS = ["ledger.journal_entry.post", "ledger.journal_entry.bulk_post"]


def measures() -> list[dict[str, Any]]:
    """Measure definitions over ledger audit actions (see docs/adding-a-domain.md)."""
    return [
        {
            "key": "ledger.postings",
            "label": gettext_noop("仕訳の登録回数"),
            "kind": "count",
            "actions": POSTS,
        },
        {
            "key": "ledger.correction_rate",
            "label": gettext_noop("訂正仕訳 / 仕訳登録(入力エラー率)"),
            "kind": "ratio",
            "numerator": ["ledger.journal_entry.correct"],
            "denominator": POSTS,
        },
        {
            "key": "ledger.bank_confirmations",
            "label": gettext_noop("銀行明細の確定回数"),
            "kind": "count",
            "actions": ["ledger.bank.confirm"],
        },
    ]
