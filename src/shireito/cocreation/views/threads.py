"""The thread pages: a new thread, a thread with its posts (paged, refreshed by htmx where
there is JavaScript), replying, editing one's post and its history, one's drafts, reactions
and files. Views stay thin: the selectors read, the services write, ``permissions`` decide
what is offered."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.cocreation import links, markdown, permissions
from shireito.cocreation.forms_threads import (
    AttachmentForm,
    EditForm,
    PostForm,
    ReactionForm,
    ThreadForm,
)
from shireito.cocreation.selectors import posts as post_selectors
from shireito.cocreation.selectors.spaces import space_get
from shireito.cocreation.selectors.threads import drafts_of, posts_of, thread_get
from shireito.cocreation.services import attachments, reactions
from shireito.cocreation.services.posts import draft_publish, post_create, post_edit, thread_create
from shireito.core.htmx import render_page
from shireito.core.pages import bound_form, file_response, form_page, get_or_404, id_or_404, submit

PER_PAGE = post_selectors.POSTS_PER_PAGE


def space_or_404(request, space: str):
    return get_or_404(space_get(request.user, space))


def thread_or_404(request, space: str, thread: int):
    found = space_or_404(request, space)
    shown = get_or_404(thread_get(request.user, found, id_or_404(thread)))
    shown.space = found
    return shown


def post_or_404(request, space: str, thread: int, post: int):
    found = thread_or_404(request, space, thread)
    return get_or_404(post_selectors.post_get(request.user, found, id_or_404(post)))


def thread_url(thread, post=None, page: int | None = None) -> str:
    """The thread's page; with ``post``, the address that finds the page the post is on and
    goes to its anchor (``?post=``), so a link to a post works however the thread is paged."""
    url = reverse("cocreation:thread", args=[thread.space.slug, thread.pk])
    if post is not None:
        return f"{url}?post={post.pk}#post-{post.pk}"
    return url + (f"?page={page}" if page and page > 1 else "")


def _hidden_from(user, post) -> bool:
    """A hidden post is read by its author and the moderators only."""
    if post.hidden_at is None or post.author_id == user.pk:
        return False
    return not permissions.may_moderate(user, post.thread.space)


# --- a new thread --------------------------------------------------------------------------


@login_required
def thread_new(request, space: str):
    found = space_or_404(request, space)
    if not permissions.may_post(request.user, found):
        raise PermissionDenied
    form = bound_form(
        ThreadForm,
        request,
        actor=request.user,
        may_post_notice=permissions.may_moderate(request.user, found),
    )
    preview = ""
    if request.method == "POST" and "preview" in request.POST:
        if form.is_valid():
            preview = markdown.render(form.cleaned_data["body"])
    else:
        draft = "draft" in request.POST

        def action(data):
            return thread_create(
                actor=request.user,
                space=found,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                links=data["links"],
                on_behalf=bool(data.get("on_behalf")),
                draft=draft,
            )

        done, result = submit(form, action, aliases={"links": "systems"})
        if done:
            result.space = found
            messages.success(
                request, _("Your draft is saved.") if draft else _("The thread is published.")
            )
            return redirect(thread_url(result))
    return render(
        request,
        "cocreation/thread_new.html",
        {"space": found, "form": form, "preview": preview},
    )


# --- a thread ------------------------------------------------------------------------------


def _thread_context(request, thread) -> dict:
    paginator_page = post_selectors_page(request, thread)
    space = thread.space
    member = permissions.may_post(request.user, space)
    opening_draft = thread.last_posted_at is None
    return {
        "space": space,
        "thread": thread,
        "links": links.visible_links(request.user, thread.links.all()),
        "page": paginator_page["page"],
        "posts": paginator_page["posts"],
        "is_member": member,
        "may_reply": member and not opening_draft,
        "reaction_form": ReactionForm(),
        "reply_form": PostForm(),
        "opening_draft": opening_draft,
    }


def post_selectors_page(request, thread) -> dict:
    from shireito.core.htmx import paginate

    page = paginate(request, post_selectors.page_posts(request.user, thread), per_page=PER_PAGE)
    first = (page.number - 1) * PER_PAGE + 1
    return {
        "page": page,
        "posts": post_selectors.shown_posts(request.user, thread, list(page.object_list), first),
    }


@login_required
def thread_detail(request, space: str, thread: int):
    found = thread_or_404(request, space, thread)
    wanted = request.GET.get("post")
    if wanted is not None:
        # A link to one post: to the page it is on, at its anchor (or the first page).
        order = list(posts_of(request.user, found).values_list("pk", flat=True))
        number = id_or_404(wanted) if wanted.isdigit() else 0
        page = order.index(number) // PER_PAGE + 1 if number in order else 1
        anchor = f"#post-{number}" if number in order else ""
        return redirect(thread_url(found, page=page) + anchor)
    return render_page(
        request, "cocreation/thread_detail.html", _thread_context(request, found), partial="posts"
    )


@login_required
def thread_posts(request, space: str, thread: int):
    """The posts alone: what htmx loads to refresh them."""
    found = thread_or_404(request, space, thread)
    return render(request, "cocreation/thread_detail.html#posts", _thread_context(request, found))


# --- posting -------------------------------------------------------------------------------


@login_required
def post_new(request, space: str, thread: int):
    """Reply to the thread (or to one of its posts): the form on the thread page posts here;
    this page shows it again with its errors, or alone to reply to one post."""
    found = thread_or_404(request, space, thread)
    if not permissions.may_post(request.user, found.space):
        raise PermissionDenied
    initial = {}
    reply_to = None
    wanted = request.POST.get("reply_to") or request.GET.get("reply_to")
    if wanted:
        reply_to = post_selectors.post_get(request.user, found, id_or_404(wanted))
        if reply_to is None or reply_to.is_draft or _hidden_from(request.user, reply_to):
            raise Http404
        initial["reply_to"] = reply_to.pk
    form = bound_form(PostForm, request, initial=initial)
    draft = "draft" in request.POST

    def action(data):
        return post_create(
            actor=request.user, thread=found, body=data["body"], reply_to=reply_to, draft=draft
        )

    done, result = submit(form, action)
    if done:
        messages.success(
            request, _("Your draft is saved.") if draft else _("Your post is published.")
        )
        return redirect(thread_url(found, result))
    return render(
        request,
        "cocreation/post_form.html",
        {"space": found.space, "thread": found, "form": form, "reply_to": reply_to},
    )


@login_required
def post_edit_page(request, space: str, thread: int, post: int):
    found = post_or_404(request, space, thread, post)
    if not permissions.may_edit_post(request.user, found):
        raise PermissionDenied
    form = bound_form(EditForm, request, initial={"body": found.body})
    return form_page(
        request,
        form,
        action=lambda data: post_edit(actor=request.user, post=found, body=data["body"]),
        success=_("Your post is changed; its earlier text is kept in its history."),
        redirect_to=thread_url(found.thread, found),
        title=_("Change your post"),
        intro=_("Everyone who reads the thread can see that the post was edited, and how."),
        submit_label=_("Save the change"),
    )


@login_required
def post_history(request, space: str, thread: int, post: int):
    found = post_or_404(request, space, thread, post)
    if _hidden_from(request.user, found):
        raise Http404
    return render(
        request,
        "cocreation/post_history.html",
        {
            "space": found.thread.space,
            "thread": found.thread,
            "post": found,
            "revisions": list(post_selectors.revisions_of(request.user, found)),
        },
    )


@login_required
def drafts(request):
    return render(request, "cocreation/drafts.html", {"drafts": list(drafts_of(request.user))})


@login_required
@require_POST
def draft_publish_page(request, space: str, thread: int, post: int):
    found = post_or_404(request, space, thread, post)
    if found.author_id != request.user.pk or not found.is_draft:
        raise Http404
    draft_publish(actor=request.user, post=found)
    messages.success(request, _("Your draft is published."))
    return redirect(thread_url(found.thread, found))


@login_required
@require_POST
def post_react(request, space: str, thread: int, post: int):
    found = post_or_404(request, space, thread, post)
    if not reactions.may_react(request.user, found):
        raise PermissionDenied
    form = ReactionForm(request.POST)
    if form.is_valid():
        reactions.reaction_toggle(actor=request.user, post=found, kind=form.cleaned_data["kind"])
    return redirect(thread_url(found.thread, found))


@login_required
def attachment_new(request, space: str, thread: int, post: int):
    found = post_or_404(request, space, thread, post)
    if not attachments.may_attach(request.user, found):
        raise PermissionDenied
    form = bound_form(AttachmentForm, request, files=True)
    done, _result = submit(
        form,
        lambda data: attachments.attachment_add(
            actor=request.user,
            post=found,
            upload=data["file"],
            personal_data_confirmed=data["personal_data_confirmed"],
        ),
    )
    if done:
        messages.success(request, _("The file is attached."))
        return redirect(thread_url(found.thread, found))
    return render(
        request,
        "cocreation/attachment_form.html",
        {"space": found.thread.space, "thread": found.thread, "post": found, "form": form},
    )


@login_required
def attachment_download(request, space: str, thread: int, post: int, attachment: int):
    found = post_or_404(request, space, thread, post)
    if _hidden_from(request.user, found):
        raise Http404
    stored = get_or_404(post_selectors.attachment_get(request.user, found, id_or_404(attachment)))
    blob = get_or_404(attachments.open_blob(stored))
    return file_response(blob, filename=stored.name, content_type=stored.content_type)
