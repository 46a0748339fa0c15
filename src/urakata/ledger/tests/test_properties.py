"""Property tests (hypothesis): any postings and reversals keep the books consistent."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from urakata.core.permissions import SYSTEM
from urakata.ledger import services
from urakata.ledger.cache import chart_cache_clear
from urakata.ledger.models import Balance, EntryCounter, JournalEntry, JournalLine

ACCOUNTS = ["1110", "1140", "1220", "3120", "5110", "6120", "7290", "7330"]
TAX_CODES = [None, "P10", "P08", "P10U", "S10", "S08"]

line_strategy = st.tuples(
    st.sampled_from(ACCOUNTS),
    st.integers(min_value=1, max_value=5_000_000),
    st.sampled_from(TAX_CODES),
)
entry_strategy = st.tuples(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)),
    st.lists(line_strategy, min_size=1, max_size=4),
    st.sampled_from(["inclusive", "exclusive", "none"]),
    st.booleans(),  # correct it afterwards?
    st.booleans(),  # with a replacement?
)


def _fresh_aggregate() -> dict[tuple[int, int, int], tuple[int, int]]:
    result: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    rows = JournalLine.objects.values("account_id", "period", "department_id").annotate(
        d=Sum("debit"), c=Sum("credit")
    )
    for row in rows:
        key = (row["account_id"], row["period"], row["department_id"] or 0)
        result[key][0] += row["d"]
        result[key][1] += row["c"]
    return {key: (d, c) for key, (d, c) in result.items() if d or c}


def _maintained() -> dict[tuple[int, int, int], tuple[int, int]]:
    return {
        (b.account_id, b.period, b.dept_key): (b.debit, b.credit)
        for b in Balance.objects.all()
        if b.debit or b.credit
    }


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=st.lists(entry_strategy, min_size=1, max_size=8))
def test_postings_and_corrections_keep_books_balanced(entries: list) -> None:
    chart_cache_clear()
    JournalLine.objects.all().delete()
    JournalEntry.objects.filter(reverses__isnull=False).delete()
    JournalEntry.objects.filter(replaces__isnull=False).delete()
    JournalEntry.objects.all().delete()
    Balance.objects.all().delete()
    EntryCounter.objects.all().delete()
    for day, debit_lines, mode, correct, replace in entries:
        lines = [
            {"account": account, "debit": amount, "tax_code": tax}
            for account, amount, tax in debit_lines
        ]
        total = sum(amount for _a, amount, _t in debit_lines)
        # the credit side absorbs the total (exclusive mode adds tax on top, so post net of it)
        lines.append({"account": "1140", "credit": total})
        try:
            entry = services.journal_entry_post(
                actor=SYSTEM, date=day, description="prop", lines=lines, tax_entry=mode
            )
        except Exception as error:  # exclusive tax makes some unbalanced: must be refused
            from urakata.core.errors import ValidationFailed

            assert isinstance(error, ValidationFailed)
            continue
        if correct:
            services.journal_entry_correct(
                actor=SYSTEM,
                entry=entry,
                reason="prop",
                lines=lines if replace else None,
                tax_entry=mode,
            )
    totals = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"]
    for entry in JournalEntry.objects.all():
        sums = entry.lines.aggregate(d=Sum("debit"), c=Sum("credit"))
        assert sums["d"] == sums["c"] == entry.amount
    assert _maintained() == _fresh_aggregate()
    numbers = defaultdict(list)
    for fy, number in JournalEntry.objects.values_list("fiscal_year", "number"):
        numbers[fy].append(number)
    for fy, got in numbers.items():
        assert sorted(got) == list(range(1, len(got) + 1)), fy
