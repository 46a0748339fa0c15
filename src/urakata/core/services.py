"""Core write services: API tokens, login lock-out, passwords, two-factor. Each records an audit event."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urakata.core.models import ApiToken, LoginThrottle
from urakata.core.permissions import can, require
from urakata.core.selectors import two_factor_enabled, two_factor_required_by_role

TOKEN_PREFIX = "urk_"  # noqa: S105 - a public prefix, not a secret
# Longest a personal token may live; scripts renew them (a year keeps yearly jobs working).
TOKEN_MAX_DAYS = 366


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- API tokens


def api_token_create(
    *, actor: Any, user: Any, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal API token; returns the row and the key, which is shown only once.

    Only the key's SHA-256 is stored: a stolen database does not yield working tokens.
    """
    require(actor, "core.manage_tokens")
    if not can(actor, "core.manage_all_tokens") and getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied(_("他の利用者のトークンは発行できません。"))
    return _token_insert(actor=actor, actor_label=None, user=user, name=name, expires_at=expires_at)


def api_token_create_for_operations(
    *, user: Any, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """A token issued at the server's console (`urakata token create`), for integrations.

    Whoever runs the command already controls the server; the event names the console as actor.
    """
    if not user.is_active:
        raise ValidationFailed(
            _("無効なユーザーにはトークンを発行できません。"), errors={"user": [user.username]}
        )
    if days is not None and not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationFailed(
            _("有効期限は%(days)s日以内にしてください。") % {"days": TOKEN_MAX_DAYS},
            errors={"days": [str(days)]},
        )
    expires_at = timezone.now() + timedelta(days=days) if days else None
    return _token_insert(
        actor=None, actor_label="console", user=user, name=name, expires_at=expires_at
    )


def _token_insert(
    *, actor: Any, actor_label: str | None, user: Any, name: str, expires_at: datetime | None
) -> tuple[ApiToken, str]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("必須です。")]
    elif len(name) > 100:
        errors["name"] = [_("100文字以内で入力してください。")]
    now = timezone.now()
    if expires_at is not None:
        if expires_at <= now:
            errors["expires_at"] = [_("未来の日時を指定してください。")]
        elif expires_at > now + timedelta(days=TOKEN_MAX_DAYS):
            errors["expires_at"] = [
                _("有効期限は%(days)s日以内にしてください。") % {"days": TOKEN_MAX_DAYS}
            ]
    if errors:
        raise ValidationFailed(_("入力内容に誤りがあります。"), errors=errors)
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=key[:12],
            key_hash=_hash_key(key),
            expires_at=expires_at,
        )
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action="core.api_token.create",
            target=token,
            changes={"user": user.pk, "name": token.name, "expires_at": expires_at},
        )
    return token, key


def api_token_revoke(*, actor: Any, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens (admins may revoke anyone's)."""
    with transaction.atomic():
        queryset = ApiToken.objects.select_for_update()
        if not can(actor, "core.manage_all_tokens"):
            queryset = queryset.filter(user_id=getattr(actor, "pk", None) or 0)
        token = queryset.filter(pk=token_id, revoked_at__isnull=True).first()
        if token is None:
            raise NotFound(_("トークンが見つかりません。"))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="core.api_token.revoke",
            target=token,
            changes={"user": token.user_id, "revoked_at": [None, token.revoked_at]},
        )
    return token


def api_token_user_may_use(user: Any) -> bool:
    """A token works only while its user could sign in: active, not locked out, and holding
    the second factor their role requires (a token is no way around a policy set later)."""
    if not user.is_active or login_is_locked(username=user.get_username()):
        return False
    return not (two_factor_required_by_role(user) and not two_factor_enabled(user))


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
    if not api_token_user_may_use(token.user):
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        # A plain UPDATE, not an audit event: a busy script would otherwise flood the chain.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# ---------------------------------------------------------------- login and lock-out


def _throttle_key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def login_is_locked(*, username: str) -> bool:
    """True while the username is locked out after too many failures."""
    row = LoginThrottle.objects.filter(username=_throttle_key(username)).first()
    return bool(row and row.locked_until and row.locked_until > timezone.now())


def login_record_failure(*, username: str, ip_address: str | None) -> bool:
    """Count a failed login and lock the username when the limit is reached; True if locked.

    An attempt while the lock holds is recorded too (it does not extend the lock, so an attacker
    cannot keep a real user locked out forever by guessing once per minute at the limit).
    """
    now = timezone.now()
    key = _throttle_key(username)
    with transaction.atomic():
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(username=key)
        was_locked = bool(row.locked_until and row.locked_until > now)
        if not was_locked:
            if row.locked_until is not None:  # an expired lock starts a fresh count
                row.failures = 0
                row.locked_until = None
            row.failures += 1
            row.last_failure_at = now
            if row.failures >= settings.URAKATA_LOGIN_MAX_FAILURES:
                row.locked_until = now + timedelta(minutes=settings.URAKATA_LOGIN_LOCK_MINUTES)
            row.save()
        locked = bool(row.locked_until and row.locked_until > now)
        user = get_user_model().objects.filter(username__iexact=key).first()
        audit_record(
            actor=None,
            actor_label=username[:150] or "anonymous",
            action="core.login.failed",
            target=user,
            target_type="auth.user",
            changes={
                "username": username[:150],
                "failures": row.failures,
                "locked": locked,
                "reason": "locked" if was_locked else "bad_credentials",
            },
            ip_address=ip_address,
        )
    return locked


def login_record_success(*, user: Any, ip_address: str | None) -> None:
    """Reset the failure counter and record the login."""
    with transaction.atomic():
        LoginThrottle.objects.filter(username=_throttle_key(user.get_username())).delete()
        audit_record(actor=user, action="core.login.succeeded", target=user, ip_address=ip_address)


def login_unlock(*, actor: Any, username: str) -> None:
    """An administrator lifts a lock-out (アカウントロック解除)."""
    require(actor, "core.manage_logins")
    key = _throttle_key(username)
    with transaction.atomic():
        row = LoginThrottle.objects.select_for_update().filter(username=key).first()
        if row is None:
            raise NotFound(_("ロックされたアカウントが見つかりません。"))
        was_locked = bool(row.locked_until and row.locked_until > timezone.now())
        row.delete()
        user = get_user_model().objects.filter(username__iexact=key).first()
        audit_record(
            actor=actor,
            action="core.login.unlock",
            target=user,
            target_type="auth.user",
            changes={"username": key, "failures": row.failures, "was_locked": was_locked},
        )


# ---------------------------------------------------------------- password


def password_change(
    *, actor: Any, current_password: str, new_password: str, new_password_confirm: str
) -> None:
    """The signed-in user changes their own password (パスワード変更); every problem is reported."""
    errors: dict[str, list[str]] = {}
    if not actor.check_password(current_password or ""):
        errors["current_password"] = [_("現在のパスワードが正しくありません。")]
    if not new_password:
        errors["new_password"] = [_("必須です。")]
    else:
        if new_password != new_password_confirm:
            errors["new_password_confirm"] = [_("確認用のパスワードが一致しません。")]
        if new_password == current_password:
            errors.setdefault("new_password", []).append(
                _("現在と異なるパスワードを指定してください。")
            )
        try:
            validate_password(new_password, actor)
        except DjangoValidationError as error:
            errors.setdefault("new_password", []).extend(str(m) for m in error.messages)
    if errors:
        raise ValidationFailed(_("パスワードを変更できませんでした。"), errors=errors)
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        # The hash is never written to the audit log; the event says only that it changed.
        audit_record(actor=actor, action="core.password.change", target=actor)


# ---------------------------------------------------------------- two-factor (TOTP)


def two_factor_pending_device(*, actor: Any) -> TOTPDevice:
    """The unconfirmed TOTP device the actor is registering (created on first call).

    Not audited: an unconfirmed key protects nothing yet; confirming it is the audited step.
    """
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="default", confirmed=False)
    return device


def two_factor_confirm(*, actor: Any, device: Any, token: str) -> None:
    """Confirm a TOTP device with its first correct code (二要素認証の登録)."""
    if device.user_id != actor.pk:
        raise NotFound(_("デバイスが見つかりません。"))
    if not device.verify_token((token or "").strip()):
        audit_record(actor=actor, action="core.two_factor.failed", target=actor)
        raise ValidationFailed(
            _("確認コードが正しくありません。"),
            errors={"token": [_("確認コードが正しくありません。")]},
        )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One confirmed device per user: older ones (a lost phone) stop working.
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        audit_record(
            actor=actor,
            action="core.two_factor.confirm",
            target=device,
            target_type="otp_totp.totpdevice",
        )


def two_factor_check(*, actor: Any, token: str, ip_address: str | None = None) -> Any:
    """Check a code against the actor's confirmed device; return the device or raise."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=True).first()
    if device is None:
        raise NotFound(_("二要素認証は設定されていません。"))
    ok = bool(device.verify_token((token or "").strip()))
    audit_record(
        actor=actor,
        action="core.two_factor.verified" if ok else "core.two_factor.failed",
        target=actor,
        ip_address=ip_address,
    )
    if not ok:
        raise ValidationFailed(
            _("確認コードが正しくありません。"),
            errors={"token": [_("確認コードが正しくありません。")]},
        )
    return device


def two_factor_disable(*, actor: Any, password: str) -> None:
    """Turn off the actor's two-factor login; refused where the actor's role requires it."""
    if two_factor_required_by_role(actor):
        raise Conflict(_("あなたのロールでは二要素認証が必須のため、無効にできません。"))
    if not actor.check_password(password or ""):
        raise ValidationFailed(
            _("パスワードが正しくありません。"),
            errors={"password": [_("パスワードが正しくありません。")]},
        )
    with transaction.atomic():
        deleted, _by_model = TOTPDevice.objects.filter(user=actor).delete()
        if not deleted:
            raise NotFound(_("二要素認証は設定されていません。"))
        audit_record(actor=actor, action="core.two_factor.disable", target=actor)


def two_factor_reset(*, actor: Any, user: Any) -> None:
    """An administrator removes a user's TOTP devices (lost phone); the user registers anew."""
    require(actor, "core.manage_logins")
    with transaction.atomic():
        deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor,
            action="core.two_factor.reset",
            target=user,
            changes={"devices_removed": deleted},
        )


# ---------------------------------------------------------------- roles (see role_grants)

from urakata.core.role_grants import user_roles_set as user_roles_set  # noqa: E402
