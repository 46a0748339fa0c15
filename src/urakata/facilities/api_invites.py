"""Visitor self-registration links in the facilities API; `register` is public (no login)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from urakata.core.api import API_ERRORS, RATE_LIMITED_ERRORS
from urakata.core.errors import ValidationFailed
from urakata.core.schema_types import BusinessDate, RowId
from urakata.facilities import invites

router = Router(tags=["facilities"])
ERRORS = API_ERRORS
PUBLIC_ERRORS = RATE_LIMITED_ERRORS
HourMinute = Annotated[str, Field(pattern=r"^\d{2}:\d{2}$")]


class FacVisitInviteIn(Schema):
    title: Annotated[str, Field(max_length=200)]
    place: Annotated[str, Field(max_length=100)] = ""
    date_from: BusinessDate
    date_to: BusinessDate
    time_from: HourMinute
    time_to: HourMinute
    max_uses: Annotated[int, Field(ge=1, le=50)] = 1
    days_valid: Annotated[int, Field(ge=1, le=invites.MAX_LINK_DAYS)] = 14


class FacVisitInviteOut(Schema):
    id: int
    title: str
    place: str
    date_from: dt.date
    date_to: dt.date
    time_from: HourMinute
    time_to: HourMinute
    max_uses: int
    uses: int
    failed_attempts: int
    expires_at: dt.datetime
    state: str

    @staticmethod
    def resolve_time_from(obj: Any) -> str:
        return f"{obj.time_from:%H:%M}"

    @staticmethod
    def resolve_time_to(obj: Any) -> str:
        return f"{obj.time_to:%H:%M}"

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return invites.invite_state(obj)


class FacVisitInviteCreated(Schema):
    invite: FacVisitInviteOut
    url: str
    code: str


class FacVisitSelfRegisterIn(Schema):
    token: Annotated[str, Field(min_length=10, max_length=100)]
    code: Annotated[str, Field(min_length=1, max_length=12)]
    visitor_name: Annotated[str, Field(max_length=100)]
    visitor_company: Annotated[str, Field(max_length=200)] = ""
    visitor_email: Annotated[str, Field(max_length=254)]
    visit_date: BusinessDate
    expected_time: HourMinute
    party_size: Annotated[int, Field(ge=1, le=50)] = 1


class FacVisitSelfRegisterOut(Schema):
    visit_date: dt.date
    expected_time: str
    party_size: int
    host: str


def _time(text: str, field: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        message = _("時刻は HH:MM で入力してください。")
        raise ValidationFailed(message, errors={field: [message]}) from None


@router.get("/visit-invites", response={200: list[FacVisitInviteOut], **ERRORS})
def invite_list(request: HttpRequest) -> Any:
    """The self-registration links the signed-in user made."""
    return list(invites.visit_invite_list(actor=request.user)[:100])


@router.post("/visit-invites", response={201: FacVisitInviteCreated, **ERRORS})
def invite_create(request: HttpRequest, payload: FacVisitInviteIn) -> Any:
    """A link for visitors to register themselves; the URL and the code are shown only here."""
    values = payload.dict()
    values["time_from"] = _time(payload.time_from, "time_from")
    values["time_to"] = _time(payload.time_to, "time_to")
    created = invites.visit_invite_create(actor=request.user, **values)
    url = request.build_absolute_uri(f"/facilities/invite/{created.token}/")
    return 201, {"invite": created.invite, "url": url, "code": created.code}


@router.post("/visit-invites/{invite_id}/revoke", response={200: FacVisitInviteOut, **ERRORS})
def invite_revoke(request: HttpRequest, invite_id: RowId) -> Any:
    return invites.visit_invite_revoke(actor=request.user, invite_id=invite_id)


@router.post(
    "/visit-invites/register", response={201: FacVisitSelfRegisterOut, **PUBLIC_ERRORS}, auth=None
)
def self_register(request: HttpRequest, payload: FacVisitSelfRegisterIn) -> Any:
    """The visitor registers (no login: the link's token and the check code; rate-limited)."""
    values = payload.dict()
    values["expected_time"] = _time(payload.expected_time, "expected_time")
    visit = invites.visit_self_register(ip=request.META.get("REMOTE_ADDR"), **values)
    return 201, {
        "visit_date": visit.visit_date,
        "expected_time": f"{visit.expected_time:%H:%M}" if visit.expected_time else "",
        "party_size": visit.party_size,
        "host": visit.host.get_full_name() or visit.host.get_username(),
    }
