from django.urls import path

from urakata.payments import views

app_name = "payments"
urlpatterns = [
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:batch_id>/file/", views.batch_file_download, name="batch_file"),
    path("batches/<int:batch_id>/<str:action>/", views.batch_action, name="batch_action"),
    path("requests/", views.request_list, name="request_list"),
    path("company-accounts/", views.company_list, name="company_list"),
    path("payee-accounts/", views.payee_list, name="payee_list"),
    path("my-account/", views.my_account, name="my_account"),
]
