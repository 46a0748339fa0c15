"""Payroll factories: a pay master for an employee."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from urakata.org.tests.factories import EmployeeFactory
from urakata.payroll.models import PayItem, PayProfile, ResidentTax


class PayProfileFactory(factory.django.DjangoModelFactory[PayProfile]):
    class Meta:
        model = PayProfile

    employee = factory.SubFactory(EmployeeFactory, hire_date=dt.date(2020, 4, 1))
    pay_type = PayProfile.PayType.MONTHLY
    base_pay = 300_000
    scheduled_hours = Decimal("160")
    scheduled_days = Decimal("20")
    declaration_submitted = True
    health_grade = 22
    birth_date = dt.date(1990, 1, 15)
    municipality = "東京都渋谷区"


class PayItemFactory(factory.django.DjangoModelFactory[PayItem]):
    class Meta:
        model = PayItem

    profile = factory.SubFactory(PayProfileFactory)
    kind = PayItem.Kind.ALLOWANCE
    name = factory.Sequence(lambda n: f"手当{n}")
    amount = 10_000


class ResidentTaxFactory(factory.django.DjangoModelFactory[ResidentTax]):
    class Meta:
        model = ResidentTax

    profile = factory.SubFactory(PayProfileFactory)
    fiscal_year = 2025
    june_amount = 15_800
    monthly_amount = 15_000
