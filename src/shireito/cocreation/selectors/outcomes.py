"""What carries a proposal out (a plan measure or a system), resolved through the owning app's
selectors as the reader sees it: an outcome the reader may not see is neither shown nor
counted, and an unknown key answers as an unseen one."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from shireito.cocreation.choices import LinkKind
from shireito.cocreation.models import ProposalOutcome, Thread
from shireito.cocreation.selectors.threads import threads_for
from shireito.core.scoping import visible_to

OUTCOME_KINDS = (LinkKind.MEASURE, LinkKind.SYSTEM)


@dataclass(frozen=True)
class Target:
    kind: str
    key: str
    label: str
    url: str


def measure_key(measure) -> str:
    """A measure's key in an outcome: ``<edition year>/<measure code>``."""
    return f"{measure.edition.year}/{measure.code}"


def resolve_outcome(user, kind: str, key: str) -> Target | None:
    """The measure or system ``key`` names, as ``user`` sees it, or ``None``."""
    if kind == LinkKind.SYSTEM:
        from shireito.registry.selectors import system_get

        system = system_get(user=user, code=key)
        if system is None:
            return None
        return Target(
            kind,
            key,
            f"{system.code} {system.display_name}",
            reverse("registry:detail", args=[system.code]),
        )
    if kind == LinkKind.MEASURE:
        from shireito.plans.selectors import edition_get, measure_get

        year, _slash, code = key.partition("/")
        if not (len(year) == 4 and year.isascii() and year.isdigit() and code):
            return None
        edition = edition_get(user, int(year))
        if edition is None:
            return None
        measure = measure_get(user, edition, code)
        if measure is None:
            return None
        return Target(
            kind,
            key,
            f"{measure.code} {measure.display_name}",
            reverse("plans:measure", args=[edition.year, measure.code]),
        )
    return None


@dataclass(frozen=True)
class ShownOutcome:
    outcome: ProposalOutcome
    target: Target


def outcomes_of(user, thread: Thread) -> list[ShownOutcome]:
    """A proposal's outcomes the reader may see, each with its label and page."""
    shown = []
    for outcome in visible_to(user, ProposalOutcome.objects.filter(thread=thread)):
        target = resolve_outcome(user, outcome.kind, outcome.key)
        if target is not None:
            shown.append(ShownOutcome(outcome, target))
    return shown


def proposals_carried_by(user, kind: str, key: str) -> list[ProposalOutcome]:
    """The outcomes naming a measure or system, of proposals in spaces the reader may read
    (never a draft), each with its thread and space; newest first."""
    threads = threads_for(user).filter(last_posted_at__isnull=False)
    return list(
        visible_to(user, ProposalOutcome.objects.filter(kind=kind, key=key))
        .filter(thread__in=threads)
        .select_related("thread", "thread__space")
        .order_by("-created_at", "-id")
    )


def outcome_get(user, thread: Thread, pk: int) -> ProposalOutcome | None:
    return visible_to(user, ProposalOutcome.objects.filter(thread=thread, pk=pk)).first()
