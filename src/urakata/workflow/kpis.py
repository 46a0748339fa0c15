"""KPIs from the event log: lead time, waiting per step and approver, 差し戻し率, monthly volume."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext

from urakata.core.permissions import require
from urakata.workflow.models import Action, ApprovalRequest, RequestStep, StepAssignment
from urakata.workflow.registry import get_subject_type


@dataclass
class Durations:
    """Hours summary of a group of durations."""

    key: str
    label: str
    count: int
    mean_hours: float
    median_hours: float
    p90_hours: float


def _hours(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 3600


def _summarise(key: str, label: str, values: list[float]) -> Durations:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return Durations(
        key=key,
        label=label,
        count=len(ordered),
        mean_hours=round(statistics.fmean(ordered), 1),
        median_hours=round(statistics.median(ordered), 1),
        p90_hours=round(p90, 1),
    )


def _type_label(key: str) -> str:
    subject_type = get_subject_type(key)
    return gettext(subject_type.label) if subject_type else key


def _period(queryset: Any, field: str, date_from: dt.date | None, date_to: dt.date | None) -> Any:
    if date_from:
        queryset = queryset.filter(**{f"{field}__date__gte": date_from})
    if date_to:
        queryset = queryset.filter(**{f"{field}__date__lte": date_to})
    return queryset


def kpi_lead_time(
    *, actor: Any, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[Durations]:
    """Lead time (submit → final decision) per request type, decided requests only."""
    require(actor, "workflow.view_kpis")
    rows = _period(
        ApprovalRequest.objects.filter(decided_at__isnull=False), "submitted_at", date_from, date_to
    ).values_list("subject_type", "submitted_at", "decided_at")
    groups: dict[str, list[float]] = defaultdict(list)
    for key, submitted, decided in rows:
        groups[key].append(_hours(decided - submitted))
    return [_summarise(k, _type_label(k), v) for k, v in sorted(groups.items())]


def kpi_step_waiting(
    *, actor: Any, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[Durations]:
    """Waiting time per step name (activated → completed), longest median first."""
    require(actor, "workflow.view_kpis")
    rows = _period(
        RequestStep.objects.filter(activated_at__isnull=False, completed_at__isnull=False),
        "activated_at",
        date_from,
        date_to,
    ).values_list("request__subject_type", "name", "activated_at", "completed_at")
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for key, name, activated, completed in rows:
        groups[(key, name)].append(_hours(completed - activated))
    result = [
        _summarise(f"{k}:{name}", f"{_type_label(k)} / {name}", v)
        for (k, name), v in groups.items()
    ]
    return sorted(result, key=lambda d: -d.median_hours)


def kpi_approver_waiting(
    *, actor: Any, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[Durations]:
    """Time from a step reaching an approver to their own action, per approver."""
    require(actor, "workflow.view_kpis")
    rows = _period(
        StepAssignment.objects.filter(
            acted_at__isnull=False, step__activated_at__isnull=False, acted_as="self"
        ),
        "acted_at",
        date_from,
        date_to,
    ).values_list(
        "approver_id",
        "approver__username",
        "approver__employee__last_name",
        "approver__employee__first_name",
        "step__activated_at",
        "acted_at",
    )
    groups: dict[int, list[float]] = defaultdict(list)
    labels: dict[int, str] = {}
    for user_id, username, last, first, activated, acted in rows:
        groups[user_id].append(_hours(acted - activated))
        labels[user_id] = f"{last or ''} {first or ''}".strip() or username
    result = [_summarise(str(k), labels[k], v) for k, v in groups.items()]
    return sorted(result, key=lambda d: -d.median_hours)


@dataclass
class Rate:
    """Share of requests of one type that were returned (差し戻し) or rejected (却下)."""

    key: str
    label: str
    submitted: int
    returned: int
    rejected: int

    @property
    def return_rate(self) -> float:
        return round(100 * self.returned / self.submitted, 1) if self.submitted else 0.0

    @property
    def rejection_rate(self) -> float:
        return round(100 * self.rejected / self.submitted, 1) if self.submitted else 0.0


def kpi_return_rate(
    *, actor: Any, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[Rate]:
    """差し戻し率 and 却下率 per request type (a request returned twice counts once)."""
    require(actor, "workflow.view_kpis")
    returned = Action.objects.filter(request=OuterRef("pk"), kind=Action.Kind.RETURN)
    rows = (
        _period(ApprovalRequest.objects.all(), "submitted_at", date_from, date_to)
        .annotate(was_returned=Exists(returned))
        .values("subject_type")
        .annotate(
            submitted=Count("pk"),
            returned=Count("pk", filter=Q(was_returned=True)),
            rejected=Count("pk", filter=Q(status=ApprovalRequest.Status.REJECTED)),
        )
        .order_by("subject_type")
    )
    return [
        Rate(
            r["subject_type"],
            _type_label(r["subject_type"]),
            r["submitted"],
            r["returned"],
            r["rejected"],
        )
        for r in rows
    ]


def kpi_volume(
    *, actor: Any, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[dict[str, Any]]:
    """Requests submitted per type per month: [{month, subject_type, label, count}]."""
    require(actor, "workflow.view_kpis")
    rows = (
        _period(ApprovalRequest.objects.all(), "submitted_at", date_from, date_to)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month", "subject_type")
        .annotate(count=Count("pk"))
        .order_by("month", "subject_type")
    )
    return [
        {
            "month": (r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"]),
            "subject_type": r["subject_type"],
            "label": _type_label(r["subject_type"]),
            "count": r["count"],
        }
        for r in rows
    ]
