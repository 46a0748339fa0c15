"""Domain manifests: what the installed apps declare, and the checks that stop a bad one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.module_loading import import_string
from django_tasks.base import Task
from ninja import Router

from urakata.core.domains import (
    DefaultJob,
    DomainManifest,
    NavEntry,
    capability_table,
    default_jobs,
    demo_seeders,
    hook_targets,
    manifests,
    manifests_check,
    nav_entries,
)
from urakata.core.roles import Role


def test_every_domain_app_declares_a_manifest_in_dependency_order() -> None:
    labels = [m.label for m in manifests()]
    assert labels == [
        "core",
        "org",
        "workflow",
        "assistant",
        "ledger",
        "documents",
        "payments",
        "attendance",
        "expenses",
        "invoicing",
        "payroll",
        "facilities",
        "dx",
        "web",
    ]
    # The demo seeders share one random stream: their order is the demo company's data.
    assert demo_seeders() == [
        "urakata.org.demo.seed",
        "urakata.workflow.demo.seed",
        "urakata.assistant.demo.seed",
        "urakata.ledger.demo.seed",
        "urakata.documents.demo.seed",
        "urakata.payments.demo.seed",
        "urakata.attendance.demo.seed",
        "urakata.expenses.demo.seed",
        "urakata.invoicing.demo.seed",
        "urakata.payroll.demo.seed",
        "urakata.facilities.demo.seed",
        "urakata.dx.demo.seed",
    ]


def test_declared_paths_import_and_navigation_resolves() -> None:
    for manifest in manifests():
        if manifest.demo_seeder:
            assert callable(import_string(manifest.demo_seeder))
        if manifest.api_router:
            assert isinstance(import_string(manifest.api_router), Router)
        if manifest.urls:
            assert import_string(f"{manifest.urls}.app_name") == manifest.label
    urls = [reverse(entry.url_name) for entry in nav_entries()]
    assert urls[0] == "/" and "/ledger/" in " ".join(urls) and len(urls) == len(set(urls))
    for job in default_jobs():
        assert isinstance(import_string(job.task_path), Task)
    for manifest in manifests():
        for hook in manifest.hooks:
            assert callable(hook_targets(hook)[manifest.label])


def test_capabilities_come_from_every_manifest() -> None:
    table = capability_table()
    assert table["org.manage_employees"] == (Role.HR,)
    assert table["core.view_audit"] == (Role.AUDITOR,)
    assert table["ledger.post"] == (Role.ACCOUNTING,)
    assert table["assistant.configure"] == ()
    assert table["workflow.use"] == tuple(Role)
    assert {job.name for job in default_jobs()} >= {"core.audit_verify", "workflow.remind"}


def _domain(label: str, order: int, **kwargs: object) -> DomainManifest:
    return DomainManifest(label=label, order=order, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("found", "message"),
    [
        ([_domain("a", 1, depends_on=("zzz",))], "'a' depends on 'zzz', which is not installed"),
        ([_domain("a", 2), _domain("b", 1, depends_on=("a",))], "'b' (order 1) must come after"),
        ([_domain("a", 1), _domain("b", 1)], "two domains share an order"),
        ([_domain("a", 1, capabilities={"b.use": ()})], "capability 'b.use' of 'a' must start"),
        ([_domain("a", 1), _domain("a", 2)], "a domain is declared twice"),
        (
            [_domain("a", 1, periodic_jobs=(DefaultJob("x", "m.t", "* * * * *"),))],
            "periodic job 'x' of 'a' must start with 'a.'",
        ),
        (
            [_domain("a", 1, navigation=(NavEntry("S", "L", "a:index", "a.missing"),))],
            "navigation entry 'a:index' needs unknown capability 'a.missing'",
        ),
        (
            [_domain("a", 1, hooks={"zzz.settled": "m.f"})],
            "'a' registers hook 'zzz.settled' of a domain that is not installed",
        ),
    ],
)
def test_a_bad_manifest_is_refused_with_a_clear_message(
    found: list[DomainManifest], message: str
) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        manifests_check(found)
    assert message in str(refused.value)
