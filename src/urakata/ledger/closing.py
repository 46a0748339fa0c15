"""決算: year-end close, and reopening a closed month or year with a second person's approval.

A year closes when its accounts are final: every month is closed, the year is locked against any
entry (決算整理 included), and its profit is carried into 繰越利益剰余金 (reports add the profit
of closed and earlier years to that account's opening balance; the close records the amount).
Until then the last month stays open to 決算整理仕訳 (source `adjustment`) even after its 月次締め.

Reopening is never done by the person who asks: `reopen_request_submit` routes a ReopenRequest
through the workflow engine and the month or year reopens only when someone else approves it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import require
from urakata.ledger import cache, services
from urakata.ledger.models import Balance, FiscalYearClose, Period, ReopenRequest
from urakata.workflow import services as workflow_services
from urakata.workflow.registry import subject_key, subject_type

RETAINED_EARNINGS = "4150"


def _months(fiscal_year: int) -> list[int]:
    first, last = cache.fiscal_year_bounds(fiscal_year)
    months = []
    year, month = first // 100, first % 100
    while year * 100 + month <= last:
        months.append(year * 100 + month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def fiscal_year_is_closed(fiscal_year: int) -> bool:
    """True when the year's accounts are final (決算確定)."""
    return FiscalYearClose.objects.filter(fiscal_year=fiscal_year, is_closed=True).exists()


def fiscal_year_net_income(fiscal_year: int) -> int:
    """当期純利益 of a fiscal year from the balances (credit − debit of the P/L accounts)."""
    first, last = cache.fiscal_year_bounds(fiscal_year)
    pl_ids = [a.pk for a in cache.chart().accounts_by_id.values() if not a.is_balance_sheet]
    sums = Balance.objects.filter(
        period__gte=first, period__lte=last, account_id__in=pl_ids
    ).aggregate(d=Coalesce(Sum("debit"), 0), c=Coalesce(Sum("credit"), 0))
    return int(sums["c"]) - int(sums["d"])


def fiscal_year_close(*, actor: Any, fiscal_year: int) -> FiscalYearClose:
    """決算確定: close every month of the year, lock it, and carry its profit forward."""
    require(actor, "ledger.close")
    months = _months(fiscal_year)
    with transaction.atomic():
        services.lock_fiscal_year(fiscal_year)
        row, _created = FiscalYearClose.objects.select_for_update().get_or_create(
            fiscal_year=fiscal_year
        )
        if row.is_closed:
            raise Conflict(_("%(year)s年度は既に決算確定済みです。") % {"year": fiscal_year})
        newly_closed = []
        now = timezone.now()
        for month in months:
            period, _created = Period.objects.get_or_create(period=month)
            if not period.is_closed:
                period.is_closed = True
                period.changed_at = now
                period.changed_by = actor if getattr(actor, "pk", None) else None
                period.save(update_fields=["is_closed", "changed_at", "changed_by"])
                newly_closed.append(month)
        row.is_closed = True
        row.net_income = fiscal_year_net_income(fiscal_year)
        row.changed_at = now
        row.changed_by = actor if getattr(actor, "pk", None) else None
        row.save(update_fields=["is_closed", "net_income", "changed_at", "changed_by"])
        audit_record(
            actor=actor,
            action="ledger.fiscal_year.close",
            target=row,
            changes={
                "is_closed": [False, True],
                "months_closed": newly_closed,
                "net_income": row.net_income,
                "carried_to": RETAINED_EARNINGS,
            },
        )
    return row


def adjustment_check(fiscal_year: int, period: int) -> None:
    """決算整理仕訳 post into the year's last month, closed or not, until the year closes."""
    if fiscal_year_is_closed(fiscal_year):
        raise ValidationFailed(
            _("決算確定済みの年度には記帳できません。"),
            errors={"date": [_("%(year)s年度は決算確定済みです。") % {"year": fiscal_year}]},
        )
    last = cache.fiscal_year_bounds(fiscal_year)[1]
    if period != last and services.period_is_closed(period):
        raise ValidationFailed(
            _("決算整理仕訳は期末月(決算整理期間)か未締めの月に記帳してください。"),
            errors={"date": [str(period)]},
        )


# ---------------------------------------------------------------- reopening


def reopen_route_data() -> dict[str, Any]:
    """The built-in route: any accounting member other than the applicant approves."""
    return {
        "name": "締め解除の承認",
        "subject_type": subject_key(ReopenRequest),
        "conditions": [],
        "priority": 0,
        "is_active": True,
        "steps": [
            {
                "name": "経理の承認(申請者以外)",
                "approvers": [{"kind": "role", "role": "accounting"}],
                "quorum": "any",
            }
        ],
    }


def _target_label(kind: str, period: int) -> str:
    if kind == ReopenRequest.Kind.YEAR:
        return _("%(year)s年度") % {"year": period}
    return _("%(year)s年%(month)s月") % {"year": period // 100, "month": f"{period % 100:02d}"}


def reopen_request_submit(
    *, actor: Any, kind: str, period: int | str, reason: str
) -> ReopenRequest:
    """Ask to reopen a closed month or year (締め解除申請); a second person approves it."""
    require(actor, "ledger.close")
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("再開の理由を入力してください。")]
    if kind not in ReopenRequest.Kind.values:
        errors["kind"] = [_("month か year を指定してください。")]
    if errors:
        raise ValidationFailed(_("締め解除を申請できません。"), errors=errors)
    if kind == ReopenRequest.Kind.MONTH:
        target = services._parse_period(period)
        fiscal_year = cache.fiscal_year_of(dt.date(target // 100, target % 100, 1))
        if fiscal_year_is_closed(fiscal_year):
            raise Conflict(
                _("%(year)s年度は決算確定済みです。先に年度の締め解除を申請してください。")
                % {"year": fiscal_year}
            )
        if not services.period_is_closed(target):
            raise Conflict(
                _("%(label)sは締められていません。") % {"label": _target_label(kind, target)}
            )
    else:
        try:
            target = int(period)
        except (TypeError, ValueError):
            raise ValidationFailed(
                _("年度を数字で指定してください。"), errors={"period": [str(period)]}
            ) from None
        if not fiscal_year_is_closed(target):
            raise Conflict(_("%(year)s年度は決算確定されていません。") % {"year": target})
    if ReopenRequest.objects.filter(
        kind=kind, period=target, status=ReopenRequest.Status.PENDING
    ).exists():
        raise Conflict(_("この締め解除は既に申請中です。"))
    workflow_services.route_seed(data=reopen_route_data())
    with transaction.atomic():
        request = ReopenRequest.objects.create(
            kind=kind, period=target, reason=reason, requested_by=actor, requested_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="ledger.reopen.request",
            target=request,
            changes={"kind": kind, "period": target, "reason": reason},
        )
        workflow_services.request_submit(
            actor=actor,
            subject=request,
            title=_("締め解除: %(label)s") % {"label": _target_label(kind, target)},
            comment=reason,
        )
    return request


def _second_approver(subject: ReopenRequest, request: Any) -> Any:
    """The last approver who is not the applicant; none means nobody else approved."""
    for action in request.actions.filter(kind="approve").order_by("-at", "-pk"):
        if action.actor_id and action.actor_id != subject.requested_by_id:
            return action.actor
    raise Conflict(_("締めの解除には申請者以外の経理担当者の承認が必要です。"))


def _on_approved(subject: ReopenRequest, request: Any) -> None:
    """Workflow hook: reopen the month or year as the approver, in the deciding transaction."""
    approver = _second_approver(subject, request)
    note = f"{subject.reason} (申請: {subject.requested_by}, 承認: {approver})"
    if subject.kind == ReopenRequest.Kind.MONTH:
        services.period_reopen(actor=approver, period=subject.period, reason=note)
    else:
        row = FiscalYearClose.objects.select_for_update().get(fiscal_year=subject.period)
        row.is_closed = False
        row.changed_at = timezone.now()
        row.changed_by = approver
        row.save(update_fields=["is_closed", "changed_at", "changed_by"])
        audit_record(
            actor=approver,
            action="ledger.fiscal_year.reopen",
            target=row,
            changes={
                "is_closed": [True, False],
                "reason": note,
                "requested_by": subject.requested_by_id,
            },
        )
    _decided(subject, ReopenRequest.Status.APPROVED, approver)


def _decided(subject: ReopenRequest, status: str, actor: Any) -> None:
    subject.status = status
    subject.decided_at = timezone.now()
    subject.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=actor,
        action=f"ledger.reopen.{status}",
        target=subject,
        changes={"status": [ReopenRequest.Status.PENDING, status]},
    )


def _on_rejected(subject: ReopenRequest, request: Any) -> None:
    _decided(subject, ReopenRequest.Status.REJECTED, None)


def _on_withdrawn(subject: ReopenRequest, request: Any) -> None:
    _decided(subject, ReopenRequest.Status.WITHDRAWN, subject.requested_by)


def _describe(subject: ReopenRequest) -> list[tuple[str, str]]:
    return [
        (_("対象"), _target_label(subject.kind, subject.period)),
        (_("理由"), subject.reason),
        (_("状態"), str(subject.get_status_display())),
    ]


# Reopen requests are routed through the workflow engine: listed in the ledger manifest.
REOPEN_SUBJECT = subject_type(
    ReopenRequest,
    label=gettext_noop("締め解除申請"),
    on_approved=_on_approved,
    on_rejected=_on_rejected,
    on_withdrawn=_on_withdrawn,
    describe=_describe,
)
