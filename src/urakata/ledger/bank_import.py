"""Bank and card statements: CSV import with presets, duplicate detection, rules, learned
suggestions (naive Bayes on the description), and bulk confirmation into journal entries."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.labels import labelled
from urakata.core.permissions import require
from urakata.core.schema_types import DATE_MAX, DATE_MIN, YEN_LIMIT
from urakata.core.tables import csv_records, decode_text
from urakata.ledger import bank_presets, cache, services
from urakata.ledger.models import (
    PRESELECT_CONFIDENCE,
    Account,
    BankFeed,
    BankRule,
    BankTransaction,
    JournalEntry,
    SubAccount,
    TaxCode,
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


def normalise_text(text: str) -> str:
    """NFKC, upper case, single spaces: ﾃﾞﾝｷﾀﾞｲ and デンキダイ compare equal."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    return re.sub(r"\s+", " ", text).strip()


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


# ---------------------------------------------------------------- rules and learning


def bank_rule_create(*, actor: Any, data: dict[str, Any]) -> BankRule:
    """Add an explicit rule (自動仕訳ルール); every problem is reported at once."""
    require(actor, "ledger.bank_import")
    errors: dict[str, list[str]] = {}
    name = str(data.get("name") or "").strip()
    pattern = str(data.get("pattern") or "").strip()
    match = str(data.get("match") or BankRule.Match.CONTAINS)
    if not name:
        errors.setdefault("name", []).append(_("必須です。"))
    if not pattern:
        errors.setdefault("pattern", []).append(_("必須です。"))
    if match not in BankRule.Match.values:
        errors.setdefault("match", []).append(_("contains か regex です。"))
    elif match == BankRule.Match.REGEX and pattern:
        try:
            re.compile(pattern)
        except re.error as error:
            errors.setdefault("pattern", []).append(
                _("正規表現が正しくありません: %(error)s") % {"error": error}
            )
    account = cache.account_by_code(str(data.get("account") or ""))
    if account is None:
        errors.setdefault("account", []).append(_("勘定科目がありません。"))
    tax = cache.tax_by_code(str(data["tax_code"])) if data.get("tax_code") else None
    if data.get("tax_code") and tax is None:
        errors.setdefault("tax_code", []).append(_("税区分がありません。"))
    low, high = data.get("amount_min"), data.get("amount_max")
    if low is not None and high is not None and low > high:
        errors.setdefault("amount_min", []).append(_("下限が上限を超えています。"))
    if errors or account is None:
        raise ValidationFailed(_("ルールを登録できません。"), errors=errors)
    with transaction.atomic():
        rule = BankRule.objects.create(
            name=name[:100],
            priority=int(data.get("priority") or 100),
            match=match,
            pattern=pattern[:200],
            amount_min=low,
            amount_max=high,
            account=account,
            tax_code_id=tax.id if tax else None,
            counterparty_id=data.get("counterparty_id"),
            department_id=data.get("department_id"),
        )
        audit_record(
            actor=actor,
            action="ledger.bank_rule.create",
            target=rule,
            changes={"name": name, "pattern": pattern, "match": match, "account": account.code},
        )
    return rule


def rule_match(rule: BankRule, description: str, amount: int) -> bool:
    """Does the rule apply: description contains/regex, signed amount within [min, max]?"""
    text = normalise_text(description)
    if rule.match == BankRule.Match.REGEX:
        try:
            if not re.search(rule.pattern, text, flags=re.IGNORECASE):
                return False
        except re.error:
            return False
    elif normalise_text(rule.pattern) not in text:
        return False
    if rule.amount_min is not None and amount < rule.amount_min:
        return False
    return not (rule.amount_max is not None and amount > rule.amount_max)


def features(description: str, amount: int) -> list[str]:
    """Character bigrams and words of the description, plus the direction of the money."""
    text = normalise_text(description)
    tokens = [f"w:{word}" for word in text.split()]
    compact = text.replace(" ", "")
    tokens += [f"b:{compact[i : i + 2]}" for i in range(len(compact) - 1)]
    tokens.append("dir:in" if amount > 0 else "dir:out")
    return tokens


@dataclass
class NaiveBayes:
    """Multinomial naive Bayes with Laplace smoothing; labels are suggestion tuples."""

    class_counts: Counter[str] = field(default_factory=Counter)
    token_counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    totals: Counter[str] = field(default_factory=Counter)
    vocabulary: set[str] = field(default_factory=set)

    directions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def fit(self, samples: Sequence[tuple[list[str], str]]) -> NaiveBayes:
        for tokens, label in samples:
            self.class_counts[label] += 1
            self.token_counts[label].update(tokens)
            self.totals[label] += len(tokens)
            self.vocabulary.update(tokens)
            self.directions[label].update(t for t in tokens if t.startswith("dir:"))
        return self

    def predict(self, tokens: list[str]) -> tuple[str | None, float]:
        """The most likely label and its posterior probability, among the labels seen with the
        same direction of money (an incoming transfer is never an expense)."""
        if not self.class_counts:
            return None, 0.0
        direction = next((t for t in tokens if t.startswith("dir:")), None)
        candidates = {
            label: count
            for label, count in self.class_counts.items()
            if direction is None or direction in self.directions[label]
        }
        if not candidates:
            return None, 0.0
        total = sum(candidates.values())
        size = len(self.vocabulary) + 1
        scores = {}
        for label, count in candidates.items():
            score = math.log(count / total)
            denominator = self.totals[label] + size
            counts = self.token_counts[label]
            for token in tokens:
                score += math.log((counts.get(token, 0) + 1) / denominator)
            scores[label] = score
        best = max(scores, key=scores.__getitem__)
        top = scores[best]
        norm = sum(math.exp(s - top) for s in scores.values())
        return best, 1.0 / norm


def _label(tx: BankTransaction) -> str:
    tax = tx.tax_code.code if tx.tax_code else ""
    # Department is not learned: it depends on who spent, not on the statement text.
    return f"{tx.account.code if tx.account else ''}|{tax}|{tx.counterparty_id or ''}|"


def train(transactions: Sequence[BankTransaction]) -> NaiveBayes:
    """Train on confirmed statement lines (their final account, tax, partner, department)."""
    return NaiveBayes().fit([(features(t.description, t.amount), _label(t)) for t in transactions])


# Confidence from which a suggestion is pre-selected for posting; a description never seen in
# training is capped below it (its posterior comes from shared bigrams, not from this payee).
UNSEEN_CAP = 0.5
PARTNER_CONFIDENCE = 0.85
_LEGAL_FORMS = re.compile(
    r"\(カ\)|カ\)|\(カ|\(ユ\)|ユ\)|\(ユ|\(ド\)|ド\)|\(ド|カブシキガイシヤ|カブシキガイシャ|"
    r"ユウゲンガイシヤ|ユウゲンガイシャ|ゴウドウガイシヤ|ゴウドウガイシャ|株式会社|有限会社|合同会社"
)
_TRANSFER_WORDS = re.compile(r"フリコミ|振込|ﾌﾘｺﾐ|カード|ヒキオトシ")


def payee_key(text: str) -> str:
    """A description or kana name reduced to its payee: NFKC, small kana, legal-form marks
    (カ)/(カ/株式会社 …), transfer words and spaces removed."""
    value = normalise_text(text)
    value = value.translate(str.maketrans("ァィゥェォッャュョヮ", "アイウエオツヤユヨワ"))
    value = _LEGAL_FORMS.sub("", value)
    value = _TRANSFER_WORDS.sub("", value)
    return re.sub(r"[\s・\-ー()()]", "", value)


def partner_match(
    description: str, amount: int, partners: Sequence[tuple[int, str, bool, bool]]
) -> tuple[int, str] | None:
    """(counterparty id, account) when a known 取引先's kana name is in the description:
    incoming money from a customer → 売掛金, outgoing to a supplier → 買掛金."""
    key = payee_key(description)
    if not key:
        return None
    best: tuple[int, str, int] | None = None
    for pk, kana, is_customer, is_supplier in partners:
        name = payee_key(kana)
        if len(name) < 3 or name not in key:
            continue
        if amount > 0 and is_customer:
            account = "1220"
        elif amount < 0 and is_supplier:
            account = "3120"
        else:
            continue
        if best is None or len(name) > best[2]:
            best = (pk, account, len(name))
    return (best[0], best[1]) if best else None


def _partners() -> list[tuple[int, str, bool, bool]]:
    from urakata.org.models import Counterparty

    return [
        (pk, kana, customer, supplier)
        for pk, kana, customer, supplier in Counterparty.objects.exclude(name_kana="").values_list(
            "pk", "name_kana", "is_customer", "is_supplier"
        )
    ]


def _confidence(probability: float, description: str, seen: set[str]) -> float:
    return probability if payee_key(description) in seen else min(probability, UNSEEN_CAP)


def suggestions_refresh(*, actor: Any) -> dict[str, int]:
    """Suggest an account for every open line: explicit rules first, then the learned model."""
    require(actor, "ledger.bank_import")
    rules = list(BankRule.objects.filter(is_active=True).order_by("priority", "pk"))
    confirmed = list(
        BankTransaction.objects.filter(status=BankTransaction.Status.CONFIRMED).select_related(
            "account", "tax_code"
        )
    )
    model = train(confirmed)
    chart = cache.chart()
    tax_ids = {t.code: t.id for t in chart.tax_by_code.values()}
    open_lines = list(
        BankTransaction.objects.filter(
            status__in=[BankTransaction.Status.NEW, BankTransaction.Status.SUGGESTED]
        )
    )
    counts = Counter[str]()
    seen = {payee_key(t.description) for t in confirmed}
    partners = _partners()
    for tx in open_lines:
        rule = next((r for r in rules if rule_match(r, tx.description, tx.amount)), None)
        if rule is not None:
            tx.account_id, tx.tax_code_id = rule.account_id, rule.tax_code_id
            tx.counterparty_id, tx.department_id = rule.counterparty_id, rule.department_id
            tx.suggestion_source, tx.confidence = "rule", Decimal("1.000")
            tx.status = BankTransaction.Status.SUGGESTED
            counts["rule"] += 1
            continue
        partner = partner_match(tx.description, tx.amount, partners)
        if partner is not None:
            tx.counterparty_id = partner[0]
            tx.account_id = chart.accounts_by_code[partner[1]].pk
            tx.tax_code_id = None
            tx.department_id = None
            tx.suggestion_source = "partner"
            tx.confidence = Decimal(str(PARTNER_CONFIDENCE))
            tx.status = BankTransaction.Status.SUGGESTED
            counts["partner"] += 1
            continue
        label, probability = model.predict(features(tx.description, tx.amount))
        probability = _confidence(probability, tx.description, seen)
        if label is None:
            counts["none"] += 1
            continue
        account_code, tax_code, counterparty, department = label.split("|")
        account = chart.accounts_by_code.get(account_code)
        if account is None:
            counts["none"] += 1
            continue
        tx.account_id = account.pk
        tx.tax_code_id = tax_ids.get(tax_code)
        tx.counterparty_id = int(counterparty) if counterparty else None
        tx.department_id = int(department) if department else None
        tx.suggestion_source = "learned"
        tx.confidence = Decimal(str(round(probability, 3)))
        tx.status = BankTransaction.Status.SUGGESTED
        counts["learned"] += 1
    fields = ["account", "tax_code", "counterparty", "department", "suggestion_source"]
    with transaction.atomic():
        BankTransaction.objects.bulk_update(
            open_lines, [*fields, "confidence", "status"], batch_size=500
        )
        audit_record(
            actor=actor,
            action="ledger.bank.suggest",
            target_type="ledger.banktransaction",
            changes=dict(counts),
        )
    return {
        "rule": counts["rule"],
        "partner": counts["partner"],
        "learned": counts["learned"],
        "none": counts["none"],
    }


def transactions_confirm(
    *, actor: Any, ids: Sequence[int], account: str | None = None, tax_code: str | None = None
) -> dict[str, Any]:
    """Turn suggested lines into journal entries (all or none); overrides apply to every line."""
    require(actor, "ledger.bank_import")
    errors: dict[str, list[str]] = {}
    override = cache.account_by_code(account) if account else None
    if account and override is None:
        errors.setdefault("account", []).append(
            _("勘定科目「%(account)s」がありません。") % {"account": account}
        )
    override_tax = TaxCode.objects.filter(code=tax_code).first() if tax_code else None
    if tax_code and override_tax is None:
        errors.setdefault("tax_code", []).append(
            _("税区分「%(tax_code)s」がありません。") % {"tax_code": tax_code}
        )
    posted: list[int] = []
    with transaction.atomic():
        lines = list(
            BankTransaction.objects.select_for_update(of=("self",))
            .select_related("feed__account", "feed__sub_account", "account", "tax_code")
            .filter(pk__in=ids)
            .order_by("date", "pk")
        )
        found = {tx.pk for tx in lines}
        for missing in sorted(set(ids) - found):
            errors.setdefault(str(missing), []).append(_("明細が見つかりません。"))
        for tx in lines:
            if tx.status == BankTransaction.Status.CONFIRMED:
                errors.setdefault(str(tx.pk), []).append(_("既に確定済みです。"))
                continue
            target: Account | None = override or tx.account
            if target is None:
                errors.setdefault(str(tx.pk), []).append(_("勘定科目が未設定です。"))
                continue
            if override is not None:
                tx.account = override
            if override_tax is not None:
                tx.tax_code = override_tax
            tax = tx.tax_code.code if tx.tax_code else None
            bank_line = {
                "account": tx.feed.account,
                "sub_account": tx.feed.sub_account,
                "debit" if tx.amount > 0 else "credit": abs(tx.amount),
            }
            other_line = {
                "account": target,
                "credit" if tx.amount > 0 else "debit": abs(tx.amount),
                "tax_code": tax,
                "counterparty_id": tx.counterparty_id,
                "department_id": tx.department_id,
            }
            try:
                entry = services.journal_entry_post(
                    actor=actor,
                    date=tx.date,
                    description=tx.description or "銀行明細",
                    lines=[bank_line, other_line] if tx.amount > 0 else [other_line, bank_line],
                    source=JournalEntry.Source.BANK,
                    source_ref=f"banktx:{tx.pk}",
                    tax_entry="inclusive",
                )
            except ValidationFailed as error:
                for key, messages in error.errors.items():
                    errors.setdefault(str(tx.pk), []).extend(labelled(key, messages))
                continue
            tx.entry = entry
            tx.status = BankTransaction.Status.CONFIRMED
            posted.append(entry.pk)
        if errors:
            transaction.set_rollback(True)
        else:
            BankTransaction.objects.bulk_update(
                lines, ["entry", "status", "account", "tax_code"], batch_size=500
            )
            audit_record(
                actor=actor,
                action="ledger.bank.confirm",
                target_type="ledger.banktransaction",
                changes={"ids": sorted(found), "entries": posted},
            )
    if errors:
        raise ValidationFailed(
            _("確定できない明細があるため、何も記帳しませんでした。"), errors=errors
        )
    return {"confirmed": len(posted), "entries": posted}


def suggestion_accuracy(*, holdout: float = 0.2) -> dict[str, Any]:
    """Train on the older confirmed lines, predict the newest `holdout` share, compare accounts."""
    confirmed = list(
        BankTransaction.objects.filter(status=BankTransaction.Status.CONFIRMED)
        .select_related("account", "tax_code")
        .order_by("date", "pk")
    )
    holdout = min(max(holdout, 0.05), 0.5)
    cut = int(len(confirmed) * (1 - holdout))
    train_set, test_set = confirmed[:cut], confirmed[cut:]
    if not train_set or not test_set:
        return {"train": len(train_set), "test": len(test_set), "accuracy": None}
    model = train(train_set)
    rules = list(BankRule.objects.filter(is_active=True).order_by("priority", "pk"))
    learned_hits = pipeline_hits = 0
    confident = confident_hits = 0
    for tx in test_set:
        label, probability = model.predict(features(tx.description, tx.amount))
        predicted = label.split("|")[0] if label else None
        actual = tx.account.code if tx.account else None
        learned_hits += int(predicted == actual)
        if probability >= 0.8:
            confident += 1
            confident_hits += int(predicted == actual)
        rule = next((r for r in rules if rule_match(r, tx.description, tx.amount)), None)
        if rule is not None:
            predicted = cache.chart().accounts_by_id[rule.account_id].code
        pipeline_hits += int(predicted == actual)
    return {
        "train": len(train_set),
        "test": len(test_set),
        "accuracy": round(learned_hits / len(test_set), 3),
        "pipeline_accuracy": round(pipeline_hits / len(test_set), 3),
        "confident_share": round(confident / len(test_set), 3),
        "confident_accuracy": round(confident_hits / confident, 3) if confident else None,
        "by_description": unseen_payee_accuracy(confirmed, holdout=holdout),
    }


CALIBRATION_BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))


def _held_out_payee(key: str, share: float) -> bool:
    """A fixed split by payee (SHA-256 of the payee key), chosen before any tuning."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 1000 < share * 1000


def unseen_payee_accuracy(
    confirmed: Sequence[BankTransaction], *, holdout: float = 0.2
) -> dict[str, Any]:
    """The whole suggestion pipeline (rules, 取引先 match, model with its confidence) on payees
    never seen in training: accuracy, the pre-selected share, and a calibration table."""
    train_set = [t for t in confirmed if not _held_out_payee(payee_key(t.description), holdout)]
    test_set = [t for t in confirmed if _held_out_payee(payee_key(t.description), holdout)]
    if not train_set or not test_set:
        return {"train": len(train_set), "test": len(test_set), "accuracy": None}
    model = train(train_set)
    seen = {payee_key(t.description) for t in train_set}
    rules = list(BankRule.objects.filter(is_active=True).order_by("priority", "pk"))
    partners = _partners()
    chart = cache.chart()
    outcomes: list[tuple[float, bool]] = []
    for tx in test_set:
        actual = tx.account.code if tx.account else None
        rule = next((r for r in rules if rule_match(r, tx.description, tx.amount)), None)
        partner = partner_match(tx.description, tx.amount, partners)
        predicted: str | None
        if rule is not None:
            predicted, confidence = chart.accounts_by_id[rule.account_id].code, 1.0
        elif partner is not None:
            predicted, confidence = partner[1], PARTNER_CONFIDENCE
        else:
            label, probability = model.predict(features(tx.description, tx.amount))
            predicted = label.split("|")[0] if label else None
            confidence = _confidence(probability, tx.description, seen)
        outcomes.append((confidence, predicted == actual))
    calibration = []
    for low, high in CALIBRATION_BANDS:
        band = [hit for confidence, hit in outcomes if low <= confidence < high]
        calibration.append(
            {
                "band": f"{low:.1f}–{min(high, 1.0):.1f}",
                "lines": len(band),
                "accuracy": round(sum(band) / len(band), 3) if band else None,
            }
        )
    preselected = [hit for confidence, hit in outcomes if confidence >= PRESELECT_CONFIDENCE]
    return {
        "train": len(train_set),
        "test": len(test_set),
        "train_payees": len(seen),
        "test_payees": len({payee_key(t.description) for t in test_set}),
        "accuracy": round(sum(hit for _c, hit in outcomes) / len(outcomes), 3),
        "preselected_share": round(len(preselected) / len(outcomes), 3),
        "preselected_accuracy": (
            round(sum(preselected) / len(preselected), 3) if preselected else None
        ),
        "calibration": calibration,
    }
