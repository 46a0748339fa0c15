"""Forms of the HR settings pages: work rules, shift calendars, company calendar, 36協定, leave."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from urakata.attendance.models import WorkRule

WEEKDAYS = [
    ("0", _("月")),
    ("1", _("火")),
    ("2", _("水")),
    ("3", _("木")),
    ("4", _("金")),
    ("5", _("土")),
    ("6", _("日")),
]


class RuleForm(forms.Form):
    """就業規則 (create or change by code)."""

    code = forms.CharField(label=_("コード"), max_length=20)
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("労働時間制"), choices=WorkRule.Kind.choices)
    start_time = forms.TimeField(label=_("始業時刻"))
    end_time = forms.TimeField(label=_("終業時刻"))
    break_start = forms.TimeField(label=_("休憩開始"))
    break_minutes = forms.IntegerField(label=_("休憩(分)"), min_value=0, max_value=600)
    workdays = forms.MultipleChoiceField(
        label=_("所定労働日"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    legal_holiday_weekday = forms.TypedChoiceField(
        label=_("法定休日"), choices=WEEKDAYS, coerce=int
    )
    week_start = forms.TypedChoiceField(label=_("週の起算曜日"), choices=WEEKDAYS, coerce=int)
    period_start_day = forms.IntegerField(
        label=_("変形期間の起算日(毎月)"), min_value=1, max_value=28, initial=1
    )
    national_holidays_off = forms.BooleanField(label=_("祝日を所定休日とする"), required=False)
    is_supervisor = forms.BooleanField(label=_("管理監督者"), required=False)
    is_default = forms.BooleanField(label=_("既定の就業規則"), required=False)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("code")
        data["workdays"] = "".join(sorted(data["workdays"]))
        return data


class ScheduleForm(forms.Form):
    """変形労働時間制: one period's shift calendar as lines `date,start,end,break`."""

    rule = forms.ModelChoiceField(
        label=_("就業規則"),
        queryset=WorkRule.objects.filter(kind=WorkRule.Kind.VARIABLE),
        to_field_name="code",
    )
    period_start = forms.DateField(label=_("変形期間の起算日"))
    employee_code = forms.CharField(
        label=_("社員番号(個人のシフト表のとき)"), max_length=20, required=False
    )
    text = forms.CharField(
        label=_("シフト(1行に 日付,始業,終業,休憩分)"),
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2026-04-01,8:00,19:00,60"}),
        max_length=20000,
    )


class CalendarForm(forms.Form):
    """会社カレンダー: a day off, a working day, or back to the default."""

    date = forms.DateField(label=_("日付"))
    kind = forms.ChoiceField(
        label=_("種類"),
        choices=[("off", _("会社休日")), ("work", _("出勤日")), ("default", _("既定に戻す"))],
    )
    name = forms.CharField(label=_("名称"), max_length=100, required=False)


class AgreementForm(forms.Form):
    """36協定 of the year from 起算日 (hours; saved as minutes)."""

    effective_from = forms.DateField(label=_("起算日"))
    monthly_limit_hours = forms.IntegerField(label=_("月の限度時間"), min_value=0, initial=45)
    annual_limit_hours = forms.IntegerField(label=_("年の限度時間"), min_value=0, initial=360)
    special_clause = forms.BooleanField(label=_("特別条項あり"), required=False)
    special_monthly_limit_hours = forms.IntegerField(
        label=_("特別条項の月の上限(時間)"), min_value=0, initial=80
    )
    special_annual_limit_hours = forms.IntegerField(
        label=_("特別条項の年の上限(時間)"), min_value=0, initial=720
    )
    special_months_allowed = forms.IntegerField(
        label=_("限度時間を超えられる月数"), min_value=0, initial=6
    )
    warn_percent = forms.IntegerField(label=_("警告の閾値(%)"), min_value=1, initial=80)

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "monthly_limit_minutes": d["monthly_limit_hours"] * 60,
            "annual_limit_minutes": d["annual_limit_hours"] * 60,
            "special_clause": d["special_clause"],
            "special_monthly_limit_minutes": d["special_monthly_limit_hours"] * 60,
            "special_annual_limit_minutes": d["special_annual_limit_hours"] * 60,
            "special_months_allowed": d["special_months_allowed"],
            "warn_percent": d["warn_percent"],
        }


class PlannedForm(forms.Form):
    """計画的付与: one day for the listed employees (none listed: everyone employed)."""

    date = forms.DateField(label=_("日付"))
    employee_codes = forms.CharField(
        label=_("社員番号(空欄なら全員)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reason = forms.CharField(label=_("理由"), max_length=200, initial=_("計画的付与"))


class UniformGrantForm(forms.Form):
    """斉一的付与: the company-wide grant date (blank month: 基準日 per hire date)."""

    uniform_grant_month = forms.IntegerField(
        label=_("付与する月(空欄なら入社日基準)"), min_value=1, max_value=12, required=False
    )
    uniform_grant_day = forms.IntegerField(label=_("付与する日"), min_value=1, max_value=31)
