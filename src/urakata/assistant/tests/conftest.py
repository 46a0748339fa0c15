"""Assistant fixtures: one staff member per desk, so escalations have someone to go to."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.core.roles import Role


@pytest.fixture
def desk_staff(make_user: Any) -> dict[str, Any]:
    """{desk: user} for 総務, 人事, 経理 (usernames ga_staff, hr_staff, acc_staff)."""
    return {
        "general_affairs": make_user(Role.GENERAL_AFFAIRS, username="ga_staff"),
        "hr": make_user(Role.HR, username="hr_staff"),
        "accounting": make_user(Role.ACCOUNTING, username="acc_staff"),
    }
