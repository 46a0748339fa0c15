"""`urakata invoice list / pdf / pint / import-pint / match`."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from urakata.invoicing.tests.factories import issued

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("invoice", *args, stdout=out)
    return out.getvalue()


def test_list_pdf_pint_and_match(tmp_path: Path) -> None:
    invoice = issued()
    rows = json.loads(_run("list", "--status", "issued", "--json"))
    assert [(r["number"], r["total"], r["open_amount"]) for r in rows] == [
        (invoice.number, 6838, 6838)
    ]
    pdf = tmp_path / "i.pdf"
    _run("pdf", invoice.number, "--out", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    xml = tmp_path / "i.xml"
    _run("pint", invoice.number, "--out", str(xml))
    assert b"<cbc:ID>" + invoice.number.encode() in xml.read_bytes()
    assert json.loads(_run("match", "--json")) == []
    with pytest.raises(CommandError):
        _run("pdf", "NOPE-1", "--out", str(pdf))


def test_import_pint_needs_a_named_user(tmp_path: Path, make_user) -> None:  # type: ignore[no-untyped-def]
    from urakata.core.roles import Role

    source = Path(__file__).parent / "pint_examples" / "Example1-minimum.xml"
    with pytest.raises(CommandError):
        _run("import-pint", str(source), "--json")
    user = make_user(Role.ACCOUNTING)
    result = json.loads(_run("import-pint", str(source), "--json", "--as", user.username))
    assert result["total"] == 281240 and {t["tax_category"] for t in result["tax_totals"]} == {
        "S",
        "E",
    }
