"""Demo payments for 株式会社みどり精工: accounts, and monthly paid batches with their 全銀 files.

The company pays from its 三菱UFJ account (and keeps a みずほ account for salaries). Every employee
has a payee account; suppliers have theirs. Until the expense, invoicing and payroll domains ask
for transfers themselves, the seeder creates its own requests (source "payments"): employees'
立替経費 refunds each month. The months of the open fiscal year get a batch each: made by one
accountant, approved by another through the workflow, its 全銀 file written, and marked paid
(journal posted) when its transfer date has passed; the latest stays approved, to be paid.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model

from urakata.core.audit import audit_record_many
from urakata.core.permissions import SYSTEM
from urakata.ledger import services as ledger_services
from urakata.org.models import Counterparty, Employee
from urakata.payments import batches, services, settle
from urakata.payments.kana import name_normalise
from urakata.payments.models import PayeeBankAccount, PaymentBatch
from urakata.workflow import services as workflow_services
from urakata.workflow.models import ApprovalRequest

# (bank code, bank name, branch code, branch name): real codes from the zengin-code master.
PAYEE_BRANCHES = [
    ("0001", "みずほ", "004", "丸の内中央"),
    ("0005", "三菱ＵＦＪ", "135", "渋谷"),
    ("0005", "三菱ＵＦＪ", "002", "丸の内"),
    ("0009", "三井住友", "001", "神保町"),
    ("0036", "楽天", "202", "ロック"),
    ("9900", "ゆうちょ", "018", "〇一八"),
]
MONTHS = 6


def _payee_accounts(rng: random.Random) -> int:
    """Every employee's and supplier's account, at once (one audit event each)."""
    rows = []
    for employee in Employee.objects.order_by("pk"):
        bank, bank_name, branch, branch_name = rng.choice(PAYEE_BRANCHES)
        kana = name_normalise(f"{employee.last_name_kana} {employee.first_name_kana}")
        if not kana.ok:
            continue
        rows.append(
            PayeeBankAccount(
                employee=employee,
                bank_code=bank,
                bank_name=bank_name,
                branch_code=branch,
                branch_name=branch_name,
                account_type="1",
                account_number=f"{rng.randrange(1, 10**7):07d}",
                account_holder_kana=kana.value[:30],
            )
        )
    for counterparty in Counterparty.objects.filter(is_supplier=True).order_by("pk"):
        bank, bank_name, branch, branch_name = rng.choice(PAYEE_BRANCHES[:4])
        kana = name_normalise(f"カ){counterparty.name_kana}")
        if not kana.ok:
            continue
        rows.append(
            PayeeBankAccount(
                counterparty=counterparty,
                bank_code=bank,
                bank_name=bank_name,
                branch_code=branch,
                branch_name=branch_name,
                account_type="2" if rng.random() < 0.3 else "1",
                account_number=f"{rng.randrange(1, 10**7):07d}",
                account_holder_kana=kana.value[:30],
            )
        )
    created = PayeeBankAccount.objects.bulk_create(rows)
    audit_record_many(
        actor=SYSTEM,
        entries=[
            ("payments.payee_account.save", row, {"bank_code": row.bank_code}) for row in created
        ],
    )
    return len(created)


def _company_accounts(actor: Any) -> None:
    services.company_account_save(
        actor=actor,
        data={
            "label": "三菱UFJ 渋谷(総合振込)",
            "bank_code": "0005",
            "branch_code": "135",
            "account_type": "1",
            "account_number": "1234567",
            "account_holder_kana": "カ)ミドリセイコウ",
            "consignor_code": "0012345678",
            "consignor_name_kana": "カ)ミドリセイコウ",
            "fee_same_bank": 110,
            "fee_other_bank": 330,
            "ledger_sub_account": "01",
            "is_default": True,
        },
    )
    services.company_account_save(
        actor=actor,
        data={
            "label": "みずほ 丸の内中央(給与)",
            "bank_code": "0001",
            "branch_code": "004",
            "account_type": "1",
            "account_number": "7654321",
            "account_holder_kana": "カ)ミドリセイコウ",
            "consignor_code": "0098765432",
            "consignor_name_kana": "カ)ミドリセイコウ",
            "line_ending": "none",
            "fee_same_bank": 0,
            "fee_other_bank": 220,
        },
    )


def _accountants() -> list[Any]:
    users = get_user_model().objects.filter(groups__name="accounting", is_active=True)
    return list(users.order_by("pk").distinct()[:2])


def _month_batch(
    rng: random.Random, day: dt.date, employees: list[Employee], makers: list[Any], today: dt.date
) -> PaymentBatch | None:
    """One month's 立替経費 refunds: requests, the batch, approval, file, paid."""
    maker, checker = makers
    for employee in rng.sample(employees, k=min(len(employees), rng.randint(4, 8))):
        services.payment_request_add(
            actor=SYSTEM,
            source="payments",
            source_id=day.year * 1_000_000 + day.month * 10_000 + employee.pk,
            payee_employee_id=employee.pk,
            amount=rng.randrange(1_000, 60_000, 10),
            due_date=day,
            description=f"立替経費精算 {day:%Y年%m月}分",
            liability_account_code="3150",
        )
    batch, _skipped = batches.batch_create(actor=maker, transfer_date=day)
    batches.batch_submit(actor=maker, batch_id=batch.pk)
    approval = ApprovalRequest.objects.get(
        subject_type="payments.paymentbatch", subject_id=batch.pk
    )
    workflow_services.request_approve(actor=checker, request_id=approval.pk, comment="確認済")
    settle.batch_file(actor=maker, batch_id=batch.pk)
    if day <= today:
        settle.batch_mark_paid(actor=maker, batch_id=batch.pk)
    return batch


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    """Accounts for everyone, and a refund batch per month of the open months (≤ 6)."""
    actor = SYSTEM if actor is None else actor
    _company_accounts(actor)
    accounts = _payee_accounts(rng)
    makers = _accountants()
    employees = list(
        Employee.objects.filter(status=Employee.Status.ACTIVE, payee_account__isnull=False)
    )
    made = []
    if len(makers) == 2 and employees:
        month = today.replace(day=1)
        for _ in range(MONTHS):
            month = (month - dt.timedelta(days=1)).replace(day=1)
            payday = batches.previous_business_day(month.replace(day=25))
            if ledger_services.period_is_closed(payday.year * 100 + payday.month):
                break
            made.append(_month_batch(rng, payday, employees, makers, today))
        # This month's refunds: approved with their file, to be paid on the 25th.
        payday = batches.previous_business_day(today.replace(day=25))
        if payday > today:
            made.append(_month_batch(rng, payday, employees, makers, today))
    return {"payee_accounts": accounts, "batches": len(made)}
