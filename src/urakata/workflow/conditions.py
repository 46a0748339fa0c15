"""Route and step conditions: `amount >= 1000000`, `department.code == D500`, `form in a,b`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from urakata.workflow.registry import field_value

OPERATORS = ("==", "!=", ">=", "<=", ">", "<", "in", "contains")


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def _texts(value: Any) -> set[str]:
    """All the spellings a value may be compared by: a model as pk, code and name."""
    if isinstance(value, models.Model):
        spellings = {str(value.pk), str(value)}
        for attr in ("code", "name", "username"):
            if getattr(value, attr, None):
                spellings.add(str(getattr(value, attr)))
        return spellings
    return {"" if value is None else str(value)}


def condition_parse(line: str) -> tuple[dict[str, Any] | None, str]:
    """Parse `field op value`; returns (condition, error message)."""
    text = line.strip()
    if not text:
        return None, ""
    for op in (" contains ", " in ", ">=", "<=", "==", "!=", ">", "<"):
        if op in text:
            field, value = text.split(op, 1)
            field, value = field.strip(), value.strip()
            if not field or not value:
                break
            return {"field": field, "op": op.strip(), "value": value}, ""
    return None, _("条件「%(text)s」を読めません。例: amount >= 1000000") % {"text": text}


def condition_format(condition: dict[str, Any]) -> str:
    return f"{condition['field']} {condition['op']} {condition['value']}"


def lookup(values: dict[str, Any], path: str) -> tuple[bool, Any]:
    """Value of a registered field, or of a dotted path below one (`values.amount`)."""
    if path in values:
        return True, values[path]
    for key in sorted(values, key=len, reverse=True):
        if path.startswith(key + "."):
            return True, field_value(values[key], path[len(key) + 1 :])
    return False, None


def condition_matches(condition: dict[str, Any], values: dict[str, Any]) -> bool:
    """Does one condition hold for the subject's condition values? Unknown fields never match."""
    field, op, expected = condition["field"], condition["op"], condition["value"]
    found, actual = lookup(values, field)
    if not found:
        return False
    if op in (">=", "<=", ">", "<"):
        left, right = _number(actual), _number(expected)
        if left is None or right is None:
            return False
        return {
            ">=": left >= right,
            "<=": left <= right,
            ">": left > right,
            "<": left < right,
        }[op]
    spellings = _texts(actual)
    if op == "contains":
        return any(str(expected) in s for s in spellings)
    if op == "in":
        options = {part.strip() for part in str(expected).split(",")}
        return bool(spellings & options)
    left_n, right_n = _number(actual), _number(expected)
    equal = (
        left_n == right_n
        if left_n is not None and right_n is not None
        else str(expected) in spellings
    )
    return equal if op == "==" else not equal


def conditions_match(conditions: list[dict[str, Any]], values: dict[str, Any]) -> bool:
    """All conditions hold (an empty list always matches)."""
    return all(condition_matches(c, values) for c in conditions)
