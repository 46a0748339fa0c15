"""`urakata payroll withholding` and `urakata payroll social-insurance` as the issue gives them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def _json(*args: str) -> dict:
    out = StringIO()
    call_command("payroll", *args, stdout=out)
    return json.loads(out.getvalue())


def test_withholding_cli() -> None:
    assert _json(
        "withholding",
        "--taxable",
        "175000",
        "--dependents",
        "2",
        "--method",
        "formula",
        "--date",
        "2026-06-25",
        "--json",
    ) == {"tax": 210}
    assert _json(
        "withholding", "--taxable", "175000", "--dependents", "2", "--date", "2026-06-25", "--json"
    ) == {"tax": 250}
    assert _json(
        "withholding", "--taxable", "300000", "--column", "otsu", "--date", "2026-06-25", "--json"
    ) == {"tax": 53_600}
    with pytest.raises(CommandError, match="令和8年分"):
        _json("withholding", "--taxable", "300000", "--date", "2027-01-25", "--json")


def test_social_insurance_cli() -> None:
    assert _json(
        "social-insurance",
        "--remuneration",
        "300000",
        "--age",
        "45",
        "--prefecture",
        "13",
        "--month",
        "2026-04",
        "--json",
    ) == {
        "standard_remuneration_health": 300_000,
        "standard_remuneration_pension": 300_000,
        "health": 14_775,
        "care": 2_430,
        "child_support": 345,
        "pension": 27_450,
    }
    with pytest.raises(CommandError, match="01〜47"):
        _json(
            "social-insurance", "--remuneration", "1", "--age", "1", "--prefecture", "0", "--json"
        )
