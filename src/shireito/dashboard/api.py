"""The tower for programs: the same sections, figures and tables as the page, with the link
behind each figure (``<column>_href``), in the caller's language (``Accept-Language``)."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router

from shireito.dashboard import selectors
from shireito.dashboard.schemas import SectionOut, TowerOut

router = Router(tags=["dashboard"])


def _focus(request, organization: str):
    if not organization:
        return None
    try:
        return selectors.focus_get(request.auth, organization)
    except selectors.FocusRefused as refused:
        raise Http404(_("Your control tower does not reach this organization.")) from refused


@router.get("", response=TowerOut, summary="The caller's control tower")
def tower(request, organization: str = ""):
    """The caller's tower, or (``organization``) one body's, drilled down to."""
    viewer, sections = selectors.tower(request.auth, _focus(request, organization))
    return {
        "tower": viewer.kind,
        "organization": viewer.organization.code,
        "sections": [section.as_json() for section in sections],
    }


@router.get("/{key}", response=SectionOut, summary="One section of the caller's tower")
def section(request, key: str, organization: str = ""):
    found = selectors.section_get(request.auth, key, _focus(request, organization))
    if found is None:
        raise Http404(_("Your control tower has no such section."))
    return found.as_json()
