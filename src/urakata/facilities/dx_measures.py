"""Process measures the DX app reads from the audit log (hook `dx.process_measures`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop


def measures() -> list[dict[str, Any]]:
    """Measure definitions over facilities audit actions (see docs/adding-a-domain.md)."""
    return [
        {
            "key": "facilities.request_to_order",
            "label": gettext_noop("備品購入の申請から発注(承認)まで(中央値)"),
            "kind": "duration",
            "start": ["facilities.request.submit"],
            "end": ["facilities.request.approved"],
        },
        {
            "key": "facilities.order_to_receipt",
            "label": gettext_noop("発注から検収まで(中央値)"),
            "kind": "duration",
            "start": ["facilities.order.create"],
            "end": ["facilities.order.receive"],
        },
        {
            "key": "facilities.visitor_check_ins",
            "label": gettext_noop("来訪者の受付(チェックイン)件数"),
            "kind": "count",
            "actions": ["facilities.visit.check_in"],
        },
    ]
