"""TOTP two-factor: enforced per role, registered with a real code, voluntary for others."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from urakata.core import services as core_services
from urakata.core.models import AuditEvent
from urakata.core.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    """The 6-digit code an authenticator app shows now, computed from the device's key."""
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, offset=d) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def signed_in(make_user: Any, *roles: Role) -> tuple[Client, Any]:
    user = make_user(*roles)
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client, user


@pytest.fixture
def accounting_needs_2fa(settings: Any) -> None:
    settings.URAKATA_2FA_REQUIRED_ROLES = ["accounting", "admin"]


def test_required_role_is_sent_to_setup_then_reaches_pages(
    make_user: Any, accounting_needs_2fa: None
) -> None:
    client, user = signed_in(make_user, Role.ACCOUNTING)
    blocked = client.get("/org/counterparties/")
    assert blocked.status_code == 302
    assert blocked["Location"] == "/accounts/two-factor/?next=%2Forg%2Fcounterparties%2F"
    # The account and token pages are not a way around the second factor.
    assert client.get("/accounts/tokens/")["Location"].startswith("/accounts/two-factor/")
    assert client.get("/accounts/")["Location"].startswith("/accounts/two-factor/")

    setup = client.get(blocked["Location"])
    assert setup.status_code == 200 and "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(
        "/accounts/two-factor/", {"token": code_for(device), "next": "/org/counterparties/"}
    )
    assert done.status_code == 302 and done["Location"] == "/org/counterparties/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/org/counterparties/").status_code == 200
    assert AuditEvent.objects.filter(action="core.two_factor.confirm", actor=user).exists()


def test_wrong_code_is_refused(make_user: Any, accounting_needs_2fa: None) -> None:
    client, user = signed_in(make_user, Role.ACCOUNTING)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/accounts/two-factor/", {"token": wrong_code(device)})
    assert response.status_code == 400
    assert "確認コードが正しくありません" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/").status_code == 302  # still held at the door
    assert AuditEvent.objects.filter(action="core.two_factor.failed", actor=user).exists()


def test_registered_user_verifies_at_next_login(make_user: Any, accounting_needs_2fa: None) -> None:
    client, user = signed_in(make_user, Role.ACCOUNTING)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    assert client.post("/accounts/two-factor/", {"token": code_for(device)}).status_code == 302

    again = Client()
    again.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert again.get("/")["Location"].startswith("/accounts/two-factor/")
    page = again.get("/accounts/two-factor/")
    assert "<svg" not in page.content.decode()  # verify, not a new QR code
    assert again.post("/accounts/two-factor/", {"token": wrong_code(device)}).status_code == 400
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong try above throttles; time passes
    device.last_t = -1  # a later 30-second step: the code above may not be reused
    device.save()
    assert again.post("/accounts/two-factor/", {"token": code_for(device)}).status_code == 302
    assert again.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="core.two_factor.verified", actor=user).exists()


def test_a_used_code_cannot_be_replayed(make_user: Any, accounting_needs_2fa: None) -> None:
    client, user = signed_in(make_user, Role.ACCOUNTING)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    code = code_for(device)
    assert client.post("/accounts/two-factor/", {"token": code}).status_code == 302
    other = Client()
    other.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert other.post("/accounts/two-factor/", {"token": code}).status_code == 400


def test_role_without_requirement_is_not_bothered(
    make_user: Any, accounting_needs_2fa: None
) -> None:
    client, _user = signed_in(make_user, Role.EMPLOYEE)
    assert client.get("/").status_code == 200
    assert client.get("/org/employees/").status_code == 200


def test_session_api_call_owing_2fa_is_refused_but_tokens_work(
    make_user: Any, accounting_needs_2fa: None
) -> None:
    client, user = signed_in(make_user, Role.ACCOUNTING)
    refused = client.get("/api/v1/counterparties")
    assert refused.status_code == 403 and refused.json()["code"] == "two_factor_required"
    _token, key = core_services.api_token_create(actor=user, user=user, name="batch")
    scripted = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    # The role requires 2FA and the user has not set it up: the token is refused too.
    assert scripted.get("/api/v1/counterparties").status_code == 401
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    # Set up (this session still owes the code): the token is the script's second factor.
    assert client.get("/api/v1/counterparties").status_code == 403
    assert scripted.get("/api/v1/counterparties").status_code == 200
    # A made-up token next to the session cookie does not fall back to the session.
    bogus = client.get("/api/v1/counterparties", headers={"Authorization": "Bearer urk_made-up"})
    assert bogus.status_code == 401
    real = client.get("/api/v1/counterparties", headers={"Authorization": f"Bearer {key}"})
    assert real.status_code == 200


def test_voluntary_setup_and_disable_from_account_page(make_user: Any) -> None:
    client, user = signed_in(make_user, Role.EMPLOYEE)
    page = client.get("/accounts/")
    assert page.status_code == 200 and "二要素認証を設定する" in page.content.decode()
    client.get("/accounts/two-factor/?next=/accounts/")
    device = TOTPDevice.objects.get(user=user)
    done = client.post("/accounts/two-factor/", {"token": code_for(device), "next": "/accounts/"})
    assert done["Location"] == "/accounts/"
    assert "二要素認証を無効にする" in client.get("/accounts/").content.decode()

    # Having turned it on, the user is asked for a code at the next login too.
    again = Client()
    again.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert again.get("/")["Location"].startswith("/accounts/two-factor/")

    wrong = client.post("/accounts/two-factor/disable/", {"password": "not-it"})
    assert wrong.status_code == 302 and TOTPDevice.objects.filter(user=user).exists()
    client.post("/accounts/two-factor/disable/", {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="core.two_factor.disable", actor=user).exists()


def test_required_role_cannot_disable(make_user: Any, accounting_needs_2fa: None) -> None:
    client, user = signed_in(make_user, Role.ACCOUNTING)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    client.post("/accounts/two-factor/", {"token": code_for(device)})
    client.post("/accounts/two-factor/disable/", {"password": PASSWORD})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_admin_resets_a_lost_device(make_user: Any, client_for: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    device = core_services.two_factor_pending_device(actor=user)
    core_services.two_factor_confirm(actor=user, device=device, token=code_for(device))
    response = client_for(Role.ADMIN).post(
        "/accounts/locks/two-factor-reset/", {"username": user.username}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "core.two_factor.reset"
    assert event.target_id == str(user.pk)
