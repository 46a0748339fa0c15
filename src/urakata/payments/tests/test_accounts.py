"""Bank accounts: codes checked and named from zengin-code, 名義 normalised, owners and masking."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.core.errors import NotFound, PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.org.tests.factories import CounterpartyFactory, EmployeeFactory
from urakata.payments import selectors
from urakata.payments.banks import bank_branch_check, bank_lookup, branch_lookup
from urakata.payments.models import CompanyBankAccount, PayeeBankAccount
from urakata.payments.services import company_account_save, payee_account_save

pytestmark = pytest.mark.django_db

GOOD = {
    "bank_code": "0009",
    "branch_code": "001",
    "account_type": "1",
    "account_number": "123",
    "account_holder_kana": "やまだ たろう",
}


def test_bank_and_branch_names_from_zengin_code() -> None:
    assert bank_lookup("0001") is not None and bank_lookup("0001").name == "みずほ"  # type: ignore[union-attr]
    branch = branch_lookup("0009", "001")
    assert branch is not None and (branch.name, branch.kana) == ("神保町", "ｼﾞﾝﾎﾞｳﾁﾖｳ")
    assert bank_lookup("0000") is None
    _bank, _branch, errors = bank_branch_check("0009", "999")
    assert "支店コード 999" in errors["branch_code"][0]
    _bank, _branch, errors = bank_branch_check("12a", "1")
    assert set(errors) == {"bank_code", "branch_code"}


def test_employee_sets_own_account_normalised_and_named(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    account = payee_account_save(actor=user, employee_id=user.employee.pk, data=GOOD)
    assert (account.bank_name, account.branch_name) == ("三井住友", "神保町")
    assert account.account_number == "0000123"
    assert account.account_holder_kana == "ﾔﾏﾀﾞ ﾀﾛｳ"
    event = AuditEvent.objects.filter(action="payments.payee_account.save").get()
    assert event.changes["account_number"] == [None, "****123"]  # masked in the audit chain
    found = selectors.payee_account(employee_id=user.employee.pk)
    assert found is not None and found.account_holder_kana == "ﾔﾏﾀﾞ ﾀﾛｳ"


def test_wrong_branch_and_bad_name_save_nothing(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    with pytest.raises(ValidationFailed) as error:
        payee_account_save(
            actor=user,
            employee_id=user.employee.pk,
            data={**GOOD, "branch_code": "998", "account_holder_kana": "山田・タロー"},
        )
    assert "branch_code" in error.value.errors
    assert len(error.value.errors["account_holder_kana"]) == 4  # 山, 田, ・, ー
    assert PayeeBankAccount.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="payments.").exists()


def test_others_accounts_need_accounting(make_user: Any) -> None:
    user = make_user(Role.MANAGER)
    other = EmployeeFactory()
    with pytest.raises(PermissionDenied):
        payee_account_save(actor=user, employee_id=other.pk, data=GOOD)
    with pytest.raises(NotFound):
        selectors.payee_account_for(actor=user, employee_id=other.pk)
    accountant = make_user(Role.ACCOUNTING)
    payee_account_save(actor=accountant, employee_id=other.pk, data=GOOD)
    counterparty = CounterpartyFactory()
    payee_account_save(actor=accountant, counterparty_id=counterparty.pk, data=GOOD)
    assert PayeeBankAccount.objects.count() == 2


def test_counterparty_master_account_is_the_fallback() -> None:
    counterparty = CounterpartyFactory(
        bank_code="0005", branch_code="001", account_number="7777777", account_holder_kana="ｶ)ﾃｽﾄ"
    )
    found = selectors.payee_account(counterparty_id=counterparty.pk)
    assert found is not None and found.bank_code == "0005"
    assert selectors.payee_account(counterparty_id=CounterpartyFactory().pk) is None


def test_company_accounts_one_default(make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    data = {
        **GOOD,
        "label": "A",
        "consignor_code": "0012345678",
        "consignor_name_kana": "カ)ウラカタ",
    }
    first = company_account_save(actor=accountant, data=data)
    second = company_account_save(actor=accountant, data={**data, "label": "B", "is_default": True})
    first.refresh_from_db()
    assert second.is_default and not first.is_default
    assert CompanyBankAccount.objects.filter(is_default=True).count() == 1
    with pytest.raises(ValidationFailed) as error:
        company_account_save(
            actor=accountant, data={**data, "consignor_code": "123", "fee_other_bank": "x"}
        )
    assert set(error.value.errors) == {"consignor_code", "fee_other_bank"}


def test_company_account_sub_account_must_exist(make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    data = {
        **GOOD,
        "label": "A",
        "consignor_code": "0012345678",
        "consignor_name_kana": "カ)ウラカタ",
        "ledger_sub_account": "ZZ",
    }
    with pytest.raises(ValidationFailed) as error:
        company_account_save(actor=accountant, data=data)
    assert "ZZ" in error.value.errors["ledger_sub_account"][0]
