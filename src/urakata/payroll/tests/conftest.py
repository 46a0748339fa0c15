"""Payroll's unit tests compute from the employee's schedule (or the figures a test passes);
the attendance domain is exercised for real in `test_attendance_wiring.py`."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.payroll import attendance_inputs


@pytest.fixture(autouse=True)
def schedule_only_attendance(request: pytest.FixtureRequest, monkeypatch: Any) -> None:
    if request.node.get_closest_marker("real_attendance") or "matrix" in request.node.nodeid:
        return
    monkeypatch.setattr(attendance_inputs, "attendance_source", lambda: None)
    monkeypatch.setattr(attendance_inputs, "month_is_closed", lambda **_kw: True)
