"""Visitors: pre-registration, QR code check-in, host notification (in-app, mail, webhook),
check-out, retention, audited log."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail

from urakata.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.facilities import visitors
from urakata.facilities.models import Visit
from urakata.facilities.tests import factories
from urakata.workflow.models import Notification

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def host(make_user: Any) -> Any:
    user = make_user(Role.EMPLOYEE)
    user.email = "host@example.com"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def reception(make_user: Any) -> Any:
    return make_user(Role.GENERAL_AFFAIRS)


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook_server() -> Any:
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    _Hook.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Hook.received
    server.shutdown()
    server.server_close()


def test_invitation_mail_carries_the_qr_code(
    host: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        visit = factories.visit(host=host, day=TODAY + dt.timedelta(days=1), today=TODAY)
    assert len(visit.code) == 8
    invitation = mail.outbox[-1]
    assert invitation.to == ["hanako@example.com"] and visit.code in invitation.body
    _name, content, mimetype = invitation.attachments[0]
    assert mimetype == "image/png" and content.startswith(b"\x89PNG")


def test_check_in_notifies_the_host_everywhere(
    host: Any,
    reception: Any,
    settings: Any,
    webhook_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url, received = webhook_server
    settings.URAKATA_VISITOR_WEBHOOK_URL = url
    visit = factories.visit(host=host, day=TODAY, today=TODAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        arrived = visitors.visit_check_in(
            actor=reception, code=visitors.qr_payload(visit), rules_accepted=True, today=TODAY
        )
    assert arrived.status == Visit.Status.ARRIVED and arrived.badge_number == 1
    assert arrived.rules_accepted_at is not None
    notice = Notification.objects.get(user=host, kind="visitor")
    assert "株式会社サンプル" in notice.message
    assert [m.to for m in mail.outbox] == [["host@example.com"]]
    assert len(received) == 1 and "株式会社サンプル" in received[0]["text"]
    left = visitors.visit_check_out(actor=reception, visit_id=visit.pk)
    assert left.status == Visit.Status.LEFT and left.left_at is not None


def test_teams_webhook_gets_an_adaptive_card(
    host: Any,
    reception: Any,
    settings: Any,
    webhook_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url, received = webhook_server
    settings.URAKATA_VISITOR_WEBHOOK_URL = url
    settings.URAKATA_VISITOR_WEBHOOK_KIND = "teams"
    visit = factories.visit(host=host, day=TODAY, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        visitors.visit_check_in(actor=reception, code=visit.code, today=TODAY)
    card = received[0]["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard" and "山田 花子" in card["body"][0]["text"]


def test_reused_expired_and_other_day_codes_are_refused(host: Any, reception: Any) -> None:
    today_visit = factories.visit(host=host, day=TODAY, today=TODAY)
    visitors.visit_check_in(actor=reception, code=today_visit.code.lower(), today=TODAY)
    with pytest.raises(Conflict, match="使用済み"):
        visitors.visit_check_in(actor=reception, code=today_visit.code, today=TODAY)
    tomorrow = factories.visit(host=host, day=TODAY + dt.timedelta(days=1), today=TODAY)
    with pytest.raises(Conflict, match="本日は受付できません"):
        visitors.visit_check_in(actor=reception, code=tomorrow.code, today=TODAY)
    with pytest.raises(Conflict, match="有効期限切れ"):
        visitors.visit_check_in(
            actor=reception, code=tomorrow.code, today=TODAY + dt.timedelta(days=2)
        )
    with pytest.raises(NotFound):
        visitors.visit_check_in(actor=reception, code="NOSUCH99", today=TODAY)
    tomorrow.refresh_from_db()
    assert tomorrow.status == Visit.Status.EXPECTED and tomorrow.badge_number is None


def test_only_reception_checks_in(host: Any) -> None:
    visit = factories.visit(host=host, day=TODAY, today=TODAY)
    with pytest.raises(PermissionDenied):
        visitors.visit_check_in(actor=host, code=visit.code, today=TODAY)


def test_bad_registrations_name_every_problem(host: Any) -> None:
    with pytest.raises(ValidationFailed) as failed:
        factories.visit(
            host=host,
            day=TODAY - dt.timedelta(days=1),
            today=TODAY,
            visitor_name=" ",
            party_size=0,
            visitor_email="not-an-address",
        )
    assert {"visitor_name", "visit_date", "party_size", "visitor_email"} <= set(failed.value.errors)
    assert not Visit.objects.exists()


def test_walk_in_is_registered_and_checked_in(host: Any, reception: Any) -> None:
    visit = visitors.visit_walk_in(
        actor=reception,
        host_id=host.pk,
        visitor_name="飛込 太郎",
        visitor_company="配送",
        today=TODAY,
    )
    assert visit.walk_in and visit.status == Visit.Status.ARRIVED
    assert Notification.objects.filter(user=host, kind="visitor").exists()


def test_board_and_hosts_see_their_own(host: Any, reception: Any, make_user: Any) -> None:
    other = make_user(Role.EMPLOYEE)
    mine = factories.visit(host=host, day=TODAY, today=TODAY)
    factories.visit(host=other, day=TODAY, today=TODAY, visitor_company="別会社")
    visitors.visit_check_in(actor=reception, visit_id=mine.pk, today=TODAY)
    board = visitors.visit_board(actor=reception, day=TODAY)
    assert [v.pk for v in board.arrived] == [mine.pk] and len(board.expected) == 1
    assert [v.pk for v in visitors.visit_mine(actor=host, today=TODAY)] == [mine.pk]
    with pytest.raises(NotFound):
        visitors.visit_get(actor=other, visit_id=mine.pk)
    with pytest.raises(PermissionDenied):
        visitors.visit_board(actor=host, day=TODAY)


def test_retention_erases_personal_fields_for_good(host: Any, reception: Any) -> None:
    old = factories.visit(host=host, day=TODAY, today=TODAY)
    recent = factories.visit(host=host, day=TODAY + dt.timedelta(days=300), today=TODAY)
    later = TODAY + dt.timedelta(days=366)
    assert visitors.visitors_erase_expired(actor=reception, today=later) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.visitor_name, old.visitor_email, old.purpose) == (visitors.ERASED, "", "")
    assert old.visitor_company == "株式会社サンプル" and old.party_size == 1
    assert recent.visitor_name == "山田 花子"
    assert visitors.visitors_erase_expired(actor=reception, today=later) == 0
    with pytest.raises(Conflict):
        visitors.visit_check_in(actor=reception, visit_id=old.pk, today=TODAY)


def test_every_view_of_the_log_is_audited(host: Any, reception: Any) -> None:
    factories.visit(host=host, day=TODAY, today=TODAY)
    filters = visitors.LogFilters(company="サンプル")
    rows = list(visitors.visit_log(actor=reception, filters=filters))
    assert len(rows) == 1
    event = AuditEvent.objects.get(action="facilities.visit_log.view")
    assert event.actor_id == reception.pk and event.changes["filters"]["company"] == "サンプル"
    with pytest.raises(PermissionDenied):
        visitors.visit_log(actor=host, filters=filters)
