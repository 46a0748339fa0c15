"""Permission-matrix rows for the shell: home, login, account, tokens, locks, roles, audit, docs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from urakata.core.models import ApiToken, LoginThrottle
from urakata.core.roles import Role
from urakata.core.testing import (
    ALL_ROLES,
    ANONYMOUS,
    NO_ROLE,
    Endpoint,
    MatrixContext,
    MatrixWorld,
    exactly,
    expect,
)

EVERY_ROLE = expect(*ALL_ROLES)
SIGNED_IN = expect(NO_ROLE)
PUBLIC = expect(ANONYMOUS, NO_ROLE)
ADMINS = expect()
AUDITORS = expect(Role.AUDITOR)


def _own_token(ctx: MatrixContext) -> str:
    owner = ctx.user or ctx["employee"].user
    token = ApiToken.objects.create(user=owner, name="matrix", prefix="urk_matrix", key_hash="x")
    return f"/accounts/tokens/{token.pk}/revoke/"


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    LoginThrottle.objects.create(username="locked-user", failures=5)
    return {"role_target": make_user(Role.EMPLOYEE, username="role-target")}


ENDPOINTS: list[Endpoint] = [
    Endpoint("page-home", "GET", "/", SIGNED_IN),
    Endpoint("page-healthz", "GET", "/healthz", PUBLIC),
    Endpoint("page-login", "GET", "/accounts/login/", PUBLIC),
    Endpoint(
        "page-set-language",
        "POST",
        "/i18n/setlang/",
        PUBLIC,
        payload={"language": "en", "next": "/"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-logout",
        "POST",
        "/accounts/logout/",
        PUBLIC,
        form=True,
        redirects=True,
        login_redirect_ok=True,
    ),
    Endpoint("page-api-docs-redirect", "GET", "/api/docs", PUBLIC, redirects=True),
    Endpoint("page-api-docs", "GET", "/api/v1/docs", PUBLIC),
    Endpoint("page-api-schema", "GET", "/api/v1/openapi.json", PUBLIC),
    # ninja's placeholder at the API root answers 404 to everyone.
    Endpoint("page-api-root", "GET", "/api/v1/", exactly()),
    Endpoint("page-audit", "GET", "/audit/", AUDITORS),
    Endpoint("page-audit-htmx", "GET", "/audit/", AUDITORS, htmx=True),
    Endpoint("page-audit-csv", "GET", "/audit/", AUDITORS, payload={"format": "csv"}),
    Endpoint("page-account", "GET", "/accounts/", SIGNED_IN),
    Endpoint(
        "page-password-change",
        "POST",
        "/accounts/password/",
        SIGNED_IN,
        payload={
            "current_password": "pass-word-123",
            "new_password": "Matrix-new-pass-2026",
            "new_password_confirm": "Matrix-new-pass-2026",
        },
        form=True,
        redirects=True,
    ),
    Endpoint("page-two-factor", "GET", "/accounts/two-factor/", SIGNED_IN),
    Endpoint(
        "page-two-factor-disable",
        "POST",
        "/accounts/two-factor/disable/",
        SIGNED_IN,
        payload={"password": "pass-word-123"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-tokens", "GET", "/accounts/tokens/", EVERY_ROLE),
    Endpoint(
        "page-tokens-create",
        "POST",
        "/accounts/tokens/",
        EVERY_ROLE,
        payload={"name": "matrix", "lifetime_days": 30},
        form=True,
    ),
    # Revoking your own token stays possible even after your roles were taken away.
    Endpoint("page-tokens-revoke", "POST", _own_token, SIGNED_IN, form=True, redirects=True),
    Endpoint("page-login-locks", "GET", "/accounts/locks/", ADMINS),
    Endpoint(
        "page-login-unlock",
        "POST",
        "/accounts/locks/unlock/",
        ADMINS,
        payload={"username": "locked-user"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-two-factor-reset",
        "POST",
        "/accounts/locks/two-factor-reset/",
        ADMINS,
        payload=lambda ctx: {"username": ctx["employee"].user.username},
        form=True,
        redirects=True,
    ),
    Endpoint("page-roles", "GET", "/accounts/roles/", ADMINS),
    Endpoint(
        "page-role-edit",
        "GET",
        lambda ctx: f"/accounts/roles/{ctx['role_target'].pk}/",
        ADMINS,
    ),
    Endpoint(
        "page-role-set",
        "POST",
        lambda ctx: f"/accounts/roles/{ctx['role_target'].pk}/",
        ADMINS,
        payload={"roles": "accounting"},
        form=True,
        redirects=True,
    ),
]
