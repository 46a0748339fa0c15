"""PoCs: a process, a scope, a baseline and a trial period; KPIs computed, a decision recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, ValidationFailed
from urakata.dx.kpis import measure_definitions, measure_value, reduction_rate, request_kpis
from urakata.dx.models import Poc, Process
from urakata.dx.rules import require_leader
from urakata.org.models import Department

PERIODS = ("baseline_from", "baseline_to", "trial_from", "trial_to")
DECISIONS = (Poc.Status.ROLLED_OUT, Poc.Status.CONTINUED, Poc.Status.STOPPED)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value or ""))
    except ValueError:
        return None


def _periods(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, dt.date]:
    dates: dict[str, dt.date] = {}
    for name in PERIODS:
        value = _date(data.get(name))
        if value is None or not dt.date(1900, 1, 1) <= value <= dt.date(2100, 12, 31):
            errors.setdefault(name, []).append(_("日付を YYYY-MM-DD で入力してください。"))
        else:
            dates[name] = value
    if len(dates) < len(PERIODS):
        return dates
    for prefix, label in (("baseline", _("ベースライン")), ("trial", _("試行"))):
        if dates[f"{prefix}_to"] < dates[f"{prefix}_from"]:
            errors.setdefault(f"{prefix}_to", []).append(
                _("%(label)s期間の終了日が開始日より前です。") % {"label": label}
            )
    overlap = (
        dates["trial_from"] <= dates["baseline_to"] and dates["baseline_from"] <= dates["trial_to"]
    )
    if overlap:
        errors.setdefault("trial_from", []).append(
            _("ベースライン期間と試行期間が重なっています。重ならない期間を指定してください。")
        )
    return dates


@transaction.atomic
def poc_create(*, actor: Any, process: Process, data: Mapping[str, Any]) -> Poc:
    """Start a PoC on a process (DX leaders)."""
    require_leader(actor)
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [_("PoC名を 200 文字以内で入力してください。")]
    request_type = str(data.get("request_type") or process.request_type or "").strip()
    if not request_type or len(request_type) > 100:
        errors["request_type"] = [_("対象の申請の種類を指定してください。")]
    department = None
    if data.get("department"):
        department = Department.objects.filter(code=str(data["department"])).first()
        if department is None:
            errors["department"] = [_("部署コードがありません。")]
    known = measure_definitions()
    measures = [str(m) for m in data.get("measures") or []]
    unknown = [m for m in measures if m not in known]
    if unknown:
        errors["measures"] = [_("測定項目がありません: %(keys)s") % {"keys": ", ".join(unknown)}]
    dates = _periods(data, errors)
    if errors:
        raise ValidationFailed(_("PoC を登録できません。"), errors=errors)
    poc = Poc.objects.create(
        process=process,
        title=title,
        request_type=request_type,
        department=department,
        measures=measures,
        created_by=actor,
        **dates,
    )
    audit_record(
        actor=actor,
        action="dx.poc.create",
        target=poc,
        changes={"title": [None, title], **{k: [None, str(v)] for k, v in dates.items()}},
    )
    return poc


def poc_results(poc: Poc) -> dict[str, Any]:
    """Baseline and trial KPIs from the event log, with 処理時間削減率 and the extra measures."""
    department = poc.department.code if poc.department else None
    periods = {
        "baseline": (poc.baseline_from, poc.baseline_to),
        "trial": (poc.trial_from, poc.trial_to),
    }
    result: dict[str, Any] = {}
    for name, (start, end) in periods.items():
        kpis = request_kpis(
            request_type=poc.request_type,
            department_code=department,
            date_from=start,
            date_to=end,
        )
        kpis["measures"] = {
            key: measure_value(key, date_from=start, date_to=end) for key in poc.measures
        }
        result[name] = kpis
    result["lead_time_reduction"] = reduction_rate(
        result["baseline"]["lead_time_hours"]["median"],
        result["trial"]["lead_time_hours"]["median"],
    )
    result["step_wait_reduction"] = reduction_rate(
        result["baseline"]["step_wait_hours"]["median"],
        result["trial"]["step_wait_hours"]["median"],
    )
    return result


def hours_saved(poc: Poc, result: Mapping[str, Any]) -> float:
    """Working hours a year saved when the trial's 処理時間削減率 holds for the process."""
    rate = result.get("lead_time_reduction") or 0
    return round(max(0.0, rate) * poc.process.hours_per_year, 1)


@transaction.atomic
def poc_evaluate(*, actor: Any, poc: Poc, data: Mapping[str, Any]) -> Poc:
    """Evaluation notes: 操作性, 現場負担, 効果測定のしやすさ."""
    require_leader(actor)
    poc = Poc.objects.select_for_update().get(pk=poc.pk)
    changes: dict[str, Any] = {}
    for name in ("notes_usability", "notes_burden", "notes_measurability"):
        if name in data:
            value = str(data[name] or "")[:5000]
            if value != getattr(poc, name):
                changes[name] = [getattr(poc, name), value]
                setattr(poc, name, value)
    poc.save()
    audit_record(actor=actor, action="dx.poc.evaluate", target=poc, changes=changes)
    return poc


@transaction.atomic
def poc_decide(*, actor: Any, poc: Poc, decision: str, reason: str) -> Poc:
    """横展開 / 継続 / 中止 with its reason; the measured KPIs are frozen with the decision."""
    require_leader(actor)
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = [_("横展開・継続・中止のいずれかを選んでください。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("判断の理由を入力してください。")]
    if errors:
        raise ValidationFailed(_("判断を記録できません。"), errors=errors)
    poc = (
        Poc.objects.select_for_update(of=("self",))
        .select_related("process", "department")
        .get(pk=poc.pk)
    )
    if poc.status != Poc.Status.RUNNING:
        raise Conflict(_("この PoC は判断済みです。"))
    result = poc_results(poc)
    poc.status = decision
    poc.decision_reason = reason[:5000]
    poc.decided_at = timezone.now()
    poc.result = result
    poc.hours_saved_per_year = hours_saved(poc, result) if decision == Poc.Status.ROLLED_OUT else 0
    poc.save()
    audit_record(
        actor=actor,
        action="dx.poc.decide",
        target=poc,
        changes={
            "status": [Poc.Status.RUNNING.value, decision],
            "reason": [None, poc.decision_reason],
            "lead_time_reduction": [None, result["lead_time_reduction"]],
        },
    )
    return poc
