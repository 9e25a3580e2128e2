from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionStatus(models.TextChoices):
    """A draft is written by the Digital Agency; once published an edition's content is fixed
    (progress on it is still reported: measurements, milestones' actual dates, reports)."""

    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DISCONTINUED = "discontinued", _("discontinued")


class Direction(models.TextChoices):
    """Which way a KPI should move for the measure to succeed."""

    UP = "up", _("higher is better")
    DOWN = "down", _("lower is better")


class Confidence(models.TextChoices):
    """Delivery confidence in five levels, after the UK's Infrastructure and Projects
    Authority: each level has a written meaning, never only a colour."""

    HIGHLY_LIKELY = "highly_likely", _("highly likely: on time and as planned")
    PROBABLE = "probable", _("probable: issues that are being managed")
    FEASIBLE = "feasible", _("feasible: significant issues, resolvable")
    IN_DOUBT = "in_doubt", _("in doubt: major risks, may not be resolvable")
    UNACHIEVABLE = "unachievable", _("unachievable as planned")


# Best first: the order of the scale, for charts and tallies.
CONFIDENCE_ORDER = [choice.value for choice in Confidence]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted, awaiting review")
    REVIEWED = "reviewed", _("reviewed")


class MeasurementStatus(models.TextChoices):
    """A value entered by the responsible organisation waits for the Digital Agency."""

    ENTERED = "entered", _("entered, awaiting review")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned for correction")


class RatingKind(models.TextChoices):
    PROPOSED = "proposed", _("proposed by the lead organization")
    REVIEWED = "reviewed", _("set by the Digital Agency")


class FlagKind(models.TextChoices):
    """Why a measure needs attention."""

    OFF_TRACK = "off_track", _("KPI off track")
    MILESTONE_OVERDUE = "milestone_overdue", _("milestone past due")
    REPORT_OVERDUE = "report_overdue", _("progress report not filed")
