"""Process measures the DX app reads from the audit log (hook `dx.process_measures`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop


def measures() -> list[dict[str, Any]]:
    """Measure definitions over attendance audit actions (see docs/adding-a-domain.md)."""
    return [
        {
            "key": "attendance.correction_share",
            "label": gettext_noop("打刻修正の申請 / 出勤打刻・記録追加(修正の割合)"),
            "kind": "ratio",
            "numerator": ["attendance.correction.request"],
            "denominator": ["attendance.clock.in", "attendance.record.add"],
        },
        {
            "key": "attendance.close_lead_time",
            "label": gettext_noop("月末から月次締めまで(中央値)"),
            "kind": "duration",
            "start_key": "month_ended_at",
            "end": ["attendance.month.close"],
        },
    ]
