"""Core write services: API tokens and login throttling. Each records an audit event."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from urakata.core.audit import audit_record
from urakata.core.errors import NotFound, ValidationFailed
from urakata.core.models import ApiToken, LoginThrottle

TOKEN_PREFIX = "urk_"  # noqa: S105 - a public prefix, not a secret


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_create(
    *, actor: Any, user: Any, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal API token; returns the row and the key, which is shown only once."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("トークン名を入力してください。", errors={"name": ["必須です。"]})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=key[:12],
            key_hash=_hash_key(key),
            expires_at=expires_at,
        )
        audit_record(
            actor=actor,
            action="core.api_token.create",
            target=token,
            changes={"user": user.pk, "name": token.name, "expires_at": expires_at},
        )
    return token, key


def api_token_revoke(*, actor: Any, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens (admins may revoke anyone's)."""
    with transaction.atomic():
        queryset = ApiToken.objects.select_for_update()
        if not actor.is_superuser:
            queryset = queryset.filter(user=actor)
        token = queryset.filter(pk=token_id, revoked_at__isnull=True).first()
        if token is None:
            raise NotFound("トークンが見つかりません。")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="core.api_token.revoke", target=token)
    return token


def api_token_authenticate(*, key: str) -> Any | None:
    """The active user a token key belongs to, or None. Touches last_used_at at most once a minute."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_key(key), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def login_is_locked(*, username: str) -> bool:
    """True while the username is locked out after too many failures."""
    row = LoginThrottle.objects.filter(username=username.lower()).first()
    return bool(row and row.locked_until and row.locked_until > timezone.now())


def login_record_failure(*, username: str, ip_address: str | None) -> bool:
    """Count a failed login and lock the username when the limit is reached; True if now locked."""
    now = timezone.now()
    with transaction.atomic():
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username.lower())
        if row.locked_until and row.locked_until <= now:
            row.failures = 0
            row.locked_until = None
        row.failures += 1
        row.last_failure_at = now
        locked = row.failures >= settings.URAKATA_LOGIN_MAX_FAILURES
        if locked and row.locked_until is None:
            row.locked_until = now + timedelta(minutes=settings.URAKATA_LOGIN_LOCK_MINUTES)
        row.save()
        user = get_user_model().objects.filter(username__iexact=username).first()
        audit_record(
            actor=None,
            actor_label=username[:150] or "anonymous",
            action="core.login.failed",
            target=user,
            target_type="auth.user",
            changes={"username": username[:150], "failures": row.failures, "locked": locked},
            ip_address=ip_address,
        )
    return locked


def login_record_success(*, user: Any, ip_address: str | None) -> None:
    """Reset the failure counter and record the login."""
    with transaction.atomic():
        LoginThrottle.objects.filter(username=user.get_username().lower()).delete()
        audit_record(actor=user, action="core.login.succeeded", target=user, ip_address=ip_address)


def login_unlock(*, actor: Any, username: str) -> None:
    """An administrator lifts a lock-out."""
    with transaction.atomic():
        deleted, _ = LoginThrottle.objects.filter(username=username.lower()).delete()
        audit_record(
            actor=actor,
            action="core.login.unlock",
            target_type="auth.user",
            changes={"username": username, "was_locked": bool(deleted)},
        )


def two_factor_confirm(*, actor: Any, device: Any) -> None:
    """Mark a TOTP device confirmed after its first correct code (二要素認証の登録)."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor=actor, action="core.two_factor.confirm", target=device, target_type="otp.totp"
        )
