from django.http import Http404
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from shireito.accounts import selectors, services
from shireito.accounts.schemas import (
    ApiTokenCreatedOut,
    ApiTokenCreateIn,
    ApiTokenOut,
    UserFilters,
    UserOut,
)

router = Router(tags=["accounts"])


@router.get("/me", response=UserOut, operation_id="me_get", summary="The signed-in user")
def me_get(request):
    return request.auth


@router.get("/users", response=list[UserOut], operation_id="users_list", summary="List users")
@paginate(LimitOffsetPagination)
def users_list(request, filters: Query[UserFilters]):
    return selectors.user_list(
        user=request.auth,
        search=filters.search,
        organization_code=filters.organization,
        role=filters.role or "",
    ).prefetch_related("role_grants")


@router.get(
    "/tokens", response=list[ApiTokenOut], operation_id="tokens_list", summary="List my API tokens"
)
@paginate(LimitOffsetPagination)
def tokens_list(request):
    return selectors.api_tokens_of(user=request.auth)


@router.post(
    "/tokens",
    response={201: ApiTokenCreatedOut},
    operation_id="tokens_create",
    summary="Create an API token for myself",
)
def tokens_create(request, payload: ApiTokenCreateIn):
    token, secret = services.api_token_create(
        actor=request.auth,
        user=request.auth,
        name=payload.name,
        expires_in_days=payload.expires_in_days,
    )
    token.token = secret
    return Status(201, token)


@router.delete(
    "/tokens/{token_id}",
    response={204: None},
    operation_id="tokens_revoke",
    summary="Revoke one of my API tokens",
)
def tokens_revoke(request, token_id: int):
    token = selectors.api_tokens_of(user=request.auth).filter(pk=token_id).first()
    if token is None:
        raise Http404
    services.api_token_revoke(actor=request.auth, token=token)
    return Status(204, None)
