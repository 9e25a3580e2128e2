from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from shireito.accounts.selectors import user_list
from shireito.core.htmx import paginate, render_page
from shireito.core.selectors import object_history
from shireito.organizations import selectors
from shireito.organizations.choices import OrganizationKind


@login_required
def organization_list(request):
    search = request.GET.get("search", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in OrganizationKind.values:
        kind = ""
    page = paginate(
        request, selectors.organization_list(user=request.user, search=search, kind=kind)
    )
    return render_page(
        request,
        "organizations/organization_list.html",
        {"page": page, "search": search, "kind": kind, "kinds": OrganizationKind.choices},
        partial="results",
    )


@login_required
def organization_detail(request, code: str):
    organization = selectors.organization_get(user=request.user, code=code)
    if organization is None:
        raise Http404
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "members": user_list(user=request.user, organization_code=organization.code)[:200],
            "children": selectors.organization_list(user=request.user).filter(parent=organization),
            "history": object_history(organization)[:100],
        },
    )
