"""Process measures the DX app reads from the audit log (hook `dx.process_measures`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

SUBMITS = ["expenses.claim.submit"]


def measures() -> list[dict[str, Any]]:
    """Measure definitions over expenses audit actions (see docs/adding-a-domain.md)."""
    return [
        {
            "key": "expenses.claims_submitted",
            "label": gettext_noop("経費精算の申請件数"),
            "kind": "count",
            "actions": SUBMITS,
        },
        {
            "key": "expenses.submit_to_paid",
            "label": gettext_noop("経費精算の申請から支払まで(中央値)"),
            "kind": "duration",
            "start": SUBMITS,
            "end": ["expenses.claim.paid"],
        },
        {
            "key": "expenses.policy_error_rate",
            "label": gettext_noop("規程エラーで止まった申請 / 申請の試み(規程エラー率)"),
            "kind": "ratio",
            "numerator": ["expenses.claim.policy_refused"],
            "denominator": [*SUBMITS, "expenses.claim.policy_refused"],
        },
    ]
