from django.http import Http404
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from shireito.organizations import selectors
from shireito.organizations.schemas import OrganizationFilters, OrganizationOut

router = Router(tags=["organizations"])


@router.get(
    "",
    response=list[OrganizationOut],
    operation_id="organizations_list",
    summary="List organizations",
)
@paginate(LimitOffsetPagination)
def organizations_list(request, filters: Query[OrganizationFilters]):
    return selectors.organization_list(
        user=request.auth, search=filters.search, kind=filters.kind or ""
    )


@router.get(
    "/{code}",
    response=OrganizationOut,
    operation_id="organizations_get",
    summary="Get one organization by its code",
)
def organizations_get(request, code: str):
    organization = selectors.organization_get(user=request.auth, code=code)
    if organization is None:
        raise Http404
    return organization
