"""Contract reminders: before the notice deadline (解約予告の期限) and before expiry, the drafter and
総務 get an in-app notification and an e-mail, once per contract and deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from urakata.core.audit import audit_record
from urakata.core.permissions import SYSTEM
from urakata.documents.contract_models import Contract
from urakata.workflow.notifications import notify

NOTICE_DAYS = 14  # remind two weeks before the notice deadline
EXPIRY_DAYS = 30  # and a month before the end of a contract that does not renew itself


def _recipients(contract: Contract) -> list[Any]:
    users = list(
        get_user_model().objects.filter(is_active=True, groups__name="general_affairs")[:20]
    )
    if contract.created_by is not None:
        users.append(contract.created_by)
    return users


def contracts_remind(*, today: dt.date | None = None) -> dict[str, int]:
    """Send the reminders that are due today; a contract is reminded once per deadline."""
    today = today or timezone.localdate()
    sent = 0
    signed = Contract.objects.filter(status=Contract.Status.SIGNED, end_date__gte=today)
    for contract in signed.select_related("created_by").order_by("pk"):
        deadline = contract.end_date - dt.timedelta(days=contract.notice_days)
        if contract.auto_renew and today <= deadline <= today + dt.timedelta(days=NOTICE_DAYS):
            key, message = (
                f"notice:{deadline}",
                f"契約「{contract.title}」の解約予告の期限は {deadline} です(自動更新)。",
            )
        elif not contract.auto_renew and contract.end_date <= today + dt.timedelta(
            days=EXPIRY_DAYS
        ):
            key, message = (
                f"expiry:{contract.end_date}",
                f"契約「{contract.title}」は {contract.end_date} に満了します。",
            )
        else:
            continue
        if contract.reminded == key:
            continue
        with transaction.atomic():
            notify(users=_recipients(contract), request=None, kind="contract", message=message)
            contract.reminded = key
            contract.save(update_fields=["reminded"])
            audit_record(
                actor=SYSTEM,
                action="documents.contract.remind",
                target=contract,
                changes={"reminded": [None, key]},
            )
        sent += 1
    return {"reminded": sent}


@task()
def contracts_remind_task() -> dict[str, int]:
    """Daily: reminders before notice deadlines and expiry (ScheduledJob `documents.remind`)."""
    return contracts_remind()
