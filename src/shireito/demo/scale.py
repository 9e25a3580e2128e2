"""The national-scale data set: each app's generator, in the order their data depend on each
other, in one transaction (an interrupt leaves nothing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from shireito.audits import scale as audits_scale
from shireito.cocreation import scale as cocreation_scale
from shireito.incidents import scale as incidents_scale
from shireito.plans import scale as plans_scale
from shireito.registry import scale as portfolio_scale


@dataclass
class ScaleResult:
    organizations: int
    systems: int
    budget_lines: int
    audits: int = 0
    control_results: int = 0
    incident_reports: int = 0
    plan_measures: int = 0
    plan_measurements: int = 0
    cocreation_members: int = 0
    cocreation_threads: int = 0
    cocreation_posts: int = 0


def generate(
    *,
    systems: int = 40_000,
    seed: int = 1,
    audits: bool = True,
    incidents: bool = True,
    plan: bool = True,
    cocreation: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> ScaleResult:
    """Replace the scale data with a fresh set from ``seed``: organisations, systems,
    budgets, ratings and recommendations, then (unless ``audits=False``) last year's and this
    year's audits of a tenth of the systems against a 1,040-control baseline, and (unless
    ``incidents=False``) 50,000 incident reports with their routes, and (unless ``plan=False``)
    a priority plan edition of 500 measures linked to the systems, and (with
    ``cocreation=True``, which the command asks for unless told not to) the co-creation
    platform's 12,500 members, 100 spaces, 100,000 threads and 1,000,000 posts. One seed
    always gives the same data."""
    with transaction.atomic():
        audits_scale.clear_scale_audits()  # their results and scope hold the systems
        incidents_scale.clear_scale_incidents()  # their reports hold the organisations
        plans_scale.clear_scale_plan()  # its links hold the systems and budget lines
        cocreation_scale.clear_scale_cocreation()  # its members belong to the organisations
        portfolio = portfolio_scale.generate(systems=systems, seed=seed, progress=progress)
        result = ScaleResult(
            organizations=portfolio.organizations,
            systems=portfolio.systems,
            budget_lines=portfolio.budget_lines,
        )
        if audits:
            made = audits_scale.generate_audits(seed=seed, progress=progress)
            result.audits, result.control_results = made.audits, made.control_results
        if incidents:
            reports = incidents_scale.generate_incidents(seed=seed, progress=progress)
            result.incident_reports = reports.reports
        if plan:
            plan_made = plans_scale.generate_plan(seed=seed, progress=progress)
            result.plan_measures = plan_made.measures
            result.plan_measurements = plan_made.measurements
        if cocreation:
            talk = cocreation_scale.generate_cocreation(seed=seed, progress=progress)
            result.cocreation_members = talk.members
            result.cocreation_threads = talk.threads
            result.cocreation_posts = talk.posts
    return result
