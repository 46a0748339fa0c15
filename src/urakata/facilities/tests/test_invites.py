"""Visitor self-registration through a host's link: check code, lock-out, rate limits, pages, API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from urakata.core.errors import Conflict, NotFound, TooManyRequests, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.facilities import invites, visitors
from urakata.facilities.models import Visit, VisitInvite
from urakata.workflow.models import Notification

pytestmark = pytest.mark.django_db
API = "/api/v1/facilities"


@pytest.fixture
def host(make_user: Any) -> Any:
    user = make_user(Role.EMPLOYEE)
    user.email = "host@example.com"
    user.save(update_fields=["email"])
    return user


def _link(host: Any, **overrides: Any) -> invites.NewInvite:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "title": "新製品の打ち合わせ",
        "place": "会議室B",
        "date_from": today + dt.timedelta(days=1),
        "date_to": today + dt.timedelta(days=7),
        "time_from": dt.time(10, 0),
        "time_to": dt.time(16, 0),
        "max_uses": 1,
    }
    values.update(overrides)
    return invites.visit_invite_create(actor=host, **values)


def _visitor(created: invites.NewInvite, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "token": created.token,
        "code": created.code,
        "visitor_name": "佐藤 一郎",
        "visitor_company": "株式会社テスト",
        "visitor_email": "ichiro@example.com",
        "visit_date": created.invite.date_from + dt.timedelta(days=1),
        "expected_time": dt.time(14, 30),
        "party_size": 2,
        "ip": "203.0.113.5",
    }
    values.update(overrides)
    return values


def test_visitor_registers_and_the_host_sees_the_visit(
    host: Any, django_capture_on_commit_callbacks: Any
) -> None:
    created = _link(host)
    assert len(created.code) == 6 and created.token not in created.invite.token_hash
    with django_capture_on_commit_callbacks(execute=True):
        visit = invites.visit_self_register(**_visitor(created))
    assert (visit.host_id, visit.invite_id, visit.party_size) == (host.pk, created.invite.pk, 2)
    assert (visit.purpose, visit.place, visit.expected_time) == (
        "新製品の打ち合わせ",
        "会議室B",
        dt.time(14, 30),
    )
    assert list(visitors.visit_mine(actor=host)) == [visit]
    # The QR invitation went to the visitor; the host got an in-app notice.
    assert [m.to for m in mail.outbox if m.attachments] == [["ichiro@example.com"]]
    assert visit.code in mail.outbox[-1].body
    assert Notification.objects.filter(user=host, kind="visitor").count() == 1
    event = AuditEvent.objects.get(action="facilities.visit.self_register")
    assert event.changes["invite"] == [None, created.invite.pk]
    assert event.ip_address == "203.0.113.5"
    # max_uses 1: the link is used up; the host may still cancel the visit.
    with pytest.raises(Conflict, match="回数に達しました"):
        invites.visit_self_register(**_visitor(created, visitor_name="別の人"))
    assert visitors.visit_cancel(actor=host, visit_id=visit.pk).status == "cancelled"


def test_five_wrong_codes_lock_the_link(host: Any) -> None:
    created = _link(host, max_uses=3)
    wrong = "000000" if created.code != "000000" else "111111"
    for attempt in range(1, 5):
        with pytest.raises(ValidationFailed) as error:
            invites.visit_self_register(**_visitor(created, code=wrong))
        assert error.value.errors["code"] == [f"あと {5 - attempt} 回まで入力できます。"]
    with pytest.raises(ValidationFailed, match="ロックされました"):
        invites.visit_self_register(**_visitor(created, code=wrong))
    invite = VisitInvite.objects.get(pk=created.invite.pk)
    assert invite.failed_attempts == 5 and invite.locked_at is not None
    # Even the right code no longer opens it; nothing was registered.
    with pytest.raises(Conflict, match="ロック"):
        invites.visit_self_register(**_visitor(created))
    assert not Visit.objects.exists()
    assert AuditEvent.objects.filter(action="facilities.visit_invite.code_failed").count() == 5


def test_a_visit_outside_the_hosts_window_is_refused(host: Any) -> None:
    created = _link(host)
    late = created.invite.date_to + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as error:
        invites.visit_self_register(
            **_visitor(
                created,
                visit_date=late,
                expected_time=dt.time(18, 0),
                visitor_email="",
                visitor_name=" ",
            )
        )
    assert set(error.value.errors) == {
        "visit_date",
        "expected_time",
        "visitor_email",
        "visitor_name",
    }
    assert not Visit.objects.exists()
    assert VisitInvite.objects.get(pk=created.invite.pk).uses == 0


def test_link_settings_are_checked(host: Any) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as error:
        _link(
            host,
            title="",
            date_from=today - dt.timedelta(days=1),
            time_from=dt.time(17, 0),
            time_to=dt.time(9, 0),
            max_uses=0,
        )
    assert set(error.value.errors) == {"title", "date_from", "time_to", "max_uses"}
    assert not VisitInvite.objects.exists()


def test_rate_limits_per_ip_and_per_link(host: Any) -> None:
    created = _link(host, max_uses=50)
    for _ in range(invites.IP_LIMIT):
        invites.visit_invite_public_get(token=created.token, ip="198.51.100.1")
    with pytest.raises(TooManyRequests):
        invites.visit_invite_public_get(token=created.token, ip="198.51.100.1")
    # Another address still gets in; attempts on one link are capped whatever the address.
    invites.visit_invite_public_get(token=created.token, ip="198.51.100.2")
    for n in range(invites.LINK_LIMIT):
        invites.visit_self_register(
            **_visitor(created, ip=f"192.0.2.{n}", visitor_email=f"v{n}@example.com")
        )
    with pytest.raises(TooManyRequests):
        invites.visit_self_register(**_visitor(created, ip="192.0.2.200"))
    assert Visit.objects.count() == invites.LINK_LIMIT


def test_revoke_only_your_own_link(host: Any, make_user: Any) -> None:
    created = _link(host)
    other = make_user(Role.EMPLOYEE)
    with pytest.raises(NotFound):
        invites.visit_invite_revoke(actor=other, invite_id=created.invite.pk)
    invites.visit_invite_revoke(actor=host, invite_id=created.invite.pk)
    with pytest.raises(Conflict, match="無効化されました"):
        invites.visit_self_register(**_visitor(created))
    with pytest.raises(NotFound):
        invites.visit_invite_public_get(token="x" * 32, ip=None)


def test_pages_host_makes_a_link_and_the_visitor_registers(host: Any) -> None:
    client = Client()
    client.force_login(host)
    today = timezone.localdate()
    page = client.post(
        "/facilities/visits/invites/",
        {
            "title": "面接",
            "date_from": (today + dt.timedelta(days=2)).isoformat(),
            "date_to": (today + dt.timedelta(days=3)).isoformat(),
            "time_from": "09:00",
            "time_to": "12:00",
            "max_uses": "1",
            "days_valid": "14",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    url = re.search(r'id="invite-link">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    code = re.search(r'id="invite-code">(\d{6})<', html).group(1)  # type: ignore[union-attr]
    path = url.split("testserver", 1)[1]
    assert "面接" in client.get("/facilities/visits/invites/").content.decode()

    visitor = Client(enforce_csrf_checks=True)
    form = visitor.get(path)
    assert form.status_code == 200 and "面接" in form.content.decode()
    values = {
        "visitor_name": "高橋 三郎",
        "visitor_company": "候補者",
        "visitor_email": "saburo@example.com",
        "visit_date": (today + dt.timedelta(days=2)).isoformat(),
        "expected_time": "10:30",
        "party_size": "1",
        "code": code,
    }
    assert visitor.post(path, values).status_code == 403  # no CSRF token: refused
    token = visitor.cookies["csrftoken"].value
    wrong = visitor.post(
        path,
        {**values, "code": "99999" + ("8" if code[-1] != "8" else "7")},
        HTTP_X_CSRFTOKEN=token,
    )
    assert wrong.status_code == 422 and "確認コードが正しくありません" in wrong.content.decode()
    done = visitor.post(path, values, HTTP_X_CSRFTOKEN=token)
    assert done.status_code == 200 and 'id="invite-done"' in done.content.decode()
    visit = Visit.objects.get()
    assert (visit.host_id, visit.visitor_name, visit.expected_time) == (
        host.pk,
        "高橋 三郎",
        dt.time(10, 30),
    )
    assert visitor.get(path).status_code == 410  # used up
    assert visitor.get("/facilities/invite/unknown-token-123/").status_code == 404
    assert "来訪者が登録" in client.get("/facilities/visits/").content.decode()


def test_api_create_register_and_refusals(client_for: Any) -> None:
    client = client_for(Role.EMPLOYEE)
    today = timezone.localdate()
    made = client.post(
        f"{API}/visit-invites",
        {
            "title": "保守点検",
            "date_from": (today + dt.timedelta(days=1)).isoformat(),
            "date_to": (today + dt.timedelta(days=1)).isoformat(),
            "time_from": "13:00",
            "time_to": "15:00",
            "max_uses": 2,
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    token = body["url"].rstrip("/").rsplit("/", 1)[1]
    anonymous = Client()
    payload = {
        "token": token,
        "code": body["code"],
        "visitor_name": "田中 四郎",
        "visitor_email": "shiro@example.com",
        "visit_date": (today + dt.timedelta(days=1)).isoformat(),
        "expected_time": "13:30",
    }
    registered = anonymous.post(
        f"{API}/visit-invites/register", payload, content_type="application/json"
    )
    assert registered.status_code == 201, registered.content
    assert registered.json()["expected_time"] == "13:30"
    late = anonymous.post(
        f"{API}/visit-invites/register",
        {**payload, "expected_time": "15:30"},
        content_type="application/json",
    )
    assert late.status_code == 422 and "expected_time" in late.json()["errors"]
    listed = client.get(f"{API}/visit-invites").json()
    assert listed[0]["uses"] == 1 and listed[0]["state"] == "open"
    revoked = client.post(f"{API}/visit-invites/{listed[0]['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    closed = anonymous.post(
        f"{API}/visit-invites/register", payload, content_type="application/json"
    )
    assert closed.status_code == 409
    for _ in range(invites.LINK_LIMIT):
        anonymous.post(f"{API}/visit-invites/register", payload, content_type="application/json")
    limited = anonymous.post(
        f"{API}/visit-invites/register", payload, content_type="application/json"
    )
    assert limited.status_code == 429 and limited.json()["code"] == "too_many_requests"
    assert 1 <= int(limited["Retry-After"]) <= invites.LINK_WINDOW  # core's 429 handling
