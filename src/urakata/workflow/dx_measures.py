"""Process measures the DX app reads from the audit log (hook `dx.process_measures`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

DECISIONS = [
    "workflow.request.approve",
    "workflow.request.reject",
    "workflow.request.proxy_approve",
]


def measures() -> list[dict[str, Any]]:
    """Measure definitions over workflow audit actions (see docs/adding-a-domain.md)."""
    return [
        {
            "key": "workflow.submissions",
            "label": gettext_noop("申請件数"),
            "kind": "count",
            "actions": ["workflow.request.submit"],
        },
        {
            "key": "workflow.return_share",
            "label": gettext_noop("差し戻し件数 / 申請・再申請件数"),
            "kind": "ratio",
            "numerator": ["workflow.request.return"],
            "denominator": ["workflow.request.submit", "workflow.request.resubmit"],
        },
        {
            "key": "workflow.submit_to_decision",
            "label": gettext_noop("申請から最後の承認・却下までの時間(中央値)"),
            "kind": "duration",
            "start": ["workflow.request.submit"],
            "end": DECISIONS,
        },
    ]
