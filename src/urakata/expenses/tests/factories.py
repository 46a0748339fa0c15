"""Factories for claims: an employee with a manager, claims and lines, receipts as stored files."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from django.contrib.auth.models import Group

from urakata.core.files import CheckedUpload, stored_file_save
from urakata.core.models import StoredFile
from urakata.core.ocr.synth import receipt, t_number
from urakata.core.roles import Role
from urakata.expenses.models import ClaimLine, ExpenseClaim
from urakata.org.tests.factories import DepartmentFactory, EmployeeFactory, UserFactory

# A Thursday that is no holiday, in the past.
WEEKDAY = dt.date(2025, 6, 12)


def person(*roles: Role, department: Any = None, manager: Any = None) -> Any:
    """A user with roles and an employee in `department` (a new one by default)."""
    user = UserFactory()
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    EmployeeFactory(user=user, department=department or DepartmentFactory(), manager=manager)
    return user


def team() -> dict[str, Any]:
    """A department with its manager and an employee, and an accountant elsewhere."""
    boss = person(Role.EMPLOYEE, Role.MANAGER)
    department = boss.employee.department
    department.manager = boss.employee
    department.save(update_fields=["manager"])
    member = person(Role.EMPLOYEE, department=department, manager=boss.employee)
    return {"member": member, "boss": boss, "accountant": person(Role.ACCOUNTING)}


def stored_receipt(user: Any, *, seed: int = 1) -> StoredFile:
    data = receipt(random.Random(seed)).data
    checked = CheckedUpload(
        f"receipt{seed}.png", data, hashlib.sha256(data).hexdigest(), "image/png"
    )
    return stored_file_save(actor=user, checked=checked, purpose=StoredFile.Purpose.EVIDENCE)


def claim_with_line(user: Any, *, seed: int = 1, **line: Any) -> ExpenseClaim:
    """A draft claim of `user` with one expense line carrying a receipt."""
    claim = ExpenseClaim.objects.create(
        number=f"EX-T-{seed:06d}-{user.pk}",
        employee=user.employee,
        department=user.employee.department,
        title="出張",
    )
    values = {
        "date": WEEKDAY,
        "category": "supplies",
        "payee": "株式会社ミドリ商店",
        "purpose": "文具",
        "amount": 1_100,
        "registration_number": t_number(random.Random(seed)),
        "receipt": stored_receipt(user, seed=seed),
    }
    values.update(line)
    receipt_file = values["receipt"]
    made = ClaimLine.objects.create(
        claim=claim, receipt_sha256=receipt_file.sha256 if receipt_file else "", **values
    )
    claim.total = made.amount
    claim.save(update_fields=["total"])
    return claim
