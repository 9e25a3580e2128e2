"""The portfolio's summary tables equal a direct count after any sequence of writes through the
services, and a rebuild gives the same tables."""

import contextlib
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shireito.registry import oversight, services, tallies
from shireito.registry.models import BudgetLine, InformationSystem, SystemTally

pytestmark = pytest.mark.django_db

# Owners and the categories each may hold (the builder follows from the model).
OWNERS = {
    "mhlw": ["ministry_system", "joint_system"],
    "meti": ["ministry_system"],
    "pmda": ["independent_agency_system"],
    "tokyo": ["local_government_system"],
    "shibuya": ["local_government_system"],
}
DATES = st.sampled_from([None, dt.date(2025, 3, 31), dt.date(2026, 3, 31), dt.date(2027, 9, 1)])

placement = st.sampled_from([(owner, c) for owner, cs in OWNERS.items() for c in cs])
change = st.fixed_dictionaries(
    {
        "placement": placement,
        "phase": st.sampled_from(["planning", "development", "operation"]),
        "hosting": st.sampled_from(["on_premises", "other_cloud"]),
        "important": st.booleans(),
        "business": st.sampled_from(["", "resident_registry", "national_pension"]),
        "migration": st.sampled_from(["not_started", "in_progress", "migrated", "special_support"]),
        "target": DATES,
    }
)
step = st.one_of(
    st.tuples(st.just("create"), change),
    st.tuples(st.just("update"), st.integers(0, 9), change),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("budget"), st.integers(0, 9), st.integers(2024, 2026), st.integers(0, 3)),
)


def _fields(government, values) -> dict:
    owner, category = values["placement"]
    fields = {
        "owner": government[owner],
        "category": category,
        "builder": None,
        "phase": values["phase"],
        "hosting": values["hosting"],
        "important": values["important"],
        "standard_business": "",
        "migration_status": "",
        "migration_target": None,
        "special_support_deadline": None,
    }
    if category == "local_government_system" and values["business"]:
        special = values["migration"] == "special_support"
        fields.update(
            standard_business=values["business"],
            migration_status=values["migration"],
            migration_target=values["target"],
            special_support_deadline=dt.date(2030, 3, 31) if special else None,
        )
    return fields


def _budget_step(system: InformationSystem, year: int, how_far: int) -> None:
    """Request a line, then (as far as ``how_far`` says) review, decide and record spending."""
    line = BudgetLine.objects.filter(system=system, fiscal_year=year).first()
    if line is None or line.status == "requested":
        line = oversight.budget_request(
            actor=None, system=system, fiscal_year=year, development=1000 * year, operation=77
        )
    steps = [
        lambda line: oversight.budget_review(actor=None, line=line),
        lambda line: oversight.budget_decide(actor=None, line=line, development=900, operation=77),
        lambda line: oversight.budget_record_execution(
            actor=None, line=line, development=800, operation=7
        ),
    ]
    for act in steps[:how_far]:
        with contextlib.suppress(ValidationError):  # not possible in this state: nothing written
            line = act(line)


def _apply(government, made: list[InformationSystem], action) -> None:
    kind = action[0]
    if kind == "create":
        code = f"s-{InformationSystem.objects.order_by('-pk').values_list('pk', flat=True).first()}"
        made.append(
            services.system_create(
                actor=None, code=code, name=code, **_drop_builder(_fields(government, action[1]))
            )
        )
        return
    if not made:
        return
    system = made[action[1] % len(made)]
    system.refresh_from_db()
    if kind == "update":
        values = _fields(government, action[2])
        values["builder"] = services.default_builder(
            category=values["category"], owner=values["owner"]
        )
        services.system_update(actor=None, system=system, reason="test", **values)
    elif kind == "delete":
        try:
            services.system_delete(actor=None, system=system)
            made.remove(system)
        except ValidationError:
            pass  # it has a budget: kept
    elif system.category in {"ministry_system", "joint_system"}:
        _budget_step(system, action[2], action[3])


def _drop_builder(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if k != "builder"}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_tallies_equal_a_direct_count_after_any_writes(government, steps):
    with transaction.atomic():
        # Given the tallies as the rows give them
        tallies.rebuild_tallies()
        made: list[InformationSystem] = []
        # When systems and budget lines are written through the services
        for action in steps:
            _apply(government, made, action)
        # Then every tally equals a direct count, with no row left at zero
        assert tallies.tallies_disagree() == []
        assert not SystemTally.objects.filter(systems=0).exists()
        transaction.set_rollback(True)


def test_rebuild_gives_the_tallies_the_services_keep(government):
    # Given systems and a decided budget written through the services
    system = services.system_create(
        actor=None, code="sys-a", name="a", owner=government["mhlw"], category="ministry_system"
    )
    services.system_create(
        actor=None,
        code="sys-b",
        name="b",
        owner=government["shibuya"],
        category="local_government_system",
        standard_business="resident_registry",
        migration_status="special_support",
        special_support_deadline=dt.date(2030, 3, 31),
    )
    _budget_step(system, 2026, 3)
    kept = tallies.stored_counts()
    # When the tallies are rebuilt from the rows
    tallies.rebuild_tallies()
    # Then they are the same, the local system counted with its deadline
    assert tallies.stored_counts() == kept
    assert tallies.tallies_disagree() == []
    (migration,) = kept["migration"]
    assert migration[-2:] == (dt.date(2030, 3, 31), 1)
    (budget,) = kept["budget"]
    assert budget[1:] == (2026, "ministry_system", 1, 2026 * 1000 + 77, 1, 977, 1, 807)


def test_moving_a_system_moves_its_budget(government):
    # Given a ministry's system with a budget line
    system = services.system_create(
        actor=None, code="sys-a", name="a", owner=government["mhlw"], category="ministry_system"
    )
    _budget_step(system, 2026, 0)
    # When it moves to another ministry
    services.system_update(
        actor=None, system=system, owner=government["meti"], builder=government["meti"]
    )
    # Then its budget is counted there
    owners = {row[0] for row in tallies.stored_counts()["budget"]}
    assert owners == {government["meti"].pk}
    assert tallies.tallies_disagree() == []
