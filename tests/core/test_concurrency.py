"""Optimistic locking in core: the version check and the write are one step, so two editors
never overwrite each other unknowingly, on SQLite and PostgreSQL."""

import threading
import time

import pytest
from django.db import OperationalError, connection
from hypothesis import given
from hypothesis import strategies as st

from shireito.core.concurrency import (
    FROM_BODY,
    FROM_FORM,
    Conflict,
    claim,
    expect_version,
    if_match_versions,
)
from shireito.core.models import AuditEvent
from shireito.core.services import audited_update
from shireito.organizations.models import Organization
from tests.factories import make_organization, make_user


def _fresh(organization: Organization) -> Organization:
    """The organisation as another editor loads it now."""
    return Organization.objects.get(pk=organization.pk)


@pytest.mark.django_db
def test_a_stale_version_is_refused_and_nothing_is_written():
    # given two editors who loaded the same organisation, and the first one's save
    organization = make_organization(code="org-a")
    first, second = _fresh(organization), _fresh(organization)
    expect_version(first, first.version, FROM_FORM)
    expect_version(second, second.version, FROM_FORM)
    audited_update(actor=None, instance=first, name_en="First")
    events = AuditEvent.objects.count()

    # when the second saves what they changed from the version they loaded
    with pytest.raises(Conflict) as refused:
        audited_update(actor=None, instance=second, name_en="Second")

    # then the conflict says which versions, and neither the row nor the trail changed
    assert (refused.value.expected, refused.value.current) == (1, 2)
    assert refused.value.source == FROM_FORM
    assert _fresh(organization).name_en == "First"
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_the_conflict_names_who_saved_last_from_the_audit_trail():
    # given an organisation changed by a named user
    organization = make_organization(code="org-b")
    editor = make_user(organization=organization, username="hanako")
    stale = expect_version(_fresh(organization), 1, FROM_BODY)
    audited_update(actor=editor, instance=_fresh(organization), name_en="Hanako's")

    # when a change against the version before is made
    with pytest.raises(Conflict) as refused:
        audited_update(actor=None, instance=stale, name_en="Old")

    # then the conflict says who saved the version now stored, and when
    assert refused.value.changed_by == "hanako"
    assert refused.value.changed_at is not None


@pytest.mark.django_db
def test_without_an_expectation_the_last_writer_wins_and_the_version_still_moves():
    # given an organisation at version 1
    organization = make_organization(code="org-c")

    # when two changes name no version, and a third changes nothing
    audited_update(actor=None, instance=_fresh(organization), name_en="One")
    audited_update(actor=None, instance=_fresh(organization), name_en="Two")
    unchanged = expect_version(_fresh(organization), 3, FROM_FORM)
    audited_update(actor=None, instance=unchanged, name_en="Two")

    # then both changes are applied, each moving the version; no change, no new version
    stored = _fresh(organization)
    assert (stored.name_en, stored.version) == ("Two", 3)


@pytest.mark.django_db
def test_two_changes_in_one_request_follow_the_version_they_made():
    # given an editor who loaded version 1
    organization = expect_version(make_organization(code="org-d"), 1, FROM_BODY)

    # when one request changes a field and then a link (claim) of the same record
    audited_update(actor=None, instance=organization, name_en="Field")
    claim(organization)

    # then the second step does not conflict with the first, and the version is 3
    assert _fresh(organization).version == 3 == organization.version


@pytest.mark.parametrize(
    ("header", "versions"),
    [
        ("", None),
        ("*", None),
        ('"4"', [4]),
        ('W/"4"', [4]),
        ('"3", "5"', [3, 5]),
        ('"abc"', [None]),
        ("4", [None]),
        ('"99999999999999999999"', [None]),
    ],
)
def test_if_match_headers_are_read_as_the_versions_they_accept(header, versions):
    assert if_match_versions(header) == versions


@given(st.text(max_size=60))
def test_any_if_match_header_is_read_without_error(header):
    versions = if_match_versions(header)
    assert versions is None or all(v is None or v >= 0 for v in versions)


@given(st.integers(min_value=1, max_value=10**10))
def test_an_etag_of_ours_is_read_back_as_its_version(version):
    assert if_match_versions(f'"{version}"') == [version]


EDITORS = 4


@pytest.mark.django_db(transaction=True)
def test_simultaneous_editors_of_one_version_leave_one_winner_and_no_lost_update():
    # given an organisation at version 1 and editors who all loaded it
    organization = make_organization(code="org-race")
    barrier = threading.Barrier(EDITORS)
    outcomes: dict[int, str] = {}

    def edit(number: int) -> None:
        try:
            mine = expect_version(_fresh(organization), 1, FROM_BODY)
            barrier.wait()
            # A writer that finds the database busy tries again, as a client would; what is
            # checked is the outcome, never the timing.
            for _attempt in range(200):
                try:
                    audited_update(actor=None, instance=mine, name_en=f"editor {number}")
                    outcomes[number] = "saved"
                    return
                except Conflict:
                    outcomes[number] = "conflict"
                    return
                except OperationalError:
                    # SQLite's shared in-memory test database answers "locked" at once
                    # rather than waiting; a fresh connection starts clean.
                    connection.close()
                    time.sleep(0.01)
            outcomes[number] = "gave up"
        finally:
            connection.close()

    # when they all save at once
    threads = [threading.Thread(target=edit, args=(n,)) for n in range(EDITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then exactly one saved, every other got a conflict, and the stored name is the winner's
    saved = [n for n, outcome in outcomes.items() if outcome == "saved"]
    assert len(saved) == 1
    assert sorted(outcomes.values()) == ["conflict"] * (EDITORS - 1) + ["saved"]
    stored = _fresh(organization)
    assert (stored.name_en, stored.version) == (f"editor {saved[0]}", 2)
    assert AuditEvent.objects.filter(object_id=str(organization.pk), action="update").count() == 1
