"""Bank statement lines: rules, learned suggestions (naive Bayes on the description and
payee matching against the counterparty master), bulk confirmation into journal entries,
and the accuracy measures of the suggestions. Import and parsing are in ``bank_import``."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.labels import labelled
from urakata.core.permissions import require
from urakata.ledger import cache, services
from urakata.ledger.models import (
    Account,
    BankRule,
    BankTransaction,
    JournalEntry,
    TaxCode,
)

# Column-mapping presets. "amount" is a signed column; otherwise deposit/withdrawal columns.
# How an encoding is named to users ("file: cp932" meant nothing to them).


def normalise_text(text: str) -> str:
    """NFKC, upper case, single spaces: ﾃﾞﾝｷﾀﾞｲ and デンキダイ compare equal."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    return re.sub(r"\s+", " ", text).strip()


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


def _suggest_rule(tx: BankTransaction, rule: BankRule) -> None:
    tx.account_id, tx.tax_code_id = rule.account_id, rule.tax_code_id
    tx.counterparty_id, tx.department_id = rule.counterparty_id, rule.department_id
    tx.suggestion_source, tx.confidence = "rule", Decimal("1.000")
    tx.status = BankTransaction.Status.SUGGESTED


def _suggest_partner(tx: BankTransaction, partner: tuple[int, str], chart: Any) -> None:
    tx.counterparty_id = partner[0]
    tx.account_id = chart.accounts_by_code[partner[1]].pk
    tx.tax_code_id = None
    tx.department_id = None
    tx.suggestion_source = "partner"
    tx.confidence = Decimal(str(PARTNER_CONFIDENCE))
    tx.status = BankTransaction.Status.SUGGESTED


def _suggest_learned(
    tx: BankTransaction, label: str, probability: float, chart: Any, tax_ids: dict[str, int]
) -> bool:
    """Apply the model's label (account|tax code|counterparty|department); False if unusable."""
    account_code, tax_code, counterparty, department = label.split("|")
    account = chart.accounts_by_code.get(account_code)
    if account is None:
        return False
    tx.account_id = account.pk
    tx.tax_code_id = tax_ids.get(tax_code)
    tx.counterparty_id = int(counterparty) if counterparty else None
    tx.department_id = int(department) if department else None
    tx.suggestion_source = "learned"
    tx.confidence = Decimal(str(round(probability, 3)))
    tx.status = BankTransaction.Status.SUGGESTED
    return True


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
            _suggest_rule(tx, rule)
            counts["rule"] += 1
            continue
        partner = partner_match(tx.description, tx.amount, partners)
        if partner is not None:
            _suggest_partner(tx, partner, chart)
            counts["partner"] += 1
            continue
        label, probability = model.predict(features(tx.description, tx.amount))
        probability = _confidence(probability, tx.description, seen)
        if label is None:
            counts["none"] += 1
            continue
        counts[
            "learned" if _suggest_learned(tx, label, probability, chart, tax_ids) else "none"
        ] += 1
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


def _confirm_overrides(
    account: str | None, tax_code: str | None, errors: dict[str, list[str]]
) -> tuple[Account | None, TaxCode | None]:
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
    return override, override_tax


def _confirm_line(
    actor: Any,
    tx: BankTransaction,
    override: Account | None,
    override_tax: TaxCode | None,
    errors: dict[str, list[str]],
    description: str | None = None,
) -> int | None:
    """Post one line's entry (errors collected under its id); the entry's id, or None."""
    if tx.status == BankTransaction.Status.CONFIRMED:
        errors.setdefault(str(tx.pk), []).append(_("既に確定済みです。"))
        return None
    target: Account | None = override or tx.account
    if target is None:
        errors.setdefault(str(tx.pk), []).append(_("勘定科目が未設定です。"))
        return None
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
            description=description or tx.description or "銀行明細",
            lines=[bank_line, other_line] if tx.amount > 0 else [other_line, bank_line],
            source=JournalEntry.Source.BANK,
            source_ref=f"banktx:{tx.pk}",
            tax_entry="inclusive",
        )
    except ValidationFailed as error:
        for key, messages in error.errors.items():
            errors.setdefault(str(tx.pk), []).extend(labelled(key, messages))
        return None
    tx.entry = entry
    tx.status = BankTransaction.Status.CONFIRMED
    return entry.pk


DESCRIPTION_MAX = 200  # JournalEntry.description


def transactions_confirm(
    *,
    actor: Any,
    ids: Sequence[int],
    account: str | None = None,
    tax_code: str | None = None,
    descriptions: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """Turn suggested lines into journal entries (all or none); overrides apply to every line.

    `descriptions` gives the 摘要 of a line's entry (e.g. a suggested one the user accepted);
    a line without one keeps the statement text.
    """
    require(actor, "ledger.bank_import")
    errors: dict[str, list[str]] = {}
    override, override_tax = _confirm_overrides(account, tax_code, errors)
    texts = {int(pk): " ".join(str(text).split()) for pk, text in (descriptions or {}).items()}
    for pk, text in texts.items():
        if len(text) > DESCRIPTION_MAX:
            errors.setdefault(str(pk), []).append(
                _("摘要は%(max)s文字以内で入力してください。") % {"max": DESCRIPTION_MAX}
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
            entry_id = _confirm_line(actor, tx, override, override_tax, errors, texts.get(tx.pk))
            if entry_id is not None:
                posted.append(entry_id)
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
