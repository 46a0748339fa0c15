"""Refresh the BM25 impacts of the full-text index when the mean document length has drifted.

Each index row's `impact` was computed with the mean document length of its day (kept per
document in `Document.index_average`). As the store grows the mean moves, and old impacts rank a
little differently from new ones. `documents_reindex` recomputes the impacts of the documents whose
mean is off by more than `tolerance` (or of every document with `all_documents`) from the stored
term frequencies: no text is tokenised again, the terms and `tf` stay, only `impact` changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum

from urakata.core.audit import audit_record
from urakata.core.permissions import require
from urakata.documents import index
from urakata.documents.models import Document, DocumentTerm

CHUNK = 500
TOLERANCE = 0.05  # 5 % drift of the mean length


@dataclass(frozen=True)
class ReindexResult:
    """What a reindex did."""

    average: float  # the mean document length now used
    documents: int  # documents whose impacts were recomputed
    rows: int  # index rows whose impact changed
    total: int  # documents in the store (not disposed)


def index_average() -> tuple[int, float]:
    """(documents not disposed, their mean length in terms), read now (no cache)."""
    row = Document.objects.filter(disposed_at__isnull=True).aggregate(
        n=Count("id"), length=Sum("term_count")
    )
    total, length = int(row["n"] or 0), int(row["length"] or 0)
    return total, max(1.0, length / total) if total else 1.0


def documents_drifted(*, average: float, tolerance: float = TOLERANCE) -> Any:
    """The documents whose impacts were computed with a mean off by more than `tolerance`
    (relative), or with an unknown mean."""
    low, high = average * (1 - tolerance), average * (1 + tolerance)
    return Document.objects.filter(disposed_at__isnull=True).filter(
        Q(index_average__lte=0) | Q(index_average__lt=low) | Q(index_average__gt=high)
    )


def documents_reindex(
    *,
    actor: Any,
    all_documents: bool = False,
    tolerance: float = TOLERANCE,
    progress: Callable[[int, int], None] | None = None,
) -> ReindexResult:
    """Recompute the BM25 impacts with today's mean document length: of the drifted documents,
    or of all with `all_documents`. One transaction and one audit event; `progress(done, total)`
    is called after each chunk of documents."""
    require(actor, "documents.manage")
    if tolerance < 0:
        raise ValueError("tolerance must be >= 0")
    with transaction.atomic():
        total, average = index_average()
        chosen = Document.objects.filter(disposed_at__isnull=True)
        if not all_documents:
            chosen = documents_drifted(average=average, tolerance=tolerance)
        pairs = list(chosen.order_by("pk").values_list("pk", "term_count", "index_average"))
        before = sorted({round(mean, 1) for _pk, _n, mean in pairs})
        changed = 0
        for start in range(0, len(pairs), CHUNK):
            chunk = pairs[start : start + CHUNK]
            changed += _refresh(chunk, average)
            if progress is not None:
                progress(start + len(chunk), len(pairs))
        index.stats_clear()
        audit_record(
            actor=actor,
            action="documents.index.reindex",
            target_type="documents.index",
            changes={
                "index_average": [[str(m) for m in before[:10]], f"{average:.3f}"],
                "documents": [None, len(pairs)],
                "rows": [None, changed],
                "all": [None, all_documents],
            },
        )
    return ReindexResult(average=average, documents=len(pairs), rows=changed, total=total)


def _refresh(chunk: list[tuple[int, int, float]], average: float) -> int:
    lengths = {pk: length for pk, length, _mean in chunk}
    rows = []
    for row in DocumentTerm.objects.filter(document_id__in=list(lengths)).only(
        "pk", "document_id", "tf", "impact"
    ):
        new = index.impact(row.tf, lengths[row.document_id], average)
        if new != row.impact:
            row.impact = new
            rows.append(row)
    DocumentTerm.objects.bulk_update(rows, ["impact"], batch_size=2000)
    Document.objects.filter(pk__in=list(lengths)).update(index_average=average)
    return len(rows)
