"""The co-creation platform (共創プラットフォーム): spaces where the staff of central and local
government work things out together; threads and posts in them; answers that become an
organisation's official answer; proposals with an account of what became of them.

Everything in a space is read only by those the space is open to: the staff of domestic
government bodies and of the organisations the space invites (``ScopeClass.COCREATION``, whose
rule is in ``cocreation.scoping``). Posting takes membership. A post is its author's personal
opinion unless an organisation has made it its official answer.

What a space or thread is about is a link by kind and key (``LinkKind``), resolved through the
owning app's selectors as the reader sees it, so a link never tells anyone of an object they
may not see.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shireito.accounts.choices import Role
from shireito.cocreation.choices import (
    FollowKind,
    LinkKind,
    MemberRole,
    OfficialStatus,
    ProposalStatus,
    Reaction,
    ReportStatus,
    ThreadKind,
)
from shireito.core.concurrency import Versioned
from shireito.core.models import NamedInTwoLanguages, TimeStampedModel
from shireito.organizations.choices import ScopeClass
from shireito.registry.choices import StandardBusiness

slug_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,59}$",
    _("Use 1 to 60 lower-case letters, digits or hyphens; begin with a letter or digit."),
)

SPACE_PATHS = ("host", "invited")
# A link's key read in the history as people name it (a standard business by its name).
LINK_KEY_LABELS = {"key": StandardBusiness.choices}
THREAD_PATHS = ("space__host", "space__invited")
POST_PATHS = ("thread__space__host", "thread__space__invited")


class Space(NamedInTwoLanguages, Versioned, TimeStampedModel):
    """A topic (a standard business, Government Cloud migration, security …) with its members
    and moderators. ``host`` runs it; ``responsible`` are the organisations whose officers may
    give official answers and decide on proposals in it; ``invited`` are bodies outside
    domestic government (an overseas counterpart, an operator) whose staff it is open to."""

    slug = models.CharField(
        _("short name"), max_length=60, unique=True, validators=[slug_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    host = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="hosted_spaces",
        verbose_name=_("host"),
    )
    responsible = models.ManyToManyField(
        "organizations.Organization",
        related_name="answerable_spaces",
        blank=True,
        verbose_name=_("responsible organizations"),
    )
    invited = models.ManyToManyField(
        "organizations.Organization",
        related_name="space_invitations",
        blank=True,
        verbose_name=_("invited organizations"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    scope_class = ScopeClass.COCREATION
    scope_path = SPACE_PATHS

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")

    @property
    def display_description(self) -> str:
        from django.utils.translation import get_language

        return (self.description_en if get_language() == "en" else "") or self.description


class Membership(TimeStampedModel):
    """A user's membership of a space: members post, moderators also moderate."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("space")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="space_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )

    scope_class = ScopeClass.COCREATION
    scope_path = THREAD_PATHS

    class Meta:
        ordering = ["space", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="cocreation_one_membership")
        ]


class SpaceLink(TimeStampedModel):
    """What a space is about: a standard business, systems, catalogs or controls, measures."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="links", verbose_name=_("space")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=LinkKind.choices)
    key = models.CharField(_("key"), max_length=100)

    history_labels = LINK_KEY_LABELS
    scope_class = ScopeClass.COCREATION
    scope_path = THREAD_PATHS

    class Meta:
        ordering = ["space", "kind", "key"]
        verbose_name = _("space link")
        verbose_name_plural = _("space links")
        constraints = [
            models.UniqueConstraint(fields=["space", "kind", "key"], name="cocreation_space_link")
        ]
        indexes = [models.Index(fields=["kind", "key"], name="cocreation_spacelink_target")]


class Thread(Versioned, TimeStampedModel):
    """A question, discussion, proposal or notice in a space; its first post is its opening.

    Counts and the last post's time are kept on the row (``post_count``, ``last_posted_at``)
    so a space's list of 100,000 threads sorts and pages without reading posts."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="threads", verbose_name=_("space")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ThreadKind.choices)
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cocreation_threads",
        verbose_name=_("author"),
    )
    author_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="cocreation_threads",
        verbose_name=_("author's organization"),
    )
    # A proposal made on behalf of the author's organisation rather than personally.
    on_behalf = models.BooleanField(_("on behalf of the organization"), default=False)
    accepted_post = models.ForeignKey(
        "Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted answer"),
    )
    is_answered = models.BooleanField(_("answered"), default=False)
    proposal_status = models.CharField(
        _("proposal status"), max_length=30, choices=ProposalStatus.choices, blank=True
    )
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    last_posted_at = models.DateTimeField(_("last post"), null=True, blank=True)

    # A draft thread's title is its author's until published.
    audit_redacted_fields = frozenset({"title"})
    scope_class = ScopeClass.COCREATION
    scope_path = THREAD_PATHS

    class Meta:
        ordering = ["-last_posted_at", "-id"]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(fields=["space", "-last_posted_at", "-id"], name="cocreation_thread_list"),
            models.Index(fields=["space", "kind", "is_answered"], name="cocreation_thread_open"),
        ]

    def __str__(self) -> str:
        return self.title


class ThreadLink(TimeStampedModel):
    """What a thread is about (see ``LinkKind``); also feeds the related-threads panel."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="links", verbose_name=_("thread")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=LinkKind.choices)
    key = models.CharField(_("key"), max_length=100)

    history_labels = LINK_KEY_LABELS
    scope_class = ScopeClass.COCREATION
    scope_path = POST_PATHS

    class Meta:
        ordering = ["thread", "kind", "key"]
        verbose_name = _("thread link")
        verbose_name_plural = _("thread links")
        constraints = [
            models.UniqueConstraint(fields=["thread", "kind", "key"], name="cocreation_thread_link")
        ]
        indexes = [models.Index(fields=["kind", "key"], name="cocreation_threadlink_target")]


class Post(TimeStampedModel):
    """One post: Markdown as written (``body``) and as rendered and sanitised once on save
    (``body_html``). The author's organisation and role are kept as they were when posting.
    A draft is seen by its author only; a hidden post by its author and the moderators."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("thread")
    )
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cocreation_posts",
        verbose_name=_("author"),
    )
    author_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="cocreation_posts",
        verbose_name=_("author's organization"),
    )
    author_role = models.CharField(_("author's role"), max_length=30, blank=True)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("text as shown"), blank=True)
    is_opening = models.BooleanField(_("opening post"), default=False)
    is_draft = models.BooleanField(_("draft"), default=False)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    history_labels = {"author_role": Role.choices}
    audit_ignored_fields = frozenset({"created_at", "updated_at", "body_html"})
    # The trail records that the text changed, not the text: a draft or a hidden post must not
    # reach the host's admins through the audit log (the post keeps its own history).
    audit_redacted_fields = frozenset({"body", "hidden_reason"})
    scope_class = ScopeClass.COCREATION
    scope_path = POST_PATHS

    class Meta:
        ordering = ["thread", "posted_at", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["thread", "posted_at", "id"], name="cocreation_post_order"),
            models.Index(fields=["author", "-created_at"], name="cocreation_post_author"),
        ]

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"


class PostRevision(models.Model):
    """A post's text before an edit: the edit history, oldest first."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("post")
    )
    body = models.TextField(_("text"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("edited by"),
    )
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)

    scope_class = ScopeClass.COCREATION
    scope_path = ("post__thread__space__host", "post__thread__space__invited")

    class Meta:
        ordering = ["post", "replaced_at", "id"]
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")

    def __str__(self) -> str:
        return f"{self.post} ({self.replaced_at:%Y-%m-%d %H:%M})"


class Mention(models.Model):
    """A person or an organisation a post names (``@name`` / ``@org:code``)."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="mentions", verbose_name=_("post")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cocreation_mentions",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cocreation_mentions",
        verbose_name=_("organization"),
    )

    scope_class = ScopeClass.COCREATION
    scope_path = ("post__thread__space__host", "post__thread__space__invited")

    class Meta:
        ordering = ["post", "id"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) ^ models.Q(organization__isnull=False),
                name="cocreation_mention_names_one",
            )
        ]

    def __str__(self) -> str:
        return f"@{self.user or self.organization}"


class PostReaction(models.Model):
    """One person's reaction of one kind to a post."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("post")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("reaction"), max_length=20, choices=Reaction.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_class = ScopeClass.COCREATION
    scope_path = ("post__thread__space__host", "post__thread__space__invited")

    class Meta:
        ordering = ["post", "kind", "id"]
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="cocreation_one_reaction")
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.get_kind_display()}"


class PostAttachment(TimeStampedModel):
    """A file attached to a post, kept in the shared file store's ``cocreation`` area."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("post")
    )
    name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=150)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    # The uploader confirmed the file holds no personal data beyond what the thread needs.
    personal_data_confirmed = models.BooleanField(_("personal data checked"), default=False)

    scope_class = ScopeClass.COCREATION
    scope_path = ("post__thread__space__host", "post__thread__space__invited")

    class Meta:
        ordering = ["post", "name", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["sha256"], name="cocreation_attachment_hash")]


class OfficialAnswer(Versioned, TimeStampedModel):
    """A post made an organisation's official answer to its thread: proposed by one officer,
    in force once a second officer of the same organisation approves it, dated, and
    superseded (never deleted) by a later one."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="official_answers", verbose_name=_("thread")
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="official_answers", verbose_name=_("post")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="official_answers",
        verbose_name=_("organization"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OfficialStatus.choices, default=OfficialStatus.PENDING
    )
    # The answer as the organisation states it (the post's text when promoted, may be tidied).
    summary = models.TextField(_("official wording"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("official since"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    audit_redacted_fields = frozenset({"summary", "refusal_reason"})
    scope_class = ScopeClass.COCREATION
    scope_path = POST_PATHS

    class Meta:
        ordering = ["-approved_at", "-id"]
        verbose_name = _("official answer")
        verbose_name_plural = _("official answers")
        indexes = [
            models.Index(fields=["organization", "status", "-approved_at"], name="cocreation_faq")
        ]


class ProposalStatusChange(models.Model):
    """A proposal's status set by a responsible organisation, with its written reason."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("proposal")
    )
    status = models.CharField(_("status"), max_length=30, choices=ProposalStatus.choices)
    reason = models.TextField(_("reason"))
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    scope_class = ScopeClass.COCREATION
    scope_path = POST_PATHS

    class Meta:
        ordering = ["thread", "changed_at", "id"]
        verbose_name = _("proposal status change")
        verbose_name_plural = _("proposal status changes")

    def __str__(self) -> str:
        return f"{self.thread}: {self.get_status_display()}"


class ProposalSupport(models.Model):
    """One person's support of a proposal (one per person)."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="supports", verbose_name=_("proposal")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_class = ScopeClass.COCREATION
    scope_path = POST_PATHS

    class Meta:
        ordering = ["thread", "created_at", "id"]
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="cocreation_one_support")
        ]

    def __str__(self) -> str:
        return f"{self.thread}: {self.user}"


class ProposalOutcome(TimeStampedModel):
    """What carries an adopted proposal out: a plan measure or a change to a system; shown on
    the proposal and on the measure's or system's page."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("proposal")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=LinkKind.choices)
    key = models.CharField(_("key"), max_length=100)
    note = models.TextField(_("what changes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history_labels = LINK_KEY_LABELS
    scope_class = ScopeClass.COCREATION
    scope_path = POST_PATHS

    class Meta:
        ordering = ["thread", "id"]
        verbose_name = _("proposal outcome")
        verbose_name_plural = _("proposal outcomes")
        constraints = [
            models.UniqueConstraint(fields=["thread", "kind", "key"], name="cocreation_outcome")
        ]
        indexes = [models.Index(fields=["kind", "key"], name="cocreation_outcome_target")]


class Follow(models.Model):
    """A user following a space, a thread or an object threads are about (``FollowKind``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cocreation_follows",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FollowKind.choices)
    key = models.CharField(_("key"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history_labels = LINK_KEY_LABELS
    scope_class = ScopeClass.OWN
    scope_path = "user__organization"

    class Meta:
        ordering = ["user", "kind", "key"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="cocreation_one_follow")
        ]
        indexes = [models.Index(fields=["kind", "key"], name="cocreation_follow_target")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class PostReport(TimeStampedModel):
    """A member's report of a post to the space's moderators, and what they did about it."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="reports", verbose_name=_("post")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    audit_redacted_fields = frozenset({"reason"})
    scope_class = ScopeClass.COCREATION
    scope_path = ("post__thread__space__host", "post__thread__space__invited")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report of a post")
        verbose_name_plural = _("reports of posts")
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="cocreation_one_report")
        ]
