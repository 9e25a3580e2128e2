"""The notifications' background work: the daily digest, raised by the workers."""

from __future__ import annotations

from django.tasks import task

from shireito.notifications import services


@task()
def digests_send() -> dict:
    """E-mail each person who chose the daily digest their notifications not sent yet."""
    return {"digests": services.digests_send()}
