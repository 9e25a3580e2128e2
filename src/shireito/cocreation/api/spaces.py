"""Spaces over the API: the directory, one space with its links as the reader may see them,
opening and changing a space, joining and leaving, and its members (whose role those who
manage the space change)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Status

from shireito.cocreation import permissions
from shireito.cocreation.api.common import router
from shireito.cocreation.api.schemas_spaces import (
    SpaceDetailOut,
    SpaceIn,
    SpaceMemberOut,
    SpaceMemberRoleIn,
    SpaceOut,
    SpacePatch,
)
from shireito.cocreation.selectors.space_links import links_of
from shireito.cocreation.selectors.spaces import members_of, space_get, spaces_for
from shireito.cocreation.services.space_links import space_links_set
from shireito.cocreation.services.spaces import (
    membership_join,
    membership_leave,
    membership_set_role,
    space_create,
    space_update,
)
from shireito.core.concurrency import expect_from_request, tag_response
from shireito.core.pages import get_or_404
from shireito.organizations.selectors import organization_directory


def _using(request) -> None:
    if not permissions.may_use_cocreation(request.auth):
        raise PermissionDenied


def _space(request, slug: str):
    _using(request)
    found = get_or_404(space_get(request.auth, slug))
    return get_or_404(spaces_for(request.auth).filter(pk=found.pk).first())


def _detail(request, space):
    space.links_shown = links_of(request.auth, space)
    return space


def _organizations(codes: list[str], field: str) -> list:
    found = {o.code: o for o in organization_directory().filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError({field: _("Unknown organization codes: %s") % ", ".join(missing)})
    return [found[code] for code in codes]


@router.get(
    "/spaces",
    response=list[SpaceOut],
    operation_id="cocreation_spaces_list",
    summary="The spaces open to me, with their member counts and whether I am a member",
)
def cocreation_spaces_list(request):
    _using(request)
    return list(
        spaces_for(request.auth)
        .prefetch_related("responsible", "invited")
        .order_by("archived_at", "name", "id")
    )


@router.post(
    "/spaces",
    response={201: SpaceDetailOut},
    operation_id="cocreation_spaces_create",
    summary="Open a space hosted by my organization (officers of domestic government bodies)",
)
def cocreation_spaces_create(request, payload: SpaceIn):
    _using(request)
    if not permissions.may_create_space(request.auth):
        raise PermissionDenied
    data = payload.dict()
    links = [(link["kind"], link["key"]) for link in data.pop("links")]
    responsible = _organizations(data.pop("responsible"), "responsible")
    invited = _organizations(data.pop("invited"), "invited")
    with transaction.atomic():
        space = space_create(
            actor=request.auth,
            host=request.auth.organization,
            responsible=responsible or None,
            invited=invited,
            **data,
        )
        space_links_set(actor=request.auth, space=space, links=links)
    return Status(201, _detail(request, _space(request, space.slug)))


@router.get(
    "/spaces/{space}",
    response=SpaceDetailOut,
    operation_id="cocreation_spaces_get",
    summary="One space, with what it is about as I may see it",
)
def cocreation_spaces_get(request, space: str, response: HttpResponse):
    found = _space(request, space)
    tag_response(response, found)
    return _detail(request, found)


@router.patch(
    "/spaces/{space}",
    response=SpaceDetailOut,
    operation_id="cocreation_spaces_update",
    summary="Change a space's names, description, organizations or links (its moderators and "
    "the host's organization admins)",
)
def cocreation_spaces_update(request, space: str, payload: SpacePatch, response: HttpResponse):
    found = _space(request, space)
    if not permissions.may_manage_space(request.auth, found):
        raise PermissionDenied
    fields = payload.dict(exclude_unset=True)
    expect_from_request(request, found, fields.pop("version", None))
    links = fields.pop("links", None)
    for name in ("responsible", "invited"):
        if name in fields:
            fields[name] = _organizations(fields[name] or [], name)
    if fields.get("name", "") is None:
        raise ValidationError({"name": _("This field cannot be empty.")})
    for name in ("name_en", "description", "description_en"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    if "responsible" in fields and not fields["responsible"]:
        fields["responsible"] = [found.host]
    with transaction.atomic():
        space_update(actor=request.auth, space=found, **fields)
        if links is not None:
            pairs = [(link["kind"], link["key"]) for link in links]
            space_links_set(actor=request.auth, space=found, links=pairs)
    found = _space(request, space)
    tag_response(response, found)
    return _detail(request, found)


@router.post(
    "/spaces/{space}/join",
    response=SpaceOut,
    operation_id="cocreation_spaces_join",
    summary="Join a space open to me",
)
def cocreation_spaces_join(request, space: str):
    found = _space(request, space)
    membership_join(actor=request.auth, space=found)
    return _space(request, space)


@router.post(
    "/spaces/{space}/leave",
    response=SpaceOut,
    operation_id="cocreation_spaces_leave",
    summary="Leave a space (its last moderator stays until another is named)",
)
def cocreation_spaces_leave(request, space: str):
    found = _space(request, space)
    membership_leave(actor=request.auth, space=found)
    return _space(request, space)


@router.get(
    "/spaces/{space}/members",
    response=list[SpaceMemberOut],
    operation_id="cocreation_spaces_members",
    summary="A space's members, moderators first",
)
def cocreation_spaces_members(request, space: str):
    return list(members_of(request.auth, _space(request, space)))


@router.put(
    "/spaces/{space}/members/{username}",
    response=SpaceMemberOut,
    operation_id="cocreation_spaces_member_role",
    summary="Make a member a moderator or a moderator a member (those who manage the space)",
)
def cocreation_spaces_member_role(request, space: str, username: str, payload: SpaceMemberRoleIn):
    found = _space(request, space)
    if not permissions.may_manage_space(request.auth, found):
        raise PermissionDenied
    membership = get_or_404(members_of(request.auth, found).filter(user__username=username).first())
    membership_set_role(actor=request.auth, space=found, user=membership.user, role=payload.role)
    return members_of(request.auth, found).get(pk=membership.pk)
