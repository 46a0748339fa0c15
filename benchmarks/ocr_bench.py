"""Benchmark: receipt OCR (core.ocr) per-field accuracy and seconds per receipt.

Renders synthetic receipts (core.ocr.synth) and reads them with the real Tesseract. Accuracy is
reported on the HELD-OUT sets (layouts C/D, other payees and items, seed 2026), clean and degraded
(rotated, blurred, noisy, low contrast, photographed); the reader was tuned on the dev sets only
(layouts A/B, seeds 11–13). Fields: date, total, tax 10%, tax 8%, 登録番号, payee (exact match;
a field absent from the receipt counts as right when the reading is null too).

    python benchmarks/ocr_bench.py [--count 40] [--split heldout|dev] [--seed 2026]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

FIELDS = ("date", "total", "tax10", "tax8", "registration_number", "payee")


def score(receipts: list) -> tuple[dict[str, float], float, list[str]]:
    from urakata.core.ocr import receipt_read

    right = dict.fromkeys(FIELDS, 0)
    misses: list[str] = []
    seconds = 0.0
    for receipt in receipts:
        started = time.perf_counter()
        got = receipt_read(receipt.data, content_type=receipt.content_type).as_json()
        seconds += time.perf_counter() - started
        want = receipt.truth.as_dict()
        pairs = {
            "date": (got["date"], want["date"]),
            "total": (got["total"], want["total"]),
            "tax10": (got["tax"]["10"], want["tax"]["10"]),
            "tax8": (got["tax"]["8"], want["tax"]["8"]),
            "registration_number": (got["registration_number"], want["registration_number"]),
            "payee": (got["payee"], want["payee"]),
        }
        for name, (value, truth) in pairs.items():
            if value == truth:
                right[name] += 1
            else:
                misses.append(
                    f"{receipt.layout}/{receipt.degradation}: {name} {value!r} ≠ {truth!r}"
                )
    count = len(receipts)
    return {k: v / count for k, v in right.items()}, seconds / count, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--split", default="heldout", choices=("heldout", "dev"))
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--misses", action="store_true", help="print each wrong field")
    args = parser.parse_args()
    import django

    django.setup()
    from urakata.core.ocr import synth

    seed = (
        args.seed
        if args.seed is not None
        else (synth.HELDOUT_SEED if args.split == "heldout" else synth.DEV_SEED)
    )
    for degraded in (False, True):
        receipts = synth.receipt_set(args.split, args.count, seed=seed, degraded=degraded)
        accuracy, per_receipt, misses = score(receipts)
        overall = sum(accuracy.values()) / len(accuracy)
        label = "degraded" if degraded else "clean"
        print(
            f"{args.split} {label} ({args.count} receipts, seed {seed}): "
            f"fields right {overall:.1%}, {per_receipt:.2f} s/receipt"
        )
        for name in FIELDS:
            print(f"  {name:<20} {accuracy[name]:.1%}")
        if args.misses:
            for miss in misses:
                print("   ", miss)


if __name__ == "__main__":
    main()
