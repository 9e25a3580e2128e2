from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from shireito.accounts import selectors, services
from shireito.accounts.schemas import (
    ApiTokenCreatedOut,
    ApiTokenCreateIn,
    ApiTokenOut,
    UserCreateIn,
    UserFilters,
    UserOut,
    UserUpdateIn,
)
from shireito.core.concurrency import expect_from_request, tag_response
from shireito.core.pages import get_or_404, id_or_404
from shireito.core.pagination import Pagination
from shireito.organizations.selectors import organization_get

router = Router(tags=["accounts"])


@router.get("/me", response=UserOut, operation_id="me_get", summary="The signed-in user")
def me_get(request):
    return request.auth


@router.get("/users", response=list[UserOut], operation_id="users_list", summary="List users")
@paginate(Pagination)
def users_list(request, filters: Query[UserFilters]):
    return selectors.user_list(
        user=request.auth,
        search=filters.search,
        organization_code=filters.organization,
        role=filters.role or "",
    ).prefetch_related("role_grants")


@router.get("/users/{username}", response=UserOut, operation_id="users_get", summary="Get one user")
def users_get(request, username: str, response: HttpResponse):
    user = get_or_404(selectors.user_get(user=request.auth, username=username))
    tag_response(response, user)
    return user


@router.post(
    "/users",
    response={201: UserOut},
    operation_id="users_create",
    summary="Add a user to an organization (organization and platform admins)",
)
def users_create(request, payload: UserCreateIn):
    organization = organization_get(user=request.auth, code=payload.organization)
    if organization is None:
        raise ValidationError(
            {
                "organization": _("No organization has the code %(code)s.")
                % {"code": payload.organization}
            }
        )
    user = services.user_create(
        actor=request.auth,
        username=payload.username,
        organization=organization,
        password=payload.password,
        full_name=payload.full_name,
        email=payload.email,
        roles=[str(role) for role in payload.roles],
    )
    return Status(201, user)


@router.patch(
    "/users/{username}",
    response=UserOut,
    operation_id="users_update",
    summary="Change a user's details, roles or active state (organization and platform admins)",
)
def users_update(request, username: str, payload: UserUpdateIn, response: HttpResponse):
    user = get_or_404(selectors.user_get(user=request.auth, username=username))
    changes = payload.dict(exclude_unset=True)
    expect_from_request(request, user, changes.pop("version", None))
    roles = changes.pop("roles", None)
    with transaction.atomic():
        services.user_update(actor=request.auth, user=user, **changes)
        if roles is not None:
            services.user_set_roles(actor=request.auth, user=user, roles=[str(r) for r in roles])
    tag_response(response, user)
    return user


@router.get(
    "/tokens", response=list[ApiTokenOut], operation_id="tokens_list", summary="List my API tokens"
)
@paginate(Pagination)
def tokens_list(request):
    return selectors.api_tokens_of(user=request.auth)


@router.post(
    "/tokens",
    response={201: ApiTokenCreatedOut},
    operation_id="tokens_create",
    summary="Create an API token for myself",
)
def tokens_create(request, payload: ApiTokenCreateIn):
    if getattr(request, "api_token", None) is not None:
        # A stolen token must not mint a longer-lived or wider one.
        raise PermissionDenied(_("Create API tokens from a signed-in session, not with a token."))
    token, secret = services.api_token_create(
        actor=request.auth,
        user=request.auth,
        name=payload.name,
        expires_in_days=payload.expires_in_days,
        scope=payload.scope,
    )
    return Status(201, ApiTokenCreatedOut(**ApiTokenOut.from_orm(token).dict(), token=secret))


@router.delete(
    "/tokens/{token_id}",
    response={204: None},
    operation_id="tokens_revoke",
    summary="Revoke one of my API tokens",
)
def tokens_revoke(request, token_id: int):
    token = get_or_404(selectors.api_token_get(user=request.auth, token_id=id_or_404(token_id)))
    services.api_token_revoke(actor=request.auth, token=token)
    return Status(204, None)
