from django.urls import path

from urakata.dx import views, views_loop, views_measures

app_name = "dx"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("processes/", views.process_list, name="process_list"),
    path("processes/new/", views.process_new, name="process_new"),
    path("processes/export/", views.inventory_export, name="inventory_export"),
    path("processes/template/", views.inventory_template, name="inventory_template"),
    path("processes/import/", views.inventory_import, name="inventory_import"),
    path("processes/<int:process_id>/", views.process_detail, name="process_detail"),
    path("processes/<int:process_id>/edit/", views.process_edit, name="process_edit"),
    path("processes/<int:process_id>/score/", views.process_score, name="process_score"),
    path("processes/<int:process_id>/voices/", views.voice_add, name="voice_add"),
    path("processes/<int:process_id>/manual/", views.manual_save, name="manual_save"),
    path("priority/", views.priority, name="priority"),
    path("measures/", views_measures.measures, name="measures"),
    path("pocs/", views_loop.poc_list, name="poc_list"),
    path("pocs/new/", views_loop.poc_new, name="poc_new"),
    path("pocs/<int:poc_id>/", views_loop.poc_detail, name="poc_detail"),
    path("pocs/<int:poc_id>/decide/", views_loop.poc_decide, name="poc_decide"),
    path("drafts/", views_loop.draft_list, name="draft_list"),
    path("drafts/scan/", views_loop.draft_scan, name="draft_scan"),
    path("drafts/<int:draft_id>/", views_loop.draft_detail, name="draft_detail"),
    path("drafts/<int:draft_id>/review/", views_loop.draft_review, name="draft_review"),
    path("courses/", views_loop.course_list, name="course_list"),
    path(
        "enrollments/<int:enrollment_id>/complete/",
        views_loop.enrollment_complete,
        name="enrollment_complete",
    ),
    path("proposals/", views_loop.proposal_list, name="proposal_list"),
    path("proposals/new/", views_loop.proposal_new, name="proposal_new"),
    path(
        "proposals/<int:proposal_id>/advance/", views_loop.proposal_advance, name="proposal_advance"
    ),
    path("thanks/", views_loop.thanks_give, name="thanks_give"),
    path("recognition/export/", views_loop.recognition_export, name="recognition_export"),
]
