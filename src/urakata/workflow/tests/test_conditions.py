"""Route editor syntax: conditions and approver lines parse, format back, and report errors."""

from __future__ import annotations

import pytest

from urakata.org.tests.factories import DepartmentFactory, UserFactory
from urakata.workflow.conditions import condition_format, condition_matches, condition_parse
from urakata.workflow.resolution import spec_format, spec_parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("line", "values", "expected"),
    [
        ("amount >= 1000000", {"amount": 1_000_000}, True),
        ("amount >= 1,000,000", {"amount": 999_999}, False),
        ("amount < 5000", {"amount": None}, False),
        ("department.code == D500", {"department.code": "D500"}, True),
        ("department in D500,D510", {"department.code": "D510"}, False),  # unknown field
        ("form.code in meishi, badge", {"form.code": "badge"}, True),
        ("form.code != meishi", {"form.code": "badge"}, True),
        ("values.amount >= 100000", {"values": {"amount": "120000"}}, True),
        ("values.kind contains 有給", {"values": {"kind": "年次有給休暇"}}, True),
    ],
)
def test_conditions(line: str, values: dict, expected: bool) -> None:
    condition, error = condition_parse(line)
    assert error == "" and condition is not None
    assert condition_matches(condition, values) is expected
    assert condition_parse(condition_format(condition))[0] == condition


def test_condition_errors() -> None:
    assert condition_parse("amount ≧ 5")[1]
    assert condition_parse("   ") == (None, "")


def test_approver_lines_round_trip() -> None:
    UserFactory(username="tanaka")
    DepartmentFactory(code="D700")
    for line in [
        "user:tanaka",
        "role:accounting",
        "department_manager",
        "manager_up:2",
        "department:D700",
    ]:
        spec, error = spec_parse(line)
        assert error == "" and spec is not None
        assert spec_format(spec) == line
    for bad in [
        "user:ghost",
        "role:nope",
        "manager_up:0",
        "manager_up:x",
        "department:ZZZ",
        "boss",
    ]:
        assert spec_parse(bad)[1], bad
