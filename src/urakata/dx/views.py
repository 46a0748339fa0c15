"""DX pages, part 1: dashboard, 業務棚卸し (list, detail, import/export), priorities."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import can, require
from urakata.dx import charts, inventory_io, manuals, selectors, services
from urakata.dx.models import Frequency, Proposal
from urakata.dx.rules import can_edit_process, is_leader

SCORE_DEFINITIONS = (
    (
        gettext_lazy("影響度"),
        gettext_lazy("5: 全社・顧客に影響/年500時間以上 … 1: 担当者内で完結/年10時間未満"),
    ),
    (gettext_lazy("頻度"), gettext_lazy("5: 毎日 … 4: 毎週 … 3: 毎月 … 2: 四半期 … 1: 年数回以下")),
    (
        gettext_lazy("改善余地"),
        gettext_lazy(
            "5: 紙・転記・二重入力・属人化が重なる … 1: すでにシステム化され改善点が少ない"
        ),
    ),
)


def _download(result: Any) -> HttpResponse:
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """DX dashboard: every figure, PoC effects and the adopted proposals."""
    figures = selectors.dashboard(actor=request.user)
    effects = [
        (e["title"], None, round(100 * (e["lead_time_reduction"] or 0), 1))
        for e in figures["poc_effects"]
        if e["lead_time_reduction"] is not None
    ]
    adopted = selectors.proposal_list(actor=request.user, status=Proposal.Status.ADOPTED)[:10]
    return render(
        request,
        "dx/dashboard.html",
        {
            "f": figures,
            "effects_svg": charts.bars_svg(effects, legend=("", _("処理時間削減率(%)")))
            if effects
            else "",
            "adopted": adopted,
        },
    )


@login_required
def process_list(request: HttpRequest) -> HttpResponse:
    """業務棚卸し表: the inventory, with import / export for DX managers."""
    q = request.GET.get("q", "")[:100]
    department = request.GET.get("department", "")[:20]
    processes = selectors.process_list(
        actor=request.user,
        q=q,
        department=department,
        candidates=bool(request.GET.get("candidates")),
    )
    return render(
        request,
        "dx/process_list.html",
        {
            "processes": processes,
            "q": q,
            "department": department,
            "can_manage": can(request.user, "dx.manage"),
            "frequencies": Frequency.choices,
        },
    )


@login_required
@require_POST
def process_new(request: HttpRequest) -> HttpResponse:
    """Add a process (dx.manage)."""
    try:
        process = services.process_save(actor=request.user, data=request.POST)
    except ValidationFailed as error:
        flash_error(request, error)
        return redirect("dx:process_list")
    messages.success(request, _("業務を登録しました。"))
    return redirect("dx:process_detail", process.pk)


@login_required
def process_detail(request: HttpRequest, process_id: int) -> HttpResponse:
    """One process: details, scores with suggestions, 現場の声, roster, manual, PoCs."""
    process = selectors.process_get(actor=request.user, pk=process_id)
    manual = getattr(process, "manual", None)
    return render(
        request,
        "dx/process_detail.html",
        {
            "process": process,
            "suggested": services.suggested_scores(process),
            "definitions": SCORE_DEFINITIONS,
            "voices": process.voices.select_related("author")[:50],
            "supporters": selectors.supporters_for(process),
            "manual": manual,
            "manual_version": manual.current if manual else None,
            "versions": manual.versions.select_related("author")[:20] if manual else [],
            "pocs": process.pocs.all(),
            "can_edit": can_edit_process(request.user, process),
            "is_leader": is_leader(request.user),
            "frequencies": Frequency.choices,
            "scores": range(1, 6),
        },
    )


@login_required
@require_POST
def process_edit(request: HttpRequest, process_id: int) -> HttpResponse:
    """Change a process (its owner or dx.manage)."""
    process = selectors.process_get(actor=request.user, pk=process_id)
    data = {**request.POST.dict(), **{f: f in request.POST for f in services.FLAGS}}
    try:
        services.process_save(actor=request.user, process=process, data=data)
        messages.success(request, _("業務を更新しました。"))
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("dx:process_detail", process.pk)


@login_required
@require_POST
def process_score(request: HttpRequest, process_id: int) -> HttpResponse:
    """Set 影響度・頻度・改善余地 and the DX candidate flag."""
    process = selectors.process_get(actor=request.user, pk=process_id)
    data = {**request.POST.dict(), "is_candidate": "is_candidate" in request.POST}
    try:
        services.process_score(actor=request.user, process=process, data=data)
        messages.success(request, _("スコアを保存しました。"))
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("dx:process_detail", process.pk)


@login_required
@require_POST
def voice_add(request: HttpRequest, process_id: int) -> HttpResponse:
    """現場の声 from anyone."""
    process = selectors.process_get(actor=request.user, pk=process_id)
    try:
        services.voice_add(actor=request.user, process=process, text=request.POST.get("text", ""))
        messages.success(request, _("現場の声を登録しました。ありがとうございます。"))
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("dx:process_detail", process.pk)


@login_required
@require_POST
def manual_save(request: HttpRequest, process_id: int) -> HttpResponse:
    """A new manual version written by hand (owner or dx.manage)."""
    process = selectors.process_get(actor=request.user, pk=process_id)
    try:
        manuals.manual_save(
            actor=request.user,
            process=process,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            note=request.POST.get("note", "")[:300],
        )
        messages.success(request, _("マニュアルの新しい版を公開しました。"))
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("dx:process_detail", process.pk)


@login_required
def inventory_export(request: HttpRequest) -> HttpResponse:
    """Download the 業務棚卸し表 (CSV or Excel)."""
    file_format = request.GET.get("format", "xlsx")
    return _download(inventory_io.inventory_export(actor=request.user, file_format=file_format))


@login_required
def inventory_template(request: HttpRequest) -> HttpResponse:
    """Download the empty 業務棚卸し表 with an example row."""
    return _download(inventory_io.inventory_template(actor=request.user))


@login_required
@require_POST
def inventory_import(request: HttpRequest) -> HttpResponse:
    """Import a filled-in 業務棚卸し表: every row or none, with row errors."""
    require(request.user, "dx.manage")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("ファイルを選んでください。"))
        return redirect("dx:process_list")
    try:
        result = inventory_io.inventory_import(actor=request.user, upload=upload)
        messages.success(
            request,
            _("取り込みました: 追加 %(c)s 件、更新 %(u)s 件、変更なし %(n)s 件。")
            % {"c": result.created, "u": result.updated, "n": result.unchanged},
        )
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("dx:process_list")


@login_required
def priority(request: HttpRequest) -> HttpResponse:
    """優先順位: 影響度 × 頻度 × 改善余地, sortable, with the bubble chart and DX candidates."""
    sort = request.GET.get("sort", "score")
    if sort not in selectors.SORTS:
        sort = "score"
    rows = selectors.priority_rows(actor=request.user, sort=sort)
    points = selectors.priority_chart(rows)
    return render(
        request,
        "dx/priority.html",
        {
            "rows": rows,
            "sort": sort,
            "definitions": SCORE_DEFINITIONS,
            "chart": charts.bubble_svg(points, x_label=_("改善余地"), y_label=_("影響度")),
            "candidates": [p for p in rows if p.is_candidate],
        },
    )
