"""Benchmark: import and export 10,000 employees and 10,000 counterparties; prints seconds.

    PYTHONPATH=src python -m benchmarks.org_import [--rows 10000]

Runs against a fresh SQLite database in a temporary directory unless DATABASE_URL is set
(then it uses that database: point it at a scratch one, the rows stay there).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("URAKATA_DATA_DIR", tempfile.mkdtemp(prefix="urakata-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from stdnum.jp import cn

    from urakata.org import import_export, selectors
    from urakata.org.models import Department, Position

    call_command("migrate", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench-admin", "", "x")
    Department.objects.get_or_create(code="D100", defaults={"name": "営業部"})
    Position.objects.get_or_create(code="P10", defaults={"name": "一般"})
    n = args.rows

    header = "社員番号,姓,名,姓(フリガナ),名(フリガナ),メールアドレス,部署コード,役職コード,上長の社員番号,雇用区分,入社日,在籍状況"
    lines = [header]
    for i in range(n):
        manager = "B000000" if i else ""
        lines.append(
            f"B{i:06d},山田,太郎{i},ヤマダ,タロウ,b{i}@example.jp,D100,P10,{manager},正社員,2020-04-01,在籍"
        )
    employees_csv = ("\n".join(lines)).encode("utf-8-sig")

    def run(label: str, func: object) -> object:
        start = time.perf_counter()
        try:
            return func()  # type: ignore[operator]
        finally:
            print(f"{label}: {time.perf_counter() - start:.2f} s", flush=True)

    result = run(
        f"import {n} new employees (with logins)",
        lambda: import_export.employee_import(
            actor=admin, upload=SimpleUploadedFile("e.csv", employees_csv)
        ),
    )
    print("  ", result.as_dict())  # type: ignore[attr-defined]
    export = run(
        f"export {n} employees as CSV",
        lambda: import_export.employee_export(
            actor=admin, filters=selectors.EmployeeFilters(), file_format="csv"
        ),
    )
    run(
        f"export {n} employees as XLSX",
        lambda: import_export.employee_export(
            actor=admin, filters=selectors.EmployeeFilters(), file_format="xlsx"
        ),
    )
    result = run(
        f"re-import the {n}-row export (no changes)",
        lambda: import_export.employee_import(
            actor=admin,
            upload=SimpleUploadedFile("e.csv", export.content),  # type: ignore[attr-defined]
        ),
    )
    print("  ", result.as_dict())  # type: ignore[attr-defined]
    changed = employees_csv.decode("utf-8-sig").replace("山田", "山本").encode("utf-8-sig")
    result = run(
        f"import {n} updated employees",
        lambda: import_export.employee_import(
            actor=admin, upload=SimpleUploadedFile("e.csv", changed)
        ),
    )
    print("  ", result.as_dict())  # type: ignore[attr-defined]

    lines = [
        "取引先コード,取引先名,取引先名(カナ),法人番号,登録番号,得意先,銀行コード,支店コード,預金種目,口座番号"
    ]
    for i in range(n):
        base = f"{i + 10**11:012d}"
        number = cn.calc_check_digit(base) + base
        lines.append(
            f"C{i:06d},株式会社ベンチ{i},ベンチ,{number},T{number},1,0005,135,普通,{i % 10**7:07d}"
        )
    result = run(
        f"import {n} new counterparties",
        lambda: import_export.counterparty_import(
            actor=admin,
            upload=SimpleUploadedFile("c.csv", "\n".join(lines).encode("utf-8-sig")),
        ),
    )
    print("  ", result.as_dict())  # type: ignore[attr-defined]
    bad = lines[:]
    bad[n // 2] = bad[n // 2].replace(",T", ",X")
    try:
        run(
            f"validate {n} counterparties with 1 bad row (rejected)",
            lambda: import_export.counterparty_import(
                actor=admin,
                upload=SimpleUploadedFile("c.csv", "\n".join(bad).encode("utf-8-sig")),
            ),
        )
    except import_export.ImportRejected as error:
        print("   rejected rows:", [(e.row, e.column) for e in error.rows])
    from urakata.core.audit import audit_verify

    print("audit chain:", audit_verify().as_dict())


if __name__ == "__main__":
    sys.exit(main())
