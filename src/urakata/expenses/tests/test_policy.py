"""Policy checks on submit: each rule with its message; errors refuse, warnings travel along."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.errors import ValidationFailed
from urakata.expenses import services
from urakata.expenses.models import ExpenseClaim
from urakata.expenses.policy import meeting_threshold
from urakata.expenses.tests.factories import WEEKDAY, claim_with_line, stored_receipt, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def member() -> Any:
    return team()["member"]


def _codes(findings: list[dict[str, Any]]) -> dict[str, str]:
    return {f["code"]: f["severity"] for f in findings}


def _check(claim: ExpenseClaim, actor: Any) -> dict[str, str]:
    return _codes(services.claim_check(actor=actor, claim=claim))


def test_a_clean_claim_has_no_findings(member: Any) -> None:
    assert _check(claim_with_line(member), member) == {}


def test_meeting_threshold_by_date() -> None:
    """facts.md §11: 10,000 yen per person from 2024-04-01, 5,000 before."""
    assert meeting_threshold(dt.date(2024, 3, 31)) == 5_000
    assert meeting_threshold(dt.date(2024, 4, 1)) == 10_000


def test_meeting_over_the_per_person_threshold_is_entertainment(member: Any) -> None:
    claim = claim_with_line(
        member, category="meeting", amount=33_000, attendee_count=3, attendees="A社 2名、自社 1名"
    )
    findings = services.claim_check(actor=member, claim=claim)
    assert _codes(findings)["entertainment_threshold"] == "warning"
    assert any("11,000円" in f["message"] and "交際費" in f["message"] for f in findings)
    under = claim_with_line(
        member, seed=2, category="meeting", amount=30_000, attendee_count=3, attendees="A社 2名"
    )
    assert "entertainment_threshold" not in _check(under, member)


def test_meeting_without_attendees_is_an_error(member: Any) -> None:
    claim = claim_with_line(member, category="meeting", amount=5_000)
    assert _check(claim, member)["attendees"] == "error"
    with pytest.raises(ValidationFailed) as error:
        services.claim_submit(actor=member, claim_id=claim.pk)
    assert any("参加者" in m for m in error.value.errors["claim"])
    claim.refresh_from_db()
    assert claim.status == ExpenseClaim.Status.DRAFT and claim.request_id is None


def test_category_limit(member: Any) -> None:
    assert (
        _check(claim_with_line(member, category="misc", amount=12_000), member)["limit"]
        == "warning"
    )


def test_missing_receipt_refuses(member: Any) -> None:
    claim = claim_with_line(member, receipt=None)
    assert _check(claim, member)["receipt"] == "error"


def test_registration_number_missing_or_wrong(member: Any) -> None:
    missing = claim_with_line(member, registration_number="")
    assert _check(missing, member)["registration"] == "warning"
    wrong = claim_with_line(member, seed=3, registration_number="T1234567890123")
    findings = services.claim_check(actor=member, claim=wrong)
    assert any("チェックデジット" in f["message"] for f in findings)


def test_weekend_and_holiday(member: Any) -> None:
    saturday = claim_with_line(member, date=dt.date(2025, 6, 14))
    holiday = claim_with_line(member, seed=4, date=dt.date(2025, 11, 3))  # 文化の日 (Mon)
    assert _check(saturday, member)["holiday"] == "warning"
    findings = services.claim_check(actor=member, claim=holiday)
    assert any("文化の日" in f["message"] for f in findings)


def test_same_receipt_image_in_another_claim_refuses(member: Any) -> None:
    first = claim_with_line(member, seed=5)
    services.claim_submit(actor=member, claim_id=first.pk)
    again = claim_with_line(member, seed=6, receipt=first.lines.get().receipt, payee="別の店")
    codes = _check(again, member)
    assert codes["duplicate_receipt"] == "error"


def test_same_date_amount_payee_is_a_warning(member: Any) -> None:
    first = claim_with_line(member, seed=7)
    services.claim_submit(actor=member, claim_id=first.pk)
    twin = claim_with_line(
        member, seed=8, payee="株式会社 ミドリ商店"
    )  # other photo, same purchase
    assert _check(twin, member)["duplicate_line"] == "warning"
    other_day = claim_with_line(member, seed=9, date=WEEKDAY - dt.timedelta(days=1))
    assert "duplicate_line" not in _check(other_day, member)


def test_amount_that_differs_from_the_ocr_reading(member: Any) -> None:
    claim = claim_with_line(member, amount=1_100, ocr={"total": 1_600, "date": "2025-06-12"})
    findings = services.claim_check(actor=member, claim=claim)
    assert _codes(findings)["ocr_mismatch"] == "warning"
    assert any("1,600円" in f["message"] for f in findings)


def test_warnings_go_with_the_submitted_claim(member: Any) -> None:
    claim = claim_with_line(member, registration_number="", receipt=stored_receipt(member, seed=10))
    submitted = services.claim_submit(actor=member, claim_id=claim.pk)
    assert [f["code"] for f in submitted.findings] == ["registration"]


def test_transport_inside_the_commuter_pass(member: Any) -> None:
    services.commuter_pass_save(
        actor=member,
        stations="新宿、代々木、原宿、渋谷",
        valid_from=dt.date(2025, 4, 1),
        valid_until=dt.date(2025, 9, 30),
    )
    claim = claim_with_line(
        member, kind="transport", category="travel", route_from="代々木", route_to="渋谷",
        payee="", receipt=None, registration_number="", amount=170,
    )  # fmt: skip
    assert _check(claim, member) == {"commuter_pass": "warning"}
    partly = claim_with_line(
        member, seed=11, kind="transport", category="travel", route_from="渋谷", route_to="品川",
        payee="", receipt=None, registration_number="", amount=170,
    )  # fmt: skip
    assert _check(partly, member) == {"commuter_pass": "info"}
    with pytest.raises(ValidationFailed):
        services.commuter_pass_save(
            actor=member, stations="新宿", valid_from=WEEKDAY, valid_until=WEEKDAY
        )
