"""アカウント設定: the page, password change through the service with an audit event."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from urakata.core import services as core_services
from urakata.core.errors import ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"
NEW_PASSWORD = "kasumi-no-shiro-2026"


def test_account_page_shows_roles_2fa_and_token_link(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(Role.HR, Role.MANAGER))
    body = client.get("/accounts/").content.decode()
    assert "人事" in body and "管理職" in body
    assert "二要素認証" in body and "/accounts/tokens/" in body
    assert 'href="/accounts/" class="active"' in body  # the nav entry is current


def test_password_change_keeps_session_and_is_audited(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/accounts/").status_code == 200  # still signed in
    event = AuditEvent.objects.get(action="core.password.change")
    assert event.actor_id == user.pk and event.changes == {}
    assert user.password not in str(event.changes)
    fresh = Client()
    login = fresh.post("/accounts/login/", {"username": user.username, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_password_change_reports_every_problem(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    with pytest.raises(ValidationFailed) as failure:
        core_services.password_change(
            actor=user,
            current_password="wrong",
            new_password="12345",
            new_password_confirm="54321",
        )
    errors = failure.value.errors
    assert set(errors) == {"current_password", "new_password", "new_password_confirm"}
    assert len(errors["new_password"]) >= 2  # too short and entirely numeric
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="core.password.change").exists()


def test_password_change_page_shows_errors(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(Role.EMPLOYEE))
    response = client.post(
        "/accounts/password/",
        {"current_password": "wrong", "new_password": "x", "new_password_confirm": "x"},
    )
    assert response.status_code == 400
    assert "現在のパスワードが正しくありません" in response.content.decode()


def test_login_locks_nav_only_for_admins(make_user: Any) -> None:
    admin, hr = Client(), Client()
    admin.force_login(make_user(Role.ADMIN))
    hr.force_login(make_user(Role.HR))
    assert "/accounts/locks/" in admin.get("/accounts/").content.decode()
    assert "/accounts/locks/" not in hr.get("/accounts/").content.decode()
