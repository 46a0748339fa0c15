"""Test helpers shared by every domain: the permission matrix (権限マトリクス).

A domain lists its endpoints once, as data:

    ENDPOINTS = [
        Endpoint("employee-create", "POST", "/api/v1/employees", expect(Role.HR),
                 payload=lambda ctx: {...}),
        Endpoint("employee-detail", "GET", lambda ctx: f"/api/v1/employees/{ctx['employee'].pk}",
                 expect(*ALL_ROLES)),
    ]

and one parametrized test runs every endpoint as every subject (anonymous, a signed-in user
with no role, and each role) and checks:

- allowed → 2xx (or, for an endpoint marked `redirects=True`, a redirect that is not to login);
- denied → 401 / 403 / 404 (anonymous on a page: the redirect to the login page);
- a denied request changed nothing: every table (the audit chain included) is the same after it.

See docs/adding-a-domain.md for how to extend the matrix when you add a domain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.utils.http import urlencode

from urakata.core.roles import Role

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"  # signed in, but holding no role at all
ALLOWED = "allowed"
DENIED = "denied"

ALL_ROLES: tuple[Role, ...] = tuple(Role)
SUBJECTS: tuple[str, ...] = (ANONYMOUS, NO_ROLE, *(role.value for role in Role))
DENIED_STATUSES = frozenset({401, 403, 404})
# Tables that change on every request and say nothing about the request's effect.
_VOLATILE_TABLES = frozenset({"sessions.session"})


def expect(*allowed: Role | str) -> dict[str, str]:
    """`{subject: ALLOWED | DENIED}` with the given roles allowed; admin (all roles) always is.

    Pass `NO_ROLE` to allow any signed-in user, `ANONYMOUS` for a public endpoint.
    """
    names = {getattr(item, "value", item) for item in allowed} | {Role.ADMIN.value}
    if NO_ROLE in names:  # any signed-in user: every role too
        names |= {role.value for role in Role}
    unknown = names - set(SUBJECTS)
    if unknown:
        raise ValueError(f"unknown subjects {sorted(unknown)}")
    return {subject: ALLOWED if subject in names else DENIED for subject in SUBJECTS}


class MatrixContext:
    """What URL and payload factories see: the test's objects (`ctx["employee"]`) and the
    signed-in user of this case (`ctx.user`, None when anonymous)."""

    def __init__(self, objects: Mapping[str, Any], user: Any) -> None:
        self.objects = dict(objects)
        self.user = user

    def __getitem__(self, name: str) -> Any:
        return self.objects[name]


Factory = Callable[[MatrixContext], Any]


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of the matrix.

    `url` and `payload` are values or factories taking a MatrixContext; factories run before the
    "nothing changed" snapshot, so they may create the rows the request needs (a token to revoke).
    `form=True` posts form fields (pages); otherwise the payload is sent as JSON (API).
    `redirects=True` accepts a redirect as success (pages that POST, then redirect).
    """

    name: str
    method: str
    url: str | Factory
    expected: Mapping[str, str]
    payload: Mapping[str, Any] | Factory | None = None
    form: bool = False
    redirects: bool = False
    htmx: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = set(SUBJECTS) - set(self.expected)
        if missing:
            raise ValueError(f"{self.name}: no expectation for {sorted(missing)}")

    @property
    def writes(self) -> bool:
        return self.method.upper() not in {"GET", "HEAD", "OPTIONS"}


def matrix_cases(endpoints: Iterable[Endpoint]) -> list[Any]:
    """`pytest.param(endpoint, subject)` for every pair, with readable ids."""
    import pytest

    return [
        pytest.param(endpoint, subject, id=f"{endpoint.name}-{subject}")
        for endpoint in endpoints
        for subject in SUBJECTS
    ]


def subject_client(subject: str, make_user: Callable[..., Any]) -> tuple[Client, Any]:
    """A test client signed in as the subject (with `make_user(*roles)`), and its user."""
    client = Client()
    if subject == ANONYMOUS:
        return client, None
    user = make_user() if subject == NO_ROLE else make_user(Role(subject))
    client.force_login(user)
    return client, user


def db_snapshot() -> dict[str, tuple[int, str]]:
    """Per table: row count and a digest of every row, to prove a request changed nothing."""
    snapshot: dict[str, tuple[int, str]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _VOLATILE_TABLES or not model._meta.managed:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        digest = hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()
        snapshot[label] = (len(rows), digest)
    return snapshot


def _changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return sorted(label for label in after if before.get(label) != after[label])


def _resolve(value: Any, ctx: MatrixContext) -> Any:
    return value(ctx) if callable(value) else value


def _is_login_redirect(response: Any) -> bool:
    if response.status_code not in (301, 302, 303):
        return False
    return str(response.get("Location", "")).startswith(resolve_url(settings.LOGIN_URL))


def send(endpoint: Endpoint, client: Client, *, url: str, payload: Any) -> Any:
    """Send the endpoint's request (URL and payload already resolved) with the client."""
    headers = dict(endpoint.headers)
    if endpoint.htmx:
        headers["HX-Request"] = "true"
    method = endpoint.method.upper()
    if method == "GET":
        return client.get(url, payload or {}, headers=headers)
    if endpoint.form:
        body = urlencode({key: str(value) for key, value in (payload or {}).items()})
        content_type = "application/x-www-form-urlencoded"
    else:
        body = json.dumps(payload or {}, default=str)
        content_type = "application/json"
    return client.generic(method, url, body, content_type=content_type, headers=headers)


def check_endpoint(
    endpoint: Endpoint,
    subject: str,
    *,
    make_user: Callable[..., Any],
    objects: Mapping[str, Any] | None = None,
) -> Any:
    """Run one cell of the matrix and assert its outcome; returns the response."""
    client, user = subject_client(subject, make_user)
    ctx = MatrixContext(objects or {}, user)
    url = _resolve(endpoint.url, ctx)
    payload = _resolve(endpoint.payload, ctx)
    before = db_snapshot()
    response = send(endpoint, client, url=url, payload=payload)
    status = response.status_code
    where = f"{endpoint.method} {url} as {subject}"
    if endpoint.expected[subject] == ALLOWED:
        redirect_ok = (
            endpoint.redirects and 300 <= status < 400 and not _is_login_redirect(response)
        )
        assert 200 <= status < 300 or redirect_ok, f"{where}: expected allowed, got {status}"
    else:
        denied = status in DENIED_STATUSES or (
            subject == ANONYMOUS and _is_login_redirect(response)
        )
        assert denied, f"{where}: expected denied, got {status}"
        changed = _changed(before, db_snapshot())
        assert not changed, f"{where}: a denied request changed {changed}"
    return response
