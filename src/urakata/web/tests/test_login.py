"""Login: Argon2 hashes, lock-out after repeated failures, admin unlock, audit events, deploy checks."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import Client
from django.utils import timezone

from urakata.core import services as core_services
from urakata.core.audit import audit_verify
from urakata.core.errors import NotFound, PermissionDenied
from urakata.core.models import AuditEvent, LoginThrottle
from urakata.core.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"  # the factories' password
SRC = Path(__file__).resolve().parents[3]


def _login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "URAKATA_TESTING", "DEBUG", "URAKATA_INSECURE_HTTP"}
    }
    env.update(
        {
            "PYTHONPATH": str(SRC),
            "DJANGO_SETTINGS_MODULE": "urakata.settings",
            "URAKATA_TESTING": "0",
            "DEBUG": "0",
            "URAKATA_INSECURE_HTTP": "0",
            "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
            "ALLOWED_HOSTS": "example.jp",
            "URAKATA_DATA_DIR": str(tmp_path),
            **extra,
        }
    )
    return env


# ---------------------------------------------------------------- password hashing


@pytest.mark.process
def test_argon2_hashes_new_passwords_in_production(tmp_path: Path) -> None:
    """Outside tests the first hasher is Argon2, so every new password is stored as argon2."""
    code = (
        "import django; django.setup();"
        "from django.contrib.auth.hashers import make_password;"
        "print(make_password('correct horse battery staple'))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    encoded = result.stdout.strip()
    assert encoded.startswith("argon2$argon2id$"), encoded


def test_argon2_hash_round_trip() -> None:
    encoded = make_password("correct horse battery staple", hasher="argon2")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert check_password("correct horse battery staple", encoded)
    assert not check_password("wrong", encoded)


@pytest.mark.process
def test_deploy_checks_are_clean_under_production_settings(tmp_path: Path) -> None:
    """`manage.py check --deploy` (Django's) reports no warning with production settings."""
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output and "ERROR" not in output


@pytest.mark.process
def test_manage_py_check_deploy_is_clean(tmp_path: Path) -> None:
    """`manage.py check --deploy` (Urakata's report + Django's checks) on a migrated install."""
    env = _production_env(tmp_path, URAKATA_OCR="off")
    manage = [sys.executable, str(SRC.parent / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=300)  # noqa: S603
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [*manage, "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "HTTPS: secure cookies, HSTS, TLS redirect" in output
    assert "NG" not in output


# ---------------------------------------------------------------- login and audit


def test_login_and_failed_login_are_audit_events(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    client = Client(REMOTE_ADDR="192.0.2.10")
    failed = _login(client, user.username, "wrong-password")
    assert failed.status_code == 401
    ok = _login(client, user.username, PASSWORD)
    assert ok.status_code == 302 and ok["Location"] == "/"
    events = list(
        AuditEvent.objects.order_by("seq").values_list("action", "actor_id", "ip_address")
    )
    assert events[-2:] == [
        ("core.login.failed", None, "192.0.2.10"),
        ("core.login.succeeded", user.pk, "192.0.2.10"),
    ]
    failure = AuditEvent.objects.get(action="core.login.failed")
    assert failure.actor_label == user.username and failure.target_id == str(user.pk)
    assert failure.changes["reason"] == "bad_credentials"
    assert audit_verify().ok


def test_failed_login_for_unknown_user_is_audited_without_target(db: Any) -> None:
    _login(Client(), "nobody", "x")
    event = AuditEvent.objects.get(action="core.login.failed")
    assert event.target_id == "" and event.changes["username"] == "nobody"


def test_login_redirects_only_to_safe_next(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    inside = _login(Client(), user.username, PASSWORD, next="/org/employees/")
    assert inside["Location"] == "/org/employees/"
    outside = _login(Client(), user.username, PASSWORD, next="https://evil.example/")
    assert outside["Location"] == "/"


def test_admin_login_goes_through_our_login(db: Any) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


# ---------------------------------------------------------------- lock-out


@pytest.fixture
def three_strikes(settings: Any) -> None:
    settings.URAKATA_LOGIN_MAX_FAILURES = 3
    settings.URAKATA_LOGIN_LOCK_MINUTES = 15


def test_correct_password_is_refused_while_locked(make_user: Any, three_strikes: None) -> None:
    user = make_user(Role.EMPLOYEE)
    client = Client()
    for _ in range(3):
        response = _login(client, user.username.upper(), "wrong")  # case does not dodge the count
    assert "ロックされました" in response.content.decode()
    assert core_services.login_is_locked(username=user.username)
    refused = _login(client, user.username, PASSWORD)
    assert refused.status_code == 401
    assert "_auth_user_id" not in client.session
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None and last.action == "core.login.failed"
    assert last.changes["reason"] == "locked" and last.changes["locked"] is True
    # An attempt while locked neither extends the lock nor counts again.
    row = LoginThrottle.objects.get(username=user.username.lower())
    assert row.failures == 3


def test_lock_expires(make_user: Any, three_strikes: None) -> None:
    user = make_user(Role.EMPLOYEE)
    for _ in range(3):
        _login(Client(), user.username, "wrong")
    later = timezone.now() + timedelta(minutes=16)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert not core_services.login_is_locked(username=user.username)
        # After the lock a failure starts a fresh count (one failure does not re-lock).
        assert core_services.login_record_failure(username=user.username, ip_address=None) is False
        assert LoginThrottle.objects.get(username=user.username).failures == 1
        client = Client()
        assert _login(client, user.username, PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(username=user.username).exists()


def test_lock_holds_until_its_end(make_user: Any, three_strikes: None) -> None:
    user = make_user(Role.EMPLOYEE)
    for _ in range(3):
        _login(Client(), user.username, "wrong")
    almost = timezone.now() + timedelta(minutes=14)
    with mock.patch("django.utils.timezone.now", return_value=almost):
        assert core_services.login_is_locked(username=user.username)


def test_admin_unlocks_from_the_page(make_user: Any, client_for: Any, three_strikes: None) -> None:
    user = make_user(Role.EMPLOYEE)
    for _ in range(3):
        _login(Client(), user.username, "wrong")
    admin = client_for(Role.ADMIN)
    page = admin.get("/accounts/locks/")
    assert page.status_code == 200 and user.username in page.content.decode()
    response = admin.post("/accounts/locks/unlock/", {"username": user.username})
    assert response.status_code == 302
    assert not core_services.login_is_locked(username=user.username)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "core.login.unlock"
    assert event.changes == {"username": user.username, "failures": 3, "was_locked": True}
    assert _login(Client(), user.username, PASSWORD).status_code == 302


def test_only_admins_may_unlock(make_user: Any, three_strikes: None) -> None:
    hr = make_user(Role.HR)
    for _ in range(3):
        core_services.login_record_failure(username="victim", ip_address=None)
    with pytest.raises(PermissionDenied):
        core_services.login_unlock(actor=hr, username="victim")
    assert core_services.login_is_locked(username="victim")
    with pytest.raises(NotFound):
        core_services.login_unlock(actor=make_user(Role.ADMIN), username="never-failed")


def test_django_admin_unlock_action(three_strikes: None) -> None:
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", "root@example.jp", "pw-123456789")
    for _ in range(3):
        core_services.login_record_failure(username="victim", ip_address=None)
    row = LoginThrottle.objects.get(username="victim")
    client = Client()
    client.force_login(root)
    response = client.post(
        "/admin/core/loginthrottle/",
        {"action": "unlock_logins", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    assert not core_services.login_is_locked(username="victim")
    assert AuditEvent.objects.filter(action="core.login.unlock", actor=root).count() == 1
    assert client.get("/admin/core/apitoken/add/").status_code == 403


def test_locks_page_lists_locked_accounts_first(client_for: Any, three_strikes: None) -> None:
    core_services.login_record_failure(username="once", ip_address=None)
    for _ in range(3):
        core_services.login_record_failure(username="thrice", ip_address=None)
    core_services.login_record_failure(username="again", ip_address=None)
    response = client_for(Role.ADMIN).get("/accounts/locks/")
    names = [row.username for row in response.context["rows"]]
    assert names[0] == "thrice" and set(names) == {"once", "thrice", "again"}
    assert "ロック中" in response.content.decode()
