from django.urls import path

from urakata.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("new/", views.document_new, name="document_new"),
    path("export/", views.document_export, name="document_export"),
    path("<int:document_id>/", views.document_detail, name="document_detail"),
    path("<int:document_id>/versions/", views.version_add, name="version_add"),
    path(
        "<int:document_id>/versions/<int:number>/",
        views.version_download,
        name="version_download",
    ),
    path("<int:document_id>/edit/", views.document_update, name="document_update"),
    path("<int:document_id>/hold/", views.document_hold, name="document_hold"),
    path("<int:document_id>/dispose/", views.document_dispose, name="document_dispose"),
]
