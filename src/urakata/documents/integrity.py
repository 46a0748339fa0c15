"""`urakata audit verify` for documents: each version's file is re-hashed and compared with the
hash recorded when the version was filed (the version row and its audit event), so a swapped or
altered file is named."""

from __future__ import annotations

from urakata.core.files import blob_sha256
from urakata.core.models import AuditEvent
from urakata.documents.models import DocumentVersion


def documents_verify() -> list[str]:
    """Problems: a version whose file is missing, altered, or not the one recorded at filing."""
    recorded: dict[str, str] = {}
    for target_id, changes in AuditEvent.objects.filter(action="documents.version.add").values_list(
        "target_id", "changes"
    ):
        sha = (changes or {}).get("sha256")
        if isinstance(sha, list) and len(sha) == 2:
            recorded[target_id] = str(sha[1])
    problems: list[str] = []
    seen: dict[str, str | None] = {}
    versions = DocumentVersion.objects.select_related("stored_file").order_by("pk")
    for version in versions.iterator(chunk_size=500):
        label = f"document {version.document_id} version {version.number}"
        stored = version.stored_file
        if recorded.get(str(version.pk)) != version.sha256:
            problems.append(f"{label}: hash differs from its audit event")
        if stored.sha256 != version.sha256:
            problems.append(f"{label}: stored file {stored.pk} is not the file filed")
        name = str(stored.blob.name)
        if name not in seen:
            seen[name] = blob_sha256(name)
        actual = seen[name]
        if actual is None:
            problems.append(f"{label}: file content missing")
        elif actual != version.sha256:
            problems.append(f"{label}: SHA-256 {actual} != {version.sha256}")
    return problems
