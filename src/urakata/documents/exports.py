"""Downloads for a tax examination (ダウンロードの求め): the CSV index (索引簿) of a search and a ZIP
with that index and every matching file, named `取引年月日_取引先_金額_件名` as the NTA examples do."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath
from typing import Any

from urakata.core.permissions import require
from urakata.core.tables import audit_export
from urakata.core.tables.writing import write_csv
from urakata.documents import selectors
from urakata.documents.models import Document, DocumentVersion
from urakata.documents.services import blob_read

MAX_DOCUMENTS = 20_000
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def index_table(*, actor: Any, filters: selectors.DocumentFilters) -> list[list[Any]]:
    """The CSV index rows of a search (current version of each document)."""
    documents = list(selectors.document_list(actor=actor, filters=filters)[:MAX_DOCUMENTS])
    latest = selectors.latest_versions(documents)
    return [selectors.index_row(d, latest.get(d.pk)) for d in documents]


def index_csv_audit(*, actor: Any, filters: selectors.DocumentFilters, rows: int) -> None:
    """The one audit event of a CSV index download."""
    audit_export(
        actor=actor,
        action="documents.document.export",
        file_format="csv",
        rows=rows,
        filters=filters.as_query(),
        target_type="documents.document",
    )


def _file_name(document: Document, version: DocumentVersion) -> str:
    day = document.transaction_date.strftime("%Y%m%d") if document.transaction_date else "00000000"
    party = document.counterparty.name if document.counterparty else "取引先なし"
    amount = str(document.amount) if document.amount is not None else "0"
    suffix = PurePath(version.stored_file.name).suffix.lower()[:10]
    stem = f"{day}_{party}_{amount}_{document.title}"
    stem = _UNSAFE.sub("_", stem)[:120]
    return f"files/{stem}_{document.pk}-v{version.number}{suffix}"


def tax_examination_zip(
    *, actor: Any, filters: selectors.DocumentFilters, all_versions: bool = True
) -> tuple[bytes, int]:
    """(ZIP bytes, number of documents): `index.csv` plus the files of every matching document
    (every version by default, so the 訂正削除履歴 travels with them)."""
    require(actor, "documents.export")
    documents = list(selectors.document_list(actor=actor, filters=filters)[:MAX_DOCUMENTS])
    versions = DocumentVersion.objects.filter(
        document_id__in=[d.pk for d in documents]
    ).select_related("stored_file")
    by_document: dict[int, list[DocumentVersion]] = {}
    for version in versions.order_by("document_id", "number"):
        by_document.setdefault(version.document_id, []).append(version)
    rows: list[list[Any]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            chosen = by_document.get(document.pk, [])
            if not all_versions:
                chosen = chosen[-1:]
            for version in chosen:
                path = _file_name(document, version)
                archive.writestr(path, blob_read(version))
                rows.append(selectors.index_row(document, version, path))
        archive.writestr("index.csv", write_csv(selectors.INDEX_HEADER, rows, bom=True))
    audit_export(
        actor=actor,
        action="documents.document.export",
        file_format="zip",
        rows=len(documents),
        filters=filters.as_query(),
        target_type="documents.document",
    )
    return buffer.getvalue(), len(documents)
