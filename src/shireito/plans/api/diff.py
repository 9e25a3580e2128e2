"""What changed in an edition against another over the API: the comparison page's result
(``selectors.diff``) as data, measures matched by code and their KPIs within them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query

from shireito.core.pages import get_or_404
from shireito.plans import selectors
from shireito.plans.api.common import router
from shireito.plans.api.lookups import edition_or_404
from shireito.plans.models import PlanEdition
from shireito.plans.schemas import EditionDiffOut
from shireito.plans.selectors.diff import edition_diff


@router.get(
    "/editions/{edition}/diff",
    response=EditionDiffOut,
    operation_id="plan_editions_diff",
    summary="What changed in an edition against another (by default the one it was copied from)",
)
def plan_editions_diff(
    request,
    edition: int,
    against: int | None = Query(
        None, description="The year of the edition to compare against; by default its source"
    ),
):
    found = edition_or_404(request, edition)
    other: PlanEdition | None = None
    if against is not None:
        other = get_or_404(selectors.edition_get(request.auth, against))
    elif found.based_on is not None:
        other = selectors.edition_get(request.auth, found.based_on.year)
    if other is None or other.pk == found.pk:
        raise ValidationError(
            {"against": _("There is no other edition to compare this edition against.")}
        )
    return edition_diff(other, found, request.auth)
