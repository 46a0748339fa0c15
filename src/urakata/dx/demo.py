"""Demo DX loop: ~40 inventoried processes, 3 PoCs measured from the demo's own event log (the
standard 稟議 route of 総務部 really is shortened mid-year), proposals in every state, thanks,
training records, and two manual updates drafted from real changes (one approved, one waiting)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from urakata.core.permissions import SYSTEM
from urakata.dx import culture, manuals, pocs, services
from urakata.dx.demo_data import COURSES, MANUALS, PROCESSES, PROPOSALS, THANKS
from urakata.dx.demo_live import live_measures
from urakata.dx.models import ManualDraft, Process, Supporter
from urakata.org.models import Department, Employee
from urakata.workflow.forms import form_update, ringi_submit
from urakata.workflow.models import ApprovalRequest, RequestForm, Route, StepAssignment
from urakata.workflow.notifications import email_muted
from urakata.workflow.routes import route_update
from urakata.workflow.services_applicant import request_resubmit
from urakata.workflow.services_approver import request_approve, request_return

EVALUATION = {
    "notes_usability": "承認者の操作は変わらず、迷いがない",
    "notes_burden": "経理部の確認作業がなくなり負担減",
    "notes_measurability": "イベントログから自動で測定できた",
}
PURPOSES = ["備品の購入", "業務委託の発注", "研修への参加", "ソフトウェアの契約更新"]


def _processes(rng: random.Random, owners: dict[str, Any]) -> list[Process]:
    made = []
    for index, row in enumerate(PROCESSES, start=1):
        dept, name, frequency, count, minutes, people, flags, systems, pain, request_type = row
        data = {
            "code": f"BP-{index:03d}",
            "name": name,
            "department": dept,
            "owner": owners.get(dept, ""),
            "frequency": frequency,
            "count_per_period": count,
            "minutes": minutes,
            "people": people,
            "siloed": "属" in flags,
            "paper": "紙" in flags,
            "double_entry": "二" in flags,
            "transcription": "転" in flags,
            "systems": systems,
            "pain_points": pain,
            "request_type": request_type,
        }
        process = services.process_save(actor=SYSTEM, data=data)
        if index % 4 != 0:  # three in four are scored; the rest wait for their workshop
            scores = services.suggested_scores(process)
            scores["room"] = max(1, min(5, scores["room"] + rng.choice([0, 0, 1])))
            process = services.process_score(actor=SYSTEM, process=process, data=scores)
        made.append(process)
    ranked = sorted((p for p in made if p.score), key=lambda p: (-(p.score or 0), p.code))
    for process in ranked[:8]:
        data = {
            "impact": process.impact,
            "frequency_score": process.frequency_score,
            "room": process.room,
            "is_candidate": True,
        }
        services.process_score(actor=SYSTEM, process=process, data=data)
    return made


def _play(rng: random.Random, request: ApprovalRequest, at: dt.datetime, median: float) -> None:
    """Approve step by step with waits around `median` hours; some are sent back once."""
    returned = False
    while request.status == ApprovalRequest.Status.IN_PROGRESS:
        slot = (
            StepAssignment.objects.filter(step_id=request.current_step_id, status="pending")
            .select_related("approver")
            .first()
        )
        if slot is None:
            return
        at += dt.timedelta(hours=rng.expovariate(1 / median) + 0.5)
        if not returned and rng.random() < (0.2 if median > 10 else 0.05):
            request_return(actor=slot.approver, request_id=request.pk, comment="根拠を追記", now=at)
            at += dt.timedelta(hours=rng.expovariate(1 / 12) + 1)
            request = request_resubmit(actor=request.applicant, request_id=request.pk, now=at)
            returned = True
            continue
        request = request_approve(actor=slot.approver, request_id=request.pk, now=at)


def _ringi(rng: random.Random, people: list[Any], day: dt.date, median: float) -> None:
    user = rng.choice(people)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + rng.randint(0, 7))))
    data = {
        "title": rng.choice(PURPOSES),
        "purpose": "業務に必要なため",
        "amount": rng.choice([50_000, 120_000, 300_000, 480_000]),
    }
    request = ringi_submit(actor=user, data=data, now=start)
    _play(rng, request, start, median)


def _shortened_route(rng: random.Random, today: dt.date, admin: Any) -> None:
    """総務部's 稟議: slow before, the route shortened (経理部確認 dropped below ¥1M), fast after."""
    staff = Employee.objects.filter(department__code="D200", user__isnull=False)
    people = [e.user for e in staff if e.manager_id] or [e.user for e in staff]
    with email_muted():
        for _ in range(14):
            _ringi(rng, people, today - dt.timedelta(days=rng.randint(190, 330)), 30.0)
        route = Route.objects.get(name="稟議(標準)")
        steps = [
            {
                "name": s.name,
                "approvers": s.approvers,
                "quorum": s.quorum,
                "conditions": s.conditions,
            }
            for s in route.steps.order_by("order")
            if s.name != "経理部確認"
        ]
        route_update(
            actor=admin,
            route=route,
            data={
                "name": route.name,
                "subject_type": route.subject_type,
                "priority": route.priority,
                "conditions": route.conditions,
                "remind_after_hours": 24,
                "escalate_after_hours": 72,
                "steps": steps,
            },
        )
        for _ in range(14):
            _ringi(rng, people, today - dt.timedelta(days=rng.randint(3, 90)), 6.0)


def _pocs(today: dt.date, leader: Any, processes: dict[str, Process]) -> None:
    def days(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    ringi = processes["workflow.ringi"]
    rolled = pocs.poc_create(
        actor=leader,
        process=ringi,
        data={
            "title": "稟議ルートの短縮(総務部)",
            "department": "D200",
            "baseline_from": days(330),
            "baseline_to": days(180),
            "trial_from": days(90),
            "trial_to": days(1),
            "measures": ["workflow.submissions"],
        },
    )
    pocs.poc_evaluate(actor=leader, poc=rolled, data=EVALUATION)
    pocs.poc_decide(
        actor=leader,
        poc=rolled,
        decision="rolled_out",
        reason="リードタイムが大きく短縮したため全社へ",
    )
    pocs.poc_create(
        actor=leader,
        process=processes["form:expense"],
        data={
            "title": "経費精算フォームの入力項目見直し",
            "baseline_from": days(365),
            "baseline_to": days(181),
            "trial_from": days(60),
            "trial_to": today,
        },
    )
    stopped = pocs.poc_create(
        actor=leader,
        process=processes["form:leave"],
        data={
            "title": "休暇申請の一括承認(開発部)",
            "department": "D600",
            "baseline_from": days(300),
            "baseline_to": days(200),
            "trial_from": days(150),
            "trial_to": days(100),
        },
    )
    pocs.poc_decide(
        actor=leader,
        poc=stopped,
        decision="stopped",
        reason="件数が少なく効果が測れない。現場負担も増えた",
    )


def _manuals(admin: Any, by_type: dict[str, Process]) -> None:
    # Read the audit log up to now first: the earlier seeders' routes and forms predate the
    # manuals, so only the two changes made below are drafted.
    manuals.manual_drafts_scan(actor=SYSTEM)
    for request_type, (title, body) in MANUALS.items():
        manuals.manual_save(actor=SYSTEM, process=by_type[request_type], title=title, body=body)


def _drafts(rng: random.Random, admin: Any, today: dt.date) -> None:
    manuals.manual_drafts_scan(actor=SYSTEM)  # drafts the 稟議 route change made just before
    form = RequestForm.objects.get(code="expense")
    fields = [*form.fields]
    form_update(
        actor=admin,
        form=form,
        data={
            "code": form.code,
            "name": form.name,
            "description": form.description + "(領収書の写真を必須にしました)",
            "fields": fields,
            "is_active": form.is_active,
        },
    )
    manuals.manual_drafts_scan(actor=SYSTEM)
    route_draft = ManualDraft.objects.filter(source_action="workflow.route.update").first()
    if route_draft is not None:
        manuals.manual_draft_review(
            actor=admin, draft=route_draft, decision="approve", note="確認済み"
        )


def _culture(
    rng: random.Random, admin: Any, employees: list[Any], processes: list[Process]
) -> None:
    users = [e.user for e in employees]
    for index, (status, problem, idea, effect, hours) in enumerate(PROPOSALS):
        author = users[(index * 7) % len(users)]
        proposal = culture.proposal_submit(
            actor=author,
            data={
                "problem": problem,
                "idea": idea,
                "expected_effect": effect,
                "process": processes[(index * 3) % len(processes)],
            },
        )
        path = {
            "proposed": [],
            "reviewing": ["reviewing"],
            "trial": ["reviewing", "trial"],
            "adopted": ["reviewing", "trial", "adopted"],
            "declined": ["reviewing", "declined"],
        }[status]
        for step in path:
            reason = "効果が確認できたため採用" if step == "adopted" else ""
            reason = "既存システムの更新で解決するため" if step == "declined" else reason
            culture.proposal_advance(
                actor=admin,
                proposal=proposal,
                status=step,
                reason=reason,
                hours_saved_per_year=hours if step == "adopted" else 0,
            )
    for index, message in enumerate(THANKS):
        sender, recipient = users[index % len(users)], users[(index * 5 + 3) % len(users)]
        if sender != recipient:
            culture.thanks_give(actor=sender, recipient=recipient, message=message)
    for index, spec in enumerate(COURSES):
        course = culture.course_create(actor=SYSTEM, data=spec)
        learners = users if index == 0 else users[::3]
        culture.course_assign(actor=SYSTEM, course=course, users=learners)
        for enrollment in course.enrollments.select_related("user")[: len(learners) * 2 // 3]:
            answers = [item["answer"] for item in course.quiz]
            culture.enrollment_complete(
                actor=enrollment.user, enrollment=enrollment, answers=answers
            )


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    """The DX loop's demo data (runs after the workflow demo, whose routes and forms it uses)."""
    admin = get_user_model().objects.get(username="admin")
    owners = {
        d.code: d.manager.user.username
        for d in Department.objects.select_related("manager__user")
        if d.manager and d.manager.user
    }
    processes = _processes(rng, owners)
    by_type = {p.request_type: p for p in processes if p.request_type}
    for department in Department.objects.filter(manager__isnull=False).select_related("manager"):
        members = list(Employee.objects.filter(department=department, user__isnull=False)[:3])
        if len(members) > 1:
            services.supporter_add(
                actor=SYSTEM,
                user=members[1].user,
                kind=Supporter.Kind.LEADER,
                department=department,
            )
    employees = list(
        Employee.objects.filter(status=Employee.Status.ACTIVE, user__isnull=False)
        .select_related("user")
        .order_by("code")
    )
    for employee in employees[5:60:20]:
        services.supporter_add(
            actor=SYSTEM,
            user=employee.user,
            kind=Supporter.Kind.SUPPORTER,
            skills="Excel・RPA・生成AI",
        )
    _manuals(admin, by_type)
    _shortened_route(rng, today, admin)
    _drafts(rng, admin, today)
    _pocs(today, admin, by_type)
    _culture(rng, admin, employees, processes)
    culture.review_hold(
        actor=admin,
        process=by_type["workflow.ringi"],
        period_from=(today.replace(day=1) - dt.timedelta(days=1)).replace(day=1),
        period_to=today,
        minutes="ルート短縮後のリードタイムを確認。差し戻し理由のテンプレート化を次の施策に。",
        actions=["差し戻し理由のテンプレートを作る", "他部署への横展開を検討"],
    )
    return {"processes": len(processes), "live": live_measures(today)}
