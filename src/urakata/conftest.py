"""Shared pytest fixtures: users per role, API clients with tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """`make_user(Role.HR)`: a user holding the given roles, linked to an employee."""

    def make(*roles: Role, username: str | None = None, employee: bool = True) -> Any:
        user = UserFactory(**({"username": username} if username else {}))
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role.value)[0])
        if employee:
            EmployeeFactory(user=user)
        return user

    return make


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
