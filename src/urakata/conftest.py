"""Shared pytest fixtures: users per role, API clients with tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_process_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """No per-process cache survives a test (rolled-back rows may reuse ids), and the rows the
    data migrations seed (the chart of accounts) are back after a transactional test elsewhere
    on the same worker flushed them."""
    from urakata.assistant.directory import clear_cache
    from urakata.ledger.cache import chart_cache_clear
    from urakata.ledger.chart import chart_ensure_seeded

    chart_cache_clear()
    clear_cache()
    uses_db = request.node.get_closest_marker("django_db") is not None or not {
        "db",
        "transactional_db",
    }.isdisjoint(request.fixturenames)
    if uses_db:
        request.getfixturevalue("_django_db_helper")
        chart_ensure_seeded()
    yield
    chart_cache_clear()
    clear_cache()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Every test starts in Japanese: a request in English leaves its language active in the thread
    (LocaleMiddleware), which would leak into the next test on the same worker."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _user_with_roles(*roles: Role, username: str | None = None, employee: bool = True) -> Any:
    """A user holding the given roles, linked to an employee unless `employee=False`."""
    user = UserFactory(**({"username": username} if username else {}))
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if employee:
        EmployeeFactory(user=user)
    return user


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """`make_user(Role.HR)`: a user holding the given roles, linked to an employee."""
    return _user_with_roles


@pytest.fixture
def client_for(make_user: Callable[..., Any]) -> Callable[..., Client]:
    """`client_for(Role.HR)`: a logged-in test client (None → anonymous)."""

    def make(*roles: Role | None) -> Client:
        client = Client()
        if roles and roles[0] is None:
            return client
        client.force_login(make_user(*[r for r in roles if r is not None]))
        return client

    return make


# ---------------------------------------------------------------- the permission matrix


def matrix_domains() -> tuple[Any, ...]:
    """Every domain's matrix rows (`<app>/tests/matrix_rows.py`)."""
    from urakata.assistant.tests import matrix_rows as assistant_rows
    from urakata.attendance.tests import matrix_rows as attendance_rows
    from urakata.documents.tests import matrix_rows as documents_rows
    from urakata.dx.tests import matrix_rows as dx_rows
    from urakata.expenses.tests import matrix_rows as expenses_rows
    from urakata.facilities.tests import matrix_rows as facilities_rows
    from urakata.invoicing.tests import matrix_rows as invoicing_rows
    from urakata.ledger.tests import matrix_rows as ledger_rows
    from urakata.org.tests import matrix_rows as org_rows
    from urakata.payments.tests import matrix_rows as payments_rows
    from urakata.payroll.tests import matrix_rows as payroll_rows
    from urakata.web.tests import matrix_rows as web_rows
    from urakata.workflow.tests import matrix_rows as workflow_rows

    return (
        org_rows,
        web_rows,
        ledger_rows,
        workflow_rows,
        assistant_rows,
        documents_rows,
        payments_rows,
        attendance_rows,
        expenses_rows,
        invoicing_rows,
        payroll_rows,
        facilities_rows,
        dx_rows,
    )


@pytest.fixture(scope="module")
def matrix_media(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One media directory for the module: the world's stored files live as long as its rows."""
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture
def matrix_media_root(settings: Any, matrix_media: Any) -> None:
    """The permission matrix's media directory (its world's stored files live as long as its rows)."""
    settings.MEDIA_ROOT = matrix_media


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, matrix_media: Any) -> Iterator[Any]:
    """The permission matrix's users per subject and every domain's rows, built once per test
    module and rolled back after it (rows of one domain may point at another's objects)."""
    from django.db import transaction
    from django.test import override_settings

    from urakata.core.testing import MatrixWorld, matrix_world_users

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=matrix_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            shared = MatrixWorld(objects={}, users=matrix_world_users(_user_with_roles))
            for domain in matrix_domains():
                shared.objects.update(domain.build(shared, _user_with_roles))
            shared.sign_in_all()
            yield shared
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
