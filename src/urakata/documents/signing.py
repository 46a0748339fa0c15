"""PDF signatures with pyHanko: the contract PDF, PAdES signatures (company, then the platform's
立会人 signature for the counterparty) with an RFC 3161 timestamp, and verification."""

from __future__ import annotations

import io
import logging
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings

from urakata.documents import pki
from urakata.documents.contract_models import Contract, SigningKey


def contract_pdf(contract: Contract, company_name: str) -> bytes:
    """The contract as a PDF (A4, Japanese CID font; its text layer is searchable)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(contract.title)
    pdf.setFont("HeiseiMin-W3", 16)
    pdf.drawCentredString(A4[0] / 2, 790, contract.title)
    pdf.setFont("HeiseiMin-W3", 10.5)
    lines = [
        f"{company_name}(以下「甲」)と{contract.counterparty.name}(以下「乙」)は、"
        f"次のとおり{contract.contract_type}契約を締結する。",
        "",
        f"契約金額: {contract.amount:,} 円(税込)",
        f"契約期間: {contract.start_date:%Y年%m月%d日} から {contract.end_date:%Y年%m月%d日} まで",
        f"自動更新: {'あり' if contract.auto_renew else 'なし'}"
        f"(解約予告期間 {contract.notice_days} 日)",
        "",
        *contract.body.splitlines(),
        "",
        "本契約の成立を証するため、本電子契約書に甲乙それぞれ電子署名を行う。",
        f"甲: {company_name}",
        f"乙: {contract.counterparty.name} {contract.signer_name}",
    ]
    y = 750.0
    for line in lines:
        for start in range(0, max(1, len(line)), 44):
            if y < 60:
                pdf.showPage()
                pdf.setFont("HeiseiMin-W3", 10.5)
                y = 790.0
            pdf.drawString(60, y, line[start : start + 44])
            y -= 16
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _timestamper() -> Any:
    """The configured TSA (`URAKATA_TSA_URL`), else the local test TSA of the demo CA. The local one
    is made once per TSA key and process: it parses its key once and keeps pyHanko's size-estimate
    token, instead of both per signature."""
    url = getattr(settings, "URAKATA_TSA_URL", "") or ""
    if url:
        from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

        return HTTPTimeStamper(url)
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    tsa = pki.load(SigningKey.Purpose.TSA)
    cache_key = b"tsa:" + tsa.key.dump()
    if cache_key not in _timestampers:
        _timestampers.clear()  # one TSA key at a time (a new demo CA replaces the old one)
        _timestampers[cache_key] = _timestamper_class()(
            tsa_cert=tsa.certificate,
            tsa_key=tsa.key,
            certs_to_embed=SimpleCertificateStore.from_certs([pki.ca_certificate()]),
        )
    return _timestampers[cache_key]


_timestampers: dict[bytes, Any] = {}


def _timestamper_class() -> type:
    """pyHanko's local test TSA, signing its tokens with the key parsed once (the stock one parses
    and checks the RSA key for every token, ~0.1-0.2 s each)."""
    if "tsa" not in _classes:
        from asn1crypto import cms, core
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko.sign.general import (
            as_signing_certificate,
            get_pyca_cryptography_hash,
            simple_cms_attribute,
        )
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        class LoadedKeyTimeStamper(DummyTimeStamper):  # type: ignore[misc]
            def _sign_tst_info(
                self, tst_info_data: bytes, md_algorithm: str, dt: Any
            ) -> tuple[bytes, Any]:
                algorithm = get_pyca_cryptography_hash(md_algorithm)
                digest = hashes.Hash(algorithm)
                digest.update(tst_info_data)
                attributes = cms.CMSAttributes(
                    [
                        simple_cms_attribute("content_type", "tst_info"),
                        simple_cms_attribute(
                            "signing_time", cms.Time({"utc_time": core.UTCTime(dt)})
                        ),
                        simple_cms_attribute(
                            "signing_certificate", as_signing_certificate(self.tsa_cert)
                        ),
                        simple_cms_attribute("message_digest", digest.finalize()),
                    ]
                )
                key = _loaded_key(self.tsa_key)
                return key.sign(attributes.dump(), PKCS1v15(), algorithm), attributes

        _classes["tsa"] = LoadedKeyTimeStamper
    return _classes["tsa"]


def sign_pdf(data: bytes, *, purpose: str, field: str, reason: str, name: str = "") -> bytes:
    """Add one PAdES signature (an incremental update: earlier signatures stay intact)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    pair = pki.load(purpose)
    signer = _signer_class()(
        signing_cert=pair.certificate,
        signing_key=pair.key,
        cert_registry=SimpleCertificateStore.from_certs([pki.ca_certificate()]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        reason=reason[:200],
        name=name[:100] or None,
        location="Japan",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        **_ltv(),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    timestamper = _timestamper()
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper)
    # pyHanko sizes the signature container by making a trial signature (with a 50 % margin); the
    # size depends only on the certificates and the TSA, so the first estimate is kept per signer.
    tsa = getattr(timestamper, "url", None) or timestamper.tsa_cert.dump()
    size_key = (pair.certificate.dump(), tsa if isinstance(tsa, bytes) else str(tsa).encode())
    output = pdf_signer.sign_pdf(writer, bytes_reserved=_reserved.get(size_key))
    signed = bytes(output.getvalue())
    if size_key not in _reserved:
        if len(_reserved) > 16:
            _reserved.clear()
        _reserved[size_key] = _reserved_size(signed)
    return signed


_reserved: dict[tuple[bytes, bytes], int | None] = {}


def _reserved_size(signed: bytes) -> int | None:
    """The room (hex digits) pyHanko reserved for the last signature of a PDF."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    signatures = PdfFileReader(io.BytesIO(signed), strict=False).embedded_signatures
    if not signatures:  # pragma: no cover - sign_pdf always adds one
        return None
    return len(signatures[-1].sig_object["/Contents"].original_bytes) * 2


_loaded_keys: dict[bytes, Any] = {}
_classes: dict[str, type] = {}


def _loaded_key(key: Any) -> Any:
    """The private key as a cryptography object, parsed (and checked) once per process: pyHanko's
    SimpleSigner parses the DER key again for every signature, which costs ~40 ms for RSA."""
    from cryptography.hazmat.primitives import serialization

    der = key.dump()
    if der not in _loaded_keys:
        _loaded_keys[der] = serialization.load_der_private_key(der, password=None)
    return _loaded_keys[der]


def _signer_class() -> type:
    """SimpleSigner that signs PKCS#1 v1.5 with the key parsed once; other schemes as pyHanko."""
    if "signer" not in _classes:
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko.sign import signers
        from pyhanko.sign.general import get_pyca_cryptography_hash

        class LoadedKeySigner(signers.SimpleSigner):  # type: ignore[misc]
            def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
                mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
                if mechanism.signature_algo != "rsassa_pkcs1v15":
                    return bytes(super().sign_raw(data, digest_algorithm))
                key = _loaded_key(self.signing_key)
                return bytes(
                    key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
                )

        _classes["signer"] = LoadedKeySigner
    return _classes["signer"]


_contexts: dict[str, Any] = {}  # the LTV validation context, kept while the cached CRL is


class _OwnValidationMaterial(logging.Filter):
    """Drops pyHanko's warning that fetching is off: the CRL and chain are given, not fetched."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


def _ltv() -> dict[str, Any]:
    """Long-term validation (PAdES-B-LT): with the local test TSA, the chain and a fresh CRL of
    the demo CA go into the PDF's DSS, so the signatures verify without reaching the installation.
    With a real TSA (`URAKATA_TSA_URL`) its chain is not ours to vouch for: no DSS then."""
    if getattr(settings, "URAKATA_TSA_URL", ""):
        return {}
    from asn1crypto import crl as asn1_crl
    from pyhanko_certvalidator import ValidationContext

    pyhanko_log = logging.getLogger("pyhanko.sign.signers.pdf_signer")
    if not any(isinstance(f, _OwnValidationMaterial) for f in pyhanko_log.filters):
        pyhanko_log.addFilter(_OwnValidationMaterial())
    crl = pki.demo_crl()
    if _contexts.get("crl") is not crl:
        _contexts.clear()
        _contexts["crl"] = crl
        _contexts["context"] = ValidationContext(
            trust_roots=[pki.ca_certificate()],
            crls=[asn1_crl.CertificateList.load(crl)],
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
    context = _contexts["context"]
    return {"embed_validation_info": True, "validation_context": context}


@dataclass(frozen=True)
class SignatureReport:
    """What one embedded signature says when checked."""

    field: str
    signer: str
    signing_time: str | None
    timestamp: str | None
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_document: bool
    modified_after_signing: bool
    reason: str


def _report(signature: Any, root: Any) -> SignatureReport:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, context, skip_diff=False)
    except Exception as error:  # a mangled signature is reported as invalid
        return SignatureReport(
            signature.field_name,
            "",
            None,
            None,
            False,
            False,
            False,
            False,
            True,
            f"{type(error).__name__}: {error}",
        )
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    modified = not status.intact or (
        not whole
        and level is not None
        and level.name not in ("NONE", "LTA_UPDATES", "FORM_FILLING")
    )
    timestamp = status.timestamp_validity
    signed_at = status.signer_reported_dt
    return SignatureReport(
        field=signature.field_name,
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
        signing_time=signed_at.isoformat() if signed_at else None,
        timestamp=timestamp.timestamp.isoformat() if timestamp else None,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_document=whole,
        modified_after_signing=bool(modified),
        reason=str(signature.sig_object.get("/Reason", "")),
    )


def verify_pdf(data: bytes) -> dict[str, Any]:
    """Every signature of a PDF checked against the installation's CA: intact, valid, signer,
    signing time, and whether the file was modified after it was signed."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as error:  # a broken file is a report, not a crash
        return {"valid": False, "error": f"unreadable PDF: {error}", "signatures": []}
    root = pki.ca_certificate()
    items = [asdict(_report(signature, root)) for signature in signatures]
    ok = bool(items) and all(
        r["intact"] and r["valid"] and r["trusted"] and not r["modified_after_signing"]
        for r in items
    )
    return {"valid": ok, "signatures": items}
