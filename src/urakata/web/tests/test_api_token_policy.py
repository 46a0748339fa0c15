"""API tokens follow their user: refused when locked out, deactivated, or missing required 2FA.

And `urakata token create` issues one from the console, audited.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from urakata.core.models import ApiToken, AuditEvent, LoginThrottle
from urakata.core.roles import Role
from urakata.core.services import api_token_create
from urakata.org.tests.factories import DepartmentFactory
from urakata.workflow.tests.factories import person

pytestmark = pytest.mark.django_db
URL = "/api/v1/workflow/requests"


def _get(key: str) -> int:
    return Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {key}").status_code


@pytest.fixture
def accountant() -> object:
    return person(Role.ACCOUNTING, department=DepartmentFactory(), username="acc")


def _key(user: object) -> str:
    return api_token_create(actor=user, user=user, name="script")[1]


def test_token_refused_while_the_user_is_locked_out(accountant) -> None:
    key = _key(accountant)
    assert _get(key) == 200
    LoginThrottle.objects.create(
        username="acc", failures=5, locked_until=timezone.now() + dt.timedelta(minutes=15)
    )
    assert _get(key) == 401
    LoginThrottle.objects.filter(username="acc").update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _get(key) == 200


def test_token_refused_for_a_deactivated_user(accountant) -> None:
    key = _key(accountant)
    accountant.is_active = False
    accountant.save(update_fields=["is_active"])
    assert _get(key) == 401


def test_token_refused_when_the_role_now_requires_2fa_not_set_up(accountant) -> None:
    key = _key(accountant)
    with override_settings(URAKATA_2FA_REQUIRED_ROLES=["accounting"]):
        assert _get(key) == 401
        TOTPDevice.objects.create(user=accountant, name="phone", confirmed=True)
        assert _get(key) == 200
    with override_settings(URAKATA_2FA_REQUIRED_ROLES=["hr"]):
        assert _get(key) == 200


def test_token_create_command_prints_a_working_token_and_audits(accountant) -> None:
    out = StringIO()
    call_command(
        "token", "create", "acc", "--name", "会計連携", "--days", "30", "--json", stdout=out
    )
    body = json.loads(out.getvalue())
    assert body["user"] == "acc" and body["name"] == "会計連携" and body["usable"] is True
    assert body["token"].startswith("urk_")
    assert _get(body["token"]) == 200
    token = ApiToken.objects.get(pk=body["id"])
    assert token.expires_at is not None
    assert 29 <= (token.expires_at - timezone.now()).days <= 30
    event = AuditEvent.objects.get(action="core.api_token.create", target_id=str(token.pk))
    assert event.actor_id is None and event.actor_label == "console"
    assert body["token"] not in json.dumps(event.changes)  # the key itself is never stored


def test_token_create_command_refuses_bad_input(accountant) -> None:
    with pytest.raises(CommandError):
        call_command("token", "create", "nobody", "--name", "x", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("token", "create", "acc", "--name", "x", "--days", "0", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("token", "create", "acc", "--name", "", stdout=StringIO())
    assert not ApiToken.objects.exists()
