from django.urls import path

from urakata.workflow import admin_views, views

app_name = "workflow"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bulk-approve/", views.bulk_approve, name="bulk_approve"),
    path("requests/", views.my_requests, name="my_requests"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/attach/", views.request_attach_view, name="request_attach"),
    path("requests/<int:request_id>/<str:action>/", views.request_action, name="request_action"),
    path("new/", views.new_request, name="new_request"),
    path("new/ringi/", views.ringi_new, name="ringi_new"),
    path("new/form/<slug:code>/", views.form_new, name="form_new"),
    path("ringi/<int:request_id>/resubmit/", views.ringi_resubmit_view, name="ringi_resubmit"),
    path(
        "forms/requests/<int:request_id>/resubmit/", views.form_resubmit_view, name="form_resubmit"
    ),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("delegations/", views.delegations, name="delegations"),
    path(
        "delegations/<int:delegation_id>/revoke/", views.delegation_revoke, name="delegation_revoke"
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("routes/", admin_views.route_list, name="route_list"),
    path("routes/new/", admin_views.route_edit, name="route_new"),
    path("routes/<int:route_id>/", admin_views.route_edit, name="route_edit"),
    path("forms/", admin_views.form_list, name="form_list"),
    path("forms/new/", admin_views.form_edit, name="form_create"),
    path("forms/<slug:code>/edit/", admin_views.form_edit, name="form_edit"),
    path("kpis/", admin_views.kpis, name="kpis"),
]
