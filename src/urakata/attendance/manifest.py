"""Attendance and leave (勤怠・休暇) in one place: capabilities, pages, API, workflow, demo."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.attendance.requests import CORRECTION_SUBJECT, LEAVE_SUBJECT
from urakata.core.domains import DefaultJob, DomainManifest, NavEntry
from urakata.core.roles import Role

SECTION = _("勤怠")

MANIFEST = DomainManifest(
    label="attendance",
    order=550,
    depends_on=("core", "org", "workflow"),
    # Everyone clocks and sees their own; managers their team; HR all and the rules.
    capabilities={
        "attendance.clock": tuple(Role),
        "attendance.view_team": (Role.MANAGER, Role.HR),
        "attendance.confirm": (Role.MANAGER, Role.HR),
        "attendance.view_all": (Role.HR,),
        "attendance.manage": (Role.HR,),
    },
    workflow_subjects=(LEAVE_SUBJECT, CORRECTION_SUBJECT),
    navigation=(
        NavEntry(SECTION, _("勤務表"), "attendance:timecard", "attendance.clock", "⏱", 550),
        NavEntry(SECTION, _("チームの勤怠"), "attendance:team", "attendance.view_team", "👥", 555),
        NavEntry(
            SECTION, _("勤怠ダッシュボード"), "attendance:hr", "attendance.view_all", "📊", 560
        ),
    ),
    # 36協定 alerts every morning (each alert is sent once per month and kind).
    periodic_jobs=(
        DefaultJob("attendance.alerts", "urakata.attendance.tasks.alerts_task", "0 8 * * *"),
    ),
    hooks={"dx.process_measures": "urakata.attendance.dx_measures.measures"},
    demo_seeder="urakata.attendance.demo.seed",
    urls="urakata.attendance.urls",
    url_prefix="attendance/",
    api_router="urakata.attendance.api.router",
    api_prefix="/attendance",
)
