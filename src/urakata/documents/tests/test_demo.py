"""The demo seeder: hundreds of documents with versions, searchable and verifiable."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from urakata.core.audit import audit_verify
from urakata.core.permissions import SYSTEM
from urakata.documents import selectors
from urakata.documents.demo import seed
from urakata.documents.integrity import documents_verify
from urakata.documents.models import Document, DocumentVersion
from urakata.org.tests.factories import CounterpartyFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def test_demo_documents() -> None:
    for _ in range(3):
        CounterpartyFactory()
        DepartmentFactory()
    result = seed(actor=SYSTEM, today=dt.date(2026, 12, 4), rng=random.Random(1))
    assert result["documents"] >= 300 and Document.objects.count() == result["documents"]
    assert DocumentVersion.objects.filter(number=2).exists()
    assert documents_verify() == []
    assert audit_verify().ok
    found = selectors.document_search(
        actor=SYSTEM, filters=selectors.document_filters({"q": "業務委託", "doc_type": "contract"})
    )
    assert found.count == 40
    again = seed(actor=SYSTEM, today=dt.date(2026, 12, 4), rng=random.Random(1))
    assert again["documents"] == result["documents"]  # idempotent
