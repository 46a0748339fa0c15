"""Process measures the DX app reads from the audit log (hook `dx.process_measures`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

ISSUES = ["invoicing.invoice.issue"]


def measures() -> list[dict[str, Any]]:
    """Measure definitions over invoicing audit actions (see docs/adding-a-domain.md)."""
    return [
        {
            "key": "invoicing.invoices_issued",
            "label": gettext_noop("請求書の発行件数"),
            "kind": "count",
            "actions": ISSUES,
        },
        {
            "key": "invoicing.issue_to_paid",
            "label": gettext_noop("請求書の発行から入金済みまで(中央値)"),
            "kind": "duration",
            "start": ISSUES,
            "end": ["invoicing.invoice.paid"],
        },
        {
            "key": "invoicing.overdue_share",
            "label": gettext_noop("督促した請求書 / 発行した請求書(延滞の割合)"),
            "kind": "ratio",
            "distinct": True,
            "numerator": ["invoicing.invoice.remind"],
            "denominator": ISSUES,
        },
        {
            "key": "invoicing.received_approval",
            "label": gettext_noop("受領請求書の登録から承認まで(中央値)"),
            "kind": "duration",
            "start": ["invoicing.received.create", "invoicing.received.submit"],
            "end": ["invoicing.received.approve"],
        },
    ]
