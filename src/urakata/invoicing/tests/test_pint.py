"""JP PINT: official examples import with their per-rate totals, export passes the rules and
round-trips, unsafe or wrong XML is refused with clear messages and nothing saved."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.invoicing import delivery
from urakata.invoicing.models import ReceivedInvoice
from urakata.invoicing.pint_read import pint_read, pint_validate
from urakata.invoicing.received import received_import_pint
from urakata.invoicing.tests.factories import issued

EXAMPLES = Path(__file__).parent / "pint_examples"
# (category, taxable, tax) per rate in yen, as the official examples state them.
EXPECTED = {
    "Example.xml": [("S", 260000, 26000), ("E", 3490, 0)],
    "Example1-minimum.xml": [("S", 252500, 25250), ("E", 3490, 0)],
    # EUR invoice: the JPY tax (ibt-190) 32,500 at 10% → taxable 325,000 yen
    "Example2-TaxAcctCur.xml": [("S", 325000, 32500)],
    "Example3-SumInv1.xml": [("S", 260000, 26000), ("E", 3490, 0)],
    "Example5-AllowanceCharge.xml": [("S", 260000, 26000), ("E", 3490, 0)],
}
MINIMUM = (EXAMPLES / "Example1-minimum.xml").read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_official_examples_import_with_their_totals(name: str) -> None:
    data = (EXAMPLES / name).read_bytes()
    assert pint_validate(data)["valid"], pint_validate(data)["errors"]
    item = received_import_pint(actor=SYSTEM, data=data)
    totals = sorted((t.tax_category, t.taxable, t.tax) for t in item.tax_totals.all())
    assert totals == sorted(EXPECTED[name])
    assert item.source == ReceivedInvoice.Source.PINT and item.registration_number.startswith("T")


@pytest.mark.django_db
def test_export_passes_the_rules_and_round_trips() -> None:
    invoice = issued()
    data = delivery.pint_bytes(invoice)
    result = pint_validate(data)
    assert result["valid"], result["errors"]
    assert result["warnings"] == []
    doc, errors, _warnings = pint_read(data)
    assert doc is not None and errors == []
    assert doc.number == invoice.number and doc.issue_date == invoice.issue_date
    assert doc.seller_tax_id == "T7123456789012"
    assert [
        (line.name, line.quantity, int(line.price), int(line.net), line.category)
        for line in doc.lines
    ] == [
        (line.description, line.quantity, line.unit_price, line.amount, line.tax_category)
        for line in invoice.lines.all()
    ]
    assert [(s.category, int(s.taxable), int(s.tax)) for s in doc.subtotals] == [
        (t.tax_category, t.taxable, t.tax) for t in invoice.tax_totals.all()
    ]
    assert (int(doc.tax_exclusive), int(doc.tax_total), int(doc.payable)) == (
        invoice.subtotal,
        invoice.tax_total,
        invoice.total,
    )
    # and in as a received invoice (the buyer's side): the same per-rate figures
    received = received_import_pint(actor=SYSTEM, data=data)
    assert (received.subtotal, received.tax_total, received.total) == (
        invoice.subtotal,
        invoice.tax_total,
        invoice.total,
    )


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&lol3;</ID></Invoice>"""


def _broken(old: bytes, new: bytes) -> bytes:
    assert old in MINIMUM
    return MINIMUM.replace(old, new, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"<Invoice><unclosed></Invoice>", "xml-wellformed"),
        (XXE, "xml-wellformed"),
        (LAUGHS, "xml-wellformed"),
        (b"<?xml version='1.0'?><Order xmlns='urn:x'/>", "ubl-root"),
        (
            _broken(b"<cbc:CompanyID>T1234567890123", b"<cbc:CompanyID>1234567890123"),
            "aligned-ibr-jp-01",
        ),
        (_broken(b">281240</cbc:PayableAmount>", b">281241</cbc:PayableAmount>"), "ibr-co-16"),
        (
            _broken(b">25250</cbc:TaxAmount> <!-- IBT-117", b">25000</cbc:TaxAmount> <!-- IBT-117"),
            "aligned-ibrp-051-jp",
        ),
        (
            _broken(b"<cbc:InvoiceTypeCode>380", b"<cbc:InvoiceTypeCode>389"),
            "aligned-ibrp-cl-02-jp",
        ),
        (
            _broken(b"urn:peppol:pint:billing-1@jp-1", b"urn:cen.eu:en16931:2017"),
            "aligned-ibrp-001-jp",
        ),
        (
            _broken(b">250000</cbc:LineExtensionAmount>", b">250001</cbc:LineExtensionAmount>"),
            "ibr-co-10",
        ),
    ],
)
def test_bad_files_are_refused_with_the_rule_and_nothing_is_saved(data: bytes, rule: str) -> None:
    result = pint_validate(data)
    assert not result["valid"]
    assert rule in {e["id"] for e in result["errors"]}, result["errors"]
    assert all(e["message"] and e["location"] for e in result["errors"])
    with pytest.raises(ValidationFailed) as caught:
        received_import_pint(actor=SYSTEM, data=data)
    assert rule in " ".join(caught.value.errors["file"])
    assert not ReceivedInvoice.objects.exists()


def test_entities_are_never_resolved() -> None:
    doc, errors, _warnings = pint_read(XXE)
    assert doc is None and "DTD" in errors[0].message


@pytest.mark.django_db
def test_validate_pint_command(tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(MINIMUM)
    out = StringIO()
    call_command("invoice", "validate-pint", str(good), "--json", stdout=out)
    assert json.loads(out.getvalue())["valid"] is True
    bad = tmp_path / "bad.xml"
    bad.write_bytes(_broken(b">281240</cbc:PayableAmount>", b">281241</cbc:PayableAmount>"))
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("invoice", "validate-pint", str(bad), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["valid"] is False and report["errors"][0]["id"] == "ibr-co-16"
    assert set(report["errors"][0]) == {"id", "message", "location"}


@pytest.mark.django_db
def test_credit_note_exports_as_ubl_credit_note() -> None:
    import datetime as dt

    from urakata.invoicing import services

    invoice = issued()
    note = services.credit_note_create(
        actor=SYSTEM,
        original=invoice,
        data={
            "issue_date": dt.date(2026, 5, 20),
            "lines": [{"description": "値引", "unit_price": 1000}],
        },
    )
    note = services.invoice_issue(actor=SYSTEM, invoice=note)
    data = delivery.pint_bytes(note)
    assert b"<CreditNote" in data and b"<cbc:CreditNoteTypeCode>381" in data
    assert invoice.number.encode() in data  # the preceding invoice (ibg-03)
    result = pint_validate(data)
    assert result["valid"], result["errors"]
    doc, _errors, _warnings = pint_read(data)
    assert doc is not None and doc.kind == "credit_note"
    assert [(s.category, int(s.taxable), int(s.tax)) for s in doc.subtotals] == [("S", 1000, 100)]
