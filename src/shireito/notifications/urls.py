from django.urls import path

from shireito.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notification_mark_read, name="read"),
    path("settings/", views.preference_update, name="preference"),
]
