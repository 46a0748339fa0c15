"""Concurrency: row locks make simultaneous approvals produce exactly one transition (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from urakata.core.errors import Conflict
from urakata.workflow import services
from urakata.workflow.forms import ringi_submit
from urakata.workflow.models import Action, ApprovalRequest, RequestStep
from urakata.workflow.tests.factories import RINGI, make_org, make_route, person

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL (SQLite serialises writers)",
)


def _race(calls: list[Callable[[], Any]]) -> list[str]:
    """Run the calls at the same moment in threads; 'ok' or the error class name for each."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
            outcome = "ok"
        except Exception as error:
            outcome = type(error).__name__
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(results)


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_on_the_same_step_make_one_transition() -> None:
    org = make_org()
    make_route(
        steps=[
            {
                "name": "経理確認",
                "approvers": [{"kind": "role", "role": "accounting"}],
                "quorum": "any",
            },
            {"name": "社長", "approvers": [{"kind": "user", "user": org.president.pk}]},
        ]
    )
    for _attempt in range(5):
        request = ringi_submit(actor=org.applicant, data=RINGI)
        results = _race(
            [
                lambda r=request: services.request_approve(actor=org.accountant_a, request_id=r.pk),
                lambda r=request: services.request_approve(actor=org.accountant_b, request_id=r.pk),
            ]
        )
        assert results == ["Conflict", "ok"]
        assert Action.objects.filter(request=request, kind="approve").count() == 1
        step = RequestStep.objects.get(request=request, order=1)
        assert step.status == "approved"
        assert step.assignments.filter(status="approved").count() == 1
        request.refresh_from_db()
        assert request.current_step.name == "社長"


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_is_never_approved_twice() -> None:
    org = make_org()
    extra = [person(department=org.hq) for _ in range(4)]
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="accounting")
    for user in extra:
        user.groups.add(group)
    make_route(
        steps=[
            {
                "name": "経理確認",
                "approvers": [{"kind": "role", "role": "accounting"}],
                "quorum": "any",
            }
        ]
    )
    request = ringi_submit(actor=org.applicant, data=RINGI)
    approvers = [org.accountant_a, org.accountant_b, *extra]
    calls: list[Callable[[], Any]] = [
        (lambda u=u: services.request_approve(actor=u, request_id=request.pk)) for u in approvers
    ]
    calls.append(
        lambda: services.request_proxy_approve(
            actor=org.admin, request_id=request.pk, comment="代理"
        )
    )
    results = _race(calls)
    assert results.count("ok") == 1 and results.count("Conflict") == len(calls) - 1
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED
    assert Action.objects.filter(request=request, kind="complete").count() == 1
    assert (
        Action.objects.filter(request=request, kind__in=["approve", "proxy_approve"]).count() == 1
    )


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reject_and_approve_race_has_one_winner() -> None:
    org = make_org()
    make_route(
        steps=[
            {
                "name": "経理確認",
                "approvers": [{"kind": "role", "role": "accounting"}],
                "quorum": "any",
            }
        ]
    )
    request = ringi_submit(actor=org.applicant, data=RINGI)
    results = _race(
        [
            lambda: services.request_approve(actor=org.accountant_a, request_id=request.pk),
            lambda: services.request_reject(
                actor=org.accountant_b, request_id=request.pk, comment="NG"
            ),
            lambda: services.request_withdraw(actor=org.applicant, request_id=request.pk),
        ]
    )
    assert results.count("ok") == 1
    assert (
        Action.objects.filter(
            request=request, kind__in=["complete", "close_rejected", "withdraw"]
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_database_refuses_a_second_decision() -> None:
    org = make_org()
    make_route(steps=[{"name": "部署長", "approvers": [{"kind": "department_manager"}]}])
    request = ringi_submit(actor=org.applicant, data=RINGI)
    services.request_approve(actor=org.sales_manager, request_id=request.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(request=request, kind=Action.Kind.COMPLETE)
    with pytest.raises(Conflict):
        services.request_approve(actor=org.sales_manager, request_id=request.pk)
