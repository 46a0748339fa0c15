from django.urls import path

from urakata.attendance import settings_views, views

app_name = "attendance"
urlpatterns = [
    path("", views.timecard, name="timecard"),
    path("clock/", views.clock_action, name="clock"),
    path("corrections/new/", views.correction_new, name="correction_new"),
    path("leave/new/", views.leave_new, name="leave_new"),
    path("team/", views.team, name="team"),
    path("team/confirm/", views.confirm, name="confirm"),
    path("hr/", views.hr_dashboard, name="hr"),
    path("hr/close/", views.close, name="close"),
    path("hr/leave-register.csv", views.leave_register, name="leave_register"),
    path("hr/leave-register.pdf", views.leave_register_pdf, name="leave_register_pdf"),
    path("hr/rules/", settings_views.rules, name="settings_rules"),
    path("hr/calendar/", settings_views.company_calendar, name="settings_calendar"),
    path("hr/agreement/", settings_views.agreement, name="settings_agreement"),
    path("hr/leave-settings/", settings_views.leave_settings, name="settings_leave"),
]
