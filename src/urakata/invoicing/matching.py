"""Payment matching (入金消込): bank statement deposits proposed against open invoices.

The payer name of a deposit (振込依頼人, half-width kana on most statements) is normalised the way
Japanese banks shorten names — NFKC, katakana, small kana made large, spaces and punctuation
removed, the legal-form abbreviations カ) / (カ / ユ) … and 株式会社 / カブシキガイシャ … dropped —
and compared with the customer's kana and name. Amounts match when the deposit equals the open
amount, or is short by a plausible transfer fee (振込手数料 borne by the customer, ≤ MAX_FEE),
or pays several open invoices of one customer together, or part of one. Each proposal has a
score in [0, 1]; nothing is applied until the user confirms (`matches_confirm`).

Candidate search is indexed (by amount, and by customer name), so 10,000 deposits × 10,000 open
invoices take well under ten seconds (benchmarks/invoicing_bench.py).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import jaconv

# Fees banks charge for a transfer (他行宛 up to 3 万円 / over): a shortfall up to this is a fee.
MAX_FEE = 990
# Below this similarity the payer is not taken for the customer.
NAME_MATCH = 0.6
COMMON_FEES = frozenset(
    {110, 132, 143, 145, 154, 165, 220, 275, 330, 385, 440, 550, 605, 660, 770, 880, 990}
)
_LEGAL_FORMS = (
    "カブシキガイシヤ",
    "カブシキカイシヤ",
    "ユウゲンガイシヤ",
    "ゴウドウガイシヤ",
    "ゴウドウカイシヤ",
    "ザイダンホウジン",
    "シヤダンホウジン",
    "イリヨウホウジン",
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "医療法人",
    "(株)",
    "(有)",
    "(同)",
    "㈱",
    "㈲",
)
_ABBREVIATIONS = re.compile(
    r"\(?(カ|ユ|ド|シヤ|ザイ|イ)\)|\((カ|ユ|ド|シヤ|ザイ|イ)\)?$|^\((カ|ユ|ド|シヤ|ザイ|イ)"
)
_SMALL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_NOISE = re.compile(r"[\s\u3000・.,、。\-ー‐－―/\\'\"「」]")
_PREFIXES = ("フリコミ", "カ-ド", "デンシ", "ネツト", "IB", "振込")


def normalise_name(text: str) -> str:
    """A payer or customer name reduced to what banks keep: ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ → ヤマダシヨウジ."""
    value = unicodedata.normalize("NFKC", text or "")
    value = jaconv.hira2kata(value).upper()
    value = value.translate(_SMALL)
    for prefix in _PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix) :].lstrip()
    for form in _LEGAL_FORMS:
        value = value.replace(form, "")
    value = _NOISE.sub("", value)
    value = _ABBREVIATIONS.sub("", value)
    return value.replace("(", "").replace(")", "")


def name_score(payer: str, names: Sequence[str]) -> float:
    """How well a normalised payer matches any of the customer's normalised names (0–1)."""
    best = 0.0
    for name in names:
        if not name or not payer:
            continue
        if payer == name:
            return 1.0
        if payer.startswith(name) or name.startswith(payer):
            # banks cut long names (全銀: 48 characters; some statements fewer)
            best = max(best, 0.9 if min(len(payer), len(name)) >= 4 else 0.6)
            continue
        best = max(best, SequenceMatcher(None, payer, name, autojunk=False).ratio() * 0.9)
    return best


@dataclass(frozen=True)
class OpenItem:
    invoice_id: int
    number: str
    customer_id: int | None
    names: tuple[str, ...]  # normalised
    open_amount: int
    due_date_ordinal: int = 0


@dataclass(frozen=True)
class Deposit:
    line_id: int
    payer: str  # normalised
    amount: int
    date_ordinal: int = 0


@dataclass
class Proposal:
    """A deposit and the invoices it pays: [(invoice_id, applied, fee)], with a score."""

    line_id: int
    amount: int
    allocations: list[tuple[int, int, int]] = field(default_factory=list)
    kind: str = "exact"  # exact | fee | combined | partial
    score: float = 0.0
    numbers: list[str] = field(default_factory=list)


def _amount_score(kind: str, fee: int) -> float:
    if kind == "exact":
        return 1.0
    if kind == "fee":
        return 0.92 if fee in COMMON_FEES else 0.8
    if kind == "combined":
        return 0.85
    return 0.5  # partial


class _Index:
    def __init__(self, items: Iterable[OpenItem]) -> None:
        self.items = sorted(items, key=lambda i: (i.open_amount, i.due_date_ordinal, i.invoice_id))
        self.amounts = [i.open_amount for i in self.items]
        self.by_name: dict[str, list[OpenItem]] = {}
        self.by_customer: dict[int | None, list[OpenItem]] = {}
        for item in self.items:
            for name in item.names:
                if name:
                    self.by_name.setdefault(name, []).append(item)
            self.by_customer.setdefault(item.customer_id, []).append(item)
        self.names = sorted(self.by_name)

    def by_amount(self, low: int, high: int) -> list[OpenItem]:
        start = bisect.bisect_left(self.amounts, low)
        end = bisect.bisect_right(self.amounts, high)
        return self.items[start:end]

    def customer_items(self, payer: str) -> list[OpenItem]:
        """Open items of the customers whose name the payer equals or starts/ends alike."""
        found = list(self.by_name.get(payer, []))
        if found or len(payer) < 3:
            return found
        # prefix neighbours in the sorted name list: truncated payer names
        pos = bisect.bisect_left(self.names, payer[:4])
        for name in self.names[pos : pos + 20]:
            if not name.startswith(payer[:4]):
                break
            if name.startswith(payer) or payer.startswith(name):
                found.extend(self.by_name[name])
        return found


def propose(
    deposits: Iterable[Deposit], items: Iterable[OpenItem], *, threshold: float = 0.4
) -> list[Proposal]:
    """One best proposal per deposit (if any scores at or above `threshold`), greedy by score:
    an invoice is proposed to at most one deposit."""
    index = _Index(items)
    candidates: list[tuple[float, int, Proposal]] = []
    for order, deposit in enumerate(deposits):
        best = _best_for(deposit, index)
        if best is not None and best.score >= threshold:
            candidates.append((best.score, order, best))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    taken: set[int] = set()
    result = []
    for _score, _order, proposal in candidates:
        ids = {a[0] for a in proposal.allocations}
        if ids & taken:
            continue
        taken |= ids
        result.append(proposal)
    result.sort(key=lambda p: p.line_id)
    return result


def _best_for(deposit: Deposit, index: _Index) -> Proposal | None:
    best: Proposal | None = None

    def consider(items: list[OpenItem], kind: str, fee: int) -> None:
        nonlocal best
        similarity = name_score(deposit.payer, items[0].names)
        if similarity < NAME_MATCH:
            if kind != "exact":
                return  # a shortfall, a combination or a part needs the payer's name
            similarity = 0.0
        score = round(0.55 * similarity + 0.45 * _amount_score(kind, fee), 4)
        if best is not None and score <= best.score:
            return
        if kind == "partial":
            allocations = [(items[0].invoice_id, deposit.amount, 0)]
        elif kind == "combined":
            allocations = [(i.invoice_id, i.open_amount, 0) for i in items]
            # the fee (if any) is borne on the last invoice
            if fee:
                last = items[-1]
                allocations[-1] = (last.invoice_id, last.open_amount - fee, fee)
        else:
            allocations = [(items[0].invoice_id, deposit.amount, fee)]
        best = Proposal(
            deposit.line_id, deposit.amount, allocations, kind, score, [i.number for i in items]
        )

    for item in index.by_amount(deposit.amount, deposit.amount + MAX_FEE):
        fee = item.open_amount - deposit.amount
        consider([item], "exact" if fee == 0 else "fee", fee)
        if best is not None and best.score >= 0.999:
            return best
    own = index.customer_items(deposit.payer)
    if own:
        by_customer: dict[int | None, list[OpenItem]] = {}
        for item in own:
            by_customer.setdefault(item.customer_id, []).append(item)
        for group in by_customer.values():
            group = sorted(group, key=lambda i: (i.due_date_ordinal, i.invoice_id))
            total = 0
            for count, item in enumerate(group, start=1):
                total += item.open_amount
                if count >= 2 and 0 <= total - deposit.amount <= MAX_FEE:
                    consider(group[:count], "combined", total - deposit.amount)
                    break
                if total > deposit.amount + MAX_FEE:
                    break
            oldest = group[0]
            if deposit.amount < oldest.open_amount - MAX_FEE:
                consider([oldest], "partial", 0)
    return best
