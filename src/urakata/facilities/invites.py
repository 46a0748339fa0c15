"""来訪者による事前登録: the host shares a link and a short check code; the visitor registers
themselves on a public page (no login). Wrong codes lock the link after MAX_CODE_FAILURES; hits
are rate-limited per IP address and per link; every step is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.core.ratelimit import TooManyRequests, rate_limit_hit, window_seconds_left
from urakata.facilities import notify, visitors
from urakata.facilities.models import Visit, VisitInvite
from urakata.workflow.notifications import notify as notify_users

MAX_CODE_FAILURES = 5
MAX_LINK_DAYS = 90
CODE_DIGITS = 6
# Per IP address: page views and attempts in 10 minutes; per link: attempts in an hour.
IP_LIMIT, IP_WINDOW = 30, 600
LINK_LIMIT, LINK_WINDOW = 20, 3600


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewInvite:
    """A created link: the row, the token (in the URL) and the check code, shown only once."""

    invite: VisitInvite
    token: str
    code: str


def _check_window(
    *,
    title: str,
    date_from: Any,
    date_to: Any,
    time_from: Any,
    time_to: Any,
    max_uses: int,
    days_valid: int,
    today: dt.date,
) -> None:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("用件を入力してください。")]
    if not isinstance(date_from, dt.date) or not isinstance(date_to, dt.date):
        errors["date_from"] = [_("受付する期間を入力してください。")]
    elif date_from < today:
        errors["date_from"] = [_("過去の日付は指定できません。")]
    elif date_to < date_from:
        errors["date_to"] = [_("終了日は開始日以降にしてください。")]
    elif (date_to - date_from).days > 92:
        errors["date_to"] = [_("受付する期間は3か月以内にしてください。")]
    if not isinstance(time_from, dt.time) or not isinstance(time_to, dt.time):
        errors["time_from"] = [_("受付する時間帯を入力してください。")]
    elif time_to <= time_from:
        errors["time_to"] = [_("終了時刻は開始時刻より後にしてください。")]
    if not 1 <= max_uses <= 50:
        errors["max_uses"] = [_("登録できる回数は1〜50回にしてください。")]
    if not 1 <= days_valid <= MAX_LINK_DAYS:
        errors["days_valid"] = [
            _("リンクの有効日数は1〜%(days)s日にしてください。") % {"days": MAX_LINK_DAYS}
        ]
    if errors:
        raise ValidationFailed(_("登録リンクを作成できません。"), errors=errors)


def visit_invite_create(
    *,
    actor: Any,
    title: str,
    place: str = "",
    date_from: dt.date,
    date_to: dt.date,
    time_from: dt.time,
    time_to: dt.time,
    max_uses: int = 1,
    days_valid: int = 14,
    today: dt.date | None = None,
) -> NewInvite:
    """A self-registration link for a meeting; the token and code are returned once, never
    stored in clear (only their hashes)."""
    require(actor, "facilities.host_visitors")
    today = today or timezone.localdate()
    _check_window(
        title=title,
        date_from=date_from,
        date_to=date_to,
        time_from=time_from,
        time_to=time_to,
        max_uses=max_uses,
        days_valid=days_valid,
        today=today,
    )
    token = secrets.token_urlsafe(24)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    # The link never outlives the window it offers.
    end_of_window = dt.datetime.combine(
        date_to, dt.time(23, 59), tzinfo=timezone.get_current_timezone()
    )
    expires_at = min(timezone.now() + dt.timedelta(days=days_valid), end_of_window)
    with transaction.atomic():
        invite = VisitInvite.objects.create(
            host=actor,
            token_hash=_hash(token),
            code_hash=_hash(f"{token}:{code}"),
            title=title.strip()[:200],
            place=place.strip()[:100],
            date_from=date_from,
            date_to=date_to,
            time_from=time_from,
            time_to=time_to,
            max_uses=max_uses,
            expires_at=expires_at,
        )
        audit_record(
            actor=actor,
            action="facilities.visit_invite.create",
            target=invite,
            changes={
                "window": [None, f"{date_from.isoformat()}..{date_to.isoformat()}"],
                "hours": [None, f"{time_from:%H:%M}-{time_to:%H:%M}"],
                "max_uses": [None, max_uses],
                "expires_at": [None, expires_at.isoformat()],
            },
        )
    return NewInvite(invite, token, code)


def visit_invite_list(*, actor: Any) -> QuerySet[VisitInvite]:
    """The links the actor made, newest first."""
    require(actor, "facilities.host_visitors")
    return VisitInvite.objects.filter(host_id=actor.pk).order_by("-created_at", "-pk")


def visit_invite_revoke(*, actor: Any, invite_id: int) -> VisitInvite:
    """The host closes a link before it expires."""
    require(actor, "facilities.host_visitors")
    with transaction.atomic():
        invite = (
            VisitInvite.objects.select_for_update()
            .filter(pk=invite_id, host_id=getattr(actor, "pk", None))
            .first()
        )
        if invite is None:
            raise NotFound(_("登録リンクが見つかりません。"))
        if invite.revoked_at is not None:
            raise Conflict(_("この登録リンクは無効化済みです。"))
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="facilities.visit_invite.revoke",
            target=invite,
            changes={"revoked": [False, True]},
        )
    return invite


def invite_state(invite: VisitInvite, now: dt.datetime | None = None) -> str:
    """open, revoked, locked, expired or used (every registration it allows was made)."""
    now = now or timezone.now()
    if invite.revoked_at is not None:
        return "revoked"
    if invite.locked_at is not None:
        return "locked"
    if invite.expires_at <= now:
        return "expired"
    if invite.uses >= invite.max_uses:
        return "used"
    return "open"


def _closed_message(state: str) -> str:
    return {
        "revoked": _("この登録リンクは担当者により無効化されました。"),
        "locked": _(
            "確認コードの誤りが多すぎるため、この登録リンクはロックされました。担当者にお問い合わせください。"
        ),
        "expired": _("この登録リンクは有効期限が切れています。"),
        "used": _("この登録リンクで登録できる回数に達しました。"),
    }[state]


def _throttle(*, ip: str | None, invite_key: str = "") -> None:
    """Count the hit per IP address (and per link for attempts); 429 beyond the limits."""
    ok = rate_limit_hit(key=f"visit-invite-ip:{ip or '-'}", limit=IP_LIMIT, seconds=IP_WINDOW)
    if invite_key:
        ok = (
            rate_limit_hit(key=f"visit-invite:{invite_key}", limit=LINK_LIMIT, seconds=LINK_WINDOW)
            and ok
        )
    if not ok:
        raise TooManyRequests(
            _("アクセスが多すぎます。しばらく時間をおいてから再度お試しください。"),
            retry_after=window_seconds_left(LINK_WINDOW if invite_key else IP_WINDOW),
        )


def visit_invite_public_get(*, token: str, ip: str | None) -> VisitInvite:
    """The open link for the public page, or NotFound (unknown) / Conflict (closed)."""
    token = (token or "").strip()[:100]
    _throttle(ip=ip)
    invite = VisitInvite.objects.select_related("host").filter(token_hash=_hash(token)).first()
    if invite is None:
        raise NotFound(_("登録リンクが見つかりません。"))
    state = invite_state(invite)
    if state != "open":
        raise Conflict(_closed_message(state))
    return invite


def _wrong_code(invite: VisitInvite, ip: str | None) -> ValidationFailed:
    """Count a wrong check code (committed even though the attempt fails); lock at the limit."""
    with transaction.atomic():
        locked = VisitInvite.objects.select_for_update().get(pk=invite.pk)
        locked.failed_attempts = F("failed_attempts") + 1
        locked.save(update_fields=["failed_attempts"])
        locked.refresh_from_db(fields=["failed_attempts"])
        if locked.failed_attempts >= MAX_CODE_FAILURES and locked.locked_at is None:
            locked.locked_at = timezone.now()
            locked.save(update_fields=["locked_at"])
        audit_record(
            actor=None,
            actor_label=f"visitor@{ip or '-'}",
            action="facilities.visit_invite.code_failed",
            target=locked,
            changes={"failed_attempts": locked.failed_attempts, "locked": bool(locked.locked_at)},
            ip_address=ip,
        )
    left = max(0, MAX_CODE_FAILURES - locked.failed_attempts)
    if left == 0:
        return ValidationFailed(
            _closed_message("locked"), errors={"code": [_closed_message("locked")]}
        )
    return ValidationFailed(
        _("確認コードが正しくありません。"),
        errors={"code": [_("あと %(n)s 回まで入力できます。") % {"n": left}]},
    )


def _check_visit(invite: VisitInvite, values: dict[str, Any], today: dt.date) -> None:
    errors: dict[str, list[str]] = {}
    if not str(values.get("visitor_email") or "").strip():
        errors["visitor_email"] = [_("受付コードをお送りするメールアドレスを入力してください。")]
    day, at = values.get("visit_date"), values.get("expected_time")
    if isinstance(day, dt.date) and not invite.date_from <= day <= invite.date_to:
        errors["visit_date"] = [
            _("来訪日は %(start)s〜%(end)s の間で選んでください。")
            % {"start": invite.date_from.isoformat(), "end": invite.date_to.isoformat()}
        ]
    if not isinstance(at, dt.time):
        errors["expected_time"] = [_("来訪時刻を入力してください。")]
    elif not invite.time_from <= at <= invite.time_to:
        errors["expected_time"] = [
            _("来訪時刻は %(start)s〜%(end)s の間で選んでください。")
            % {"start": f"{invite.time_from:%H:%M}", "end": f"{invite.time_to:%H:%M}"}
        ]
    try:
        visitors.check_visit_fields(
            visitor_name=str(values.get("visitor_name") or ""),
            visitor_company=str(values.get("visitor_company") or ""),
            visitor_email=str(values.get("visitor_email") or ""),
            visit_date=day,
            party_size=int(values.get("party_size") or 0),
            today=today,
            walk_in=False,
        )
    except ValidationFailed as error:
        errors = {**error.errors, **errors}
    if errors:
        raise ValidationFailed(_("来訪を登録できません。"), errors=errors)


def visit_self_register(
    *,
    token: str,
    code: str,
    visitor_name: str,
    visitor_company: str = "",
    visitor_email: str,
    visit_date: dt.date | None,
    expected_time: dt.time | None,
    party_size: int = 1,
    ip: str | None = None,
    today: dt.date | None = None,
) -> Visit:
    """The visitor registers through the host's link: the check code first (wrong codes are
    counted, five lock the link), then a visit in the host's window; the host sees it (and may
    cancel it) and the QR invitation is e-mailed after commit."""
    token = (token or "").strip()[:100]
    _throttle(ip=ip, invite_key=_hash(token)[:32])
    today = today or timezone.localdate()
    invite = VisitInvite.objects.filter(token_hash=_hash(token)).first()
    if invite is None:
        raise NotFound(_("登録リンクが見つかりません。"))
    state = invite_state(invite)
    if state != "open":
        raise Conflict(_closed_message(state))
    if not hmac.compare_digest(_hash(f"{token}:{(code or '').strip()}"), invite.code_hash):
        raise _wrong_code(invite, ip)
    values = {
        "visitor_name": visitor_name,
        "visitor_company": visitor_company,
        "visitor_email": visitor_email,
        "visit_date": visit_date,
        "expected_time": expected_time,
        "party_size": party_size,
    }
    _check_visit(invite, values, today)
    assert visit_date is not None  # checked above
    return _self_registered_visit(invite.pk, {**values, "visit_date": visit_date}, ip)


def _self_registered_visit(invite_id: int, values: dict[str, Any], ip: str | None) -> Visit:
    """Under the link's lock: the visit for the host, the use counted, the host told, the QR
    invitation queued."""
    visit_date, expected_time = values["visit_date"], values["expected_time"]
    with transaction.atomic():
        locked = VisitInvite.objects.select_for_update().select_related("host").get(pk=invite_id)
        state = invite_state(locked)
        if state != "open":
            raise Conflict(_closed_message(state))
        visit = Visit.objects.create(
            code=visitors.new_code(),
            host=locked.host,
            visitor_name=str(values["visitor_name"]).strip(),
            visitor_company=str(values["visitor_company"]).strip(),
            visitor_email=str(values["visitor_email"]).strip(),
            visit_date=visit_date,
            expected_time=expected_time,
            purpose=locked.title,
            place=locked.place,
            party_size=values["party_size"],
            invite=locked,
        )
        locked.uses += 1
        locked.save(update_fields=["uses"])
        audit_record(
            actor=None,
            # not the e-mail: the audit chain is never erased, the visit's personal fields are
            actor_label=f"visitor (link {locked.pk})",
            action="facilities.visit.self_register",
            target=visit,
            changes={
                "visit_date": [None, visit_date.isoformat()],
                "visitor_company": [None, visit.visitor_company],
                "host": [None, locked.host_id],
                "invite": [None, locked.pk],
                "uses": [locked.uses - 1, locked.uses],
            },
            ip_address=ip,
        )
        _tell_host(locked, visit)
        transaction.on_commit(lambda: notify.send_invitation(visit))
    return visit


def _tell_host(invite: VisitInvite, visit: Visit) -> None:
    """The host's お知らせ (and its e-mail): who registered for when."""
    message = _("%(company)s %(name)s 様が %(day)s %(time)s の来訪を登録しました(%(title)s)。") % {
        "company": visit.visitor_company,
        "name": visit.visitor_name,
        "day": visit.visit_date.isoformat(),
        "time": f"{visit.expected_time:%H:%M}" if visit.expected_time else "",
        "title": invite.title,
    }
    notify_users(users=[invite.host], request=None, kind="visitor", message=message)
