"""Payments test fixtures."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def accountant(make_user: Any) -> Any:
    from urakata.core.roles import Role

    return make_user(Role.ACCOUNTING)


@pytest.fixture
def checker(make_user: Any) -> Any:
    """A second accountant: approves what the first one made."""
    from urakata.core.roles import Role

    return make_user(Role.ACCOUNTING)
