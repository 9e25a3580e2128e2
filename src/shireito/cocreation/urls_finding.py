"""The routes of proposals, search and the related panel ("finding" part)."""

from django.urls import path

from shireito.cocreation.views import proposals, search

P = "<slug:space>/proposals/<int:thread>/"

urlpatterns = [
    path("search/", search.search_page, name="search"),
    path("<slug:space>/proposals/", proposals.proposal_list, name="proposals"),
    path(P, proposals.proposal_detail, name="proposal"),
    path(P + "decide/", proposals.proposal_decide, name="proposal_decide"),
    path(P + "support/", proposals.proposal_support, name="proposal_support"),
    path(P + "outcomes/new/", proposals.proposal_outcome_add, name="proposal_outcome_add"),
    path(
        P + "outcomes/<int:outcome>/remove/",
        proposals.proposal_outcome_remove,
        name="proposal_outcome_remove",
    ),
]
