"""PoC KPIs measured from the workflow event log, and process measures over the audit log.

Request KPIs (`request_kpis`) for one request type (`workflow.ringi`, `form:<code>` for an
administrator-defined form, or any subject type such as `expenses.claim`), optionally one
department, over requests **submitted** in a window of local dates (inclusive):

- `requests`: how many were submitted;
- `lead_time_hours`: median and 90th percentile of submission → final decision (approve or
  reject) over the decided ones;
- `return_rate`: share of the requests sent back (差し戻し) at least once;
- `rejection_rate`: share of the requests finally rejected (却下);
- `step_wait_hours`: median time a step waited, from its activation to its decision, over every
  decided step of those requests (every round).

Process measures: each domain declares measure definitions over its audit actions through the
manifest hook `"dx.process_measures"` (see docs/adding-a-domain.md); `measure_value` computes one.
Options: a ratio may count `distinct` audit targets instead of events and keep only numerator
events whose changes have the key `numerator_has`; a duration may take its start from the end
event's `changes[start_key]` (an ISO date or datetime) instead of a start event.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from django.db import connections
from django.db.models import FloatField, Func, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.domains import hook_targets
from urakata.core.errors import ValidationFailed
from urakata.core.models import AuditEvent
from urakata.workflow.models import ApprovalRequest, FormSubmission, RequestStep

FORM_PREFIX = "form:"
MEASURE_KINDS = ("count", "ratio", "duration")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile the workflow KPIs use: the value at round(share·(n−1))."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _summary(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median": None, "p90": None}
    return {
        "median": round(statistics.median(values), 2),
        "p90": round(percentile(values, 0.9), 2),
    }


class HoursBetween(Func):
    """(end − start) in hours, computed by the database (no per-row Python function)."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "((julianday(%(expressions)s)) * 24.0)"
        return self.as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)::double precision"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of the first day and of the day after the last (an index-friendly range)."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def scope_filter(
    *,
    request_type: str,
    department_code: str | None,
    date_from: dt.date,
    date_to: dt.date,
    prefix: str = "",
) -> Q:
    """The requests of a type (and department) submitted between the dates (inclusive)."""
    start, end = _bounds(date_from, date_to)
    q = Q(**{f"{prefix}submitted_at__gte": start, f"{prefix}submitted_at__lt": end})
    if request_type.startswith(FORM_PREFIX):
        submissions = FormSubmission.objects.filter(form__code=request_type[len(FORM_PREFIX) :])
        q &= Q(
            **{
                f"{prefix}subject_type": "workflow.formsubmission",
                f"{prefix}subject_id__in": submissions.values("pk"),
            }
        )
    else:
        q &= Q(**{f"{prefix}subject_type": request_type})
    if department_code:
        q &= Q(**{f"{prefix}department__code": department_code})
    return q


def _fetch(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list query straight from the cursor: 100,000 rows of plain numbers
    and codes need none of the ORM's per-row conversion (it dominates the time otherwise)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def request_kpis(
    *,
    request_type: str,
    date_from: dt.date,
    date_to: dt.date,
    department_code: str | None = None,
) -> dict[str, Any]:
    """The KPIs of the requests submitted in the window (see the module docstring)."""
    if date_to < date_from:
        message = _("期間の終了日は開始日以降にしてください。")
        raise ValidationFailed(message, errors={"date_to": [message]})
    scope: dict[str, Any] = {
        "request_type": request_type,
        "department_code": department_code,
        "date_from": date_from,
        "date_to": date_to,
    }
    requests = ApprovalRequest.objects.filter(scope_filter(**scope)).order_by()
    rows = _fetch(
        requests.annotate(lead=HoursBetween("decided_at", "submitted_at")).values_list(
            "status", "lead"
        )
    )
    count = len(rows)
    decided = (ApprovalRequest.Status.APPROVED, ApprovalRequest.Status.REJECTED)
    lead_hours = [lead for status, lead in rows if status in decided and lead is not None]
    # A return (差し戻し) always closes its step as `returned` with its time (workflow
    # services_approver._stop), so the decided steps also tell which requests were sent back.
    steps = _fetch(
        RequestStep.objects.filter(
            scope_filter(**scope, prefix="request__"),
            activated_at__isnull=False,
            completed_at__isnull=False,
            status__in=(
                RequestStep.Status.APPROVED,
                RequestStep.Status.REJECTED,
                RequestStep.Status.RETURNED,
            ),
        )
        .order_by()
        .annotate(wait=HoursBetween("completed_at", "activated_at"))
        .values_list("request_id", "status", "wait")
    )
    waits = [wait for _r, _s, wait in steps if wait is not None]
    returned_count = len({request for request, status, _w in steps if status == "returned"})
    rejected = sum(1 for status, _l in rows if status == ApprovalRequest.Status.REJECTED)
    return {
        "requests": count,
        "decided": len(lead_hours),
        "lead_time_hours": _summary(lead_hours),
        "return_rate": round(returned_count / count, 4) if count else None,
        "rejection_rate": round(rejected / count, 4) if count else None,
        "step_wait_hours": {"median": _summary(waits)["median"]},
    }


def reduction_rate(before: float | None, after: float | None) -> float | None:
    """処理時間削減率: (before − after) / before, as a share; None without a baseline."""
    if before is None or after is None or before == 0:
        return None
    return round((before - after) / before, 4)


# ---------------------------------------------------------------- process measures (hook)


def measure_definitions() -> dict[str, dict[str, Any]]:
    """Every measure the installed domains declare through the `dx.process_measures` hook."""
    found: dict[str, dict[str, Any]] = {}
    for label, hook in hook_targets("dx.process_measures").items():
        for definition in hook():
            if definition.get("kind") not in MEASURE_KINDS:
                continue
            found[str(definition["key"])] = {
                **definition,
                "label": _(str(definition.get("label", definition["key"]))),
                "domain": label,
            }
    return found


def _events(actions: list[str], date_from: dt.date, date_to: dt.date) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        action__in=actions, at__date__gte=date_from, at__date__lte=date_to
    ).order_by()


def _duration(definition: dict[str, Any], date_from: dt.date, date_to: dt.date) -> float | None:
    if definition.get("start_key"):
        return _lag(definition, date_from, date_to)
    starts: dict[tuple[str, str], dt.datetime] = {}
    for target_type, target_id, at in _events(definition["start"], date_from, date_to).values_list(
        "target_type", "target_id", "at"
    ):
        starts.setdefault((target_type, target_id), at)
    ends: dict[tuple[str, str], dt.datetime] = {}
    for target_type, target_id, at in AuditEvent.objects.filter(
        action__in=definition["end"], target_id__in={k[1] for k in starts}
    ).values_list("target_type", "target_id", "at"):
        key = (target_type, target_id)
        if key in starts and at >= starts[key]:
            ends[key] = max(at, ends.get(key, at))
    values = [(ends[k] - starts[k]).total_seconds() / 3600 for k in ends]
    return round(statistics.median(values), 2) if values else None


def _moment(value: Any) -> dt.datetime | None:
    """An ISO date (local midnight starting it) or datetime from an event's changes."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=timezone.get_current_timezone())
    return moment


def _lag(definition: dict[str, Any], date_from: dt.date, date_to: dt.date) -> float | None:
    """Median hours from the moment the `end` event names in `changes[start_key]` to the event."""
    key = str(definition["start_key"])
    values = []
    for at, changes in _events(definition["end"], date_from, date_to).values_list("at", "changes"):
        start = _moment((changes or {}).get(key))
        if start is not None and at >= start:
            values.append((at - start).total_seconds() / 3600)
    return round(statistics.median(values), 2) if values else None


def _count(
    actions: list[str], date_from: dt.date, date_to: dt.date, *, distinct: bool, has_key: Any
) -> int:
    events = _events(actions, date_from, date_to)
    if has_key:
        events = events.filter(changes__has_key=str(has_key))
    if distinct:
        return events.values("target_type", "target_id").distinct().count()
    return events.count()


def measure_value(key: str, *, date_from: dt.date, date_to: dt.date) -> float | None:
    """One declared measure over a window of local dates (inclusive)."""
    definition = measure_definitions().get(key)
    if definition is None:
        message = _("測定項目「%(key)s」はありません。") % {"key": key}
        raise ValidationFailed(message, errors={"measures": [message]})
    if definition["kind"] == "count":
        return float(_events(definition["actions"], date_from, date_to).count())
    if definition["kind"] == "ratio":
        distinct = bool(definition.get("distinct"))
        denominator = _count(
            definition["denominator"], date_from, date_to, distinct=distinct, has_key=None
        )
        numerator = _count(
            definition["numerator"],
            date_from,
            date_to,
            distinct=distinct,
            has_key=definition.get("numerator_has"),
        )
        return round(numerator / denominator, 4) if denominator else None
    return _duration(definition, date_from, date_to)


def _shown(kind: str, value: float | None) -> float | int | None:
    """A measure as the pages show it: counts whole, ratios as percentages, hours as they are."""
    if value is None:
        return None
    if kind == "count":
        return int(value)
    return round(100 * value, 1) if kind == "ratio" else value


def measure_rows(
    *, periods: list[tuple[dt.date, dt.date]], keys: list[str] | None = None
) -> list[dict[str, Any]]:
    """Every declared measure (or the given ones) over each period, by domain then key.

    Each row: key, label, kind, domain, `values` (one per period) and `shown` (the same with
    ratios as percentages, what the pages show).
    """
    for date_from, date_to in periods:
        if date_to < date_from:
            message = _("期間の終了日は開始日以降にしてください。")
            raise ValidationFailed(message, errors={"date_to": [message]})
    definitions = measure_definitions()
    rows = []
    for key in keys if keys is not None else sorted(definitions):
        definition = definitions.get(key)
        if definition is None:
            continue
        values = [measure_value(key, date_from=f, date_to=t) for f, t in periods]
        shown = [_shown(definition["kind"], v) for v in values]
        rows.append(
            {
                "key": key,
                "label": definition["label"],
                "kind": definition["kind"],
                "domain": definition["domain"],
                "values": values,
                "shown": shown,
            }
        )
    return sorted(rows, key=lambda r: (r["domain"], r["key"]))
