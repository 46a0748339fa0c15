"""Masking time for a 2,000-character text with N employees (rows rolled back afterwards)."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from urakata.assistant import directory
from urakata.org.models import Department, Employee, Position

_LAST = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
]
_FIRST = [
    "太郎",
    "花子",
    "一郎",
    "美咲",
    "大輔",
    "健一",
    "さくら",
    "誠",
    "結衣",
    "拓也",
    "陽菜",
    "蓮",
    "翔",
    "葵",
    "湊",
    "凛",
]
_SENTENCE = (
    "お世話になっております。株式会社青葉商事の山田様より、請求金額1,234,567円の件で"
    "03-1234-5678へお電話がありました。送付先は〒150-0002 東京都渋谷区渋谷2-1-1です。"
    "担当:鈴木さん、佐藤部長。振込先 普通 1234567。"
)
BENCH_TEXT = (_SENTENCE * (2000 // len(_SENTENCE) + 1))[:2000]


@dataclass
class BenchResult:
    employees: int
    cached_ms: float  # directory_masker().mask(text) when the masters did not change
    rebuild_ms: float  # the first call after a change: names read, matcher rebuilt
    mask_only_ms: float  # Masker.mask alone
    fingerprint_ms: float  # the per-call cache check


def _median_ms(fn: Callable[[], object], reps: int) -> float:
    fn()
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


class _Rollback(Exception):
    pass


def bench(employees: int, *, reps: int = 20) -> BenchResult:
    """Adds `employees` employees inside a transaction that is rolled back at the end."""
    result: BenchResult | None = None
    try:
        with transaction.atomic():
            department = Department.objects.create(code="BENCH-MASK", name="計測用")
            position = Position.objects.create(code="BENCH-MASK", name="計測用", rank=10)
            Employee.objects.bulk_create(
                Employee(
                    code=f"BM{i:06d}",
                    last_name=_LAST[i % len(_LAST)] + ("" if i < 60 else str(i)),
                    first_name=_FIRST[(i // len(_LAST)) % len(_FIRST)],
                    last_name_kana="ケイソク",
                    first_name_kana="タロウ",
                    email=f"bm{i}@example.jp",
                    department=department,
                    position=position,
                    hire_date=dt.date(2020, 4, 1),
                )
                for i in range(employees)
            )

            def rebuild() -> None:
                directory.clear_cache()
                directory.directory_masker().mask(BENCH_TEXT)

            rebuild_ms = _median_ms(rebuild, max(3, reps // 4))
            cached_ms = _median_ms(lambda: directory.directory_masker().mask(BENCH_TEXT), reps)
            masker = directory.directory_masker()
            result = BenchResult(
                employees=employees,
                cached_ms=cached_ms,
                rebuild_ms=rebuild_ms,
                mask_only_ms=_median_ms(lambda: masker.mask(BENCH_TEXT), reps),
                fingerprint_ms=_median_ms(directory.masters_version, reps),
            )
            raise _Rollback
    except _Rollback:
        pass
    finally:
        directory.clear_cache()
    assert result is not None
    return result
