from django.urls import path

from urakata.attendance import views

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
]
