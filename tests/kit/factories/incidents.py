"""Incident reports, made through ``incidents.services.report_create`` (a draft), and
submitted when asked, which routes them as the mandates say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from shireito.accounts.models import User
from shireito.incidents import services
from shireito.incidents.models import IncidentReport
from shireito.registry.models import InformationSystem

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def make_report(
    *,
    actor: User,
    systems: Sequence[InformationSystem] = (),
    submitted: bool = False,
    now: dt.datetime = T0 + dt.timedelta(hours=1),
    **fields,
) -> IncidentReport:
    """A draft of ``actor``'s organisation: malware found at ``T0``, known an hour later."""
    report = services.report_create(
        actor=actor,
        title=fields.pop("title", "マルウェア感染"),
        category=fields.pop("category", "malware"),
        impact=fields.pop("impact", "medium"),
        detected_at=fields.pop("detected_at", T0),
        aware_at=fields.pop("aware_at", T0 + dt.timedelta(hours=1)),
        narrative=fields.pop("narrative", "端末1台でマルウェアを検知した。"),
        tlp=fields.pop("tlp", "amber"),
        systems=list(systems),
        now=now,
        **fields,
    )
    if submitted:
        report = services.report_submit(actor=actor, report=report, now=now)
    return report
