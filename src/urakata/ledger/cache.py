"""Per-process cache of the chart, tax codes and options, so posting costs few queries.

Accounts and tax codes change rarely; every ledger service that writes them clears the cache and
bumps the `ChartVersion` row in its transaction. Validation and reports call `chart_fresh()`, which
compares that row with the version the cache was loaded at (one indexed single-row read) and
reloads when another process renamed, deactivated or added something. A lookup that misses still
reloads once.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F

from urakata.ledger.models import (
    Account,
    ChartVersion,
    LedgerSettings,
    SubAccount,
    TaxCode,
    TaxRate,
)
from urakata.org import selectors as org_selectors
from urakata.org.models import Counterparty, Department


@dataclass
class TaxInfo:
    id: int
    code: str
    name: str
    kind: str
    treatment: str
    rates: list[tuple[dt.date, Decimal, Decimal]] = field(default_factory=list)


@dataclass
class ChartCache:
    accounts_by_code: dict[str, Account]
    accounts_by_id: dict[int, Account]
    sub_accounts: dict[tuple[int, str], int]
    sub_account_ids: dict[int, int]  # sub-account id -> account id
    tax_by_code: dict[str, TaxInfo]
    tax_by_id: dict[int, TaxInfo]
    rounding: str
    tax_entry: str
    fiscal_start_month: int
    small_amount_exception: bool = False
    department_ids: set[int] = field(default_factory=set)
    counterparty_ids: set[int] = field(default_factory=set)
    inactive_sub_account_ids: set[int] = field(default_factory=set)
    version: int = 0
    checked_at: float = 0.0  # time.monotonic() when the version was last compared


_cache: ChartCache | None = None
# Another process's chart change is seen within this many seconds: the posting hot path then
# reads the version row about once a second instead of once per entry.
CHART_RECHECK_SECONDS = 1.0


def chart_cache_clear() -> None:
    """Forget the cached chart (after a write, and between tests)."""
    global _cache
    _cache = None


def chart_version() -> int:
    """The chart's change counter as stored (0 before the first change)."""
    found = ChartVersion.objects.order_by("pk").values_list("version", flat=True).first()
    return found or 0


def chart_version_bump() -> None:
    """Count a chart change; call inside the writing transaction (the row lock serialises it)."""
    if not ChartVersion.objects.filter(pk=1).update(version=F("version") + 1):
        ChartVersion.objects.get_or_create(pk=1, defaults={"version": 0})
        ChartVersion.objects.filter(pk=1).update(version=F("version") + 1)


def _load() -> ChartCache:
    version = chart_version()
    accounts = list(Account.objects.all())
    subs = list(SubAccount.objects.values_list("pk", "account_id", "code", "is_active"))
    taxes: dict[int, TaxInfo] = {
        t.pk: TaxInfo(t.pk, t.code, t.name, t.kind, t.treatment) for t in TaxCode.objects.all()
    }
    for rate in TaxRate.objects.order_by("tax_code_id", "valid_from"):
        taxes[rate.tax_code_id].rates.append((rate.valid_from, rate.rate, rate.deductible_ratio))
    options = LedgerSettings.objects.order_by("pk").first() or LedgerSettings()
    company = org_selectors.company_get()
    return ChartCache(
        accounts_by_code={a.code: a for a in accounts},
        accounts_by_id={a.pk: a for a in accounts},
        sub_accounts={(account_id, code): pk for pk, account_id, code, _active in subs},
        sub_account_ids={pk: account_id for pk, account_id, _code, _active in subs},
        inactive_sub_account_ids={pk for pk, _account, _code, active in subs if not active},
        version=version,
        tax_by_code={t.code: t for t in taxes.values()},
        tax_by_id=taxes,
        rounding=options.rounding,
        tax_entry=options.tax_entry,
        small_amount_exception=options.small_amount_exception,
        fiscal_start_month=company.fiscal_year_start_month if company else 4,
        department_ids=set(Department.objects.values_list("pk", flat=True)),
        counterparty_ids=set(Counterparty.objects.values_list("pk", flat=True)),
        checked_at=time.monotonic(),
    )


def chart(*, reload: bool = False) -> ChartCache:
    """The cached chart, loaded on first use."""
    global _cache
    if _cache is None or reload:
        _cache = _load()
    return _cache


def chart_fresh() -> ChartCache:
    """The cached chart, reloaded when another process changed it (checked at most once a second)."""
    global _cache
    now = time.monotonic()
    if _cache is None:
        _cache = _load()
    elif now - _cache.checked_at >= CHART_RECHECK_SECONDS:
        if _cache.version != chart_version():
            _cache = _load()
        else:
            _cache.checked_at = now
    return _cache


def account_by_code(code: str) -> Account | None:
    """An account by code, reloading once on a miss."""
    found = chart().accounts_by_code.get(code)
    if found is None:
        found = chart(reload=True).accounts_by_code.get(code)
    return found


def tax_by_code(code: str) -> TaxInfo | None:
    found = chart().tax_by_code.get(code)
    if found is None:
        found = chart(reload=True).tax_by_code.get(code)
    return found


def sub_account_id(account_id: int, code: str) -> int | None:
    found = chart().sub_accounts.get((account_id, code))
    if found is None:
        found = chart(reload=True).sub_accounts.get((account_id, code))
    return found


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year (labelled by its starting calendar year) that contains `day`."""
    start = chart().fiscal_start_month
    return day.year if day.month >= start else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[int, int]:
    """First and last month (yyyymm) of a fiscal year."""
    start = chart().fiscal_start_month
    first = fiscal_year * 100 + start
    last_year, last_month = (fiscal_year, 12) if start == 1 else (fiscal_year + 1, start - 1)
    return first, last_year * 100 + last_month


def period_of(day: dt.date) -> int:
    return day.year * 100 + day.month


def missing_references(
    department_ids: set[int], counterparty_ids: set[int]
) -> tuple[set[int], set[int]]:
    """Department and counterparty ids that do not exist (reloading once on a miss)."""
    current = chart()
    if department_ids <= current.department_ids and counterparty_ids <= current.counterparty_ids:
        return set(), set()
    current = chart(reload=True)
    return department_ids - current.department_ids, counterparty_ids - current.counterparty_ids
