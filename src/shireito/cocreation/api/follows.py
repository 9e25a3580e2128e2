"""Following over the API: what I follow, follow, stop following."""

from django.core.exceptions import PermissionDenied

from shireito.cocreation import permissions
from shireito.cocreation.api.common import router
from shireito.cocreation.api.schemas_follows import (
    CocreationFollowIn,
    CocreationFollowOut,
    CocreationUnfollowOut,
)
from shireito.cocreation.selectors.follows import follow_target, follows_of
from shireito.cocreation.services.follows import follow, unfollow


@router.get(
    "/follows",
    response=list[CocreationFollowOut],
    operation_id="cocreation_follows_list",
    summary="What I follow (spaces, threads, objects), as I may see them now",
)
def cocreation_follows_list(request):
    if not permissions.may_use_cocreation(request.auth):
        raise PermissionDenied
    return follows_of(request.auth)


@router.post(
    "/follows",
    response={201: CocreationFollowOut},
    operation_id="cocreation_follows_create",
    summary="Follow a space, a thread or an object threads are about",
)
def cocreation_follows_create(request, payload: CocreationFollowIn):
    created = follow(actor=request.auth, kind=payload.kind, key=payload.key)
    return 201, follow_target(request.auth, created.kind, created.key)


@router.post(
    "/follows/remove",
    response=CocreationUnfollowOut,
    operation_id="cocreation_follows_remove",
    summary="Stop following something",
)
def cocreation_follows_remove(request, payload: CocreationFollowIn):
    return {"removed": unfollow(actor=request.auth, kind=payload.kind, key=payload.key)}
