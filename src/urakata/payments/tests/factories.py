"""Payments test factories: company and payee accounts with real zengin codes, requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from urakata.org.tests.factories import CounterpartyFactory, EmployeeFactory
from urakata.payments.models import CompanyBankAccount, PayeeBankAccount, PaymentRequest


class CompanyBankAccountFactory(factory.django.DjangoModelFactory[CompanyBankAccount]):
    class Meta:
        model = CompanyBankAccount

    label = factory.Sequence(lambda n: f"みずほ 東京営業部 {n}")
    bank_code = "0001"
    bank_name = "みずほ"
    branch_code = "001"
    branch_name = "東京営業部"
    account_type = "1"
    account_number = factory.Sequence(lambda n: f"{1234000 + n:07d}")
    account_holder_kana = "ｶ)ｳﾗｶﾀ"
    consignor_code = "1234567890"
    consignor_name_kana = "ｶ)ｳﾗｶﾀ"
    fee_same_bank = 110
    fee_other_bank = 330
    is_default = factory.Sequence(lambda n: n == 0)


class PayeeBankAccountFactory(factory.django.DjangoModelFactory[PayeeBankAccount]):
    class Meta:
        model = PayeeBankAccount

    employee = factory.SubFactory(EmployeeFactory)
    bank_code = "0009"
    bank_name = "三井住友"
    branch_code = "001"
    branch_name = "神保町"
    account_type = "1"
    account_number = factory.Sequence(lambda n: f"{7654000 + n:07d}")
    account_holder_kana = "ﾔﾏﾀﾞ ﾀﾛｳ"


class PaymentRequestFactory(factory.django.DjangoModelFactory[PaymentRequest]):
    class Meta:
        model = PaymentRequest

    source = "payments"
    source_id = factory.Sequence(lambda n: n + 1)
    payee_employee = factory.SubFactory(EmployeeFactory)
    amount = 12_345
    due_date = dt.date(2026, 12, 10)
    description = "立替経費"
    kind = "transfer"
    liability_account_code = "3150"


def employee_with_account(**kwargs: Any) -> Any:
    """An employee with a payee account (kwargs go to the account)."""
    return PayeeBankAccountFactory(**kwargs).employee


def counterparty_with_account(**kwargs: Any) -> Any:
    counterparty = CounterpartyFactory(is_supplier=True)
    PayeeBankAccountFactory(employee=None, counterparty=counterparty, **kwargs)
    return counterparty
