"""Threads and posts over the API: a space's threads (searched, filtered, paged), a thread with
its posts, opening a thread, posting and replying, editing with its history, drafts, reactions
and files. Same ways as the pages: a space, thread or post the reader may not see is 404;
a link the reader may not see is left out; a service's ValidationError answers 422 naming
every field (or JSON path) at once; PermissionDenied 403."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from shireito.cocreation import links, permissions
from shireito.cocreation.api.common import router
from shireito.cocreation.api.schemas_threads import (
    CocreationAttachmentOut,
    CocreationDraftOut,
    CocreationPostEditIn,
    CocreationPostHistoryOut,
    CocreationPostIn,
    CocreationPostOut,
    CocreationReactionIn,
    CocreationReactionToggleOut,
    CocreationThreadDetailOut,
    CocreationThreadFilters,
    CocreationThreadIn,
    CocreationThreadOut,
)
from shireito.cocreation.selectors import posts as post_selectors
from shireito.cocreation.selectors.spaces import space_get
from shireito.cocreation.selectors.threads import drafts_of, thread_get, threads_of
from shireito.cocreation.services import attachments, reactions
from shireito.cocreation.services.posts import draft_publish, post_create, post_edit, thread_create
from shireito.core.pages import file_response, get_or_404, id_or_404
from shireito.core.pagination import Pagination, window

THREADS = "/spaces/{space}/threads"
THREAD = THREADS + "/{thread}"
POST = THREAD + "/posts/{post}"
MAX_POSTS = 100


def _space(request, space: str):
    return get_or_404(space_get(request.auth, space))


def _thread(request, space: str, thread: int):
    found = _space(request, space)
    shown = get_or_404(thread_get(request.auth, found, id_or_404(thread)))
    shown.space = found
    return shown


def _post(request, space: str, thread: int, post: int):
    found = _thread(request, space, thread)
    return get_or_404(post_selectors.post_get(request.auth, found, id_or_404(post)))


def thread_out(thread) -> dict:
    return {
        "id": thread.pk,
        "kind": thread.kind,
        "title": thread.title,
        "author": thread.author.username,
        "organization": thread.author_organization.code,
        "is_draft": thread.last_posted_at is None,
        "is_answered": thread.is_answered,
        "accepted_post": thread.accepted_post_id,
        "post_count": thread.post_count,
        "last_posted_at": thread.last_posted_at,
        "created_at": thread.created_at,
    }


def _reactions(shown) -> list[dict]:
    return [
        {"kind": r.kind, "label": r.label, "count": r.count, "mine": r.mine}
        for r in shown.reactions
    ]


def post_out(shown, space, thread) -> dict:
    post = shown.post
    if shown.official:
        standing = (
            "official" if any(a.status == "official" for a in shown.official) else ("superseded")
        )
    else:
        standing = "accepted" if shown.accepted else "personal"
    return {
        "id": post.pk,
        "thread": thread.pk,
        "number": shown.number,
        "reply_to": post.reply_to_id,
        "author": post.author.username,
        "author_name": post.author.full_name or post.author.username,
        "organization": post.author_organization.code,
        "organization_name": post.author_organization.display_name,
        "role": shown.role_label,
        "posted_at": post.posted_at,
        "edited_at": post.edited_at,
        "is_draft": post.is_draft,
        "is_opening": post.is_opening,
        "hidden": shown.hidden,
        "body": "" if shown.hidden else post.body,
        "body_html": "" if shown.hidden else post.body_html,
        "standing": standing,
        "official": [
            {"organization": a.organization.code, "status": a.status, "since": a.approved_at}
            for a in shown.official
        ],
        "reactions": _reactions(shown),
        "attachments": []
        if shown.hidden
        else [
            {
                "id": file.pk,
                "name": file.name,
                "size": file.size,
                "content_type": file.content_type,
                "url": reverse(
                    "api:cocreation_attachments_download",
                    args=[space.slug, thread.pk, post.pk, file.pk],
                ),
            }
            for file in post.attachments.all()
        ],
    }


def _shown_one(request, post):
    thread = post.thread
    posts = post_selectors.page_posts(request.auth, thread)
    order = list(posts.values_list("pk", flat=True))
    number = order.index(post.pk) + 1 if post.pk in order else 1
    return post_selectors.shown_posts(request.auth, thread, list(posts.filter(pk=post.pk)), number)[
        0
    ]


def _resolve_links(actor, wanted) -> list[tuple[str, str]]:
    errors: dict[str, list[str]] = {}
    found = []
    for index, link in enumerate(wanted):
        shown = links.resolve(actor, link.kind, link.key)
        if shown is None:
            errors[f"links[{index}].key"] = [_("Not found (or not yours to see).")]
        else:
            found.append((shown.kind, shown.key))
    if errors:
        raise ValidationError(errors)
    return list(dict.fromkeys(found))


# --- threads -------------------------------------------------------------------------------


@router.get(
    THREADS,
    response=list[CocreationThreadOut],
    operation_id="cocreation_threads_list",
    summary="A space's threads, the most recently posted to first (search and kind filter)",
)
@paginate(Pagination)
def cocreation_threads_list(request, space: str, filters: Query[CocreationThreadFilters]):
    threads = threads_of(request.auth, _space(request, space))
    if filters.kind:
        threads = threads.filter(kind=filters.kind)
    if filters.search.strip():
        threads = threads.filter(title__icontains=filters.search.strip())
    # The page is cut from the query: a space of 100,000 threads reads only its rows.
    return threads


@router.post(
    THREADS,
    response={201: CocreationThreadDetailOut},
    operation_id="cocreation_threads_create",
    summary="Open a thread with its first post and what it is about (members), or a draft",
)
def cocreation_threads_create(request, space: str, payload: CocreationThreadIn):
    found = _space(request, space)
    if not permissions.may_post(request.auth, found):
        raise PermissionDenied
    fields = {
        "actor": request.auth,
        "space": found,
        "kind": payload.kind,
        "title": payload.title,
        "body": payload.body,
        "on_behalf": payload.on_behalf,
        "draft": payload.draft,
    }
    try:
        chosen = _resolve_links(request.auth, payload.links)
    except ValidationError as unseen:
        # Every problem at once: the service's own answer joins the links' (nothing is kept).
        problems = dict(unseen.message_dict)
        with transaction.atomic():
            try:
                thread_create(**fields)
            except ValidationError as exc:
                problems.update(exc.message_dict)
            transaction.set_rollback(True)
        raise ValidationError(problems) from None
    thread = thread_create(**fields, links=chosen)
    return Status(201, _detail(request, found, thread.pk, 100, 0))


def _detail(request, space, pk: int, limit: int, offset: int) -> dict:
    thread = get_or_404(thread_get(request.auth, space, pk))
    thread.space = space
    posts = post_selectors.page_posts(request.auth, thread)
    count = posts.count()
    limit = max(1, min(limit, MAX_POSTS))
    page = window(posts, offset=max(0, offset), limit=limit)
    shown = post_selectors.shown_posts(request.auth, thread, page, max(0, offset) + 1)
    return {
        **thread_out(thread),
        "links": [vars(link) for link in links.visible_links(request.auth, thread.links.all())],
        "posts": [post_out(one, space, thread) for one in shown],
        "posts_count": count,
    }


@router.get(
    THREAD,
    response=CocreationThreadDetailOut,
    operation_id="cocreation_threads_read",
    summary="A thread with the links the reader may see and a page of its posts (limit ≤ 100)",
)
def cocreation_threads_read(request, space: str, thread: int, limit: int = 100, offset: int = 0):
    found = _space(request, space)
    return _detail(request, found, id_or_404(thread), limit, offset)


# --- posts ---------------------------------------------------------------------------------


@router.post(
    THREAD + "/posts",
    response={201: CocreationPostOut},
    operation_id="cocreation_posts_create",
    summary="Post in a thread or reply to one of its posts (members), or save a draft",
)
def cocreation_posts_create(request, space: str, thread: int, payload: CocreationPostIn):
    found = _thread(request, space, thread)
    if not permissions.may_post(request.auth, found.space):
        raise PermissionDenied
    reply_to = None
    if payload.reply_to is not None:
        reply_to = post_selectors.post_get(request.auth, found, payload.reply_to)
        if reply_to is None or reply_to.is_draft:
            raise ValidationError({"reply_to": [_("No such post in this thread.")]})
    post = post_create(
        actor=request.auth,
        thread=found,
        body=payload.body,
        reply_to=reply_to,
        draft=payload.draft,
    )
    post.thread = found
    return Status(201, post_out(_shown_one(request, post), found.space, found))


@router.patch(
    POST,
    response=CocreationPostOut,
    operation_id="cocreation_posts_edit",
    summary="Change one's post; the text before is kept in its history",
)
def cocreation_posts_edit(
    request, space: str, thread: int, post: int, payload: CocreationPostEditIn
):
    found = _post(request, space, thread, post)
    post_edit(actor=request.auth, post=found, body=payload.body)
    return post_out(_shown_one(request, found), found.thread.space, found.thread)


@router.get(
    POST + "/history",
    response=CocreationPostHistoryOut,
    operation_id="cocreation_posts_history",
    summary="A post's edit history: its text now and each earlier version",
)
def cocreation_posts_history(request, space: str, thread: int, post: int):
    found = _post(request, space, thread, post)
    shown = _shown_one(request, found)
    if shown.hidden:
        raise PermissionDenied
    return {
        "post": found.pk,
        "body": found.body,
        "edited_at": found.edited_at,
        "revisions": [
            {
                "body": revision.body,
                "edited_by": revision.edited_by.username if revision.edited_by else None,
                "replaced_at": revision.replaced_at,
            }
            for revision in post_selectors.revisions_of(request.auth, found)
        ],
    }


@router.get(
    "/drafts",
    response=list[CocreationDraftOut],
    operation_id="cocreation_drafts_list",
    summary="My drafts (threads and posts), newest first",
)
@paginate(Pagination)
def cocreation_drafts_list(request):
    return [
        {
            "id": post.pk,
            "space": post.thread.space.slug,
            "thread": post.thread_id,
            "thread_title": post.thread.title,
            "is_opening": post.is_opening,
            "body": post.body,
            "updated_at": post.updated_at,
        }
        for post in drafts_of(request.auth)
    ]


@router.post(
    POST + "/publish",
    response=CocreationPostOut,
    operation_id="cocreation_drafts_publish",
    summary="Publish one's draft (a thread's opening draft publishes the thread)",
)
def cocreation_drafts_publish(request, space: str, thread: int, post: int):
    found = _post(request, space, thread, post)
    if found.author_id != request.auth.pk or not found.is_draft:
        raise ValidationError({"post": [_("This is not a draft of yours.")]})
    draft_publish(actor=request.auth, post=found)
    return post_out(_shown_one(request, found), found.thread.space, found.thread)


# --- reactions and files -------------------------------------------------------------------


@router.post(
    POST + "/reactions",
    response=CocreationReactionToggleOut,
    operation_id="cocreation_reactions_toggle",
    summary="Give a reaction to a post, or take it back (one of each kind per person)",
)
def cocreation_reactions_toggle(
    request, space: str, thread: int, post: int, payload: CocreationReactionIn
):
    found = _post(request, space, thread, post)
    given = reactions.reaction_toggle(actor=request.auth, post=found, kind=payload.kind)
    return {
        "kind": payload.kind,
        "given": given,
        "reactions": _reactions(_shown_one(request, found)),
    }


@router.post(
    POST + "/attachments",
    response={201: CocreationAttachmentOut},
    operation_id="cocreation_attachments_upload",
    summary=(
        "Attach a file to one's post (multipart: file, and personal_data_confirmed=true to "
        "confirm it holds no personal data beyond need)"
    ),
)
def cocreation_attachments_upload(
    request,
    space: str,
    thread: int,
    post: int,
    file: File[UploadedFile],
    personal_data_confirmed: Form[bool] = False,
):
    found = _post(request, space, thread, post)
    stored = attachments.attachment_add(
        actor=request.auth, post=found, upload=file, personal_data_confirmed=personal_data_confirmed
    )
    return Status(
        201,
        {
            "id": stored.pk,
            "name": stored.name,
            "size": stored.size,
            "content_type": stored.content_type,
            "url": reverse(
                "api:cocreation_attachments_download",
                args=[found.thread.space.slug, found.thread_id, found.pk, stored.pk],
            ),
        },
    )


@router.get(
    POST + "/attachments/{attachment}",
    response={200: None},
    operation_id="cocreation_attachments_download",
    summary="Download a post's file (readers of the space)",
)
def cocreation_attachments_download(request, space: str, thread: int, post: int, attachment: int):
    found = _post(request, space, thread, post)
    if _shown_one(request, found).hidden:
        raise PermissionDenied
    stored = get_or_404(post_selectors.attachment_get(request.auth, found, id_or_404(attachment)))
    blob = get_or_404(attachments.open_blob(stored))
    return file_response(blob, filename=stored.name, content_type=stored.content_type)
