"""The data migration moves workflow attachments and ledger evidence onto core.StoredFile."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from urakata.core.files import verify_stored_files
from urakata.core.tests import samples
from urakata.ledger.tests.factories import post_simple

BEFORE = [
    ("core", "0002_audit_event_fewer_indexes"),
    ("workflow", "0001_initial"),
    ("ledger", "0004_chart_version"),
]
AFTER = [
    ("core", "0003_stored_file"),
    ("workflow", "0002_attachments_on_stored_files"),
    ("ledger", "0005_evidence_on_stored_files"),
]


@pytest.fixture
def executor(transactional_db: Any) -> Iterator[MigrationExecutor]:
    executor = MigrationExecutor(connection)
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_file(folder: str, name: str, content: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(content).hexdigest()
    path = default_storage.save(f"{folder}/{digest[:2]}/{digest}{name}", ContentFile(content))
    return path, digest


def test_existing_rows_and_files_are_kept(executor: MigrationExecutor, make_user: Any) -> None:
    user = make_user()
    entry = post_simple()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    png, pdf = samples.png_bytes(), samples.pdf_bytes()
    path, digest = _old_file("workflow", "", png)
    ringi = old.get_model("workflow", "Ringi").objects.create(title="t", purpose="p", amount=1)
    workflow_old = old.get_model("workflow", "Attachment").objects.create(
        ringi_id=ringi.pk, file=path, name="写真.png", size=len(png), sha256=digest
    )
    evidence_path, evidence_digest = _old_file("ledger/evidence", ".pdf", pdf)
    ledger_old = old.get_model("ledger", "Attachment").objects.create(
        entry_id=entry.pk,
        file=evidence_path,
        filename="領収書.pdf",
        size=len(pdf),
        sha256=evidence_digest,
        uploaded_by_id=user.pk,
    )
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    moved = new.get_model("workflow", "Attachment").objects.get(pk=workflow_old.pk)
    stored = new.get_model("core", "StoredFile").objects.get(pk=moved.stored_id)
    assert (stored.name, stored.sha256, stored.size) == ("写真.png", digest, len(png))
    assert stored.content_type == "image/png" and stored.purpose == "attachment"
    assert stored.blob.name == f"files/{digest[:2]}/{digest}"
    assert stored.blob.open("rb").read() == png
    evidence = new.get_model("ledger", "Attachment").objects.get(pk=ledger_old.pk)
    stored = new.get_model("core", "StoredFile").objects.get(pk=evidence.stored_id)
    assert (stored.name, stored.sha256, stored.purpose) == (
        "領収書.pdf",
        evidence_digest,
        "evidence",
    )
    assert stored.content_type == "application/pdf" and stored.uploaded_by_id == user.pk
    assert default_storage.exists(path) and default_storage.exists(evidence_path)  # not deleted
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert verify_stored_files() == []
