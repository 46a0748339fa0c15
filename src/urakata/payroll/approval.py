"""Pay-run approval through the workflow engine (承認): HR submits a checked run, another HR
member approves it, and the approval fixes the run (journal, transfers, notices).

The direct `services.pay_run_approve` stays for the CLI (`--approve`) and the demo.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict
from urakata.core.permissions import require
from urakata.payroll import services
from urakata.payroll.models import PayRun
from urakata.workflow import services as workflow_services
from urakata.workflow.registry import subject_key, subject_type


def route_data() -> dict[str, Any]:
    """The built-in route: an HR member other than the applicant approves (職務分掌)."""
    return {
        "name": "給与の承認",
        "subject_type": subject_key(PayRun),
        "conditions": [],
        "priority": 0,
        "is_active": True,
        "steps": [
            {
                "name": "人事の承認(申請者以外)",
                "approvers": [{"kind": "role", "role": "hr"}],
                "quorum": "any",
            }
        ],
    }


def pay_run_submit(*, actor: Any, run: PayRun) -> PayRun:
    """Submit a checked run for approval (承認申請)."""
    require(actor, "payroll.manage")
    workflow_services.route_seed(data=route_data())
    with transaction.atomic():
        run = services.lock_run(run)
        if run.status != PayRun.Status.CHECKED:
            raise Conflict(_("確認済みの給与だけを承認申請できます。"))
        run.status = PayRun.Status.SUBMITTED
        run.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="payroll.pay_run.submit",
            target=run,
            changes={"status": [PayRun.Status.CHECKED, PayRun.Status.SUBMITTED]},
        )
        workflow_services.request_submit(
            actor=actor,
            subject=run,
            title=_("給与の承認: %(month)s %(kind)s")
            % {"month": f"{run.month:%Y-%m}", "kind": run.get_kind_display()},
            amount=run.totals.get("gross"),
        )
    return run


def _approver(run: PayRun, request: Any) -> Any:
    """The last approver who is not the applicant; nobody else approving refuses the fix."""
    for action in request.actions.filter(kind="approve").order_by("-at", "-pk"):
        if action.actor_id and action.actor_id != request.applicant_id:
            return action.actor
    raise Conflict(_("承認者が見つかりません。"))


def _on_approved(subject: PayRun, request: Any) -> None:
    """Workflow hook: fix the run as the approver, in the deciding transaction."""
    services.pay_run_fix(actor=_approver(subject, request), run=subject)


def _back_to_checked(subject: PayRun, request: Any) -> None:
    subject.status = PayRun.Status.CHECKED
    subject.save(update_fields=["status"])
    audit_record(
        actor=None,
        action="payroll.pay_run.return",
        target=subject,
        changes={"status": [PayRun.Status.SUBMITTED, PayRun.Status.CHECKED]},
    )


def _describe(subject: PayRun) -> list[tuple[str, str]]:
    totals = subject.totals
    return [
        (_("対象月"), f"{subject.month:%Y-%m} {subject.get_kind_display()}"),
        (_("支給日"), f"{subject.pay_date:%Y-%m-%d}"),
        (_("人数"), str(totals.get("headcount", 0))),
        (_("総支給額"), f"{totals.get('gross', 0):,}"),
    ]


PAY_RUN_SUBJECT = subject_type(
    PayRun,
    label=gettext_noop("給与計算"),
    on_approved=_on_approved,
    on_rejected=_back_to_checked,
    on_withdrawn=_back_to_checked,
    describe=_describe,
    url=lambda run: f"/payroll/runs/{run.pk}/",
)
