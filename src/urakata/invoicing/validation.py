"""Cleaning invoice input: every problem reported at once (ValidationFailed errors by field)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from urakata.invoicing.calc import RATES, line_amount
from urakata.invoicing.models import Invoice, Rounding

Errors = dict[str, list[str]]
MAX_YEN = 10**13
MAX_LINES = 200


def add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _date(errors: Errors, data: Mapping[str, Any], key: str, *, required: bool) -> dt.date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            add(errors, key, _("日付を入力してください。"))
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        add(errors, key, _("日付は YYYY-MM-DD で入力してください。"))
        return None


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").replace(",", "").strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return None


def clean_lines(errors: Errors, raw_lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Lines as dicts with the computed amount; quantities must be positive."""
    if not raw_lines:
        add(errors, "lines", _("明細を1行以上入力してください。"))
    if len(raw_lines) > MAX_LINES:
        add(errors, "lines", _("明細は200行以内にしてください。"))
    cleaned = []
    for index, raw in enumerate(raw_lines[:MAX_LINES]):
        key = f"lines.{index}"
        description = str(raw.get("description") or "").strip()
        if not description:
            add(errors, f"{key}.description", _("品目を入力してください。"))
        elif len(description) > 200:
            add(errors, f"{key}.description", _("品目は200文字以内で入力してください。"))
        quantity = _decimal(raw.get("quantity", 1))
        if quantity is None or quantity <= 0 or quantity >= 10**9:
            add(errors, f"{key}.quantity", _("数量は0より大きい数で入力してください。"))
            quantity = None
        elif quantity != quantity.quantize(Decimal("0.001")):
            add(errors, f"{key}.quantity", _("数量は小数点以下3桁までです。"))
            quantity = None
        price = _int(raw.get("unit_price"))
        if price is None or abs(price) >= MAX_YEN:
            add(errors, f"{key}.unit_price", _("単価は整数(円)で入力してください。"))
            price = None
        category = str(raw.get("tax_category") or "S")
        if category not in RATES:
            add(errors, f"{key}.tax_category", _("税率は S / AA / G / E のいずれかです。"))
        unit = str(raw.get("unit") or "").strip()[:20]
        if quantity is None or price is None or category not in RATES or not description:
            continue
        amount = line_amount(quantity, price)
        if abs(amount) >= MAX_YEN:
            add(errors, f"{key}.amount", _("金額が大きすぎます。"))
            continue
        cleaned.append(
            {
                "position": index + 1,
                "description": description[:200],
                "quantity": quantity,
                "unit": unit,
                "unit_price": price,
                "amount": amount,
                "tax_category": category,
            }
        )
    return cleaned


def clean_allowances(errors: Errors, raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Document-level allowances / charges: a reason, a positive amount in yen and a rate."""
    cleaned = []
    if len(raw) > 20:
        add(errors, "allowances", _("値引き・請求は20行以内にしてください。"))
    for index, item in enumerate(raw[:20]):
        key = f"allowances.{index}"
        reason = str(item.get("reason") or "").strip()[:100]
        amount = _int(item.get("amount"))
        category = str(item.get("tax_category") or "S")
        if not reason:
            add(errors, f"{key}.reason", _("値引き・請求の理由を入力してください。"))
        if amount is None or amount <= 0 or amount >= MAX_YEN:
            add(errors, f"{key}.amount", _("金額は1円以上の整数で入力してください。"))
        if category not in RATES:
            add(errors, f"{key}.tax_category", _("税率は S / AA / G / E のいずれかです。"))
        charge = item.get("is_charge")
        is_charge = charge is True or str(charge).lower() in ("1", "true", "on", "charge")
        if reason and amount and 0 < amount < MAX_YEN and category in RATES:
            cleaned.append(
                {
                    "position": index + 1,
                    "is_charge": is_charge,
                    "reason": reason,
                    "amount": amount,
                    "tax_category": category,
                }
            )
    return cleaned


def clean_header(errors: Errors, data: Mapping[str, Any]) -> dict[str, Any]:
    """Header fields of an invoice draft."""
    kind = str(data.get("kind") or Invoice.Kind.INVOICE)
    if kind not in Invoice.Kind.values:
        add(errors, "kind", _("種類が正しくありません。"))
    rounding = str(data.get("rounding") or Rounding.FLOOR)
    if rounding not in Rounding.values:
        add(errors, "rounding", _("端数処理は floor / half_up / ceiling のいずれかです。"))
    issue_date = _date(errors, data, "issue_date", required=True)
    transaction_date = _date(errors, data, "transaction_date", required=False) or issue_date
    period_start = _date(errors, data, "period_start", required=False)
    due_date = _date(errors, data, "due_date", required=False)
    if due_date and issue_date and due_date < issue_date:
        add(errors, "due_date", _("支払期限は発行日以降の日付にしてください。"))
    if period_start and transaction_date and period_start > transaction_date:
        add(errors, "period_start", _("対象期間の開始は取引年月日以前にしてください。"))
    header = {
        "kind": kind,
        "rounding": rounding,
        "prices_include_tax": str(data.get("prices_include_tax") or "").lower()
        in ("1", "true", "on", "yes"),
        "issue_date": issue_date,
        "transaction_date": transaction_date,
        "period_start": period_start,
        "due_date": due_date,
        "recipient_name": str(data.get("recipient_name") or "").strip()[:200],
        "subject": str(data.get("subject") or "").strip()[:200],
        "notes": str(data.get("notes") or "").strip()[:2000],
    }
    return header
