"""A monthly pay run by hand: 割増賃金, deductions, net, the journal, the states, all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.roles import Role
from urakata.payroll import services
from urakata.payroll.attendance_inputs import MonthFigures
from urakata.payroll.models import PayItem, PayProfile, PayRun, Payslip
from urakata.payroll.tests.factories import PayItemFactory, PayProfileFactory, ResidentTaxFactory

pytestmark = pytest.mark.django_db
APRIL = dt.date(2026, 4, 1)


@pytest.fixture
def hr(make_user: Any) -> Any:
    return make_user(Role.HR)


@pytest.fixture
def staff() -> dict[str, PayProfile]:
    monthly = PayProfileFactory(
        birth_date=dt.date(1981, 1, 15),
        has_tax_spouse=True,
        commute_allowance=10_000,
        commute_nontaxable=10_000,
    )
    PayItemFactory(profile=monthly, name="役職手当", amount=20_000, in_overtime_base=True)
    PayItemFactory(profile=monthly, name="家族手当", amount=10_000)
    PayItemFactory(profile=monthly, kind=PayItem.Kind.DEDUCTION, name="財形貯蓄", amount=5_000)
    ResidentTaxFactory(profile=monthly, fiscal_year=2025, monthly_amount=15_000)
    hourly = PayProfileFactory(
        pay_type=PayProfile.PayType.HOURLY,
        base_pay=1_200,
        scheduled_hours=Decimal(80),
        declaration_submitted=False,
        health_insured=False,
        pension_insured=False,
    )
    return {"monthly": monthly, "hourly": hourly}


def figures(overrides: dict[int, MonthFigures]) -> services.FiguresFor:
    def get(employee_id: int, scheduled_minutes: int) -> MonthFigures:
        return overrides.get(
            employee_id,
            MonthFigures(worked_minutes=scheduled_minutes, scheduled_minutes=scheduled_minutes),
        )

    return get


def test_hand_computed_run(hr: Any, staff: dict[str, PayProfile]) -> None:
    monthly = staff["monthly"]
    ot = MonthFigures(
        worked_minutes=170 * 60,
        scheduled_minutes=160 * 60,
        legal_overtime_minutes=600,
        late_night_minutes=120,
    )
    run = services.pay_run_calculate(
        actor=hr, month=APRIL, figures_for=figures({monthly.employee_id: ot})
    )
    assert run.pay_date == dt.date(2026, 5, 25) and run.status == PayRun.Status.DRAFT
    slip = Payslip.objects.get(run=run, employee=monthly.employee)
    # hourly wage (300,000 + 役職手当 20,000) / 160 = 2,000; 10 h × 1.25, 2 h × 0.25
    assert dict(slip.lines["pay"]) == {
        "基本給": 300_000,
        "時間外労働手当": 25_000,
        "深夜労働手当": 1_000,
        "役職手当": 20_000,
        "家族手当": 10_000,
        "通勤手当": 10_000,
    }
    assert (slip.gross, slip.taxable) == (366_000, 356_000)
    # April 分 (翌月徴収 from the May pay), 東京, 300,000, age 45: 14,775 + 2,430 + 345 + 27,450
    assert slip.social_insurance == 45_000
    assert slip.employment_insurance == 1_830  # 366,000 × 5/1000
    assert slip.lines["tax"]["base"] == 309_170
    assert slip.income_tax == 6_690  # 甲欄 1人, row 308,000–311,000
    assert slip.resident_tax == 15_000 and slip.other_deductions == 5_000
    assert slip.net == 292_480
    assert slip.employer_cost == 17_205 + 345 + 27_450 + 1_080 + 3_111
    part = Payslip.objects.get(run=run, employee=staff["hourly"].employee)
    assert (part.gross, part.social_insurance, part.employment_insurance) == (96_000, 0, 480)
    assert part.income_tax == 2_925  # 乙欄 below 105,000: 95,520 × 3.063%
    assert part.net == 92_595
    assert any("乙欄" in flag for flag in part.flags)
    assert run.totals["net"] == 292_480 + 92_595 and run.totals["headcount"] == 2


def test_journal_balances_and_equals_the_totals(hr: Any, staff: dict[str, PayProfile]) -> None:
    run = services.pay_run_calculate(actor=hr, month=APRIL, figures_for=figures({}))
    lines = services.journal_lines(run)
    debit = sum(line.get("debit", 0) for line in lines)
    credit = sum(line.get("credit", 0) for line in lines)
    t = run.totals
    assert debit == credit == t["gross"] + t["employer_cost"]
    services.pay_run_check(actor=hr, run=run)
    fixed = services.pay_run_approve(actor=hr, run=run)
    assert fixed.status == PayRun.Status.FIXED and fixed.journal_entry_id
    from urakata.ledger.models import JournalEntry

    entry = JournalEntry.objects.get(pk=fixed.journal_entry_id)
    assert entry.source == "payroll"
    posted = list(entry.lines.values_list("account__code", "debit", "credit"))
    assert sum(d for _, d, _ in posted) == t["gross"] + t["employer_cost"]
    assert sum(c for a, _, c in posted if a == "3160") == t["net"] + t["employer_cost"]
    # The transfers: one payment request per payslip, added in one bulk call (one audit event).
    from urakata.core.models import AuditEvent
    from urakata.payments.models import PaymentRequest

    requests = PaymentRequest.objects.filter(source="payroll", kind="salary")
    assert sorted(requests.values_list("source_id", "amount")) == sorted(
        fixed.payslips.values_list("pk", "net")
    )
    assert sum(r.amount for r in requests) == t["net"]
    (bulk,) = AuditEvent.objects.filter(action="payments.request.add_bulk")
    assert bulk.changes["count"] == 2 and bulk.changes["amount"] == t["net"]
    assert not AuditEvent.objects.filter(action="payments.request.add").exists()


def test_employees_get_a_notice_without_amounts(make_user: Any, hr: Any) -> None:
    from django.core import mail

    from urakata.workflow.models import Notification

    user = make_user(Role.EMPLOYEE)
    user.email = "staff@example.jp"
    user.save()
    PayProfileFactory(employee=user.employee)
    run = services.pay_run_calculate(actor=hr, month=APRIL, figures_for=figures({}))
    services.pay_run_check(actor=hr, run=run)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        services.pay_run_approve(actor=hr, run=run)
    notice = Notification.objects.get(user=user, kind="payroll")
    assert "給与明細が確定しました" in notice.message
    assert not any(ch.isdigit() for ch in notice.message.split("分")[1])  # no amounts
    assert mail.outbox and "300" not in mail.outbox[-1].body


def test_states_and_corrections(hr: Any, staff: dict[str, PayProfile]) -> None:
    run = services.pay_run_calculate(actor=hr, month=APRIL, figures_for=figures({}))
    with pytest.raises(Conflict):
        services.pay_run_approve(actor=hr, run=run)  # not checked yet
    again = services.pay_run_calculate(actor=hr, month=APRIL, figures_for=figures({}))
    assert not PayRun.objects.filter(pk=run.pk).exists() and again.revision == 1
    services.pay_run_check(actor=hr, run=again)
    first = services.pay_run_approve(actor=hr, run=again)
    with pytest.raises(ValidationFailed) as exc:
        services.pay_run_calculate(actor=hr, month=APRIL, figures_for=figures({}))
    assert "reason" in exc.value.errors
    staff["monthly"].base_pay = 310_000
    staff["monthly"].save()
    second = services.pay_run_calculate(
        actor=hr, month=APRIL, reason="基本給の訂正", figures_for=figures({})
    )
    assert second.revision == 2
    services.pay_run_check(actor=hr, run=second)
    services.pay_run_approve(actor=hr, run=second)
    first.refresh_from_db()
    assert first.status == PayRun.Status.SUPERSEDED
    from urakata.ledger.models import JournalEntry

    assert JournalEntry.objects.filter(reverses_id=first.journal_entry_id).exists()


def test_all_or_nothing_with_clear_messages(hr: Any, staff: dict[str, PayProfile]) -> None:
    PayItemFactory(
        profile=staff["hourly"], kind=PayItem.Kind.DEDUCTION, name="社宅", amount=200_000
    )
    open_month = MonthFigures(closed=False)
    with pytest.raises(ValidationFailed) as exc:
        services.pay_run_calculate(
            actor=hr, month=APRIL, figures_for=figures({staff["monthly"].employee_id: open_month})
        )
    assert "勤怠が締められていません" in exc.value.errors["attendance"][0]
    assert "マイナス" in exc.value.errors["net"][0]
    assert not PayRun.objects.exists() and not Payslip.objects.exists()


def test_refused_without_the_capability_and_outside_the_tables(
    make_user: Any, hr: Any, staff: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.pay_run_calculate(actor=make_user(Role.ACCOUNTING), month=APRIL)
    with pytest.raises(PermissionDenied):
        services.pay_run_calculate(actor=None, month=APRIL)
    with pytest.raises(ValidationFailed) as exc:
        services.pay_run_calculate(actor=hr, month=dt.date(2026, 12, 1))  # paid in 2027
    assert "date" in exc.value.errors


def test_attendance_domain_is_wired_through_one_function(
    hr: Any, staff: dict[str, PayProfile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the attendance app installed, its closed months and figures feed the run."""
    from urakata.payroll import attendance_inputs

    @dataclass(frozen=True)
    class AttendanceShape:  # the attendance domain's MonthFigures (extra keys are ignored)
        worked_minutes: int
        scheduled_minutes: int
        within_statutory_overtime_minutes: int
        legal_overtime_minutes: int
        overtime_over_60h_minutes: int
        late_night_minutes: int
        legal_holiday_minutes: int
        scheduled_holiday_minutes: int
        absence_days: int
        paid_leave_days: Decimal
        closed: bool = False
        worked_days: int = 0

    closed = {"value": False}
    monkeypatch.setattr(attendance_inputs, "month_is_closed", lambda **kw: closed["value"])
    monkeypatch.setattr(
        attendance_inputs,
        "attendance_source",
        lambda: (
            lambda **kw: AttendanceShape(
                9_600, 9_600, 0, 4_200, 600, 0, 0, 0, 0, Decimal("1.5"), True, 20
            )
        ),
    )
    with pytest.raises(ValidationFailed) as exc:
        services.pay_run_calculate(actor=hr, month=APRIL)
    assert "月次締め" in exc.value.errors["attendance"][0]
    closed["value"] = True
    run = services.pay_run_calculate(actor=hr, month=APRIL)
    slip = Payslip.objects.get(run=run, employee=staff["monthly"].employee)
    pay = dict(slip.lines["pay"])
    # 70 h 法定外: 60 h × 1.25 and 10 h × 1.50 on 2,000 yen an hour
    assert (pay["時間外労働手当"], pay["時間外労働手当(60時間超)"]) == (150_000, 30_000)
    assert slip.lines["attendance"]["paid_leave_days"] == "1.5"


def test_same_month_collection_and_the_formula_method(
    hr: Any, staff: dict[str, PayProfile]
) -> None:
    from urakata.payroll.services_profiles import payroll_settings_update

    payroll_settings_update(actor=hr, collection="same", tax_method="formula")
    run = services.pay_run_calculate(actor=hr, month=dt.date(2026, 2, 1), figures_for=figures({}))
    slip = Payslip.objects.get(run=run, employee=staff["monthly"].employee)
    # paid 2026-03-25: 当月徴収 deducts the March premium (new 東京 rate 9.85%, no 支援金 yet)
    assert slip.lines["insurance"]["premium_month"] == "2026-03"
    assert dict(slip.lines["deductions"])["子ども・子育て支援金"] == 0
    assert slip.lines["tax"]["method"] == "formula"
    with pytest.raises(ValidationFailed):
        payroll_settings_update(actor=hr, prefecture=48)


def test_workflow_approval_by_another_hr_member(make_user: Any, staff: Any) -> None:
    from urakata.payroll import approval
    from urakata.workflow import services as workflow_services
    from urakata.workflow.models import ApprovalRequest

    applicant = make_user(Role.HR)
    approver = make_user(Role.HR)
    run = services.pay_run_calculate(actor=applicant, month=APRIL, figures_for=figures({}))
    services.pay_run_check(actor=applicant, run=run)
    approval.pay_run_submit(actor=applicant, run=run)
    run.refresh_from_db()
    assert run.status == PayRun.Status.SUBMITTED
    request = ApprovalRequest.objects.get()
    with pytest.raises(Exception):  # noqa: B017 — 職務分掌: not the applicant
        workflow_services.request_approve(actor=applicant, request_id=request.pk)
    workflow_services.request_approve(actor=approver, request_id=request.pk)
    run.refresh_from_db()
    assert run.status == PayRun.Status.FIXED and run.journal_entry_id
