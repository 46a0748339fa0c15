"""The official JP PINT rules (OpenPeppol's compiled Schematron, vendored in
`pint_rules_official/`, see its SOURCE.md) run through saxonche: the official examples pass them
(proving the runner), and so does every kind of invoice we export. A tiny stand-in stylesheet also
checks that URAKATA_PINT_RULES_DIR replaces the vendored set and that only fatal asserts count."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from urakata.core.permissions import SYSTEM
from urakata.invoicing import delivery, pint_official, services
from urakata.invoicing.models import Invoice
from urakata.invoicing.pint_read import pint_validate
from urakata.invoicing.tests.factories import customer, issued

pytest.importorskip("saxonche")

EXAMPLES = Path(__file__).parent / "pint_examples"
EXAMPLE = (EXAMPLES / "Example1-minimum.xml").read_bytes()
VENDORED = Path(pint_official.__file__).parent / "pint_rules_official"
RULES = """<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
    xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">
  <xsl:template match="/">
    <svrl:schematron-output>
      <xsl:if test="not(/ubl:Invoice/cbc:BuyerReference)">
        <svrl:failed-assert id="test-buyer-reference" flag="fatal" location="/Invoice">
          <svrl:text>Buyer reference is required by this stand-in rule.</svrl:text>
        </svrl:failed-assert>
      </xsl:if>
      <svrl:failed-assert id="test-warning" flag="warning" location="/Invoice">
        <svrl:text>Only a warning.</svrl:text>
      </svrl:failed-assert>
    </svrl:schematron-output>
  </xsl:template>
</xsl:stylesheet>
"""


def official(data: bytes) -> list[str]:
    """Rule ids of every fatal failed assert of the vendored official rules."""
    return [p.id for p in pint_official.official_problems(data)]


def test_the_vendored_rules_are_the_official_files() -> None:
    import hashlib

    source = (VENDORED / "SOURCE.md").read_text(encoding="utf-8")
    files = sorted(VENDORED.glob("*.xslt"))
    assert [f.name for f in files] == [
        "PINT-UBL-validation-preprocessed.xslt",
        "PINT-jurisdiction-aligned-rules.xslt",
    ]
    for path in files:
        assert hashlib.sha256(path.read_bytes()).hexdigest() in source


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.xml")))
def test_official_examples_pass_the_official_rules(name: str) -> None:
    assert official((EXAMPLES / name).read_bytes()) == []


def test_a_broken_example_fails_with_official_rule_ids() -> None:
    broken = EXAMPLE.replace(b"urn:peppol:pint:billing-1@jp-1", b"urn:example:other")
    broken = re.sub(rb"<cbc:CompanyID>T\d{13}", b"<cbc:CompanyID>1234", broken, count=1)
    ids = official(broken)
    assert "aligned-ibrp-001-jp" in ids and "aligned-ibr-jp-01" in ids


def test_official_rules_are_run_when_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pint_validate(EXAMPLE)["valid"]
    (tmp_path / "rules.xslt").write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("URAKATA_PINT_RULES_DIR", str(tmp_path))
    result = pint_validate(EXAMPLE)
    assert not result["valid"]
    assert [e["id"] for e in result["errors"]] == ["test-buyer-reference"]
    assert result["errors"][0]["location"] == "/Invoice"


def _line(category: str, price: int, qty: str = "1", unit: str = "式") -> dict[str, Any]:
    return {
        "description": f"品目{category}{price}",
        "quantity": qty,
        "unit": unit,
        "unit_price": price,
        "tax_category": category,
    }


def _credit_note() -> Invoice:
    invoice = issued()
    note = services.credit_note_create(
        actor=SYSTEM,
        original=invoice,
        data={
            "issue_date": dt.date(2026, 5, 20),
            "lines": [_line("S", 1000), _line("AA", 500)],
        },
    )
    return services.invoice_issue(actor=SYSTEM, invoice=note)


VARIANTS = {
    "10% and 8% mixed": lambda: issued(),
    "exempt and export lines": lambda: issued(
        lines=[_line("S", 10000), _line("E", 3490), _line("G", 5000)]
    ),
    "fractional quantities": lambda: issued(
        lines=[_line("S", 333, "2.5", "時間"), _line("AA", 199, "3", "個")]
    ),
    "credit note": _credit_note,
    "multi-page (60 lines)": lambda: issued(
        lines=[_line("S" if i % 3 else "AA", 100 + i * 7, str(i % 4 + 1)) for i in range(60)]
    ),
}


@pytest.mark.django_db
def test_a_buyer_without_corporate_number_is_named_by_both_validators() -> None:
    """Peppol needs the buyer's electronic address (ibt-049): without a 法人番号 the export is
    still made (for e-mail), and both our check and the official rules name rule ibr-080."""
    data = delivery.pint_bytes(issued(cp=customer(corporate_number="")))
    assert official(data) == ["ibr-080"]
    result = pint_validate(data)
    assert [e["id"] for e in result["errors"]] == ["ibr-080"]
    assert "法人番号" in result["errors"][0]["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_export_passes_the_official_rules(variant: str) -> None:
    data = delivery.pint_bytes(VARIANTS[variant]())
    assert official(data) == []
    result = pint_validate(data)
    assert result["valid"], result["errors"]


def test_our_rule_ids_exist_in_the_official_artefacts() -> None:
    """Every rule id our own validator can report is an official id (or ours, prefixed)."""
    text = "".join(p.read_text(encoding="utf-8") for p in VENDORED.glob("*.xslt"))
    official_ids = set(re.findall(r'name="id">([^<]+)<', text))
    src = Path(pint_official.__file__).parent
    ours: set[str] = set()
    for module in ("pint_read.py", "pint_rules.py", "pint_model.py"):
        code = (src / module).read_text(encoding="utf-8")
        ours |= set(re.findall(r'"((?:aligned-)?ibr[a-z0-9-]*)"', code))
    assert len(ours) > 25 and ours <= official_ids, sorted(ours - official_ids)
    assert len(official_ids) > 150
