"""来客管理: pre-registration, reception check-in/out, host notification, log, retention."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.permissions import can, require
from urakata.facilities import notify
from urakata.facilities.models import Visit

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at reception
CODE_LENGTH = 8
PERSONAL_FIELDS = ("visitor_name", "visitor_email", "purpose")
ERASED = "(消去済み)"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a reader or a person typed → the stored code (QR payloads carry a prefix)."""
    code = text.strip().upper()
    if code.startswith("URAKATA-VISIT:"):
        code = code.split(":", 1)[1]
    return code.replace("-", "").replace(" ", "")


def qr_payload(visit: Visit) -> str:
    return f"URAKATA-VISIT:{visit.code}"


def check_visit_fields(
    *,
    visitor_name: str,
    visitor_company: str,
    visitor_email: str,
    visit_date: Any,
    party_size: int,
    today: dt.date,
    walk_in: bool,
) -> None:
    errors: dict[str, list[str]] = {}
    if not visitor_name.strip():
        errors["visitor_name"] = [_("来訪者名を入力してください。")]
    if len(visitor_name) > 100:
        errors["visitor_name"] = [_("来訪者名は100文字以内で入力してください。")]
    if len(visitor_company) > 200:
        errors["visitor_company"] = [_("会社名は200文字以内で入力してください。")]
    if visitor_email and ("@" not in visitor_email or len(visitor_email) > 254):
        errors["visitor_email"] = [_("メールアドレスが正しくありません。")]
    if not isinstance(visit_date, dt.date):
        errors["visit_date"] = [_("来訪日を入力してください。")]
    elif visit_date < today:
        errors["visit_date"] = [_("過去の日付には来客を登録できません。")]
    elif walk_in and visit_date != today:
        errors["visit_date"] = [_("受付での登録は当日の来客だけです。")]
    if not 1 <= party_size <= 50:
        errors["party_size"] = [_("人数は1〜50人にしてください。")]
    if errors:
        raise ValidationFailed(_("来客を登録できません。"), errors=errors)


def _host_for(actor: Any, host_id: int | None) -> Any:
    if host_id is None or host_id == getattr(actor, "pk", None):
        if getattr(actor, "pk", None) is None:
            raise ValidationFailed(
                _("担当者を指定してください。"),
                errors={"host_id": [_("担当者を指定してください。")]},
            )
        return actor
    if not (can(actor, "facilities.reception") or can(actor, "facilities.manage_visitors")):
        raise ValidationFailed(
            _("他の人を担当者にできるのは総務だけです。"),
            errors={"host_id": [_("他の人を担当者にできるのは総務だけです。")]},
        )
    host = get_user_model().objects.filter(pk=host_id, is_active=True).first()
    if host is None:
        raise ValidationFailed(
            _("担当者が見つかりません。"), errors={"host_id": [_("担当者が見つかりません。")]}
        )
    return host


def visit_register(
    *,
    actor: Any,
    visitor_name: str,
    visitor_company: str = "",
    visitor_email: str = "",
    visit_date: dt.date,
    expected_time: dt.time | None = None,
    purpose: str = "",
    place: str = "",
    party_size: int = 1,
    host_id: int | None = None,
    walk_in: bool = False,
    today: dt.date | None = None,
) -> Visit:
    """Pre-register a visitor (来客予定); the invitation with its QR code goes out after commit."""
    require(actor, "facilities.reception" if walk_in else "facilities.host_visitors")
    today = today or timezone.localdate()
    check_visit_fields(
        visitor_name=visitor_name,
        visitor_company=visitor_company,
        visitor_email=visitor_email,
        visit_date=visit_date,
        party_size=party_size,
        today=today,
        walk_in=walk_in,
    )
    host = _host_for(actor, host_id)
    with transaction.atomic():
        visit = Visit.objects.create(
            code=new_code(),
            host=host,
            visitor_name=visitor_name.strip(),
            visitor_company=visitor_company.strip(),
            visitor_email=visitor_email.strip(),
            visit_date=visit_date,
            expected_time=expected_time,
            purpose=purpose.strip()[:200],
            place=place.strip()[:100],
            party_size=party_size,
            walk_in=walk_in,
        )
        audit_record(
            actor=actor,
            action="facilities.visit.register",
            target=visit,
            changes={
                "visit_date": [None, visit_date.isoformat()],
                "visitor_company": [None, visit.visitor_company],
                "host": [None, host.pk],
                "walk_in": [None, walk_in],
            },
        )
        if visit.visitor_email and not walk_in:
            transaction.on_commit(lambda: notify.send_invitation(visit))
    return visit


def _lock(visit_id: int | None = None, code: str = "") -> Visit:
    visits = Visit.objects.select_for_update().select_related("host")
    visit = visits.filter(pk=visit_id).first() if visit_id else visits.filter(code=code).first()
    if visit is None:
        raise NotFound(_("受付コードが見つかりません。") if code else _("来客が見つかりません。"))
    return visit


def visit_check_in(
    *,
    actor: Any,
    code: str = "",
    visit_id: int | None = None,
    rules_accepted: bool = False,
    today: dt.date | None = None,
) -> Visit:
    """Check a visitor in by the code on their invitation (QR or typed) or from the board; tell
    the host at once (in-app, e-mail, chat webhook)."""
    require(actor, "facilities.reception")
    today = today or timezone.localdate()
    normalised = normalise_code(code) if code else ""
    if not normalised and not visit_id:
        raise ValidationFailed(
            _("受付コードを入力してください。"),
            errors={"code": [_("受付コードを入力してください。")]},
        )
    with transaction.atomic():
        visit = _lock(visit_id, normalised)
        if visit.erased_at is not None or visit.status == Visit.Status.CANCELLED:
            raise Conflict(_("この来客予定は取り消されています。"))
        if visit.status in (Visit.Status.ARRIVED, Visit.Status.LEFT):
            raise Conflict(_("この受付コードは使用済みです(入館済み)。"))
        if visit.visit_date < today:
            raise Conflict(
                _("この受付コードは有効期限切れです(来訪日 %(day)s)。")
                % {"day": visit.visit_date.isoformat()}
            )
        if visit.visit_date > today:
            raise Conflict(
                _("この受付コードは %(day)s の予定です。本日は受付できません。")
                % {"day": visit.visit_date.isoformat()}
            )
        last = Visit.objects.filter(visit_date=today).aggregate(n=Max("badge_number"))["n"] or 0
        now = timezone.now()
        visit.status = Visit.Status.ARRIVED
        visit.arrived_at = now
        visit.badge_number = last + 1
        if rules_accepted:
            visit.rules_accepted_at = now
        visit.save(update_fields=["status", "arrived_at", "badge_number", "rules_accepted_at"])
        audit_record(
            actor=actor,
            action="facilities.visit.check_in",
            target=visit,
            changes={
                "status": ["expected", "arrived"],
                "badge_number": [None, visit.badge_number],
                "rules_accepted": [None, rules_accepted],
            },
        )
        notify.host_arrival(visit)
    return visit


def visit_walk_in(
    *,
    actor: Any,
    host_id: int,
    visitor_name: str,
    visitor_company: str = "",
    purpose: str = "",
    party_size: int = 1,
    rules_accepted: bool = False,
    today: dt.date | None = None,
) -> Visit:
    """A visitor without an appointment, registered and checked in at reception."""
    today = today or timezone.localdate()
    with transaction.atomic():
        visit = visit_register(
            actor=actor,
            visitor_name=visitor_name,
            visitor_company=visitor_company,
            visit_date=today,
            purpose=purpose,
            party_size=party_size,
            host_id=host_id,
            walk_in=True,
            today=today,
        )
        return visit_check_in(
            actor=actor, visit_id=visit.pk, rules_accepted=rules_accepted, today=today
        )


def visit_check_out(*, actor: Any, visit_id: int) -> Visit:
    """Record the visitor leaving and the badge coming back."""
    require(actor, "facilities.reception")
    with transaction.atomic():
        visit = _lock(visit_id)
        if visit.status != Visit.Status.ARRIVED:
            raise Conflict(_("入館中の来客ではありません。"))
        visit.status = Visit.Status.LEFT
        visit.left_at = timezone.now()
        visit.save(update_fields=["status", "left_at"])
        audit_record(
            actor=actor,
            action="facilities.visit.check_out",
            target=visit,
            changes={"status": ["arrived", "left"]},
        )
    return visit


def visit_cancel(*, actor: Any, visit_id: int) -> Visit:
    """Cancel an expected visit (the host or 総務)."""
    require(actor, "facilities.host_visitors")
    with transaction.atomic():
        visit = _lock(visit_id)
        if not Visit.objects.visible_to(actor).filter(pk=visit.pk).exists():
            raise NotFound(_("来客が見つかりません。"))
        if visit.status != Visit.Status.EXPECTED:
            raise Conflict(_("来訪予定の来客だけ取り消せます。"))
        visit.status = Visit.Status.CANCELLED
        visit.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="facilities.visit.cancel",
            target=visit,
            changes={"status": ["expected", "cancelled"]},
        )
    return visit


def visitors_erase_expired(
    *, actor: Any, today: dt.date | None = None, days: int | None = None
) -> int:
    """個人情報の保存期間: erase visitors' personal fields after `days` (company, counts and
    dates stay for statistics). Erased data stays erased: the fields are blanked, not hidden."""
    require(actor, "facilities.manage_visitors")
    today = today or timezone.localdate()
    days = settings.URAKATA_VISITOR_RETENTION_DAYS if days is None else days
    cutoff = today - dt.timedelta(days=days)
    with transaction.atomic():
        expired = Visit.objects.filter(erased_at__isnull=True, visit_date__lt=cutoff)
        ids = list(expired.values_list("pk", flat=True)[:50_000])
        if not ids:
            return 0
        Visit.objects.filter(pk__in=ids).update(
            visitor_name=ERASED, visitor_email="", purpose="", erased_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="facilities.visit.erase",
            target_type="facilities.visit",
            changes={"visits": len(ids), "before": cutoff.isoformat(), "days": days},
        )
    return len(ids)


# ---------------------------------------------------------------- selectors


def visit_get(*, actor: Any, visit_id: int) -> Visit:
    require(actor, "facilities.host_visitors")
    visit = Visit.objects.visible_to(actor).select_related("host").filter(pk=visit_id).first()
    if visit is None:
        raise NotFound(_("来客が見つかりません。"))
    return visit


def visit_mine(*, actor: Any, today: dt.date | None = None) -> QuerySet[Visit]:
    """The visits the actor hosts, from today on."""
    require(actor, "facilities.host_visitors")
    today = today or timezone.localdate()
    return (
        Visit.objects.filter(host_id=actor.pk, visit_date__gte=today)
        .exclude(status=Visit.Status.CANCELLED)
        .order_by("visit_date", "expected_time", "pk")
    )


@dataclass(frozen=True)
class Board:
    """Reception's board for one day (本日の来客)."""

    day: dt.date
    expected: list[Visit]
    arrived: list[Visit]
    left: list[Visit]


def visit_board(*, actor: Any, day: dt.date | None = None, q: str = "") -> Board:
    """Today's expected, arrived and departed visitors (one indexed query)."""
    require(actor, "facilities.reception")
    day = day or timezone.localdate()
    visits = Visit.objects.filter(visit_date=day).exclude(status=Visit.Status.CANCELLED)
    if q:
        visits = visits.filter(Q(visitor_name__icontains=q) | Q(visitor_company__icontains=q))
    rows = list(visits.select_related("host").order_by("expected_time", "pk")[:500])
    return Board(
        day,
        [v for v in rows if v.status == Visit.Status.EXPECTED],
        [v for v in rows if v.status == Visit.Status.ARRIVED],
        [v for v in rows if v.status == Visit.Status.LEFT],
    )


@dataclass(frozen=True)
class LogFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    company: str = ""
    host: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "company": self.company,
            "host": self.host,
        }


def visit_log(*, actor: Any, filters: LogFilters, ip_address: str | None = None) -> QuerySet[Visit]:
    """The visitor log (来客記録), searchable by date, company and host. Personal data: every
    view is an audit event (who looked, with which filters)."""
    require(actor, "facilities.manage_visitors")
    visits = Visit.objects.visible_to(actor).select_related("host")
    if filters.date_from:
        visits = visits.filter(visit_date__gte=filters.date_from)
    if filters.date_to:
        visits = visits.filter(visit_date__lte=filters.date_to)
    if filters.company:
        visits = visits.filter(visitor_company__icontains=filters.company)
    if filters.host:
        visits = visits.filter(
            Q(host__username__icontains=filters.host)
            | Q(host__last_name__icontains=filters.host)
            | Q(host__first_name__icontains=filters.host)
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="facilities.visit_log.view",
            target_type="facilities.visit",
            changes={"filters": filters.as_dict()},
            ip_address=ip_address,
        )
    return visits.order_by("-visit_date", "-pk")
