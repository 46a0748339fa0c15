"""Signing keys for e-contracts: a demo CA issues the company's certificate, the platform's
立会人 (witness) certificate and a test TSA certificate. Private keys are stored encrypted
(Fernet, key derived from SECRET_KEY); a production installation replaces the company key and
points `URAKATA_TSA_URL` at a real time-stamping authority."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.db import IntegrityError, transaction

from urakata.core.crypto import purpose_fernet
from urakata.documents.contract_models import SigningKey

KEY_BITS = 2048
YEARS = 10


@dataclass(frozen=True)
class KeyPair:
    """A certificate and its key, in the asn1crypto types pyHanko takes."""

    certificate: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo


def _fernet() -> Fernet:
    return purpose_fernet("urakata-signing-keys")


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, common.split(" ")[0]),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _issue(
    *,
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey] | None,
    ca: bool = False,
    usage: list[Any] | None = None,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    issuer_name = issuer[0].subject if issuer else _name(subject)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * YEARS))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()),
            critical=False,
        )
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usage), critical=True)
    return builder.sign(issuer[1] if issuer else key, hashes.SHA256())


def _save(purpose: str, certificate: x509.Certificate, key: rsa.RSAPrivateKey) -> None:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    SigningKey.objects.create(
        purpose=purpose,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        encrypted_key=_fernet().encrypt(der).decode(),
    )


def ensure_keys(company_name: str = "") -> None:
    """Create the demo CA and the certificates it issues, once per installation."""
    if SigningKey.objects.filter(purpose=SigningKey.Purpose.CA).exists():
        return
    if not company_name:
        from urakata.org.models import Company

        company = Company.objects.order_by("pk").first()
        company_name = company.name if company else "Urakata"
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    ca_cert = _issue(subject="Urakata Demo CA", key=ca_key, issuer=None, ca=True)
    issued = {
        SigningKey.Purpose.COMPANY: (company_name, None),
        SigningKey.Purpose.WITNESS: ("Urakata 立会人署名", None),
        SigningKey.Purpose.TSA: ("Urakata Test TSA", [ExtendedKeyUsageOID.TIME_STAMPING]),
    }
    try:
        with transaction.atomic():
            _save(SigningKey.Purpose.CA, ca_cert, ca_key)
            for purpose, (subject, usage) in issued.items():
                key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
                _save(
                    purpose,
                    _issue(subject=subject, key=key, issuer=(ca_cert, ca_key), usage=usage),
                    key,
                )
    except IntegrityError:  # another process created them first
        return


def load(purpose: str) -> KeyPair:
    """The certificate and decrypted key of one purpose."""
    ensure_keys()
    row = SigningKey.objects.get(purpose=purpose)
    der_cert = x509.load_pem_x509_certificate(row.certificate_pem.encode()).public_bytes(
        serialization.Encoding.DER
    )
    key_der = _fernet().decrypt(row.encrypted_key.encode())
    return KeyPair(asn1_x509.Certificate.load(der_cert), asn1_keys.PrivateKeyInfo.load(key_der))


def ca_certificate() -> asn1_x509.Certificate:
    """The demo CA's certificate: the trust root a verifier is given."""
    ensure_keys()
    row = SigningKey.objects.get(purpose=SigningKey.Purpose.CA)
    der = x509.load_pem_x509_certificate(row.certificate_pem.encode()).public_bytes(
        serialization.Encoding.DER
    )
    return asn1_x509.Certificate.load(der)


CRL_REUSE = dt.timedelta(hours=1)
_crls: dict[str, tuple[dt.datetime, bytes]] = {}


def demo_crl() -> bytes:
    """A current CRL of the demo CA (nothing revoked, valid 7 days), DER: embedded with the
    signatures as their revocation information (LTV) while the demo CA signs. Made at most once an
    hour per CA and process (the same bytes object meanwhile): issuing one means loading the CA key
    and an RSA signature, which dominated signing a contract."""
    ensure_keys()
    row = SigningKey.objects.get(purpose=SigningKey.Purpose.CA)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    cached = _crls.get(row.certificate_pem)
    if cached is not None and now - cached[0] < CRL_REUSE:
        return cached[1]
    ca_cert = x509.load_pem_x509_certificate(row.certificate_pem.encode())
    ca_key = serialization.load_der_private_key(_fernet().decrypt(row.encrypted_key.encode()), None)
    assert isinstance(ca_key, rsa.RSAPrivateKey)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=7))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _crls.clear()
    _crls[row.certificate_pem] = (now, crl.public_bytes(serialization.Encoding.DER))
    return _crls[row.certificate_pem][1]
