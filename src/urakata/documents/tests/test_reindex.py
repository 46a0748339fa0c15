"""`urakata documents reindex`: BM25 impacts refreshed when the mean document length drifted."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from urakata.core.audit import audit_verify
from urakata.core.errors import PermissionDenied
from urakata.core.models import AuditEvent
from urakata.core.permissions import SYSTEM
from urakata.documents import index
from urakata.documents.models import Document, DocumentTerm
from urakata.documents.reindex import documents_reindex

pytestmark = pytest.mark.django_db


def _document(title: str, terms: dict[str, int], *, average: float, impact: int) -> Document:
    document = Document.objects.create(
        title=title, doc_type="report", term_count=sum(terms.values()), index_average=average
    )
    DocumentTerm.objects.bulk_create(
        DocumentTerm(document=document, term=term, tf=tf, impact=impact)
        for term, tf in terms.items()
    )
    return document


def _impacts(document: Document) -> dict[str, int]:
    return dict(DocumentTerm.objects.filter(document=document).values_list("term", "impact"))


def test_impact_by_hand() -> None:
    # tf 1 in 2 terms, mean 4: 1×2.2 / (1 + 1.2 × (0.25 + 0.75 × 2/4)) = 2.2 / 1.75 = 1.2571…
    assert index.impact(1, 2, 4.0) == 1257
    # tf 6 in 6 terms, mean 4: 6×2.2 / (6 + 1.2 × (0.25 + 0.75 × 6/4)) = 13.2 / 7.65 = 1.7254…
    assert index.impact(6, 6, 4.0) == 1725


def test_reindex_refreshes_only_drifted_documents_then_all() -> None:
    # Mean length (2 + 6) / 2 = 4. A was indexed with a mean of 2 (drifted); B with 4.1 (within 5 %).
    a = _document("A", {"点検": 1, "報告": 1}, average=2.0, impact=999)
    b = _document("B", {"点検": 6}, average=4.1, impact=999)
    gone = _document("C", {"点検": 1}, average=1.0, impact=999)
    Document.objects.filter(pk=gone.pk).update(disposed_at="2026-01-01T00:00:00Z")
    lines: list[tuple[int, int]] = []

    result = documents_reindex(
        actor=SYSTEM, progress=lambda done, total: lines.append((done, total))
    )

    assert (result.documents, result.rows, result.total, result.average) == (1, 2, 2, 4.0)
    assert _impacts(a) == {"点検": 1257, "報告": 1257}
    assert _impacts(b) == {"点検": 999}  # not drifted: untouched
    assert _impacts(gone) == {"点検": 999}  # disposed: not part of the index statistics
    assert Document.objects.get(pk=a.pk).index_average == 4.0
    assert lines == [(1, 1)]
    event = AuditEvent.objects.filter(action="documents.index.reindex").get()
    assert event.changes["documents"] == [None, 1] and event.changes["index_average"] == [
        ["2.0"],
        "4.000",
    ]

    again = documents_reindex(actor=SYSTEM)
    assert (again.documents, again.rows) == (0, 0)  # nothing drifted any more

    everything = documents_reindex(actor=SYSTEM, all_documents=True)
    assert (everything.documents, everything.rows) == (2, 1)
    assert _impacts(b) == {"点検": 1725} and _impacts(a) == {"点検": 1257, "報告": 1257}
    assert AuditEvent.objects.filter(action="documents.index.reindex").count() == 3
    assert audit_verify().ok


def test_reindex_needs_the_capability() -> None:
    a = _document("A", {"点検": 1}, average=0.0, impact=999)
    with pytest.raises(PermissionDenied):
        documents_reindex(actor=None)
    assert _impacts(a) == {"点検": 999}
    assert not AuditEvent.objects.filter(action="documents.index.reindex").exists()


def test_command_prints_progress_and_summary() -> None:
    _document("A", {"点検": 1, "報告": 1}, average=0.0, impact=999)
    _document("B", {"点検": 6}, average=0.0, impact=999)
    out = io.StringIO()
    call_command("documents", "reindex", "--all", stdout=out)
    text = out.getvalue()
    assert "2/2 件 (100%)" in text
    assert "再索引: 2/2 件の文書, 3 行の重みを更新 (平均文書長 4.0 語)" in text
