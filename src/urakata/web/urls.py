from django.urls import path

from urakata.web import account_views, audit_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/two-factor/", account_views.two_factor, name="two_factor"),
    path("accounts/tokens/", account_views.token_list, name="token_list"),
    path("accounts/tokens/<int:token_id>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("audit/", audit_views.audit_list, name="audit_list"),
]
