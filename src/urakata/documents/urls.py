from django.urls import path

from urakata.documents import contract_views, regulation, views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("new/", views.document_new, name="document_new"),
    path("export/", views.document_export, name="document_export"),
    path("regulation/", regulation.regulation_page, name="regulation"),
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
    path("contracts/", contract_views.contract_list, name="contract_list"),
    path("contracts/new/", contract_views.contract_new, name="contract_new"),
    path("contracts/verify/", contract_views.contract_verify, name="contract_verify"),
    path("contracts/<int:contract_id>/", contract_views.contract_detail, name="contract_detail"),
    path(
        "contracts/<int:contract_id>/submit/",
        contract_views.contract_submit,
        name="contract_submit",
    ),
    path("contracts/<int:contract_id>/sign/", contract_views.contract_sign, name="contract_sign"),
    path("sign/<str:token>/", contract_views.sign_page, name="sign_page"),
    path("sign/<str:token>/pdf/", contract_views.sign_pdf, name="sign_pdf"),
]
