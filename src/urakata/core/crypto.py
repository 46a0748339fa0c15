"""Encryption at rest with a key per purpose, derived from SECRET_KEY (one place for every domain).

`purpose_fernet("urakata.payroll.my_number")` and `purpose_fernet("urakata-signing-keys")` give
independent keys; rotating SECRET_KEY means re-encrypting what each purpose stored.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet
from django.conf import settings


def purpose_fernet(purpose: str) -> Fernet:
    """A Fernet whose key is SHA-256(purpose + ":" + SECRET_KEY)."""
    digest = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))
