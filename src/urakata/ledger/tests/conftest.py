"""Ledger test fixtures (the fresh chart cache per test is in the root conftest)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def accountant(make_user: Any) -> Any:
    from urakata.core.roles import Role

    return make_user(Role.ACCOUNTING)
