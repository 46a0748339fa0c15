"""Permission-matrix rows for the AI assistant: ask, knowledge, inquiries, review, minutes, tasks.

The world holds a policy for everyone, an inquiry the `employee` subject sent to the 人事 desk
(routed as a workflow request to the `hr` subject), a proposed FAQ in review, and minutes with
one task, both by the `employee` subject.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.assistant import services
from urakata.assistant.models import AssistantTask, MeetingSummary
from urakata.assistant.tests.factories import make_source
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.core.testing import ALL_ROLES, Endpoint, MatrixWorld, exactly, expect
from urakata.ledger import services as ledger_services
from urakata.ledger.tests.factories import post_simple

EVERY_ROLE = expect(*ALL_ROLES)
ADMINS = expect()
OPERATORS = expect(Role.AI_OPERATOR)
USAGE_READERS = expect(Role.AI_OPERATOR, Role.EXECUTIVE)
# The asker, the 人事 desk, ai_operator, and auditors (who see every workflow request).
INQUIRY_VIEWERS = expect(Role.EMPLOYEE, Role.HR, Role.AI_OPERATOR, Role.AUDITOR)
OWNER = expect(Role.EMPLOYEE, Role.AI_OPERATOR)
BOOKKEEPERS = expect(Role.ACCOUNTING, Role.AUDITOR)  # ledger.view: the books' history
REPORT_WRITERS = expect(Role.ACCOUNTING)  # assistant.monthly_report
# Writers see every report; readers of the ledger's reports see the shared ones only.
REPORT_READERS = expect(
    Role.ACCOUNTING, Role.AUDITOR, Role.EXECUTIVE
)  # the author; ai_operator and admin see all
API = "/api/v1/assistant"
TRANSCRIPT = "山田: 来週までに見積書を作成します。\n佐藤: 了解です。予算は100万円で決定します。"


def _u(template: str) -> Callable[[Any], str]:
    return lambda ctx: template.format(
        source=ctx["as_source"].pk,
        inquiry=ctx["as_inquiry"].pk,
        item=ctx["as_review"].pk,
        summary=ctx["as_summary"].pk,
        task=ctx["as_task"].pk,
        report=ctx["as_monthly_report"].pk,
    )


def _other_desk(ctx: Any) -> str:
    """A desk the asker does not staff (nobody else would be there to route the inquiry to)."""
    staffs_hr = ctx.user is not None and ctx.user.groups.filter(name="hr").exists()
    return "general_affairs" if staffs_hr else "hr"


def _upload(ctx: Any) -> dict[str, Any]:
    data = "# 出張規程\n\n日当は3,000円です。\n".encode()
    return {"file": SimpleUploadedFile("travel.md", data, "text/markdown"), "audience": "all"}


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    author = world.users[Role.EMPLOYEE.value]
    source = make_source(title="就業規則", body="始業は9時です。", slug="work-rules")
    inquiry = services.inquiry_create(actor=author, question="慶弔休暇の日数は?", desk="hr")
    review = services.review_propose(
        actor=SYSTEM, kind="faq", title="慶弔休暇", body="3日です。", question="慶弔休暇は?"
    )
    summary = MeetingSummary.objects.create(
        title="定例会議",
        meeting_date=dt.date(2025, 5, 12),
        transcript=TRANSCRIPT,
        summary="見積書を作成する。",
        decisions=["予算は100万円"],
        action_items=[{"text": "見積書を作成", "owner": "", "due": ""}],
        created_by=author,
    )
    task = AssistantTask.objects.create(title="見積書を作成", created_by=author, summary=summary)
    post_simple(day=dt.date(2025, 2, 10), description="2月分 文具購入")
    # February: the ledger rows post into May and close April and June.
    ledger_services.period_close(actor=SYSTEM, period=202502)
    report = services.monthly_report_generate(actor=SYSTEM, period=202502)
    return {
        "as_monthly_report": report,
        "as_source": source,
        "as_inquiry": inquiry,
        "as_review": review,
        "as_summary": summary,
        "as_task": task,
    }


ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API
    Endpoint("api-as-ask", "POST", f"{API}/ask", EVERY_ROLE, payload={"question": "始業時刻は?"}),
    Endpoint("api-as-mask", "POST", f"{API}/mask", EVERY_ROLE, payload={"text": "山田の電話"}),
    Endpoint("api-as-sources", "GET", f"{API}/sources", EVERY_ROLE),
    Endpoint(
        "api-as-source-create",
        "POST",
        f"{API}/sources",
        OPERATORS,
        payload={"kind": "faq", "title": "有給", "question": "有給は?", "body": "年10日です。"},
    ),
    Endpoint("api-as-source", "GET", _u(API + "/sources/{source}"), EVERY_ROLE),
    Endpoint(
        "api-as-source-patch",
        "PATCH",
        _u(API + "/sources/{source}"),
        OPERATORS,
        payload={"title": "就業規則(改)"},
    ),
    Endpoint("api-as-upload", "POST", f"{API}/uploads", OPERATORS, payload=_upload, multipart=True),
    Endpoint("api-as-inquiries", "GET", f"{API}/inquiries", EVERY_ROLE),
    Endpoint(
        "api-as-inquiry-create",
        "POST",
        f"{API}/inquiries",
        EVERY_ROLE,
        payload=lambda ctx: {"question": "通勤手当の上限は?", "desk": _other_desk(ctx)},
    ),
    Endpoint(
        "api-as-inquiry",
        "GET",
        _u(API + "/inquiries/{inquiry}"),
        INQUIRY_VIEWERS,
    ),
    Endpoint(
        "api-as-inquiry-answer",
        "POST",
        _u(API + "/inquiries/{inquiry}/answer"),
        expect(Role.HR),
        payload={"answer": "5日です。"},
    ),
    Endpoint(
        "api-as-inquiry-close",
        "POST",
        _u(API + "/inquiries/{inquiry}/close"),
        exactly(Role.EMPLOYEE, Role.HR),  # the asker withdraws, the desk rejects
        payload={"reason": "解決しました"},
    ),
    Endpoint("api-as-review", "GET", f"{API}/review", OPERATORS),
    Endpoint(
        "api-as-review-approve", "POST", _u(API + "/review/{item}/approve"), OPERATORS, payload={}
    ),
    Endpoint(
        "api-as-review-reject",
        "POST",
        _u(API + "/review/{item}/reject"),
        OPERATORS,
        payload={"note": "重複"},
    ),
    Endpoint("api-as-minutes", "GET", f"{API}/minutes", EVERY_ROLE),
    Endpoint(
        "api-as-description-suggestions",
        "GET",
        f"{API}/description-suggestions?account_code=7290",
        BOOKKEEPERS,
    ),
    Endpoint("api-as-monthly-reports", "GET", f"{API}/monthly-reports", REPORT_READERS),
    Endpoint(
        "api-as-monthly-report-create",
        "POST",
        f"{API}/monthly-reports",
        REPORT_WRITERS,
        payload={"period": "2025-02"},
    ),
    Endpoint("api-as-monthly-report", "GET", _u(API + "/monthly-reports/{report}"), REPORT_WRITERS),
    Endpoint(
        "api-as-minutes-create",
        "POST",
        f"{API}/minutes",
        EVERY_ROLE,
        payload={"title": "週次定例", "meeting_date": "2025-05-19", "transcript": TRANSCRIPT},
    ),
    Endpoint(
        "api-as-minutes-tasks",
        "POST",
        _u(API + "/minutes/{summary}/tasks"),
        OWNER,
        payload={"indexes": [0]},
    ),
    Endpoint("api-as-minutes-share", "POST", _u(API + "/minutes/{summary}/share"), OWNER),
    Endpoint("api-as-tasks", "GET", f"{API}/tasks", EVERY_ROLE),
    Endpoint("api-as-task-done", "POST", _u(API + "/tasks/{task}/done"), OWNER),
    Endpoint("api-as-usage", "GET", f"{API}/usage", USAGE_READERS),
    # ------------------------------------------------------------ pages
    Endpoint("page-as-chat", "GET", "/assistant/", EVERY_ROLE),
    Endpoint(
        "page-as-ask",
        "POST",
        "/assistant/ask/",
        EVERY_ROLE,
        payload={"question": "始業時刻は?"},
        form=True,
    ),
    Endpoint(
        "page-as-escalate",
        "POST",
        "/assistant/escalate/",
        EVERY_ROLE,
        payload={"question": "通勤手当の上限は?", "desk": "hr"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-as-sources", "GET", "/assistant/kb/", EVERY_ROLE),
    Endpoint("page-as-source-new", "GET", "/assistant/kb/new/", OPERATORS),
    Endpoint("page-as-source-upload", "GET", "/assistant/kb/upload/", OPERATORS),
    Endpoint("page-as-source", "GET", _u("/assistant/kb/{source}/"), EVERY_ROLE),
    Endpoint("page-as-source-edit", "GET", _u("/assistant/kb/{source}/edit/"), OPERATORS),
    Endpoint("page-as-inquiries", "GET", "/assistant/inquiries/", EVERY_ROLE),
    Endpoint(
        "page-as-inquiry",
        "GET",
        _u("/assistant/inquiries/{inquiry}/"),
        INQUIRY_VIEWERS,
    ),
    Endpoint("page-as-review-list", "GET", "/assistant/review/", OPERATORS),
    Endpoint("page-as-review", "GET", _u("/assistant/review/{item}/"), OPERATORS),
    Endpoint("page-as-summaries", "GET", "/assistant/minutes/", EVERY_ROLE),
    Endpoint("page-as-summary", "GET", _u("/assistant/minutes/{summary}/"), OWNER),
    Endpoint("page-as-tasks", "GET", "/assistant/tasks/", EVERY_ROLE),
    Endpoint("page-as-monthly-reports", "GET", "/assistant/monthly/", REPORT_READERS),
    Endpoint(
        "page-as-monthly-report-create",
        "POST",
        "/assistant/monthly/",
        REPORT_WRITERS,
        payload={"period": "2025-02"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-as-monthly-report", "GET", _u("/assistant/monthly/{report}/"), REPORT_WRITERS),
    Endpoint(
        "page-as-description-suggestions",
        "GET",
        "/assistant/suggest/description/?account_code=7290",
        BOOKKEEPERS,
    ),
    Endpoint(
        "page-as-task-done",
        "POST",
        _u("/assistant/tasks/{task}/done/"),
        OWNER,
        form=True,
        redirects=True,
    ),
    Endpoint("page-as-usage", "GET", "/assistant/usage/", USAGE_READERS),
    Endpoint("page-as-settings", "GET", "/assistant/settings/", ADMINS),
]
