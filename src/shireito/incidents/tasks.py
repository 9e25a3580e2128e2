"""Incident reports' background work: the deadline clocks' overdue notices, raised by the
workers every few minutes (``shireito worker``), no longer by cron."""

from __future__ import annotations

from django.tasks import task

from shireito.incidents.services import overdue_notify


@task()
def overdue_notices() -> int:
    """Raise the notices (and e-mail) of every overdue stage, once per stage."""
    return overdue_notify()
