"""The co-creation platform's fixed vocabularies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    MEMBER = "member", _("member")
    MODERATOR = "moderator", _("moderator")


class ThreadKind(models.TextChoices):
    QUESTION = "question", _("question")
    DISCUSSION = "discussion", _("discussion")
    PROPOSAL = "proposal", _("proposal")
    NOTICE = "notice", _("notice")


class LinkKind(models.TextChoices):
    """What a space or a thread may be about: each resolved through its own app's selectors as
    the reader sees it, so a link the reader may not see is never shown."""

    SYSTEM = "system", _("information system")
    STANDARD_BUSINESS = "standard_business", _("standardised business")
    CATALOG = "catalog", _("control catalog")
    CONTROL = "control", _("control")
    FINDING = "finding", _("audit finding")
    MEASURE = "measure", _("priority plan measure")


class ProposalStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    UNDER_CONSIDERATION = "under_consideration", _("under consideration")
    ADOPTED = "adopted", _("adopted")
    IMPLEMENTED = "implemented", _("implemented")
    DECLINED = "declined", _("declined")


class OfficialStatus(models.TextChoices):
    """An official answer is proposed by one officer and in force once a second approves it;
    a later one supersedes it (kept, marked), and a proposal refused is kept as refused."""

    PENDING = "pending", _("awaiting approval")
    OFFICIAL = "official", _("official")
    SUPERSEDED = "superseded", _("superseded")
    REFUSED = "refused", _("refused")


class Reaction(models.TextChoices):
    THANKS = "thanks", _("thanks")
    AGREE = "agree", _("agree")
    HELPFUL = "helpful", _("helpful")
    SAME_HERE = "same_here", _("same here")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("open")
    HIDDEN = "hidden", _("post hidden")
    DISMISSED = "dismissed", _("dismissed")


class FollowKind(models.TextChoices):
    """What a user may follow: a space, a thread, or an object threads are about."""

    SPACE = "space", _("space")
    THREAD = "thread", _("thread")
    SYSTEM = "system", _("information system")
    STANDARD_BUSINESS = "standard_business", _("standardised business")
    CONTROL = "control", _("control")
    MEASURE = "measure", _("priority plan measure")
