"""Template helpers for assistant pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """`{{ inquiry.asked_by|person }}`: family name first (姓 名), as Japanese pages write names."""
    if user is None:
        return ""
    try:
        employee = user.employee
    except ObjectDoesNotExist:
        employee = None
    if employee is not None:
        return f"{employee.last_name} {employee.first_name}".strip()
    name = f"{user.last_name} {user.first_name}".strip()
    return name or str(user.get_username())
