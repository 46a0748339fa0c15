"""Bank-suggestion accuracy on payees never seen in training, from the 取引先 master.

The demo's bank lines have too few payees to say how suggestions behave on a new one. This
module writes a held-out set of bank lines from the counterparty master instead: for every
取引先 whose kana name appears in no confirmed bank line (so the model never saw it), the lines a
bank would print for it — half-width kana with ﾌﾘｺﾐ and ｶ) as a transfer shows it, small kana
written large (ｼﾖｳｼﾞ), cut to 30 half-width characters as passbooks do, and a full-width variant
— with the account the line should go to: money in from a customer → 売掛金 (1220), money out
to a supplier → 買掛金 (3120). The set and its expected accounts were fixed before any tuning;
the suggestion pipeline (rules, 取引先 match, learned model with its confidence cap) is then
trained on every confirmed line and scored on the set, with a calibration table.

The expected accounts follow the same business rule the 取引先 match encodes, so this measures
whether bank-style spellings of new payees are recognised and whether anything wrong is
pre-selected — not an independent labelling by an accountant. Beside them, `HANDWRITTEN` holds
bank lines of payees outside the master (utilities, rent, taxes, carriers) with the account an
accountant would book, also written before tuning: those reach the learned model, whose
confidence on an unseen payee is capped, so they show whether it generalises at all.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from urakata.ledger import bank_import, bank_suggestions, cache
from urakata.ledger.models import PRESELECT_CONFIDENCE, BankRule, BankTransaction

PASSBOOK_WIDTH = 30
_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮ", "アイウエオツヤユヨワ")


def _half_width_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code in range(0xFF61, 0xFFA0):
        half = chr(code)
        full = unicodedata.normalize("NFKC", half)
        if len(full) == 1:
            table.setdefault(full, half)
    table["\u3099"] = "ﾞ"  # combining voiced marks, after NFD
    table["\u309a"] = "ﾟ"
    table["　"] = " "
    return table


_HALF = _half_width_table()


def bank_kana(text: str) -> str:
    """Katakana as a bank prints it: half-width, voiced marks apart, small kana large."""
    decomposed = unicodedata.normalize("NFD", text.translate(_SMALL_TO_LARGE))
    return "".join(_HALF.get(char, char) for char in decomposed)


@dataclass(frozen=True)
class HeldOutLine:
    description: str
    amount: int
    expected: str  # account code
    counterparty_id: int | None  # None for a hand-written line
    kind: str = "master"  # master | handwritten


# Payees outside the demo's bank lines and master, as a bank prints them, with their account.
HANDWRITTEN: list[tuple[str, int, str]] = [
    ("ﾃﾞﾝﾜﾘﾖｳ NTTﾋｶﾞｼﾆﾎﾝ", -8_800, "7270"),
    ("ﾃﾞﾝｷﾀﾞｲ ｶﾝｻｲﾃﾞﾝﾘﾖｸ", -21_000, "7280"),
    ("ｶﾞｽﾀﾞｲ ｵｵｻｶｶﾞｽ", -9_900, "7280"),
    ("ﾔﾁﾝ ｱｵﾔﾏﾋﾞﾙ", -180_000, "7330"),
    ("ｼﾞﾄﾞｳｼﾔｾﾞｲ ﾄｳｷﾖｳﾄ", -34_500, "7370"),
    ("ﾘｿｸ ﾌﾂｳﾖｷﾝ", 12, "8110"),
    ("ﾀｸｼｰ ｸﾞﾘｰﾝｷﾔﾌﾞ", -2_300, "7260"),
    ("ｻｶﾞﾜｷﾕｳﾋﾞﾝ", -1_540, "7210"),
    ("ﾎｹﾝﾘﾖｳ ﾄｳｷﾖｳｶｲｼﾞﾖｳ", -48_000, "7360"),
    ("ｺﾋﾟｰﾘﾖｳ ﾘｺｰﾘｰｽ", -16_500, "7350"),
]


def holdout_lines() -> list[HeldOutLine]:
    """Bank lines for every 取引先 no confirmed line mentions (see the module docstring)."""
    from urakata.org.models import Counterparty

    seen = {
        bank_import.payee_key(text)
        for text in BankTransaction.objects.filter(
            status=BankTransaction.Status.CONFIRMED
        ).values_list("description", flat=True)
    }
    lines: list[HeldOutLine] = []
    for cp in Counterparty.objects.exclude(name_kana="").order_by("code"):
        key = bank_import.payee_key(cp.name_kana)
        if len(key) < 3 or any(key in known for known in seen):
            continue
        kana = cp.name_kana.replace(" ", "")
        amount = 10_000 + (cp.pk * 7919) % 990_000
        variants = [
            (bank_kana(f"フリコミ カ){kana}")[:PASSBOOK_WIDTH]),
            f"振込 {kana}(カ",
        ]
        if cp.is_customer:
            lines += [HeldOutLine(text, amount, "1220", cp.pk) for text in variants]
        if cp.is_supplier:
            lines += [HeldOutLine(text, -amount, "3120", cp.pk) for text in variants]
    for text, amount, expected in HANDWRITTEN:
        if bank_import.payee_key(text) not in seen:
            lines.append(HeldOutLine(text, amount, expected, None, "handwritten"))
    return lines


def _predict(
    line: HeldOutLine,
    rules: list[BankRule],
    partners: list[tuple[int, str, bool, bool]],
    model: bank_import.NaiveBayes | None,
    seen: set[str],
) -> tuple[str | None, float]:
    """The pipeline's account and confidence: rules, then the 取引先 match, then the model."""
    rule = next(
        (r for r in rules if bank_import.rule_match(r, line.description, line.amount)), None
    )
    if rule is not None:
        return cache.chart().accounts_by_id[rule.account_id].code, 1.0
    partner = bank_import.partner_match(line.description, line.amount, partners)
    if partner is not None:
        return partner[1], bank_import.PARTNER_CONFIDENCE
    if model is None:
        return None, 0.0
    label, probability = model.predict(bank_import.features(line.description, line.amount))
    confidence = bank_suggestions._confidence(probability, line.description, seen)
    return (label.split("|")[0] if label else None), confidence


def holdout_accuracy() -> dict[str, Any]:
    """Train on every confirmed line; score the pipeline on the held-out master payees."""
    confirmed = list(
        BankTransaction.objects.filter(status=BankTransaction.Status.CONFIRMED).select_related(
            "account", "tax_code"
        )
    )
    lines = holdout_lines()
    if not lines:
        return {"train": len(confirmed), "test": 0, "accuracy": None}
    model = bank_import.train(confirmed) if confirmed else None
    seen = {bank_import.payee_key(t.description) for t in confirmed}
    rules = list(BankRule.objects.filter(is_active=True).order_by("priority", "pk"))
    partners = bank_suggestions._partners()
    outcomes: list[tuple[float, bool]] = []
    by_kind: dict[str, list[tuple[float, bool]]] = {}
    for line in lines:
        predicted, confidence = _predict(line, rules, partners, model, seen)
        outcomes.append((confidence, predicted == line.expected))
        by_kind.setdefault(line.kind, []).append(outcomes[-1])
    calibration = []
    for low, high in bank_import.CALIBRATION_BANDS:
        band = [hit for confidence, hit in outcomes if low <= confidence < high]
        calibration.append(
            {
                "band": f"{low:.1f}–{min(high, 1.0):.1f}",
                "lines": len(band),
                "accuracy": round(sum(band) / len(band), 3) if band else None,
            }
        )
    threshold = PRESELECT_CONFIDENCE
    preselected = [hit for confidence, hit in outcomes if confidence >= threshold]
    return {
        "train": len(confirmed),
        "test": len(lines),
        "test_payees": len({line.counterparty_id or line.description for line in lines}),
        "accuracy": round(sum(hit for _c, hit in outcomes) / len(outcomes), 3),
        "preselected_share": round(len(preselected) / len(outcomes), 3),
        "preselected_accuracy": (
            round(sum(preselected) / len(preselected), 3) if preselected else None
        ),
        "calibration": calibration,
        "by_kind": {
            kind: {
                "lines": len(found),
                "accuracy": round(sum(hit for _c, hit in found) / len(found), 3),
                "preselected": sum(1 for c, _hit in found if c >= threshold),
            }
            for kind, found in by_kind.items()
        },
    }
