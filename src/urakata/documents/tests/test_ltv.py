"""LTV: a signature made with the demo CA carries its validation material in the PDF's DSS
(certificates and the CA's CRL), and still verifies with pyHanko's own validator."""

from __future__ import annotations

import datetime as dt
import io
import warnings

import pytest

from urakata.documents import pki, signing
from urakata.documents.contract_models import Contract
from urakata.org.tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db


def test_signature_embeds_dss_with_chain_and_crl() -> None:
    from asn1crypto import crl as asn1_crl
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    contract = Contract(
        title="保守契約書",
        counterparty=CounterpartyFactory(),
        amount=500_000,
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2027, 3, 31),
        body="第1条 保守",
        signer_name="山田 花子",
        signer_email="hanako@example.jp",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = signing.sign_pdf(
            signing.contract_pdf(contract, "裏方商事"),
            purpose="company",
            field="Company",
            reason="甲",
        )
    reader = PdfFileReader(io.BytesIO(data))
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 2 and len(dss["/CRLs"]) == 1
    crl = asn1_crl.CertificateList.load(dss["/CRLs"][0].get_object().data)
    assert crl.issuer == pki.ca_certificate().subject
    [signature] = reader.embedded_signatures
    status = validate_pdf_signature(
        signature,
        ValidationContext(trust_roots=[pki.ca_certificate()], crls=[crl], allow_fetching=False),
    )
    assert status.intact and status.valid and status.trusted
