"""The payment batch as a workflow subject (maker → checker approval)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from urakata.payments import batches
from urakata.payments.models import PaymentBatch
from urakata.workflow.registry import subject_type


def describe_batch(batch: PaymentBatch) -> list[tuple[str, str]]:
    return [
        (_("種別"), str(batch.get_kind_display())),
        (_("振込指定日"), batch.transfer_date.isoformat()),
        (_("振込元口座"), str(batch.company_account)),
        (_("件数"), str(batch.item_count)),
        (_("振込合計"), _("%(amount)s 円") % {"amount": f"{batch.total_amount:,}"}),
        (_("手数料合計(当方負担)"), _("%(amount)s 円") % {"amount": f"{batch.total_fee:,}"}),
    ]


BATCH_SUBJECT = subject_type(
    PaymentBatch,
    label=gettext_noop("振込バッチ"),
    on_approved=batches.on_approved,
    on_rejected=batches.on_rejected,
    on_withdrawn=batches.on_withdrawn,
    fields_for_conditions=["total_amount", "kind", "item_count"],
    describe=describe_batch,
    url=lambda batch: reverse("payments:batch_detail", args=[batch.pk]),
)
