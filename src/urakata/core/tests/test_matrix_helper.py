"""The permission-matrix helper itself: it must fail when a rule is wrong or a denial writes."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.core.audit import audit_record
from urakata.core.roles import Role
from urakata.core.testing import (
    ALLOWED,
    ANONYMOUS,
    DENIED,
    NO_ROLE,
    SUBJECTS,
    Endpoint,
    check_endpoint,
    db_snapshot,
    expect,
    matrix_cases,
)

pytestmark = pytest.mark.django_db


def test_expect_admin_always_allowed_and_no_role_means_everyone_signed_in() -> None:
    only_hr = expect(Role.HR)
    assert only_hr[Role.HR.value] == ALLOWED and only_hr[Role.ADMIN.value] == ALLOWED
    assert only_hr[Role.EMPLOYEE.value] == DENIED and only_hr[ANONYMOUS] == DENIED
    signed_in = expect(NO_ROLE)
    assert all(signed_in[s] == ALLOWED for s in SUBJECTS if s != ANONYMOUS)
    assert signed_in[ANONYMOUS] == DENIED
    with pytest.raises(ValueError):
        expect("nonsense")


def test_endpoint_needs_an_expectation_for_every_subject() -> None:
    with pytest.raises(ValueError):
        Endpoint("partial", "GET", "/", {ANONYMOUS: DENIED})


def test_matrix_cases_cover_every_subject() -> None:
    cases = matrix_cases([Endpoint("home", "GET", "/", expect(NO_ROLE))])
    assert [case.id for case in cases] == [f"home-{s}" for s in SUBJECTS]


def test_snapshot_sees_any_write(make_user: Any) -> None:
    before = db_snapshot()
    audit_record(actor=None, action="test.write")
    after = db_snapshot()
    assert before != after
    assert before["core.auditevent"][0] + 1 == after["core.auditevent"][0]


def test_wrong_expectation_fails(make_user: Any) -> None:
    """The audit page is for auditors: claiming HR may open it must fail the check."""
    wrong = Endpoint("audit", "GET", "/audit/", expect(Role.HR, Role.AUDITOR))
    with pytest.raises(AssertionError, match="expected allowed, got 403"):
        check_endpoint(wrong, Role.HR.value, make_user=make_user)
    right = Endpoint("audit", "GET", "/audit/", expect(Role.AUDITOR))
    check_endpoint(right, Role.HR.value, make_user=make_user)
    check_endpoint(right, ANONYMOUS, make_user=make_user)  # redirected to login: denied


@pytest.mark.urls("urakata.core.tests.matrix_urls")
def test_denied_request_that_writes_is_caught(make_user: Any) -> None:
    """If a refused request still left a trace in the database, the helper names the tables."""
    honest = Endpoint("honest", "POST", "/honest/", expect(Role.AUDITOR))
    check_endpoint(honest, Role.HR.value, make_user=make_user)
    leaky = Endpoint("leaky", "POST", "/leaky/", expect(Role.AUDITOR))
    with pytest.raises(
        AssertionError, match=r"changed \['core.auditchainhead', 'core.auditevent'\]"
    ):
        check_endpoint(leaky, Role.HR.value, make_user=make_user)
