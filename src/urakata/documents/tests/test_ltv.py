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


def test_second_signature_reuses_the_cached_material_and_still_verifies() -> None:
    """The TSA, the CRL and the container size are kept per process: a second signature with the
    same signer reserves the size the first one estimated, and both verify independently."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    contract = Contract(
        title="請負契約書",
        counterparty=CounterpartyFactory(),
        amount=1_100_000,
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2027, 3, 31),
        body="第1条 請負",
        signer_name="山田 花子",
        signer_email="hanako@example.jp",
    )
    pdf = signing.contract_pdf(contract, "裏方商事")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = signing.sign_pdf(pdf, purpose="company", field="Company", reason="甲")
        crl = pki.demo_crl()
        second = signing.sign_pdf(first, purpose="witness", field="Witness", reason="乙")
        third = signing.sign_pdf(pdf, purpose="company", field="Company", reason="甲")
    assert pki.demo_crl() is crl  # issued once, reused
    assert signing._timestamper() is signing._timestamper()
    sizes = [
        len(PdfFileReader(io.BytesIO(d)).embedded_signatures[-1].sig_object["/Contents"]) * 2
        for d in (first, third)
    ]
    assert sizes[0] == sizes[1] > 0  # the third reserved what the first estimated
    root = pki.ca_certificate()
    for data, count in ((second, 2), (third, 1)):
        signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
        assert len(signatures) == count
        for signature in signatures:
            status = validate_pdf_signature(
                signature, ValidationContext(trust_roots=[root], allow_fetching=False)
            )
            assert status.intact and status.valid and status.trusted
    assert signing.verify_pdf(second)["valid"] and signing.verify_pdf(third)["valid"]
