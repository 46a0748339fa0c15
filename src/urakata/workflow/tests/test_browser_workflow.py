"""Workflow in headless Chromium: submit a 稟議 with an attachment, approve, bulk approve, return.

Two people in two browser contexts (the applicant and their manager) click through the real pages.
Every page visited is saved at desktop and phone width under var/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from urakata.core.tests.browser import BROWSER_MARKS, launch_chromium, log_in, orm, shoot
from urakata.core.tests.samples import pdf_bytes

pytestmark = BROWSER_MARKS

PASSWORD = "pass-word-123"  # UserFactory's password


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    """本社 → 営業部 with a 2-step 稟議 route; two requests from a colleague, one from the applicant."""
    from urakata.workflow.forms import ringi_submit
    from urakata.workflow.tests.factories import RINGI, make_org, make_route

    org = make_org()
    route = make_route()
    bulk = [
        ringi_submit(actor=org.colleague, data={**RINGI, "title": title}).pk
        for title in ("備品購入A", "備品購入B")
    ]
    trip = ringi_submit(
        actor=org.applicant, data={**RINGI, "title": "出張旅費", "amount": 80000}
    ).pk
    return {
        "org": org,
        "route": route.pk,
        "bulk": bulk,
        "trip": trip,
        "manager_name": org.sales_manager.employee.full_name,
        "accountants": {
            org.accountant_a.employee.full_name,
            org.accountant_b.employee.full_name,
        },
    }


@pytest.fixture
def chromium(world: dict[str, Any]) -> Iterator[Any]:
    with launch_chromium() as browser:
        yield browser


def _page(browser: Any, errors: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def _badge(page: Any) -> str:
    link = page.locator("nav.sidenav a", has_text="承認待ち")
    return (
        str(link.locator(".nav-badge").inner_text()) if link.locator(".nav-badge").count() else ""
    )


def test_ringi_from_form_to_approval(
    chromium: Any, live_server: Any, world: dict[str, Any]
) -> None:
    from urakata.workflow.models import ApprovalRequest

    base = live_server.url
    org = world["org"]
    errors: list[str] = []

    # The applicant fills in the 稟議 form and attaches a quotation.
    applicant = _page(chromium, errors)
    log_in(applicant, base, org.applicant.username, PASSWORD)
    applicant.goto(f"{base}/workflow/new/")
    shoot(applicant, "workflow-new")
    applicant.click("a.card:has-text('稟議')")
    applicant.wait_for_url(f"{base}/workflow/new/ringi/")
    shoot(applicant, "workflow-ringi-form")
    applicant.fill("#r-title", "新製品デモ機の購入")
    applicant.fill("#r-amount", "480000")
    applicant.fill("#r-purpose", "展示会で使うデモ機を購入します。\n見積書を添付します。")
    applicant.set_input_files(
        "#r-files",
        files=[{"name": "見積書.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("quote")}],
    )
    applicant.click("form.card button.primary")
    applicant.wait_for_url(f"{base}/workflow/requests/*/")
    request_id = int(applicant.url.rstrip("/").rsplit("/", 1)[1])
    created = orm(lambda: ApprovalRequest.objects.get(pk=request_id))
    assert (created.title, created.amount, created.status) == (
        "新製品デモ機の購入",
        480000,
        "in_progress",
    )
    assert "を申請しました" in applicant.locator(".messages").inner_text()
    assert applicant.locator("dl.detail a", has_text="見積書.pdf").count() == 1

    # "My requests" lists it; its page draws the route and who it waits for, since when.
    applicant.goto(f"{base}/workflow/requests/")
    row = applicant.locator("#request-table tbody tr", has_text="新製品デモ機の購入")
    assert "部署長承認" in row.inner_text()
    assert world["manager_name"] in row.inner_text()
    shoot(applicant, "workflow-my-requests")
    row.locator("a").first.click()
    applicant.wait_for_url(f"{base}/workflow/requests/{request_id}/")
    steps = applicant.locator("ol.route > li")
    assert steps.count() == 2
    first = steps.nth(0).inner_text()
    assert "部署長承認" in first and world["manager_name"] in first and "から承認待ち" in first
    assert "経理確認" in steps.nth(1).inner_text()
    shoot(applicant, "workflow-request-applicant")

    # The manager sees the count in the menu, opens the request and approves with a comment.
    manager = _page(chromium, errors)
    log_in(manager, base, org.sales_manager.username, PASSWORD)
    assert _badge(manager) == "4"
    manager.click("nav.sidenav a:has-text('承認待ち')")
    manager.wait_for_url(f"{base}/workflow/")
    assert manager.locator("#inbox-table tbody tr").count() == 4
    shoot(manager, "workflow-inbox")
    manager.click(f"#inbox-table a[href='/workflow/requests/{request_id}/']")
    manager.wait_for_url(f"{base}/workflow/requests/{request_id}/")
    shoot(manager, "workflow-request-approver")
    manager.fill("#c-approve", "予算内なので承認します")
    manager.click("form[action$='/approve/'] button.primary")
    manager.wait_for_load_state()
    assert "承認しました" in manager.locator(".messages").inner_text()
    assert _badge(manager) == "3"

    # The applicant now sees step 1 approved with the comment, and the accountants waiting.
    applicant.reload()
    steps = applicant.locator("ol.route > li")
    first = steps.nth(0).inner_text()
    assert "承認" in first and "予算内なので承認します" in first
    second = steps.nth(1).inner_text()
    assert "から承認待ち" in second
    assert all(name in second for name in world["accountants"])
    shoot(applicant, "workflow-request-approved-step")

    # Bulk approve: tick two requests in the inbox and press the button.
    manager.goto(f"{base}/workflow/")
    for pk in world["bulk"]:
        manager.check(f"#inbox-table input[name=ids][value='{pk}']")
    manager.fill("#bulk-comment", "まとめて承認")
    manager.click("#bulk-approve")
    manager.wait_for_url(f"{base}/workflow/")
    assert "2 件を承認しました" in manager.locator(".messages").inner_text()
    assert manager.locator("#inbox-table tbody tr").count() == 1
    assert _badge(manager) == "1"
    moved = orm(
        lambda: ApprovalRequest.objects.filter(
            pk__in=world["bulk"], current_step__name="経理確認"
        ).count()
    )
    assert moved == 2
    shoot(manager, "workflow-inbox-after-bulk")

    # 差し戻し with a reason: the applicant reads the reason on the request page.
    trip = world["trip"]
    manager.click(f"#inbox-table a[href='/workflow/requests/{trip}/']")
    manager.wait_for_url(f"{base}/workflow/requests/{trip}/")
    manager.fill("#c-return", "領収書の写しを添付してください")
    manager.click("form[action$='/return/'] button:has-text('差し戻し')")
    manager.wait_for_load_state()
    assert orm(lambda: ApprovalRequest.objects.get(pk=trip).status) == "returned"
    assert _badge(manager) == ""
    manager.goto(f"{base}/workflow/")
    assert "承認待ちの申請はありません。" in manager.locator("#inbox-table").inner_text()
    shoot(manager, "workflow-inbox-empty")

    applicant.goto(f"{base}/workflow/requests/{trip}/")
    assert applicant.locator("h1 .st").inner_text() == "差し戻し"
    decision = applicant.locator(".decision").inner_text()
    assert "差し戻し理由" in decision and "領収書の写しを添付してください" in decision
    assert world["manager_name"] in decision
    assert "領収書の写しを添付してください" in applicant.locator("ol.route").inner_text()
    assert "領収書の写しを添付してください" in applicant.locator("ul.timeline").inner_text()
    assert applicant.locator("a:has-text('修正して再申請')").count() == 1
    shoot(applicant, "workflow-request-returned")

    # English once: the inbox speaks English, the waiting time included.
    manager.goto(f"{base}/workflow/")
    with manager.expect_navigation():
        manager.select_option("#language-select", "en")
    assert manager.locator("html").get_attribute("lang") == "en"
    assert manager.locator("h1").inner_text().startswith("Awaiting approval")
    assert manager.locator("#bulk-approve").inner_text() == "Approve selected requests"
    assert "No requests awaiting approval." in manager.locator("#inbox-table").inner_text()
    shoot(manager, "workflow-inbox-en")
    manager.goto(f"{base}/workflow/requests/{trip}/")
    body = manager.locator("main, .content").first.inner_text()
    assert "Approval route" in body or "Route" in body
    assert "Reason for return" in body and "Subject" in body
    for japanese in ("件名", "目的・内容", "稟議\n", "時間", "から承認待ち"):
        assert japanese not in body, japanese
    shoot(manager, "workflow-request-en")
    assert errors == []


def test_workflow_admin_pages(chromium: Any, live_server: Any, world: dict[str, Any]) -> None:
    """The admin's pages (routes, forms, KPIs, delegations, notifications) render on both widths."""
    base = live_server.url
    errors: list[str] = []
    admin = _page(chromium, errors)
    log_in(admin, base, world["org"].admin.username, PASSWORD)
    pages = {
        "workflow-all-requests": ("/workflow/requests/?scope=all", "すべての申請"),
        "workflow-delegations": ("/workflow/delegations/", "代理"),
        "workflow-notifications": ("/workflow/notifications/", "お知らせ"),
        "workflow-routes": ("/workflow/routes/", "ルート"),
        "workflow-route-new": ("/workflow/routes/new/", "ルート"),
        "workflow-route-edit": (f"/workflow/routes/{world['route']}/", "稟議ルート"),
        "workflow-forms": ("/workflow/forms/", "申請フォーム"),
        "workflow-form-edit": ("/workflow/forms/new/", "申請フォーム"),
        "workflow-kpis": ("/workflow/kpis/", "KPI"),
    }
    for name, (url, heading) in pages.items():
        response = admin.goto(f"{base}{url}")
        assert response is not None and response.status == 200, url
        assert heading in admin.locator("h1").inner_text(), url
        shoot(admin, name)
    assert errors == []
