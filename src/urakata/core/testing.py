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


def exactly(*allowed: Role | str) -> dict[str, str]:
    """`{subject: ALLOWED | DENIED}` with only the given subjects allowed (admin not implied).

    For rows whose permission is not a capability but a relation to the row: only the approver
    the request is assigned to may approve it, whatever other roles they hold.
    """
    names = {getattr(item, "value", item) for item in allowed}
    unknown = names - set(SUBJECTS)
    if unknown:
        raise ValueError(f"unknown subjects {sorted(unknown)}")
    return {subject: ALLOWED if subject in names else DENIED for subject in SUBJECTS}


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
    `form=True` posts form fields (pages), `multipart=True` a multipart body (file uploads);
    otherwise the payload is sent as JSON (API).
    `redirects=True` accepts a redirect as success (pages that POST, then redirect).
    """

    name: str
    method: str
    url: str | Factory
    expected: Mapping[str, str]
    payload: Mapping[str, Any] | Factory | None = None
    form: bool = False
    multipart: bool = False
    redirects: bool = False
    # Logging out lands on the login page: that redirect is the success, not a refusal.
    login_redirect_ok: bool = False
    # A page that still reports a refusal as a message on a redirect (not yet a 403 page), or a
    # row whose refusal is a state conflict (409: "not your step"): accepted as a denial, and the
    # "nothing changed" check still applies.
    refusal_statuses: frozenset[int] = frozenset()
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
    if endpoint.multipart:  # file uploads: the payload's values may be UploadedFile objects
        return client.post(url, payload or {}, headers=headers)
    if endpoint.form:
        body = urlencode({key: str(value) for key, value in (payload or {}).items()})
        content_type = "application/x-www-form-urlencoded"
    else:
        body = json.dumps(payload or {}, default=str)
        content_type = "application/json"
    return client.generic(method, url, body, content_type=content_type, headers=headers)


class _WriteWatch:
    """Notes whether any INSERT/UPDATE/DELETE reached the database while installed.

    A request that sent no write statement changed nothing, so the (slow) full-table snapshot
    is needed only when it did; the snapshot then decides whether the writes left a trace.
    """

    WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "COPY", "TRUNCATE", "ALTER", "DROP")

    def __init__(self) -> None:
        self.wrote = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if str(sql).lstrip().upper().startswith(self.WRITES):
            self.wrote = True
        return execute(sql, params, many, context)


def _watched(func: Callable[[], Any]) -> tuple[Any, bool]:
    from django.db import connection

    watch = _WriteWatch()
    with connection.execute_wrapper(watch):
        result = func()
    return result, watch.wrote


@dataclass
class MatrixWorld:
    """Rows and one user per subject shared by every cell of a matrix (built once per module).

    Each cell runs in the test's transaction and is rolled back, so the world looks the same to
    every cell; its snapshot is taken once and reused as "before" unless a URL or payload
    factory wrote rows of its own.
    """

    objects: dict[str, Any]
    users: dict[str, Any]
    _baseline: dict[str, tuple[int, str]] | None = None
    _cookies: dict[str, Any] = field(default_factory=dict)

    def sign_in_all(self) -> None:
        """One session per subject, made with the world (a cell's own writes roll back)."""
        for subject, user in self.users.items():
            if user is not None:
                client = Client()
                client.force_login(user)
                self._cookies[subject] = client.cookies

    def client(self, subject: str) -> Client:
        """A client signed in as the subject: the world's session, or a new one."""
        client = Client()
        user = self.users[subject]
        if subject in self._cookies:
            for key, morsel in self._cookies[subject].items():
                client.cookies[key] = morsel.value
        elif user is not None:
            client.force_login(user)
        return client

    def baseline(self) -> dict[str, tuple[int, str]]:
        if self._baseline is None:
            self._baseline = db_snapshot()
        return self._baseline


def matrix_world_users(make_user: Callable[..., Any]) -> dict[str, Any]:
    """One user per subject: None for anonymous, a role-less user, one user per role."""
    users: dict[str, Any] = {ANONYMOUS: None, NO_ROLE: make_user()}
    for role in Role:
        users[role.value] = make_user(role)
    return users


def check_endpoint(
    endpoint: Endpoint,
    subject: str,
    *,
    make_user: Callable[..., Any] | None = None,
    objects: Mapping[str, Any] | None = None,
    world: MatrixWorld | None = None,
) -> Any:
    """Run one cell of the matrix and assert its outcome; returns the response.

    Pass `world` (shared rows and users) or `make_user` and `objects` (built per cell).
    """
    if world is not None:
        user = world.users[subject]
        client = world.client(subject)
        ctx = MatrixContext(world.objects, user)
    else:
        assert make_user is not None, "pass make_user or world"
        client, user = subject_client(subject, make_user)
        ctx = MatrixContext(objects or {}, user)
    (url, payload), prepared = _watched(
        lambda: (_resolve(endpoint.url, ctx), _resolve(endpoint.payload, ctx))
    )
    denied_expected = endpoint.expected[subject] != ALLOWED
    before: dict[str, tuple[int, str]] | None = None
    if denied_expected:
        before = world.baseline() if world is not None and not prepared else db_snapshot()
    response, wrote = _watched(lambda: send(endpoint, client, url=url, payload=payload))
    status = response.status_code
    where = f"{endpoint.method} {url} as {subject}"
    if endpoint.expected[subject] == ALLOWED:
        redirect_ok = (
            endpoint.redirects
            and 300 <= status < 400
            and (endpoint.login_redirect_ok or not _is_login_redirect(response))
        )
        assert 200 <= status < 300 or redirect_ok, (
            f"{where}: expected allowed, got {status}: {response.content[:300]!r}"
        )
    else:
        denied = status in DENIED_STATUSES | endpoint.refusal_statuses or (
            subject == ANONYMOUS and _is_login_redirect(response)
        )
        assert denied, f"{where}: expected denied, got {status}"
        if wrote and before is not None:
            changed = _changed(before, db_snapshot())
            assert not changed, f"{where}: a denied request changed {changed}"
    return response


# ---------------------------------------------------------------- coverage: no route without a row

# Not in the matrix: Django's admin site (staff only, read-only for audited models, guarded by
# is_staff rather than capabilities; see core/admin.py).
EXEMPT_PREFIXES: tuple[str, ...] = ("admin/",)


def _route_key(route: str) -> str:
    return "/" + route.lstrip("^").rstrip("$")


def page_routes(urlconf: Any = None) -> set[str]:
    """Every URL pattern of the project as '/route', except the API's operations and admin."""
    from django.urls import URLResolver, get_resolver

    routes: set[str] = set()

    def walk(patterns: Iterable[Any], prefix: str, in_api: bool) -> None:
        for pattern in patterns:
            route = URLResolver._join_route(prefix, str(pattern.pattern))  # type: ignore[attr-defined]
            if isinstance(pattern, URLResolver):
                namespace = getattr(pattern, "namespace", None) or ""
                walk(pattern.url_patterns, route, in_api or namespace.startswith("api-"))
            elif not (in_api and _is_api_operation(pattern)):
                routes.add(_route_key(route))

    walk(get_resolver(urlconf).url_patterns, "", False)
    return {route for route in routes if not route.lstrip("/").startswith(EXEMPT_PREFIXES)}


def _is_api_operation(pattern: Any) -> bool:
    # ninja's operations are PathView wrappers; its docs and schema views are partials.
    return "PathView." in getattr(pattern.callback, "__qualname__", "")


def api_operations(api: Any, *, path_prefix: str | None = None) -> set[str]:
    """Every operation of a ninja API as 'METHOD /path/{param}', from its OpenAPI schema."""
    schema = api.get_openapi_schema(path_prefix=path_prefix)
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def route_of(method: str, url: str, urlconf: Any = None) -> str:
    """The row's key: 'METHOD /api/path/{param}' for an API operation, '/route' for a page."""
    import re

    from django.urls import resolve

    match = resolve(url.split("?")[0], urlconf)
    route = _route_key(match.route)
    if "PathView." in getattr(match.func, "__qualname__", ""):
        return f"{method.upper()} " + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return route


def uncovered(keys: Iterable[str], *, routes: set[str], operations: set[str]) -> list[str]:
    """The routes and operations no row reaches (empty when the matrix is complete)."""
    return sorted((routes | operations) - set(keys))
