from django.urls import path

from urakata.web import account_views, audit_views, role_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/", account_views.account, name="account"),
    path("accounts/password/", account_views.password_change, name="password_change"),
    path("accounts/two-factor/", account_views.two_factor, name="two_factor"),
    path(
        "accounts/two-factor/disable/",
        account_views.two_factor_disable,
        name="two_factor_disable",
    ),
    path("accounts/tokens/", account_views.token_list, name="token_list"),
    path("accounts/tokens/<int:token_id>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("accounts/locks/", account_views.login_locks, name="login_locks"),
    path("accounts/locks/unlock/", account_views.login_unlock, name="login_unlock"),
    path(
        "accounts/locks/two-factor-reset/", account_views.two_factor_reset, name="two_factor_reset"
    ),
    path("accounts/roles/", role_views.role_list, name="role_list"),
    path("accounts/roles/<int:user_id>/", role_views.role_edit, name="role_edit"),
    path("audit/", audit_views.audit_list, name="audit_list"),
]
