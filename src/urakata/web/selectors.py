"""Reads for the shell pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from urakata.core.models import AuditEvent
from urakata.core.permissions import can
from urakata.dx import selectors as dx_selectors
from urakata.org import selectors as org_selectors
from urakata.workflow import selectors as workflow_selectors


def home_summary(*, actor: Any) -> dict[str, Any]:
    """Numbers for the home page, each only when the user may see its source."""
    summary: dict[str, Any] = {"cards": []}
    if not can(actor, "org.view_directory"):  # a user with no role yet sees an empty home
        return summary
    employees = org_selectors.employee_list(actor=actor)
    summary["cards"].append(
        {
            "label": _("承認待ち"),
            "value": workflow_selectors.inbox_count(actor=actor),
            "unit": pgettext_lazy("件数の単位", "件"),
            "url": reverse("workflow:inbox"),
        }
    )
    summary["cards"].append(
        {
            "label": _("在籍者数"),
            "value": org_selectors.employee_count(actor=actor),
            "unit": pgettext_lazy("人数の単位", "名"),
        }
    )
    summary["cards"].append(
        {
            "label": _("部署数"),
            "value": org_selectors.department_list(actor=actor).count(),
            "unit": "",
        }
    )
    if can(actor, "org.view_counterparties"):
        summary["cards"].append(
            {
                "label": _("取引先数"),
                "value": org_selectors.counterparty_list(actor=actor).count(),
                "unit": pgettext_lazy("会社数の単位", "社"),
            }
        )
    summary["headcount_by_department"] = [
        {"name": d.name, "count": d.headcount}  # type: ignore[attr-defined]
        for d in org_selectors.department_list(actor=actor)
        if d.headcount  # type: ignore[attr-defined]
    ]
    max_count = max((row["count"] for row in summary["headcount_by_department"]), default=1)
    for row in summary["headcount_by_department"]:
        row["percent"] = round(100 * row["count"] / max_count)
    summary["recent_hires"] = list(employees.order_by("-hire_date")[:5])
    if can(actor, "dx.use"):
        # 改善行動が評価される組織風土: adopted improvement proposals, newest first.
        summary["adopted_proposals"] = list(
            dx_selectors.proposal_list(actor=actor, status="adopted")
            .select_related("author__employee")
            .order_by("-decided_at", "-pk")[:5]
        )
    if can(actor, "core.view_audit"):
        summary["recent_events"] = list(AuditEvent.objects.order_by("-seq")[:8])
    return summary
