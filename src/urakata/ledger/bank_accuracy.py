"""How well the bank-line suggestions do: accuracy on the newest confirmed lines, and the whole
pipeline on payees never seen in training with its calibration table."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from urakata.ledger import cache
from urakata.ledger.bank_suggestions import (
    PARTNER_CONFIDENCE,
    _confidence,
    _partners,
    features,
    partner_match,
    payee_key,
    rule_match,
    train,
)
from urakata.ledger.models import PRESELECT_CONFIDENCE, BankRule, BankTransaction


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
