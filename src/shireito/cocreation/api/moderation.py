"""Moderation over the API: report a post; the space's moderators read the queue, hide a post
with a reason, show it again, or dismiss its reports; anyone about to post checks their text
for personal data (a warning, never a refusal). A space the reader may not see, or a post not
in it, is 404; a rule the reader does not meet is 403; a problem with the values, 422."""

from django.core.exceptions import PermissionDenied
from ninja import Status

from shireito.cocreation import permissions, personal_data
from shireito.cocreation.api.common import router
from shireito.cocreation.api.schemas_moderation import (
    ModerationDismissOut,
    ModerationPersonalDataIn,
    ModerationPersonalDataOut,
    ModerationPostOut,
    ModerationQueueItemOut,
    ModerationReasonIn,
    ModerationReportOut,
)
from shireito.cocreation.selectors import moderation as selectors
from shireito.cocreation.selectors.spaces import space_get
from shireito.cocreation.services import moderation as services
from shireito.core.pages import get_or_404, id_or_404

POST = "/spaces/{space}/posts/{post}"


def _post(request, space: str, post: int):
    found = get_or_404(space_get(request.auth, space))
    return get_or_404(selectors.post_in_space(request.auth, found, id_or_404(post)))


def _shown(request, post):
    return selectors.shown(request.auth, [post])[0]


@router.get(
    "/spaces/{space}/moderation",
    response=list[ModerationQueueItemOut],
    operation_id="cocreation_moderation_queue",
    summary="A space's reported posts with their open reports (the space's moderators)",
)
def cocreation_moderation_queue(request, space: str):
    found = get_or_404(space_get(request.auth, space))
    if not permissions.may_moderate(request.auth, found):
        raise PermissionDenied
    items = selectors.queue(request.auth, found)
    selectors.shown(request.auth, [item.post for item in items])
    return [{"post": item.post, "reports": item.reports} for item in items]


@router.get(
    POST + "/moderation",
    response=ModerationPostOut,
    operation_id="cocreation_moderation_post",
    summary="A post's moderation state: the text and reason of a hidden post only to its "
    "author and the moderators",
)
def cocreation_moderation_post(request, space: str, post: int):
    return _shown(request, _post(request, space, post))


@router.post(
    POST + "/report",
    response={201: ModerationReportOut},
    operation_id="cocreation_post_report",
    summary="Report another member's post to the space's moderators (once per post)",
)
def cocreation_post_report(request, space: str, post: int, payload: ModerationReasonIn):
    report = services.report_create(
        actor=request.auth, post=_post(request, space, post), reason=payload.reason
    )
    return Status(201, report)


@router.post(
    POST + "/hide",
    response=ModerationPostOut,
    operation_id="cocreation_post_hide",
    summary="Hide a post with a reason its author reads; its open reports are resolved "
    "(the space's moderators)",
)
def cocreation_post_hide(request, space: str, post: int, payload: ModerationReasonIn):
    found = _post(request, space, post)
    services.post_hide(actor=request.auth, post=found, reason=payload.reason)
    return _shown(request, found)


@router.post(
    POST + "/unhide",
    response=ModerationPostOut,
    operation_id="cocreation_post_unhide",
    summary="Show a hidden post again (the space's moderators)",
)
def cocreation_post_unhide(request, space: str, post: int):
    found = _post(request, space, post)
    services.post_unhide(actor=request.auth, post=found)
    return _shown(request, found)


@router.post(
    POST + "/dismiss",
    response=ModerationDismissOut,
    operation_id="cocreation_post_reports_dismiss",
    summary="Dismiss a post's open reports, leaving the post as it is (the space's moderators)",
)
def cocreation_post_reports_dismiss(request, space: str, post: int):
    dismissed = services.reports_dismiss(actor=request.auth, post=_post(request, space, post))
    return {"dismissed": dismissed}


@router.post(
    "/personal-data-check",
    response=list[ModerationPersonalDataOut],
    operation_id="cocreation_personal_data_check",
    summary="What looks like personal data in a post's text and its files' names, to warn "
    "of before publishing (never a refusal)",
)
def cocreation_personal_data_check(request, payload: ModerationPersonalDataIn):
    return [
        {
            "kind": finding.kind,
            "label": finding.label,
            "where": finding.where,
            "excerpt": finding.excerpt,
            "message": finding.message,
        }
        for finding in personal_data.warnings_for(payload.text, payload.names)
    ]
