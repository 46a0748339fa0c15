"""Synthetic, plausible, balanced books for a small manufacturer: `urakata ledger generate`
and the benchmarks post them in bulk (``bulk.bulk_post``)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.errors import ValidationFailed
from urakata.ledger import cache
from urakata.ledger.bulk import BulkEntry, BulkLine, bulk_post


def _taxed(amount: int, rate: int = 10) -> tuple[int, int]:
    tax_part = amount * rate // (100 + rate)
    return amount - tax_part, tax_part


class _Templates:
    """Builders of plausible entries for a small manufacturer, drawing from one `rng`."""

    EXPENSE_ACCOUNTS = ["7260", "7270", "7290", "7250", "7240", "7380", "7280", "7310"]

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.chart = cache.chart()
        self.acc = {code: a.pk for code, a in self.chart.accounts_by_code.items()}
        self.tax = {code: t.id for code, t in self.chart.tax_by_code.items()}

    def sale(self, day: dt.date, dept: int | None, cp: int | None) -> BulkEntry:
        gross = self.rng.randrange(50, 3000) * 1100
        net, t = _taxed(gross)
        return BulkEntry(
            day,
            "製品売上",
            [
                BulkLine(self.acc["1220"], debit=gross, counterparty_id=cp, department_id=dept),
                BulkLine(
                    self.acc["5110"],
                    credit=net,
                    tax_code_id=self.tax["S10"],
                    tax_amount=t,
                    counterparty_id=cp,
                    department_id=dept,
                ),
                BulkLine(self.acc["3240"], credit=t, department_id=dept),
            ],
        )

    def collect(self, day: dt.date, dept: int | None, cp: int | None) -> BulkEntry:
        amount = self.rng.randrange(50, 3000) * 1100
        return BulkEntry(
            day,
            "売掛金入金",
            [
                BulkLine(self.acc["1140"], debit=amount, department_id=dept),
                BulkLine(self.acc["1220"], credit=amount, counterparty_id=cp, department_id=dept),
            ],
        )

    def purchase(self, day: dt.date, dept: int | None, cp: int | None) -> BulkEntry:
        gross = self.rng.randrange(20, 1500) * 1100
        net, t = _taxed(gross)
        return BulkEntry(
            day,
            "材料仕入",
            [
                BulkLine(
                    self.acc["6120"],
                    debit=net,
                    tax_code_id=self.tax["P10"],
                    tax_amount=t,
                    counterparty_id=cp,
                    department_id=dept,
                ),
                BulkLine(self.acc["1570"], debit=t, department_id=dept),
                BulkLine(self.acc["3120"], credit=gross, counterparty_id=cp, department_id=dept),
            ],
        )

    def pay(self, day: dt.date, dept: int | None, cp: int | None) -> BulkEntry:
        amount = self.rng.randrange(20, 1500) * 1100
        return BulkEntry(
            day,
            "買掛金支払",
            [
                BulkLine(self.acc["3120"], debit=amount, counterparty_id=cp, department_id=dept),
                BulkLine(self.acc["1140"], credit=amount, department_id=dept),
            ],
        )

    def expense(self, day: dt.date, dept: int | None, cp: int | None) -> BulkEntry:
        code = self.rng.choice(self.EXPENSE_ACCOUNTS)
        gross = self.rng.randrange(5, 500) * 110
        net, t = _taxed(gross)
        return BulkEntry(
            day,
            self.chart.accounts_by_code[code].name,
            [
                BulkLine(
                    self.acc[code],
                    debit=net,
                    tax_code_id=self.tax["P10"],
                    tax_amount=t,
                    department_id=dept,
                ),
                BulkLine(self.acc["1570"], debit=t, department_id=dept),
                BulkLine(
                    self.acc[self.rng.choice(["1110", "1140", "3150"])],
                    credit=gross,
                    department_id=dept,
                ),
            ],
        )


def _templates(rng: random.Random) -> list[tuple[float, Any]]:
    """(weight, builder) pairs producing plausible entries for a small manufacturer."""
    t = _Templates(rng)
    return [(0.25, t.sale), (0.2, t.collect), (0.15, t.purchase), (0.15, t.pay), (0.25, t.expense)]


def generate_entries(
    *,
    lines: int,
    seed: int,
    fiscal_year: int,
    department_ids: Sequence[int] = (),
    counterparty_ids: Sequence[int] = (),
) -> list[BulkEntry]:
    """Synthetic, plausible, balanced entries spread over a fiscal year, `lines` lines in all."""
    rng = random.Random(seed)
    first, _last = cache.fiscal_year_bounds(fiscal_year)
    start = dt.date(first // 100, first % 100, 1)
    templates = _templates(rng)
    weights = [w for w, _ in templates]
    builders = [b for _, b in templates]
    depts: list[int | None] = [*department_ids] or [None]
    cps: list[int | None] = [*counterparty_ids] or [None]
    result: list[BulkEntry] = []
    count = 0
    while count < lines:
        builder = rng.choices(builders, weights)[0]
        day = start + dt.timedelta(days=rng.randrange(365))
        entry = builder(day, rng.choice(depts), rng.choice(cps))
        result.append(entry)
        count += len(entry.lines)
    return result


def generate(
    *, actor: Any, lines: int, seed: int = 0, fiscal_year: int | None = None
) -> dict[str, Any]:
    """`urakata ledger generate`: post about `lines` synthetic lines in bulk."""
    from urakata.org.models import Counterparty, Department

    if lines <= 0:
        raise ValidationFailed(_("行数は1以上で指定してください。"), errors={"lines": [str(lines)]})
    year = fiscal_year or cache.fiscal_year_of(timezone.localdate())
    entries = generate_entries(
        lines=lines,
        seed=seed,
        fiscal_year=year,
        department_ids=list(Department.objects.values_list("pk", flat=True)[:20]),
        counterparty_ids=list(Counterparty.objects.values_list("pk", flat=True)[:50]),
    )
    bulk_post(actor=actor, entries=entries)
    lines_posted = sum(len(entry.lines) for entry in entries)
    return {"fiscal_year": year, "entries": len(entries), "lines": lines_posted}
