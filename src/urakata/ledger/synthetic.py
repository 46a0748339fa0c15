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


def _templates(rng: random.Random) -> list[tuple[float, Any]]:
    """(weight, builder) pairs producing plausible entries for a small manufacturer."""
    chart = cache.chart()
    acc = {code: a.pk for code, a in chart.accounts_by_code.items()}
    tax = {code: t.id for code, t in chart.tax_by_code.items()}

    def taxed(amount: int, rate: int = 10) -> tuple[int, int]:
        tax_part = amount * rate // (100 + rate)
        return amount - tax_part, tax_part

    def sale(day: dt.date, dept: int | None, cp: int | None) -> BulkEntry:
        gross = rng.randrange(50, 3000) * 1100
        net, t = taxed(gross)
        return BulkEntry(
            day,
            "製品売上",
            [
                BulkLine(acc["1220"], debit=gross, counterparty_id=cp, department_id=dept),
                BulkLine(
                    acc["5110"],
                    credit=net,
                    tax_code_id=tax["S10"],
                    tax_amount=t,
                    counterparty_id=cp,
                    department_id=dept,
                ),
                BulkLine(acc["3240"], credit=t, department_id=dept),
            ],
        )

    def collect(day: dt.date, dept: int | None, cp: int | None) -> BulkEntry:
        amount = rng.randrange(50, 3000) * 1100
        return BulkEntry(
            day,
            "売掛金入金",
            [
                BulkLine(acc["1140"], debit=amount, department_id=dept),
                BulkLine(acc["1220"], credit=amount, counterparty_id=cp, department_id=dept),
            ],
        )

    def purchase(day: dt.date, dept: int | None, cp: int | None) -> BulkEntry:
        gross = rng.randrange(20, 1500) * 1100
        net, t = taxed(gross)
        return BulkEntry(
            day,
            "材料仕入",
            [
                BulkLine(
                    acc["6120"],
                    debit=net,
                    tax_code_id=tax["P10"],
                    tax_amount=t,
                    counterparty_id=cp,
                    department_id=dept,
                ),
                BulkLine(acc["1570"], debit=t, department_id=dept),
                BulkLine(acc["3120"], credit=gross, counterparty_id=cp, department_id=dept),
            ],
        )

    def pay(day: dt.date, dept: int | None, cp: int | None) -> BulkEntry:
        amount = rng.randrange(20, 1500) * 1100
        return BulkEntry(
            day,
            "買掛金支払",
            [
                BulkLine(acc["3120"], debit=amount, counterparty_id=cp, department_id=dept),
                BulkLine(acc["1140"], credit=amount, department_id=dept),
            ],
        )

    expense_accounts = ["7260", "7270", "7290", "7250", "7240", "7380", "7280", "7310"]

    def expense(day: dt.date, dept: int | None, cp: int | None) -> BulkEntry:
        code = rng.choice(expense_accounts)
        gross = rng.randrange(5, 500) * 110
        net, t = taxed(gross)
        return BulkEntry(
            day,
            chart.accounts_by_code[code].name,
            [
                BulkLine(
                    acc[code], debit=net, tax_code_id=tax["P10"], tax_amount=t, department_id=dept
                ),
                BulkLine(acc["1570"], debit=t, department_id=dept),
                BulkLine(
                    acc[rng.choice(["1110", "1140", "3150"])], credit=gross, department_id=dept
                ),
            ],
        )

    return [(0.25, sale), (0.2, collect), (0.15, purchase), (0.15, pay), (0.25, expense)]


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
