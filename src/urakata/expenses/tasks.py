"""Background tasks: file a submitted claim's receipts in the document store (電帳法).

Filing reads each receipt's text for the document search (OCR of an image takes a second or
more), so submit enqueues it with the claim's transaction instead of waiting for it: the task
exists exactly when the submit committed. Filing is idempotent per stored file + claim.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from urakata.expenses import contracts
from urakata.expenses.models import ClaimLine


@task()
def file_receipts_task(*, claim_id: int) -> int:
    """File every receipt of the claim as a 領収書; returns how many lines had one."""
    filed = 0
    lines = ClaimLine.objects.filter(claim_id=claim_id, receipt__isnull=False)
    for line in lines.select_related("receipt", "claim"):
        with transaction.atomic():
            contracts.file_receipt(line=line)
        filed += 1
    return filed
