"""Process measures the DX app reads from the audit log (hook `dx.process_measures`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop


def measures() -> list[dict[str, Any]]:
    """Measure definitions over payments audit actions (see docs/adding-a-domain.md)."""
    return [
        {
            "key": "payments.batch_approval",
            "label": gettext_noop("振込バッチの承認申請から承認まで(中央値)"),
            "kind": "duration",
            "start": ["payments.batch.submit"],
            "end": ["payments.batch.approve"],
        },
    ]
