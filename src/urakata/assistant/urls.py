from django.urls import path

from urakata.assistant import views, views_accounting

app_name = "assistant"
urlpatterns = [
    path("", views.chat, name="chat"),
    path("ask/", views.ask, name="ask"),
    path("escalate/", views.escalate, name="escalate"),
    path("kb/", views.source_list, name="source_list"),
    path("kb/new/", views.source_create, name="source_create"),
    path("kb/upload/", views.source_upload, name="source_upload"),
    path("kb/<int:source_id>/", views.source_detail, name="source_detail"),
    path("kb/<int:source_id>/edit/", views.source_edit, name="source_edit"),
    path("inquiries/", views.inquiry_list, name="inquiry_list"),
    path("inquiries/<int:inquiry_id>/", views.inquiry_detail, name="inquiry_detail"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:item_id>/", views.review_detail, name="review_detail"),
    path("minutes/", views.summary_list, name="summary_list"),
    path("minutes/<int:summary_id>/", views.summary_detail, name="summary_detail"),
    path("monthly/", views_accounting.monthly_report_list, name="monthly_report_list"),
    path(
        "monthly/<int:report_id>/",
        views_accounting.monthly_report_detail,
        name="monthly_report_detail",
    ),
    path(
        "suggest/description/",
        views_accounting.description_suggestions,
        name="description_suggestions",
    ),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("usage/", views.usage, name="usage"),
    path("settings/", views.ai_settings, name="settings"),
]
