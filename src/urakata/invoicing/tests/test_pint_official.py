"""URAKATA_PINT_RULES_DIR: compiled Schematron (XSLT producing SVRL) run with saxonche; its fatal
failed-asserts join the errors with their rule ids. A tiny stand-in stylesheet plays the part of
the official artefacts (which are not in the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest

from urakata.invoicing.pint_read import pint_validate

pytest.importorskip("saxonche")

EXAMPLE = (Path(__file__).parent / "pint_examples" / "Example1-minimum.xml").read_bytes()
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
