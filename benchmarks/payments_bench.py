"""Payments benchmarks: payment requests added, a batch gathered, its 全銀 file written and read.

Run against a scratch database (it is migrated; everything the run writes is rolled back):

    PYTHONPATH=src URAKATA_DATA_DIR=/tmp/payments-bench python benchmarks/payments_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/urakata_payments_bench \
        PYTHONPATH=src python benchmarks/payments_bench.py --transfers 2000

Prints one line per figure; nothing is asserted. A salary run of a few thousand employees is the
largest batch a company makes; the file itself is 122 bytes per transfer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")

DAY = dt.date(2026, 12, 10)  # a Thursday, a bank business day


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transfers", type=int, default=1000, help="requests in the batch")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from urakata.core.permissions import SYSTEM
    from urakata.ledger.chart import chart_ensure_seeded
    from urakata.org.models import Department, Employee
    from urakata.payments import batches, settle, zengin
    from urakata.payments.models import CompanyBankAccount, PayeeBankAccount, PaymentBatch
    from urakata.payments.services import payment_request_add

    call_command("migrate", verbosity=0, interactive=False)
    chart_ensure_seeded()
    n = args.transfers
    try:
        with transaction.atomic():
            department = Department.objects.create(code="BENCH", name="ベンチ")
            employees = Employee.objects.bulk_create(
                Employee(
                    code=f"B{i:06d}",
                    last_name="山田",
                    first_name=f"{i}",
                    last_name_kana="ヤマダ",
                    first_name_kana="タロウ",
                    department=department,
                    hire_date=dt.date(2020, 4, 1),
                )
                for i in range(n)
            )
            PayeeBankAccount.objects.bulk_create(
                PayeeBankAccount(
                    employee=e,
                    bank_code="0009",
                    bank_name="三井住友",
                    branch_code="001",
                    branch_name="神保町",
                    account_type="1",
                    account_number=f"{i:07d}",
                    account_holder_kana="ﾔﾏﾀﾞ ﾀﾛｳ",
                )
                for i, e in enumerate(employees)
            )
            CompanyBankAccount.objects.create(
                label="bench",
                bank_code="0001",
                bank_name="みずほ",
                branch_code="001",
                branch_name="東京営業部",
                account_type="1",
                account_number="1234567",
                account_holder_kana="ｶ)ﾍﾞﾝﾁ",
                consignor_code="1234567890",
                consignor_name_kana="ｶ)ﾍﾞﾝﾁ",
                fee_other_bank=330,
                is_default=True,
            )
            start = time.perf_counter()
            for i, employee in enumerate(employees):
                payment_request_add(
                    actor=SYSTEM,
                    source="payments",
                    source_id=i + 1,
                    payee_employee_id=employee.pk,
                    amount=250_000 + i,
                    due_date=DAY,
                    description="給与",
                    kind="salary",
                    liability_account_code="3160",
                )
            added = time.perf_counter() - start
            print(f"{connection.vendor}: payment_request_add {n / added:,.0f} requests/s")

            start = time.perf_counter()
            batch, _skipped = batches.batch_create(actor=SYSTEM, transfer_date=DAY, kind="salary")
            print(f"batch_create ({n} transfers): {(time.perf_counter() - start) * 1000:,.0f} ms")

            PaymentBatch.objects.filter(pk=batch.pk).update(status="approved")
            start = time.perf_counter()
            stored = settle.batch_file(actor=SYSTEM, batch_id=batch.pk)
            print(
                f"batch_file ({stored.size:,} bytes): {(time.perf_counter() - start) * 1000:,.0f} ms"
            )
            data = stored.blob.open("rb").read()
            start = time.perf_counter()
            parsed = zengin.zengin_parse(data)
            parse_ms = (time.perf_counter() - start) * 1000
            print(f"zengin_parse ({len(parsed['transfers'])} records): {parse_ms:,.0f} ms")

            start = time.perf_counter()
            settle.batch_mark_paid(actor=SYSTEM, batch_id=batch.pk)
            print(
                f"batch_mark_paid (journal + {n} requests): {(time.perf_counter() - start) * 1000:,.0f} ms"
            )
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
