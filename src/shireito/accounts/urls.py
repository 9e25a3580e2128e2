from django.urls import path

from shireito.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("login/verify/", views.sign_in_verify, name="sign_in_verify"),
    path("logout/", views.sign_out, name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<str:username>/", views.user_detail, name="user_detail"),
    path("users/<str:username>/edit/", views.user_edit, name="user_edit"),
]
