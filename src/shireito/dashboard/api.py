"""The tower for programs: the same sections, figures and tables as the page, with the link
behind each figure (``<column>_href``), in the caller's language (``Accept-Language``)."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router

from shireito.dashboard import selectors
from shireito.dashboard.schemas import SectionOut, TowerOut

router = Router(tags=["dashboard"])


@router.get("", response=TowerOut, summary="The caller's control tower")
def tower(request):
    viewer, sections = selectors.tower(request.auth)
    organization = viewer.user.organization
    return {
        "tower": viewer.kind,
        "organization": organization.code if organization else None,
        "sections": [section.as_json() for section in sections],
    }


@router.get("/{key}", response=SectionOut, summary="One section of the caller's tower")
def section(request, key: str):
    found = selectors.section_get(request.auth, key)
    if found is None:
        raise Http404(_("Your control tower has no such section."))
    return found.as_json()
