from django.urls import path

from shireito.cocreation.views import follows

urlpatterns = [
    path("following/", follows.following, name="following"),
    path("following/change/", follows.follow_toggle, name="follow"),
]
