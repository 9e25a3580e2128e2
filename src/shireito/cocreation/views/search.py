"""The search page: words and filters in the address (a plain GET form), results newest-ranked
first, paged forward and back without counting every match."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required

from shireito.cocreation.forms_search import SearchForm
from shireito.cocreation.selectors.search import SearchFilters, search
from shireito.cocreation.selectors.spaces import spaces_for
from shireito.core.htmx import render_page
from shireito.organizations.selectors import organization_get


def filters_of(user, values: dict, spaces) -> tuple[SearchFilters, bool]:
    """The selector's filters from the form's values; False when a value names nothing the
    user may see (then there is nothing to find)."""
    filters = SearchFilters(
        kind=values.get("kind") or "",
        official_only=bool(values.get("official")),
        answered={"yes": True, "no": False}.get(values.get("answered") or ""),
    )
    found = True
    if values.get("space"):
        space = next((s for s in spaces if s.slug == values["space"]), None)
        filters.space_id = space.pk if space else None
        found = space is not None
    if values.get("organization"):
        organization = organization_get(user=user, code=values["organization"].strip())
        filters.organization_id = organization.pk if organization else None
        found = found and organization is not None
    return filters, found


@login_required
def search_page(request):
    spaces = list(spaces_for(request.user))
    form = SearchForm(request.GET, spaces=spaces)
    values = form.values()
    filters, found = filters_of(request.user, values, spaces)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    query = values.get("search") or ""
    results = search(request.user, query if found else "", filters, page=number)
    params = request.GET.copy()
    params.pop("page", None)
    return render_page(
        request,
        "cocreation/search.html",
        {
            "filter_form": form,
            "query": query,
            "results": results,
            "params": params.urlencode(),
        },
        partial="results",
    )
