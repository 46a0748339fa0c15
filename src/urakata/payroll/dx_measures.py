"""Process measures the DX app reads from the audit log (hook `dx.process_measures`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

FIXES = ["payroll.pay_run.approve"]


def measures() -> list[dict[str, Any]]:
    """Measure definitions over payroll audit actions (see docs/adding-a-domain.md)."""
    return [
        {
            "key": "payroll.runs_fixed",
            "label": gettext_noop("給与の確定回数"),
            "kind": "count",
            "actions": FIXES,
        },
        {
            "key": "payroll.draft_to_fixed",
            "label": gettext_noop("給与の計算から確定まで(中央値)"),
            "kind": "duration",
            "start": ["payroll.pay_run.calculate"],
            "end": FIXES,
        },
        {
            "key": "payroll.correction_share",
            "label": gettext_noop("確定済み給与を訂正した確定 / 確定(訂正の割合)"),
            "kind": "ratio",
            "numerator": FIXES,
            "numerator_has": "superseded",
            "denominator": FIXES,
        },
    ]
