"""The rate tables shipped as data (`payroll/data/`), loaded once and checked against their checksum."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


class TableCorrupted(RuntimeError):
    """A shipped table does not match the checksum recorded with it."""


@dataclass(frozen=True)
class MonthlyRow:
    """One row of the 月額表: `low <= A < high` → 甲 by dependants 0..7, 乙."""

    low: int
    high: int
    kou: tuple[int, ...]
    otsu: int


@dataclass(frozen=True)
class Segment:
    """Above the table: base tax (per dependants for 甲) plus the excess over `start` × rate."""

    start: int
    rate: Decimal
    base: tuple[int, ...]


@dataclass(frozen=True)
class WithholdingTables:
    """The 令和8年分 月額表 and 賞与の算出率の表."""

    valid_from: str
    valid_to: str
    rows: tuple[MonthlyRow, ...]
    lows: tuple[int, ...]
    kou_below: int
    over7_deduction: int
    otsu_low_rate: Decimal
    kou_segments: tuple[Segment, ...]
    otsu_segments: tuple[Segment, ...]
    bonus_rates: tuple[dict[str, Any], ...]
    source: str
    sha256: str


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def withholding_tables() -> WithholdingTables:
    """Load the withholding tables; refuses a table whose checksum differs from the recorded one."""
    meta = json.loads((DATA_DIR / "withholding_r08.json").read_text(encoding="utf-8"))
    path = DATA_DIR / meta["monthly_table"]
    digest = file_sha256(path)
    if digest != meta["monthly_table_sha256"]:
        raise TableCorrupted(f"{path.name}: checksum {digest} != {meta['monthly_table_sha256']}")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = tuple(
            MonthlyRow(
                low=int(r["min"]),
                high=int(r["max"]),
                kou=tuple(int(r[f"kou{i}"]) for i in range(8)),
                otsu=int(r["otsu"]),
            )
            for r in csv.DictReader(fh)
        )
    return WithholdingTables(
        valid_from=meta["valid_from"],
        valid_to=meta["valid_to"],
        rows=rows,
        lows=tuple(r.low for r in rows),
        kou_below=int(meta["kou_below"]),
        over7_deduction=int(meta["over7_deduction"]),
        otsu_low_rate=Decimal(meta["otsu_low_rate"]),
        kou_segments=tuple(
            Segment(int(s["from"]), Decimal(s["rate"]), tuple(s["base"]))
            for s in meta["kou_segments"]
        ),
        otsu_segments=tuple(
            Segment(int(s["from"]), Decimal(s["rate"]), (int(s["base"]),))
            for s in meta["otsu_segments"]
        ),
        bonus_rates=tuple(meta["bonus_rates"]),
        source=meta["source"],
        sha256=digest,
    )


@cache
def social_insurance_data() -> dict[str, Any]:
    """Grades, 協会けんぽ rates by prefecture and period, pension, 支援金 and 雇用保険 rates."""
    data: dict[str, Any] = json.loads(
        (DATA_DIR / "social_insurance.json").read_text(encoding="utf-8")
    )
    return data
