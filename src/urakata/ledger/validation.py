"""Entry validation: every line checked (all problems reported), tax split, balance check."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from urakata.core.errors import ValidationFailed
from urakata.ledger import cache
from urakata.ledger.chart import UNREGISTERED_CODE
from urakata.ledger.models import Account, SubAccount
from urakata.ledger.tax import deductible, rate_on, round_yen, tax_included, tax_on

Errors = dict[str, list[str]]
INPUT_TAX_ACCOUNT = "1570"  # 仮払消費税等
OUTPUT_TAX_ACCOUNT = "3240"  # 仮受消費税等
MAX_AMOUNT = 10**15


@dataclass
class _Line:
    account: Account
    debit: int
    credit: int
    sub_account_id: int | None = None
    tax_code_id: int | None = None
    tax_amount: int | None = 0
    department_id: int | None = None
    counterparty_id: int | None = None
    memo: str = ""


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _int(value: Any) -> int | None:
    """An integer yen amount from int or digit text ("1,200" allowed); None when invalid."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if re.fullmatch(r"-?[0-9]+", text):
            return int(text)
    return None


def _optional_id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if hasattr(value, "pk"):
        return int(value.pk)
    return int(value)


def _line_account(errors: Errors, key: str, raw: Mapping[str, Any]) -> tuple[Account | None, bool]:
    ok = True
    account_ref = raw.get("account")
    account = (
        account_ref
        if isinstance(account_ref, Account)
        else cache.account_by_code(str(account_ref or "").strip())
    )
    if account is None:
        _add(
            errors,
            f"{key}.account",
            _("勘定科目「%(value)s」がありません。") % {"value": account_ref or ""},
        )
        ok = False
    elif not account.is_active:
        _add(
            errors,
            f"{key}.account",
            _("勘定科目「%(name)s」は使用停止中です。") % {"name": account.name},
        )
        ok = False
    return account, ok


def _line_amounts(
    errors: Errors, key: str, raw: Mapping[str, Any]
) -> tuple[int | None, int | None, bool]:
    ok = True
    debit, credit = _int(raw.get("debit")), _int(raw.get("credit"))
    if debit is None or credit is None or debit < 0 or credit < 0:
        _add(errors, f"{key}.amount", _("金額は0以上の整数(円)で入力してください。"))
        ok = False
    elif (debit > 0) == (credit > 0):
        _add(errors, f"{key}.amount", _("借方か貸方のどちらか一方に金額を入力してください。"))
        ok = False
    elif max(debit, credit) >= MAX_AMOUNT:
        _add(errors, f"{key}.amount", _("金額が大きすぎます。"))
        ok = False
    return debit, credit, ok


def _line_sub_account(
    errors: Errors, key: str, raw: Mapping[str, Any], account: Account | None
) -> tuple[int | None, bool]:
    ok = True
    sub_id = None
    if raw.get("sub_account") and account is not None:
        sub_ref = raw["sub_account"]
        sub_id = (
            sub_ref.pk
            if isinstance(sub_ref, SubAccount)
            else cache.sub_account_id(account.pk, str(sub_ref))
        )
        if sub_id is not None and sub_id in cache.chart().inactive_sub_account_ids:
            _add(
                errors,
                f"{key}.sub_account",
                _("補助科目「%(sub_ref)s」は使用停止中です。") % {"sub_ref": sub_ref},
            )
            ok = False
        elif sub_id is None or cache.chart().sub_account_ids.get(sub_id) != account.pk:
            _add(
                errors,
                f"{key}.sub_account",
                _("補助科目「%(sub_ref)s」がありません。") % {"sub_ref": sub_ref},
            )
            ok = False
    return sub_id, ok


def _line_tax_code(errors: Errors, key: str, raw: Mapping[str, Any]) -> tuple[int | None, bool]:
    ok = True
    tax_id = None
    if raw.get("tax_code"):
        tax = cache.tax_by_code(str(raw["tax_code"]))
        if tax is None:
            _add(
                errors,
                f"{key}.tax_code",
                _("税区分「%(tax_code)s」がありません。") % {"tax_code": raw["tax_code"]},
            )
            ok = False
        else:
            tax_id = tax.id
    return tax_id, ok


def _clean_line(
    errors: Errors, index: int, raw: Mapping[str, Any], day: dt.date | None
) -> _Line | None:
    key = f"lines.{index}"
    account, ok_account = _line_account(errors, key, raw)
    debit, credit, ok_amounts = _line_amounts(errors, key, raw)
    sub_id, ok_sub = _line_sub_account(errors, key, raw, account)
    tax_id, ok_tax = _line_tax_code(errors, key, raw)
    ok = ok_account and ok_amounts and ok_sub and ok_tax
    tax_amount = _int(raw.get("tax_amount"))
    if tax_amount is None or tax_amount < 0 or tax_amount >= MAX_AMOUNT:
        _add(errors, f"{key}.tax_amount", _("消費税額は0以上の整数で入力してください。"))
        ok = False
    memo = str(raw.get("memo") or "")
    if len(memo) > 200:
        _add(errors, f"{key}.memo", _("メモは200文字以内で入力してください。"))
        ok = False
    try:
        department_id = _optional_id(raw.get("department_id") or raw.get("department"))
        counterparty_id = _optional_id(raw.get("counterparty_id") or raw.get("counterparty"))
    except (TypeError, ValueError):
        _add(errors, key, _("部門・取引先の指定が正しくありません。"))
        return None
    if not ok or account is None or debit is None or credit is None:
        return None
    return _Line(
        account=account,
        debit=debit,
        credit=credit,
        sub_account_id=sub_id,
        tax_code_id=tax_id,
        tax_amount=None if raw.get("tax_amount") in (None, "") else tax_amount,
        department_id=department_id,
        counterparty_id=counterparty_id,
        memo=memo,
    )


SMALL_AMOUNT_LIMIT = 10_000  # 少額特例: a purchase under ¥10,000 (tax included)
SMALL_AMOUNT_UNTIL = dt.date(2029, 9, 30)
INVOICE_START = dt.date(2023, 10, 1)


def registered_counterparties(counterparty_ids: set[int], day: dt.date) -> set[int]:
    """The counterparties registered as 適格請求書発行事業者 on `day`.

    A counterparty with `InvoiceRegistration` rows is registered while one of them covers the
    day; one without rows counts as registered when its master carries a 登録番号.
    """
    from urakata.ledger.models import InvoiceRegistration
    from urakata.org.models import Counterparty

    if not counterparty_ids:
        return set()
    periods: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for cp_id, valid_from, valid_to in InvoiceRegistration.objects.filter(
        counterparty_id__in=counterparty_ids
    ).values_list("counterparty_id", "valid_from", "valid_to"):
        periods.setdefault(cp_id, []).append((valid_from, valid_to))
    found = {
        cp_id
        for cp_id, spans in periods.items()
        if any(start <= day and (end is None or day <= end) for start, end in spans)
    }
    without_rows = counterparty_ids - set(periods)
    if without_rows:
        found |= set(
            Counterparty.objects.filter(pk__in=without_rows)
            .exclude(registration_number="")
            .values_list("pk", flat=True)
        )
    return found


def _exact_tax(amount: int, rate: Decimal, mode: str) -> Decimal:
    return Decimal(amount) * rate / (1 + rate) if mode == "inclusive" else Decimal(amount) * rate


def _typed_tax_ok(given: int, exact: Decimal) -> bool:
    """A typed tax may differ from the line's own tax by the rounding of its invoice (±1 yen)."""
    return int(exact) - 1 <= given <= int(exact) + 2


def _pick_code(
    chart: cache.ChartCache,
    info: cache.TaxInfo,
    line: _Line,
    day: dt.date,
    mode: str,
    registered: set[int],
) -> cache.TaxInfo:
    """インボイス: a registered purchase code becomes its 経過措置 code when the counterparty is
    not registered on the day (unless the 少額特例 covers the purchase)."""
    target = UNREGISTERED_CODE.get(info.code)
    if target is None or line.counterparty_id is None or day < INVOICE_START:
        return info
    if line.counterparty_id in registered:
        return info
    if chart.small_amount_exception and day <= SMALL_AMOUNT_UNTIL:
        rate, _ratio = rate_on(info.rates, day)
        amount = line.debit or line.credit
        gross = amount if mode == "inclusive" else amount + tax_on(amount, rate, chart.rounding)
        if gross < SMALL_AMOUNT_LIMIT:
            return info
    found = chart.tax_by_code.get(target)
    if found is None:
        return info
    line.tax_code_id = found.id
    return found


def _apply_tax(errors: Errors, lines: list[_Line], day: dt.date, mode: str) -> list[_Line]:
    """税抜経理: split the tax of taxable lines onto 仮払/仮受消費税等 lines on the same side.

    inclusive: the line amount includes tax, the split tax is taken out of it; exclusive: the line
    amount is net and the tax is added as its own line. For purchases only the creditable part
    (経過措置 ratio, chosen by the counterparty's registration on the day) is split off; the rest
    stays in the expense. A typed tax_amount is the document's tax: it must match the line
    (±1 yen of rounding) and the creditable part of it is split off. mode "none" records tax
    amounts as given and adds no lines (reversals, imports of already-split books).
    """
    chart = cache.chart()
    tax_lines: dict[tuple[str, str, int | None], int] = {}
    registered: set[int] | None = None
    for index, line in enumerate(lines):
        given = line.tax_amount
        line.tax_amount = given or 0
        if line.tax_code_id is None or mode == "none":
            continue
        info = chart.tax_by_id[line.tax_code_id]
        if info.treatment != "taxable" or info.kind == "none":
            continue
        if info.kind == "purchase" and info.code in UNREGISTERED_CODE:
            if registered is None:
                registered = registered_counterparties(
                    {x.counterparty_id for x in lines if x.counterparty_id}, day
                )
            info = _pick_code(chart, info, line, day, mode, registered)
        rate, ratio = rate_on(info.rates, day)
        amount = line.debit or line.credit
        if given is not None:
            exact = _exact_tax(amount, rate, mode)
            if not _typed_tax_ok(given, exact):
                _add(
                    errors,
                    f"lines.{index}.tax_amount",
                    _(
                        "消費税額 %(given)s 円は金額 %(amount)s 円(税率 %(rate)s%%・%(mode)s)"
                        "の税額 %(expected)s 円と合いません。"
                    )
                    % {
                        "given": format(given, ","),
                        "amount": format(amount, ","),
                        "rate": int(rate * 100),
                        "mode": _("税込") if mode == "inclusive" else _("税抜"),
                        "expected": format(round_yen(exact, chart.rounding), ","),
                    },
                )
                continue
            tax = given
        elif mode == "inclusive":
            tax = tax_included(amount, rate, chart.rounding)
        else:
            tax = tax_on(amount, rate, chart.rounding)
        split = deductible(tax, ratio, chart.rounding) if info.kind == "purchase" else tax
        adjust = -split if mode == "inclusive" else tax - split
        if line.debit:
            line.debit += adjust
            side = "debit"
        else:
            line.credit += adjust
            side = "credit"
        line.tax_amount = split
        if split:
            target = INPUT_TAX_ACCOUNT if info.kind == "purchase" else OUTPUT_TAX_ACCOUNT
            key = (target, side, line.department_id)
            tax_lines[key] = tax_lines.get(key, 0) + split
    extra_lines = []
    for (code, side, department_id), amount in tax_lines.items():
        account = chart.accounts_by_code[code]
        debit, credit = (amount, 0) if side == "debit" else (0, amount)
        extra_lines.append(_Line(account, debit, credit, department_id=department_id))
    return lines + extra_lines


def _check_references(errors: Errors, lines: list[_Line]) -> None:
    department_ids = {line.department_id for line in lines if line.department_id}
    counterparty_ids = {line.counterparty_id for line in lines if line.counterparty_id}
    if not department_ids and not counterparty_ids:
        return
    missing_departments, missing_counterparties = cache.missing_references(
        department_ids, counterparty_ids
    )
    for missing in sorted(missing_departments):
        _add(errors, "department", _("部門 %(missing)s がありません。") % {"missing": missing})
    for missing in sorted(missing_counterparties):
        _add(errors, "counterparty", _("取引先 %(missing)s がありません。") % {"missing": missing})


def journal_entry_validate(
    *,
    date: dt.date | None,
    description: str,
    lines: Sequence[Mapping[str, Any]],
    tax_entry: str | None = None,
) -> list[_Line]:
    """Check an entry and expand its tax lines; raises ValidationFailed with every problem."""
    errors: Errors = {}
    cache.chart_fresh()  # see renames and deactivations made by other processes
    if not isinstance(date, dt.date):
        _add(errors, "date", _("取引日を入力してください。"))
        date = None
    description = (description or "").strip()
    if not description:
        _add(errors, "description", _("摘要を入力してください。"))
    elif len(description) > 200:
        _add(errors, "description", _("摘要は200文字以内で入力してください。"))
    mode = tax_entry or cache.chart().tax_entry
    if mode not in ("inclusive", "exclusive", "none"):
        _add(errors, "tax_entry", _("入力方式は inclusive / exclusive / none のいずれかです。"))
    if len(lines) < 2:
        _add(errors, "lines", _("仕訳には2行以上の明細が必要です。"))
    if len(lines) > 500:
        _add(errors, "lines", _("明細は500行以内にしてください。"))
    cleaned = [_clean_line(errors, index, raw, date) for index, raw in enumerate(lines[:500])]
    if errors or date is None:
        raise ValidationFailed(
            _("仕訳を登録できません。入力内容を確認してください。"), errors=errors
        )
    expanded = _apply_tax(errors, [line for line in cleaned if line is not None], date, mode)
    debit = sum(line.debit for line in expanded)
    credit = sum(line.credit for line in expanded)
    if debit != credit:
        _add(
            errors,
            "__all__",
            _("借方合計 %(debit)s 円と貸方合計 %(credit)s 円が一致しません(差額 %(value)s 円)。")
            % {
                "debit": format(debit, ","),
                "credit": format(credit, ","),
                "value": format(debit - credit, ","),
            },
        )
    for index, line in enumerate(expanded):
        if line.debit < 0 or line.credit < 0 or (line.debit == 0 and line.credit == 0):
            _add(errors, f"lines.{index}.amount", _("税額を差し引くと金額が0以下になります。"))
    _check_references(errors, expanded)
    if errors:
        raise ValidationFailed(
            _("仕訳を登録できません。入力内容を確認してください。"), errors=errors
        )
    return expanded
