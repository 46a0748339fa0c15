"""Request lifecycle through the services: routing, quorum, skip, return, delegation, proxy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from urakata.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.workflow import delegations, services
from urakata.workflow.forms import form_create, form_request_submit, ringi_submit
from urakata.workflow.models import (
    Action,
    ApprovalRequest,
    Notification,
    RequestStep,
    Ringi,
    StepAssignment,
)
from urakata.workflow.registry import subject_index, subject_key, subject_type
from urakata.workflow.routes import route_update
from urakata.workflow.tests.factories import RINGI, make_org, make_route

pytestmark = pytest.mark.django_db
S = ApprovalRequest.Status


@pytest.fixture
def org():
    return make_org()


def test_submit_freezes_route_and_activates_first_step(org) -> None:
    route = make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    assert request.status == S.IN_PROGRESS and request.number.startswith("WF-")
    assert request.route_version == route.version
    assert request.route_snapshot["steps"][0]["name"] == "部署長承認"
    first = request.current_step
    assert first is not None and first.name == "部署長承認" and first.activated_at is not None
    slots = list(first.assignments.all())
    assert [s.approver for s in slots] == [org.sales_manager]
    assert slots[0].status == StepAssignment.Status.PENDING
    # later step is resolved now but waits
    second = request.steps.get(order=2)
    assert second.status == RequestStep.Status.WAITING
    assert set(second.assignments.values_list("approver_id", flat=True)) == {
        org.accountant_a.pk,
        org.accountant_b.pk,
    }
    assert AuditEvent.objects.filter(action="workflow.request.submit").count() == 1
    assert Notification.objects.filter(user=org.sales_manager, request=request).exists()


def test_full_approval_runs_hook_and_notifies(org, monkeypatch) -> None:
    approved: list[int] = []
    monkeypatch.setitem(
        subject_index(),
        subject_key(Ringi),
        subject_type(
            Ringi,
            label="稟議",
            on_approved=lambda subject, request: approved.append(subject.pk),
            fields_for_conditions=["amount", "department", "department.code", "counterparty"],
        ),
    )
    make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    services.request_approve(actor=org.sales_manager, request_id=request.pk)
    request.refresh_from_db()
    assert request.current_step.name == "経理確認"
    services.request_approve(actor=org.accountant_b, request_id=request.pk, comment="OK")
    request.refresh_from_db()
    assert request.status == S.APPROVED and request.decided_at is not None
    assert approved == [request.subject_id]
    # quorum "any": the other accountant's slot closed
    other = StepAssignment.objects.get(step__request=request, approver=org.accountant_a)
    assert other.status == StepAssignment.Status.CLOSED
    assert Action.objects.filter(request=request, kind=Action.Kind.COMPLETE).count() == 1
    assert Notification.objects.filter(user=org.applicant, kind="approved").exists()


def test_quorum_all_needs_everyone(org) -> None:
    make_route(
        steps=[
            {
                "name": "経理全員",
                "approvers": [{"kind": "role", "role": "accounting"}],
                "quorum": "all",
            }
        ]
    )
    request = ringi_submit(actor=org.applicant, data=RINGI)
    services.request_approve(actor=org.accountant_a, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS
    with pytest.raises(Conflict):
        services.request_approve(actor=org.accountant_a, request_id=request.pk)
    services.request_approve(actor=org.accountant_b, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == S.APPROVED


def test_step_skipped_when_applicant_is_the_approver(org) -> None:
    make_route()
    request = ringi_submit(actor=org.sales_manager, data=RINGI)
    first = request.steps.get(order=1)
    assert first.status == RequestStep.Status.SKIPPED and "本人" in first.skip_reason
    assert request.current_step.name == "経理確認"
    assert Action.objects.filter(request=request, kind=Action.Kind.SKIP).count() == 1


def test_conditions_pick_route_and_add_president_step(org) -> None:
    make_route(
        steps=[
            {"name": "部署長", "approvers": [{"kind": "department_manager"}]},
            {
                "name": "社長決裁",
                "approvers": [{"kind": "user", "user": org.president.pk}],
                "conditions": [{"field": "amount", "op": ">=", "value": "1000000"}],
            },
        ]
    )
    make_route(
        name="営業部ルート",
        priority=10,
        conditions=[{"field": "department.code", "op": "==", "value": "D999"}],
        steps=[{"name": "誰か", "approvers": [{"kind": "role", "role": "auditor"}]}],
    )
    small = ringi_submit(actor=org.applicant, data=RINGI)
    big = ringi_submit(actor=org.applicant, data={**RINGI, "amount": "1,500,000"})
    assert list(small.steps.values_list("name", flat=True)) == ["部署長"]
    assert list(big.steps.values_list("name", flat=True)) == ["部署長", "社長決裁"]
    assert big.amount == 1_500_000


def test_manager_up_and_named_department(org) -> None:
    make_route(
        steps=[
            {"name": "2階層上", "approvers": [{"kind": "manager_up", "levels": 2}]},
            {"name": "本社長", "approvers": [{"kind": "department", "department": org.hq.pk}]},
        ]
    )
    request = ringi_submit(actor=org.applicant, data=RINGI)
    slots = StepAssignment.objects.filter(step__request=request).order_by("step__order")
    assert [s.approver for s in slots] == [org.president, org.president]


def test_unresolvable_named_approver_refuses_submit(org) -> None:
    make_route(steps=[{"name": "監査", "approvers": [{"kind": "role", "role": "ai_operator"}]}])
    with pytest.raises(ValidationFailed) as info:
        ringi_submit(actor=org.applicant, data=RINGI)
    assert "route" in info.value.errors
    assert not ApprovalRequest.objects.exists() and not Ringi.objects.exists()


def test_no_route_is_a_validation_error(org) -> None:
    with pytest.raises(ValidationFailed):
        ringi_submit(actor=org.applicant, data=RINGI)


def test_ringi_validation_reports_every_problem(org) -> None:
    make_route()
    with pytest.raises(ValidationFailed) as info:
        ringi_submit(
            actor=org.applicant,
            data={"title": "", "purpose": "", "amount": "-5", "department": 999999},
        )
    assert set(info.value.errors) == {"title", "purpose", "amount", "department"}


def test_route_edit_does_not_change_request_in_flight(org) -> None:
    route = make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    route_update(
        actor=org.admin,
        route=route,
        data={
            "name": "新ルート",
            "subject_type": "workflow.ringi",
            "steps": [
                {"name": "社長のみ", "approvers": [{"kind": "user", "user": org.president.pk}]}
            ],
        },
    )
    route.refresh_from_db()
    assert route.version == 2
    services.request_approve(actor=org.sales_manager, request_id=request.pk)
    request.refresh_from_db()
    assert request.route_version == 1 and request.current_step.name == "経理確認"
    newer = ringi_submit(actor=org.applicant, data=RINGI)
    assert newer.route_version == 2 and newer.current_step.name == "社長のみ"


def test_return_and_resubmit_starts_a_new_round(org) -> None:
    make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    with pytest.raises(ValidationFailed):
        services.request_return(actor=org.sales_manager, request_id=request.pk, comment=" ")
    services.request_return(
        actor=org.sales_manager, request_id=request.pk, comment="金額の根拠を添付"
    )
    request.refresh_from_db()
    assert request.status == S.RETURNED and request.current_step is None
    assert request.steps.get(round=1, order=2).status == RequestStep.Status.CANCELLED
    with pytest.raises(PermissionDenied):
        services.request_resubmit(actor=org.sales_manager, request_id=request.pk)
    services.request_resubmit(actor=org.applicant, request_id=request.pk, comment="添付しました")
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS and request.round == 2
    assert request.current_step.round == 2 and request.current_step.order == 1
    kinds = list(request.actions.values_list("kind", flat=True))
    assert kinds == ["submit", "return", "resubmit"]


def test_reject_ends_the_request(org) -> None:
    make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    services.request_reject(actor=org.sales_manager, request_id=request.pk, comment="予算超過")
    request.refresh_from_db()
    assert request.status == S.REJECTED
    with pytest.raises(Conflict):
        services.request_approve(actor=org.sales_manager, request_id=request.pk)
    assert Notification.objects.filter(user=org.applicant, kind="rejected").exists()


def test_withdraw_only_by_applicant_and_only_open(org) -> None:
    make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    with pytest.raises(PermissionDenied):
        services.request_withdraw(actor=org.sales_manager, request_id=request.pk)
    services.request_withdraw(actor=org.applicant, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == S.WITHDRAWN
    assert not StepAssignment.objects.filter(step__request=request, status="pending").exists()
    with pytest.raises(Conflict):
        services.request_withdraw(actor=org.applicant, request_id=request.pk)


def test_outsider_cannot_act_or_see(org) -> None:
    make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    with pytest.raises(NotFound):
        services.request_approve(actor=org.outsider, request_id=request.pk)
    with pytest.raises(NotFound):
        services.request_comment(actor=org.outsider, request_id=request.pk, comment="hi")
    # a future approver (accounting) does not see it before their step starts
    with pytest.raises(NotFound):
        services.request_approve(actor=org.accountant_a, request_id=request.pk)


def test_delegate_approves_for_the_period_recorded_as_delegate(org) -> None:
    make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    today = timezone.localdate()
    with pytest.raises(NotFound):
        services.request_approve(actor=org.colleague, request_id=request.pk)
    delegations.delegation_create(
        actor=org.sales_manager,
        delegate=org.colleague,
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=3),
    )
    services.request_approve(actor=org.colleague, request_id=request.pk)
    slot = StepAssignment.objects.get(step__request=request, approver=org.sales_manager)
    assert slot.acted_by == org.colleague and slot.acted_as == "delegate"
    action = request.actions.get(kind="approve")
    assert action.actor == org.colleague and action.on_behalf_of == org.sales_manager


def test_expired_delegation_gives_nothing(org) -> None:
    make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    today = timezone.localdate()
    delegations.delegation_create(
        actor=org.sales_manager,
        delegate=org.colleague,
        start_date=today - dt.timedelta(days=10),
        end_date=today - dt.timedelta(days=1),
    )
    with pytest.raises(NotFound):
        services.request_approve(actor=org.colleague, request_id=request.pk)
    with pytest.raises(ValidationFailed):
        delegations.delegation_create(
            actor=org.sales_manager, delegate=org.sales_manager, start_date=today, end_date=today
        )


def test_proxy_approve_is_admin_only_and_recorded(org) -> None:
    make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    with pytest.raises(PermissionDenied):
        services.request_proxy_approve(actor=org.auditor, request_id=request.pk, comment="x")
    services.request_proxy_approve(actor=org.admin, request_id=request.pk, comment="部長不在のため")
    slot = StepAssignment.objects.get(step__request=request, approver=org.sales_manager)
    assert slot.acted_as == "proxy" and slot.acted_by == org.admin
    assert request.actions.filter(kind="proxy_approve", on_behalf_of=org.sales_manager).exists()
    assert AuditEvent.objects.filter(action="workflow.request.proxy_approve").exists()


def test_bulk_approve_reports_each(org) -> None:
    make_route()
    first = ringi_submit(actor=org.applicant, data=RINGI)
    second = ringi_submit(actor=org.colleague, data=RINGI)
    own = ringi_submit(actor=org.sales_manager, data=RINGI)
    result = services.request_bulk_approve(
        actor=org.sales_manager, request_ids=[second.pk, first.pk, own.pk]
    )
    assert result["approved"] == [first.pk, second.pk]
    assert set(result["failed"]) == {own.pk}


def test_comment_notifies_others(org) -> None:
    make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    services.request_comment(actor=org.sales_manager, request_id=request.pk, comment="確認中です")
    assert Notification.objects.filter(user=org.applicant, kind="comment").exists()


def test_email_sent_on_commit(org, django_capture_on_commit_callbacks, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_route()
    with django_capture_on_commit_callbacks(execute=True):
        ringi_submit(actor=org.applicant, data=RINGI)
    assert [m.to for m in mail.outbox] == [[org.sales_manager.email]]
    assert "承認依頼" in mail.outbox[0].subject


def test_admin_defined_form_validates_and_routes_by_form_code(org) -> None:
    form = form_create(
        actor=org.admin,
        data={
            "code": "meishi",
            "name": "名刺発注",
            "fields": [
                {"name": "name_on_card", "label": "氏名表記", "type": "text", "required": True},
                {"name": "count", "label": "枚数", "type": "number", "required": True},
                {"name": "deliver_on", "label": "納品希望日", "type": "date"},
                {"name": "kind", "label": "種類", "type": "choice", "choices": ["通常", "英語"]},
                {"name": "for_employee", "label": "対象者", "type": "employee"},
                {"name": "dept", "label": "部署", "type": "department"},
            ],
        },
    )
    make_route(
        subject_type="workflow.formsubmission",
        conditions=[{"field": "form.code", "op": "==", "value": "meishi"}],
        steps=[{"name": "上長", "approvers": [{"kind": "manager_up", "levels": 1}]}],
    )
    with pytest.raises(ValidationFailed) as info:
        form_request_submit(
            actor=org.applicant,
            form=form,
            data={
                "count": "abc",
                "deliver_on": "2026-02-30",
                "kind": "特注",
                "for_employee": "999999",
                "dept": "x",
            },
        )
    assert set(info.value.errors) == {
        "name_on_card",
        "count",
        "deliver_on",
        "kind",
        "for_employee",
        "dept",
    }
    request = form_request_submit(
        actor=org.applicant,
        form=form,
        data={
            "name_on_card": "山田 太郎",
            "count": "200",
            "kind": "英語",
            "dept": str(org.sales.pk),
        },
    )
    assert request.title == "名刺発注: 山田 太郎"
    assert request.current_step.assignments.get().approver == org.sales_manager


def test_form_definition_errors(org) -> None:
    with pytest.raises(PermissionDenied):
        form_create(actor=org.applicant, data={"code": "x", "name": "x", "fields": []})
    with pytest.raises(ValidationFailed) as info:
        form_create(
            actor=org.admin,
            data={
                "code": "Bad Code",
                "name": "",
                "fields": [{"name": "1x", "type": "weird"}, {"name": "c", "type": "choice"}],
            },
        )
    assert {"code", "name", "fields.1", "fields.2"} <= set(info.value.errors)


def test_ringi_counterparty_follows_org_visibility(org) -> None:
    from urakata.org.tests.factories import CounterpartyFactory

    make_route()
    counterparty = CounterpartyFactory()
    with pytest.raises(ValidationFailed) as info:
        ringi_submit(actor=org.applicant, data={**RINGI, "counterparty": counterparty.pk})
    assert "counterparty" in info.value.errors
    request = ringi_submit(actor=org.sales_manager, data={**RINGI, "counterparty": counterparty.pk})
    assert Ringi.objects.get(pk=request.subject_id).counterparty == counterparty


def test_active_delegate_is_notified_when_a_step_starts(org) -> None:
    make_route()
    today = timezone.localdate()
    delegations.delegation_create(
        actor=org.sales_manager, delegate=org.colleague, start_date=today, end_date=today
    )
    request = ringi_submit(actor=org.applicant, data=RINGI)
    assert Notification.objects.filter(user=org.colleague, request=request, kind="pending").exists()
