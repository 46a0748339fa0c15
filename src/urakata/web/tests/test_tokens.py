"""Personal API tokens: stored hashed, expiry, revoke, last used; the page's create/revoke flow."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from urakata.core import services as core_services
from urakata.core.errors import NotFound, PermissionDenied, ValidationFailed
from urakata.core.models import ApiToken, AuditEvent
from urakata.core.roles import Role

pytestmark = pytest.mark.django_db


def _all_text_in(*tables: str) -> str:
    """Every value of every row of the tables, as one string (what a stolen dump would show)."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_key_is_not_stored(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    token, key = core_services.api_token_create(actor=user, user=user, name="cli")
    dump = _all_text_in("core_apitoken", "core_auditevent")
    assert key not in dump
    assert key[len(core_services.TOKEN_PREFIX) :] not in dump  # nor its secret part
    assert token.key_hash in dump and len(token.key_hash) == 64
    assert core_services.api_token_authenticate(key=key) == user


def test_expired_token_is_refused(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    soon = timezone.now() + timedelta(days=1)
    _token, key = core_services.api_token_create(actor=user, user=user, name="cli", expires_at=soon)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/employees").status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=soon + timedelta(seconds=1)):
        assert client.get("/api/v1/employees").status_code == 401


def test_expiry_must_be_future_and_bounded(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    with pytest.raises(ValidationFailed) as past:
        core_services.api_token_create(
            actor=user, user=user, name="", expires_at=timezone.now() - timedelta(days=1)
        )
    assert set(past.value.errors) == {"name", "expires_at"}  # every problem at once
    with pytest.raises(ValidationFailed):
        core_services.api_token_create(
            actor=user, user=user, name="x", expires_at=timezone.now() + timedelta(days=400)
        )
    assert not ApiToken.objects.exists()


def test_last_used_is_recorded(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    token, key = core_services.api_token_create(actor=user, user=user, name="cli")
    assert token.last_used_at is None
    Client(HTTP_X_API_KEY=key).get("/api/v1/employees")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


def test_token_of_inactive_user_is_refused(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    _token, key = core_services.api_token_create(actor=user, user=user, name="cli")
    user.is_active = False
    user.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/employees").status_code == 401


def test_no_token_for_someone_else(make_user: Any) -> None:
    alice, bob = make_user(Role.EMPLOYEE), make_user(Role.EMPLOYEE)
    with pytest.raises(PermissionDenied):
        core_services.api_token_create(actor=alice, user=bob, name="x")
    token, _key = core_services.api_token_create(actor=bob, user=bob, name="bob's")
    with pytest.raises(NotFound):
        core_services.api_token_revoke(actor=alice, token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_page_create_and_revoke_flow(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    client = Client()
    client.force_login(user)
    created = client.post("/accounts/tokens/", {"name": "会計ソフト連携", "lifetime_days": "30"})
    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    match = re.search(r'<code id="new-token">(urk_[^<]+)</code>', created.content.decode())
    assert match, "the new key is shown once"
    key = match.group(1)
    token = ApiToken.objects.get(user=user)
    assert token.name == "会計ソフト連携"
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/employees").status_code == 200

    listing = client.get("/accounts/tokens/").content.decode()
    assert "会計ソフト連携" in listing and key not in listing  # never shown again

    revoked = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302 and revoked["Location"] == "/accounts/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/employees").status_code == 401
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["core.api_token.create", "core.api_token.revoke"]


def test_page_rejects_empty_name(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(Role.EMPLOYEE))
    response = client.post("/accounts/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_another_users_token_is_404(make_user: Any) -> None:
    owner = make_user(Role.EMPLOYEE)
    token, _key = core_services.api_token_create(actor=owner, user=owner, name="x")
    client = Client()
    client.force_login(make_user(Role.HR))
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
