"""Data-migration helper: move a file of an older per-domain store into the one file store.

Used by the migrations that put workflow's attachments and ledger's evidence on core.StoredFile.
The old file is copied (never deleted) to `files/<sha256[:2]>/<sha256>`; its type is sniffed
from the content. When the old file is missing the row still moves, pointing at the old path, so
`verify_stored_files()` reports it instead of the migration failing.
"""

from __future__ import annotations

import hashlib
from typing import Any

import magic
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.utils import timezone


def adopt_legacy_file(
    stored_model: Any,
    *,
    old_name: str,
    sha256: str,
    size: int,
    name: str,
    purpose: str,
    uploaded_by_id: int | None = None,
    uploaded_at: Any = None,
) -> Any:
    """Create a StoredFile row (historical model) for a file kept under `old_name`."""
    target = storages["files"]
    key = f"files/{sha256[:2]}/{sha256}"
    blob = old_name
    content_type = "application/octet-stream"
    content: bytes | None = None
    if old_name and default_storage.exists(old_name):
        with default_storage.open(old_name, "rb") as handle:
            content = handle.read()
    if content is not None:
        content_type = (magic.from_buffer(content[: 64 * 1024], mime=True) or content_type).lower()
        if hashlib.sha256(content).hexdigest() == sha256:
            blob = key if target.exists(key) else str(target.save(key, ContentFile(content)))
    return stored_model.objects.create(
        blob=blob,
        name=(name or "file")[:200],
        sha256=sha256,
        size=size,
        content_type=content_type[:100],
        purpose=purpose,
        uploaded_by_id=uploaded_by_id,
        uploaded_at=uploaded_at or timezone.now(),
    )
