"""DX test data: a process with a manual, a pending draft, a running PoC, a proposal, a course."""

from __future__ import annotations

import datetime as dt
from typing import Any

from urakata.dx import culture, manuals, pocs, services
from urakata.dx.models import ManualDraft, Process

QUIZ = [{"question": "AIに個人情報を入力してよいか", "choices": ["いいえ", "はい"], "answer": 0}]
MANUAL = "## 申請\n稟議を起票する。\n\n## 承認\n課長承認 → 部長承認 の順に回る。\n"


def process_make(*, actor: Any, code: str = "P-100", **data: Any) -> Process:
    values = {
        "code": code,
        "name": "稟議の申請",
        "frequency": "weekly",
        "count_per_period": 3,
        "minutes": 20,
        "people": 2,
        "paper": True,
        "request_type": "workflow.ringi",
        **data,
    }
    return services.process_save(actor=actor, data=values)


def make_world_rows(*, actor: Any, learner: Any, recipient: Any) -> dict[str, Any]:
    """Rows the permission matrix's URLs point at."""
    process = process_make(actor=actor, code="MX-1")
    manuals.manual_save(actor=actor, process=process, title="稟議マニュアル", body=MANUAL)
    manual = process.manual
    draft = ManualDraft.objects.create(
        manual=manual,
        source_seq=999_999,
        source_action="workflow.route.update",
        summary="承認ルートが変更されました",
        sections=["承認"],
        proposed_body=MANUAL + "\n(変更)",
        base_number=1,
    )
    poc = pocs.poc_create(
        actor=actor,
        process=process,
        data={
            "title": "稟議ルート短縮",
            "baseline_from": dt.date(2025, 1, 1),
            "baseline_to": dt.date(2025, 3, 31),
            "trial_from": dt.date(2025, 4, 1),
            "trial_to": dt.date(2025, 6, 30),
        },
    )
    proposal = culture.proposal_submit(
        actor=learner, data={"problem": "転記が多い", "idea": "CSV 取込にする"}
    )
    course = culture.course_create(actor=actor, data={"title": "AIリテラシー", "quiz": QUIZ})
    culture.course_assign(actor=actor, course=course, users=[learner])
    return {
        "dx_process": process,
        "dx_draft": draft,
        "dx_poc": poc,
        "dx_proposal": proposal,
        "dx_enrollment": course.enrollments.get(user=learner),
        "dx_recipient": recipient,
    }
