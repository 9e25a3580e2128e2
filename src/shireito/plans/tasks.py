"""The plan's background work: the daily refresh of the measures' flags, raised by the
workers (``shireito worker``)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from shireito.plans import flags


@task()
def flags_refresh() -> dict:
    """Raise, clear and notify the current plan's flags as of today."""
    result = flags.refresh(timezone.localdate())
    return {"raised": result.raised, "cleared": result.cleared, "notified": result.notified}
