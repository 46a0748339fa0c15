"""factory_boy factories for the org master (used by tests and benchmarks)."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import User
from stdnum.jp import cn as corporate_number_std

from urakata.org.models import Company, Counterparty, Department, Employee, Position


def valid_corporate_number(n: int) -> str:
    base = f"{n % 10**12:012d}"
    return corporate_number_std.calc_check_digit(base) + base


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.jp")
    password = factory.django.Password("pass-word-123")


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"部署{n}")


class PositionFactory(factory.django.DjangoModelFactory[Position]):
    class Meta:
        model = Position

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Sequence(lambda n: f"役職{n}")
    rank = 10


class EmployeeFactory(factory.django.DjangoModelFactory[Employee]):
    class Meta:
        model = Employee

    code = factory.Sequence(lambda n: f"T{n:05d}")
    last_name = "山田"
    first_name = factory.Sequence(lambda n: f"太郎{n}")
    last_name_kana = "ヤマダ"
    first_name_kana = "タロウ"
    email = factory.LazyAttribute(lambda e: f"{e.code.lower()}@example.jp")
    department = factory.SubFactory(DepartmentFactory)
    position = factory.SubFactory(PositionFactory)
    hire_date = dt.date(2020, 4, 1)


class CounterpartyFactory(factory.django.DjangoModelFactory[Counterparty]):
    class Meta:
        model = Counterparty

    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    name_kana = "テスト"
    corporate_number = factory.Sequence(lambda n: valid_corporate_number(n + 1000))
    registration_number = factory.LazyAttribute(lambda c: f"T{c.corporate_number}")
    is_customer = True


class CompanyFactory(factory.django.DjangoModelFactory[Company]):
    class Meta:
        model = Company

    name = "株式会社テスト"
    corporate_number = "7123456789012"
