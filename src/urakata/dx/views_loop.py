"""DX pages, part 2: PoCs, the manual review queue, training, proposals and 称賛."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.permissions import SYSTEM, can
from urakata.core.tables import audit_export, table_response
from urakata.dx import charts, culture, manuals, pocs, selectors
from urakata.dx.kpis import measure_definitions
from urakata.dx.models import Proposal
from urakata.dx.rules import can_review_manual, is_leader, require_leader
from urakata.dx.views_measures import UNITS


@login_required
def poc_list(request: HttpRequest) -> HttpResponse:
    """PoCs and a form to start one (DX leaders)."""
    return render(
        request,
        "dx/poc_list.html",
        {
            "pocs": selectors.poc_list(actor=request.user),
            "processes": selectors.process_list(actor=request.user),
            "measures": measure_definitions(),
            "is_leader": is_leader(request.user),
        },
    )


@login_required
@require_POST
def poc_new(request: HttpRequest) -> HttpResponse:
    """Start a PoC."""
    try:
        pk = int(request.POST.get("process", "0") or 0)
    except ValueError:
        pk = 0
    process = selectors.process_get(actor=request.user, pk=pk)
    data = {**request.POST.dict(), "measures": request.POST.getlist("measures")}
    try:
        poc = pocs.poc_create(actor=request.user, process=process, data=data)
    except ValidationFailed as error:
        flash_error(request, error)
        return redirect("dx:poc_list")
    return redirect("dx:poc_detail", poc.pk)


@login_required
def poc_detail(request: HttpRequest, poc_id: int) -> HttpResponse:
    """Baseline against trial, measured from the event log, with the chart and the decision."""
    poc = selectors.poc_get(actor=request.user, pk=poc_id)
    result = poc.result or pocs.poc_results(poc)
    base, trial = result["baseline"], result["trial"]

    def pct(value: float | None) -> float | None:
        return None if value is None else round(100 * value, 1)

    rows = [
        (
            _("リードタイム中央値(時間)"),
            base["lead_time_hours"]["median"],
            trial["lead_time_hours"]["median"],
        ),
        (
            _("リードタイムP90(時間)"),
            base["lead_time_hours"]["p90"],
            trial["lead_time_hours"]["p90"],
        ),
        (
            _("ステップ待ち中央値(時間)"),
            base["step_wait_hours"]["median"],
            trial["step_wait_hours"]["median"],
        ),
        (_("差し戻し率(%)"), pct(base["return_rate"]), pct(trial["return_rate"])),
        (_("却下率(%)"), pct(base["rejection_rate"]), pct(trial["rejection_rate"])),
    ]
    return render(
        request,
        "dx/poc_detail.html",
        {
            "poc": poc,
            "result": result,
            "rows": rows,
            "measure_rows": _poc_measure_rows(result),
            "chart": charts.bars_svg(rows[:3], legend=(_("ベースライン"), _("試行"))),
            "reduction": pct(result["lead_time_reduction"]),
            "is_leader": is_leader(request.user),
        },
    )


def _poc_measure_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The PoC's extra measures with their labels, ratios as %, each with its own chart."""
    definitions = measure_definitions()
    legend = (_("ベースライン"), _("試行"))
    rows = []
    for key, before in result["baseline"].get("measures", {}).items():
        after = result["trial"].get("measures", {}).get(key)
        definition = definitions.get(key, {"label": key, "kind": "count"})
        if definition["kind"] == "ratio":
            before, after = (None if v is None else round(100 * v, 1) for v in (before, after))
        unit = _(UNITS[definition["kind"]])
        rows.append(
            {
                "key": key,
                "label": definition["label"],
                "unit": unit,
                "before": before,
                "after": after,
                "chart": charts.bars_svg([(unit, before, after)], legend=legend),
            }
        )
    return rows


@login_required
@require_POST
def poc_decide(request: HttpRequest, poc_id: int) -> HttpResponse:
    """Evaluation notes and/or the decision (横展開 / 継続 / 中止) with its reason."""
    poc = selectors.poc_get(actor=request.user, pk=poc_id)
    try:
        pocs.poc_evaluate(actor=request.user, poc=poc, data=request.POST)
        if request.POST.get("decision"):
            pocs.poc_decide(
                actor=request.user,
                poc=poc,
                decision=request.POST["decision"],
                reason=request.POST.get("reason", ""),
            )
        messages.success(request, _("保存しました。"))
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("dx:poc_detail", poc.pk)


@login_required
def draft_list(request: HttpRequest) -> HttpResponse:
    """マニュアル更新案: drafts from audited changes, waiting for a person."""
    drafts = selectors.draft_list(
        actor=request.user, status=request.GET.get("status", "pending")[:10]
    )
    return render(
        request,
        "dx/draft_list.html",
        {"drafts": drafts[:100], "status": request.GET.get("status", "pending")},
    )


@login_required
@require_POST
def draft_scan(request: HttpRequest) -> HttpResponse:
    """Read the audit log now for changes that touch manuals (DX leaders / reviewers)."""
    require_leader(request.user)
    made = manuals.manual_drafts_scan(actor=SYSTEM)
    messages.success(request, _("更新案を %(n)s 件作成しました。") % {"n": made})
    return redirect("dx:draft_list")


@login_required
def draft_detail(request: HttpRequest, draft_id: int) -> HttpResponse:
    """One draft: what changed, the sections touched, the current and the proposed text."""
    draft = selectors.draft_get(actor=request.user, pk=draft_id)
    current = draft.manual.current
    return render(
        request,
        "dx/draft_detail.html",
        {
            "draft": draft,
            "current": current,
            "can_review": can_review_manual(request.user, draft.manual.process),
        },
    )


@login_required
@require_POST
def draft_review(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Approve (publish, as edited) or reject a draft."""
    draft = selectors.draft_get(actor=request.user, pk=draft_id)
    try:
        manuals.manual_draft_review(
            actor=request.user,
            draft=draft,
            decision=request.POST.get("decision", ""),
            body=request.POST.get("body"),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("更新案を確認しました。"))
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("dx:draft_detail", draft.pk)


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    """研修: courses with completion, and the signed-in person's own assignments."""
    return render(
        request,
        "dx/course_list.html",
        {
            "courses": selectors.course_list(actor=request.user),
            "mine": selectors.my_enrollments(actor=request.user),
        },
    )


@login_required
@require_POST
def enrollment_complete(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    """Answer the course's quiz."""
    enrollment = selectors.my_enrollments(actor=request.user).filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFound("enrollment")
    answers = []
    for index in range(len(enrollment.course.quiz)):
        value = request.POST.get(f"q{index}", "")
        answers.append(int(value) if value.isdigit() else -1)
    try:
        done = culture.enrollment_complete(
            actor=request.user, enrollment=enrollment, answers=answers
        )
        if done.completed_at:
            messages.success(request, _("修了しました(%(s)s 点)。") % {"s": done.score})
        else:
            messages.error(
                request, _("%(s)s 点でした。もう一度挑戦してください。") % {"s": done.score}
            )
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("dx:course_list")


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """改善提案 and 称賛: propose, follow, thank."""
    proposals = selectors.proposal_list(actor=request.user)
    return render(
        request,
        "dx/proposal_list.html",
        {
            "proposals": proposals[:200],
            "processes": selectors.process_list(actor=request.user),
            "is_leader": is_leader(request.user),
            "can_export": can(request.user, "dx.manage"),
            "statuses": Proposal.Status.choices,
        },
    )


@login_required
@require_POST
def proposal_new(request: HttpRequest) -> HttpResponse:
    """Send an improvement proposal."""
    data: dict[str, object] = {**request.POST.dict()}
    process_id = request.POST.get("process", "")
    data["process"] = (
        selectors.process_get(actor=request.user, pk=int(process_id))
        if process_id.isdigit()
        else None
    )
    try:
        culture.proposal_submit(actor=request.user, data=data)
        messages.success(request, _("提案を受け付けました。ありがとうございます。"))
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("dx:proposal_list")


@login_required
@require_POST
def proposal_advance(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Move a proposal on (DX leaders)."""
    proposal = selectors.proposal_get(actor=request.user, pk=proposal_id)
    try:
        hours = float(request.POST.get("hours_saved_per_year") or 0)
    except ValueError:
        hours = -1
    try:
        culture.proposal_advance(
            actor=request.user,
            proposal=proposal,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            hours_saved_per_year=hours,
        )
        messages.success(request, _("提案の状態を更新しました。"))
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("dx:proposal_list")


@login_required
@require_POST
def thanks_give(request: HttpRequest) -> HttpResponse:
    """Send thanks (称賛) to a colleague."""
    recipient = (
        get_user_model()
        .objects.filter(username=request.POST.get("recipient", "")[:150], is_active=True)
        .first()
    )
    if recipient is None:
        messages.error(request, _("宛先のユーザーが見つかりません。"))
        return redirect("dx:proposal_list")
    try:
        culture.thanks_give(
            actor=request.user, recipient=recipient, message=request.POST.get("message", "")
        )
        messages.success(request, _("称賛を送りました。"))
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("dx:proposal_list")


@login_required
def recognition_export(request: HttpRequest) -> HttpResponseBase:
    """Per person over an evaluation period: proposals, adopted, hours saved, thanks received."""
    today = timezone.localdate()
    date_from = parse_date(request.GET.get("from", "") or "") or dt.date(today.year, 1, 1)
    date_to = parse_date(request.GET.get("to", "") or "") or today
    rows = selectors.recognition_rows(actor=request.user, date_from=date_from, date_to=date_to)
    header = [_("ユーザー"), _("部署"), _("提案数"), _("採用数"), _("年間削減時間"), _("称賛")]
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    audit_export(
        actor=request.user,
        action="dx.recognition.export",
        file_format=file_format,
        rows=len(rows),
        filters={"from": str(date_from), "to": str(date_to)},
    )
    return table_response(
        file_format=file_format,
        header=header,
        rows=rows,
        filename="dx-recognition",
        title=_("改善と称賛"),
    )
