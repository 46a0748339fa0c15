from django.urls import path

from urakata.facilities import views, views_assets, views_invites, views_supplies

app_name = "facilities"
urlpatterns = [
    path("visits/", views.visit_mine, name="visit_mine"),
    path("visits/log/", views.visit_log, name="visit_log"),
    path("visits/<int:visit_id>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("visits/<int:visit_id>/qr.png", views.visit_qr, name="visit_qr"),
    path("visits/<int:visit_id>/check-out/", views.visit_check_out, name="visit_check_out"),
    path("visits/<int:visit_id>/badge.pdf", views.visit_badge, name="visit_badge"),
    path("visits/invites/", views_invites.invite_list, name="invite_list"),
    path(
        "visits/invites/<int:invite_id>/revoke/",
        views_invites.invite_revoke,
        name="invite_revoke",
    ),
    # Public (no login): the link's token and the check code are the credentials.
    path("invite/<str:token>/", views_invites.invite_public, name="invite_public"),
    path("reception/", views.reception, name="reception"),
    path("reception/check-in/", views.reception_check_in, name="reception_check_in"),
    path("reception/walk-in/", views.reception_walk_in, name="reception_walk_in"),
    path("items/", views_supplies.item_list, name="item_list"),
    path("requests/", views_supplies.request_list, name="request_list"),
    path("orders/", views_supplies.order_list, name="order_list"),
    path("orders/<int:order_id>/", views_supplies.order_detail, name="order_detail"),
    path("orders/<int:order_id>/pdf/", views_supplies.order_pdf, name="order_pdf"),
    path("orders/<int:order_id>/send/", views_supplies.order_send_view, name="order_send"),
    path("loans/", views_supplies.loan_list, name="loan_list"),
    path("loans/<int:loan_id>/return/", views_supplies.loan_return, name="loan_return"),
    path("assets/", views_assets.asset_list, name="asset_list"),
    path("assets/export/", views_assets.asset_export, name="asset_export"),
    path("assets/depreciation/", views_assets.depreciation_post, name="depreciation_post"),
    path("assets/<int:asset_id>/", views_assets.asset_detail, name="asset_detail"),
    path("assets/<int:asset_id>/dispose/", views_assets.asset_dispose, name="asset_dispose"),
]
