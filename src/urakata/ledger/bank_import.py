"""Bank and card statements: CSV import with presets, statement parsing and duplicate detection.

Rules, learned suggestions (naive Bayes on the description) and bulk confirmation into journal
entries are in ``bank_suggestions``, their accuracy measures in ``bank_accuracy``; their names
are re-exported here for existing callers."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.core.schema_types import DATE_MAX, DATE_MIN, YEN_LIMIT
from urakata.core.tables import csv_records, decode_text
from urakata.ledger import bank_presets, cache
from urakata.ledger.bank_accuracy import CALIBRATION_BANDS as CALIBRATION_BANDS
from urakata.ledger.bank_accuracy import _held_out_payee as _held_out_payee
from urakata.ledger.bank_accuracy import suggestion_accuracy as suggestion_accuracy
from urakata.ledger.bank_accuracy import unseen_payee_accuracy as unseen_payee_accuracy
from urakata.ledger.bank_suggestions import (
    PARTNER_CONFIDENCE as PARTNER_CONFIDENCE,
)
from urakata.ledger.bank_suggestions import (
    UNSEEN_CAP as UNSEEN_CAP,
)
from urakata.ledger.bank_suggestions import (
    NaiveBayes as NaiveBayes,
)
from urakata.ledger.bank_suggestions import (
    bank_rule_create as bank_rule_create,
)
from urakata.ledger.bank_suggestions import (
    features as features,
)
from urakata.ledger.bank_suggestions import (
    normalise_text as normalise_text,
)
from urakata.ledger.bank_suggestions import (
    partner_match as partner_match,
)
from urakata.ledger.bank_suggestions import (
    payee_key as payee_key,
)
from urakata.ledger.bank_suggestions import (
    rule_match as rule_match,
)
from urakata.ledger.bank_suggestions import (
    suggestions_refresh as suggestions_refresh,
)
from urakata.ledger.bank_suggestions import (
    train as train,
)
from urakata.ledger.bank_suggestions import (
    transactions_confirm as transactions_confirm,
)
from urakata.ledger.models import (
    BankFeed,
    BankTransaction,
    SubAccount,
)

# How an encoding is named to users ("file: cp932" meant nothing to them).
ENCODING_NAMES = {"cp932": "Shift_JIS", "shift_jis": "Shift_JIS", "utf-8-sig": "UTF-8"}

PRESETS: dict[str, dict[str, Any]] = {  # "amount": one signed column, else 入金/出金
    "generic": {
        "label": "汎用(日付・摘要・入金・出金・残高)",
        "encoding": "utf-8-sig",
        "date": "日付",
        "description": "摘要",
        "deposit": "入金",
        "withdrawal": "出金",
        "balance": "残高",
    },
    "mufg": {
        "label": "三菱UFJ銀行 入出金明細",
        "encoding": "cp932",
        "date": "日付",
        "description": ["摘要", "摘要内容"],
        "deposit": "預かり金額",
        "withdrawal": "支払い金額",
        "balance": "差引残高",
    },
    "signed": {
        "label": "符号付き金額(date, description, amount, balance)",
        "encoding": "utf-8-sig",
        "date": "date",
        "description": "description",
        "amount": "amount",
        "balance": "balance",
    },
    "card": {
        "label": "法人カード利用明細(利用日・利用店名・利用金額)",
        "encoding": "cp932",
        "date": "利用日",
        "description": "利用店名",
        "amount": "利用金額",
        "negate": True,  # card lines are spending: withdrawals
    },
}
PRESETS.update(bank_presets.BANK_PRESETS)  # named banks and card issuers


# 和暦: era name or letter → the Western year of its year 1 (元年).
_ERAS = {"令和": 2019, "R": 2019, "平成": 1989, "H": 1989, "昭和": 1926, "S": 1926}


def _parse_date(text: str) -> dt.date | None:
    """2025/05/01, 2025-5-1, 2025年5月1日, 20250501, and 和暦 R7.5.1 / R07/05/01 / 令和7年5月1日;
    None for anything else and for dates outside 1900–2100."""
    day = _parse_any_date(text)
    return day if day is not None and DATE_MIN <= day <= DATE_MAX else None


def _parse_any_date(text: str) -> dt.date | None:
    text = unicodedata.normalize("NFKC", text or "").strip().upper()
    try:
        match = re.fullmatch(r"(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?", text)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if re.fullmatch(r"\d{8}", text):
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        match = re.fullmatch(
            r"(令和|平成|昭和|[RHS])(\d{1,2}|元)[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?", text
        )
        if match:
            year = 1 if match[2] == "元" else int(match[2])
            return dt.date(_ERAS[match[1]] + year - 1, int(match[3]), int(match[4]))
    except ValueError:
        return None
    return None


def _balance_errors(rows: Sequence[ParsedRow]) -> dict[str, list[str]]:
    """When the statement carries a running balance, each row's balance must be the previous
    one plus its amount (in file order, or newest-first order)."""

    def problems(ordered: Sequence[ParsedRow]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for before, row in itertools.pairwise(ordered):
            if before.balance is None or row.balance is None:
                continue
            if before.balance + row.amount != row.balance:
                found.setdefault(f"row {row.row}", []).append(
                    _(
                        "残高 %(balance)s 円が前の行の残高 %(before)s 円と金額 %(amount)s 円に合いません。"
                    )
                    % {
                        "balance": format(row.balance, ","),
                        "before": format(before.balance, ","),
                        "amount": format(row.amount, ","),
                    }
                )
        return found

    forward = problems(rows)
    if forward and not problems(list(reversed(rows))):
        return {}
    return forward


def _parse_amount(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text or "").strip()
    text = text.replace(",", "").replace("¥", "").replace("円", "").replace(" ", "")
    if not text:
        return 0
    # At most 16 digits, then below 10^15 yen: a longer number is a broken cell, not an amount
    # (and 2^63 would overflow the BIGINT column).
    if re.fullmatch(r"[-+]?\d{1,16}", text) and abs(int(text)) <= YEN_LIMIT:
        return int(text)
    return None


@dataclass
class ParsedRow:
    row: int
    date: dt.date
    description: str
    amount: int
    balance: int | None


def parse_statement(data: bytes, preset: str) -> tuple[list[ParsedRow], dict[str, list[str]]]:
    """Rows of a statement CSV by preset, with every bad row reported."""
    spec = PRESETS.get(preset)
    if spec is None:
        raise ValidationFailed(_("CSV形式が正しくありません。"), errors={"preset": [preset]})
    records = csv_records(decode_text(data))
    fieldnames = [name.strip() for name in next(records, [])]
    headers = set(fieldnames)
    wanted = [spec["date"]]
    wanted += (
        spec["description"] if isinstance(spec["description"], list) else [spec["description"]]
    )
    wanted += [spec["amount"]] if "amount" in spec else [spec["deposit"], spec["withdrawal"]]
    missing = [name for name in wanted if name not in headers]
    if missing:
        raise ValidationFailed(
            _("CSVの見出しがプリセットと一致しません。"),
            errors={"header": [_("必要な列: %(value)s") % {"value": ", ".join(missing)}]},
        )
    rows: list[ParsedRow] = []
    errors: dict[str, list[str]] = {}
    for number, cells in enumerate(records, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        record = dict(zip(fieldnames, cells, strict=False))
        key = f"row {number}"
        day = _parse_date(record.get(spec["date"], ""))
        if day is None:
            errors.setdefault(key, []).append(
                _("日付「%(value)s」を読めません。") % {"value": record.get(spec["date"])}
            )
        parts = (
            spec["description"] if isinstance(spec["description"], list) else [spec["description"]]
        )
        description = " ".join((record.get(p) or "").strip() for p in parts).strip()
        if "amount" in spec:
            amount = _parse_amount(record.get(spec["amount"], ""))
            if amount is not None and spec.get("negate"):
                amount = -amount
        else:
            deposit = _parse_amount(record.get(spec["deposit"], ""))
            withdrawal = _parse_amount(record.get(spec["withdrawal"], ""))
            amount = None if deposit is None or withdrawal is None else deposit - withdrawal
        if amount is None or amount == 0:
            errors.setdefault(key, []).append(_("金額を読めません(0円の行も不可)。"))
        balance = (
            _parse_amount(record.get(spec.get("balance", ""), "") or "")
            if spec.get("balance")
            else None
        )
        if day is not None and amount:
            rows.append(
                ParsedRow(number, day, description[:200], amount, balance if balance else None)
            )
    for key, problems in _balance_errors(rows).items():
        errors.setdefault(key, []).extend(problems)
    return rows, errors


def _fingerprint(feed_id: int, row: ParsedRow, occurrence: int) -> str:
    raw = f"{feed_id}|{row.date}|{row.amount}|{normalise_text(row.description)}|{row.balance}|{occurrence}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def bank_feed_create(
    *, actor: Any, name: str, account_code: str, sub_account_code: str = "", preset: str = "generic"
) -> BankFeed:
    """Register a bank or card account whose statements are imported."""
    require(actor, "ledger.bank_import")
    errors: dict[str, list[str]] = {}
    account = cache.account_by_code(account_code)
    if account is None:
        errors.setdefault("account", []).append(
            _("勘定科目「%(account_code)s」がありません。") % {"account_code": account_code}
        )
    sub = None
    if account is not None and sub_account_code:
        sub = SubAccount.objects.filter(account=account, code=sub_account_code).first()
        if sub is None:
            errors.setdefault("sub_account", []).append(_("補助科目がありません。"))
    if preset not in PRESETS:
        errors.setdefault("preset", []).append(_("CSV形式が正しくありません。"))
    if not name.strip() or BankFeed.objects.filter(name=name.strip()).exists():
        errors.setdefault("name", []).append(_("名称が空か、既に使われています。"))
    if errors or account is None:
        raise ValidationFailed(_("口座を登録できません。"), errors=errors)
    with transaction.atomic():
        feed = BankFeed.objects.create(
            name=name.strip(), account=account, sub_account=sub, preset=preset
        )
        audit_record(
            actor=actor,
            action="ledger.bank_feed.create",
            target=feed,
            changes={"name": feed.name, "account": account_code, "preset": preset},
        )
    return feed


def statement_import(*, actor: Any, feed_name: str, preset: str, data: bytes) -> dict[str, Any]:
    """Import a statement atomically: all rows or none; duplicates (already imported) skipped."""
    require(actor, "ledger.bank_import")
    feed = BankFeed.objects.filter(name=feed_name).first()
    if feed is None:
        raise ValidationFailed(_("口座が見つかりません。"), errors={"feed": [feed_name]})
    rows, errors = parse_statement(data, preset or feed.preset)
    if errors:
        raise ValidationFailed(
            _("%(value)s行に誤りがあるため、取り込みませんでした。") % {"value": len(errors)},
            errors=errors,
        )
    seen: Counter[tuple[Any, ...]] = Counter()
    candidates = []
    for row in rows:
        key = (row.date, row.amount, normalise_text(row.description), row.balance)
        candidates.append((row, _fingerprint(feed.pk, row, seen[key])))
        seen[key] += 1
    existing = set(
        BankTransaction.objects.filter(
            feed=feed, fingerprint__in=[fp for _row, fp in candidates]
        ).values_list("fingerprint", flat=True)
    )
    new = [
        BankTransaction(
            feed=feed,
            date=row.date,
            description=row.description,
            amount=row.amount,
            balance=row.balance,
            fingerprint=fp,
        )
        for row, fp in candidates
        if fp not in existing
    ]
    with transaction.atomic():
        BankTransaction.objects.bulk_create(new, batch_size=1000)
        audit_record(
            actor=actor,
            action="ledger.bank.import",
            target=feed,
            changes={"rows": len(rows), "imported": len(new), "duplicates": len(rows) - len(new)},
        )
    return {"rows": len(rows), "imported": len(new), "duplicates": len(rows) - len(new)}


def transaction_list(*, actor: Any, status: str = "") -> QuerySet[BankTransaction]:
    """Statement lines, oldest first, with their suggestion."""
    require(actor, "ledger.view")
    queryset = BankTransaction.objects.select_related("account", "tax_code", "feed")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("date", "pk")
