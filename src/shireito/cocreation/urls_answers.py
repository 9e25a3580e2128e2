"""The answers' routes under /cocreation/ (fixed addresses first: see ``urls``)."""

from django.urls import path

from shireito.cocreation.views import answers

fixed = [
    path("official/", answers.pending, name="official_pending"),
    path("official/<int:answer>/approve/", answers.approve, name="official_approve"),
    path("official/<int:answer>/refuse/", answers.refuse, name="official_refuse"),
    path("faq/<str:org>/", answers.faq, name="faq"),
]

T = "<slug:space>/<int:thread>/"

in_space = [
    path(T + "posts/<int:post>/accept/", answers.accept, name="answer_accept"),
    path(T + "unaccept/", answers.unaccept, name="answer_unaccept"),
    path(T + "posts/<int:post>/official/", answers.propose, name="official_propose"),
]
