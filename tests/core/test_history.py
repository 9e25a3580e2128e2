"""The change history as an official reads it: names, labels, local times and text, in the
reader's language; never a database id, a choice key, a Python value or a secret."""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst

from shireito.core.history import describe
from shireito.core.models import AuditEvent
from shireito.core.services import record_audit_event
from shireito.incidents.choices import IncidentCategory
from shireito.organizations.choices import OrganizationKind
from tests.factories import make_organization, make_user


def _history(html: str) -> str:
    return html.split('id="history-title"')[1].split("</section>")[0]


def _event(object_type: str, changes: dict) -> AuditEvent:
    """An event as the trail stores it (not saved: describing reads only its values)."""
    return AuditEvent(object_type=object_type, object_id="1", actor_label="system", changes=changes)


@pytest.mark.parametrize(("language", "parent_name"), [("ja", "別省"), ("en", "Other Ministry")])
def test_an_organizations_history_names_the_related_body_and_labels_the_choice(
    signed_in, org_admin, organization, other_organization, client, language, parent_name
):
    # given a recorded change of a foreign key and of a choice
    with transaction.atomic():
        record_audit_event(
            actor=None,
            action="update",
            instance=organization,
            changes={
                "parent": [None, other_organization.pk],
                "kind": ["ministry", "independent_agency"],
            },
        )
    signed_in(org_admin)
    client.cookies["django_language"] = language
    # when the organisation's page is read in that language
    history = _history(client.get("/organizations/test-ministry/").content.decode())
    # then the body's name, the field's and the choice's labels appear; no id or key does
    with translation.override(language):
        kind = str(OrganizationKind.INDEPENDENT_AGENCY.label)
        parent_label = capfirst(str(organization._meta.get_field("parent").verbose_name))
    assert f"<dt>{parent_label}</dt>" in history
    assert f'<span class="changes__new">{parent_name}</span>' in history
    assert f'<span class="changes__new">{kind}</span>' in history
    assert f'<span class="changes__new">{other_organization.pk}</span>' not in history
    assert "independent_agency" not in history
    assert "システム（自動処理）" in history if language == "ja" else "the system" in history


@pytest.mark.parametrize(
    ("language", "route", "deleted", "yes"),
    [
        ("ja", "テスト省 → 別省", "削除済み", "はい"),
        ("en", "Test Ministry → Other Ministry", "deleted", "yes"),
    ],
)
def test_routes_times_choices_and_deleted_rows_are_text_in_the_readers_language(
    organization, other_organization, settings, language, route, deleted, yes
):
    # given a report's recorded route, a time in UTC, a choice, a yes/no and a deleted row
    settings.TIME_ZONE = "Asia/Tokyo"
    gone = make_organization(code="gone-ministry", name="廃止省")
    gone_pk = gone.pk
    gone.delete()
    event = _event(
        "incidents.incidentreport",
        {
            "route": [None, ["role:x=test-ministry", "role:y=other-ministry"]],
            "detected_at": [None, "2026-01-05T03:00:00+00:00"],
            "category": ["other", "denial_of_service"],
            "personal_data": [None, True],
            "reporter": [gone_pk, organization.pk],
        },
    )
    # when it is described in that language
    with translation.override(language), timezone.override("Asia/Tokyo"):
        rows = {row.label: row for row in describe([event])[0].shown_changes}
        category = str(IncidentCategory.DENIAL_OF_SERVICE.label)
    shown = " ".join(f"{label} {row.old} {row.new}" for label, row in rows.items())
    # then the route reads A → B, the time is local, the choice and yes/no are words
    assert route in shown
    assert "2026-01-05 12:00" in shown
    assert category in shown and "denial_of_service" not in shown
    assert yes in shown
    assert deleted in shown and str(gone_pk) not in re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "", shown)
    assert not re.search(r"[\[\]{}']|\+00:00|None|True", shown)


@pytest.mark.parametrize(
    ("language", "label", "hidden"),
    [
        ("ja", "トークンのハッシュ", "（記録済み・非表示）"),
        ("en", "Token hash", "(recorded, not shown)"),
    ],
)
def test_a_secret_is_never_shown_in_the_audit_log(
    signed_in, org_admin, client, language, label, hidden
):
    # given an API token made through its service (its hash is redacted in the trail)
    from shireito.accounts.services import api_token_create

    org_admin.full_name = "管理 一郎"
    org_admin.save(update_fields=["full_name"])
    token, secret = api_token_create(actor=org_admin, user=org_admin, name="nightly")
    signed_in(org_admin)
    # when the audit log is read in that language
    client.cookies["django_language"] = language
    html = client.get("/history/?search=nightly").content.decode()
    results = html.split('id="results"')[1]
    # then the field is labelled, the secret and its hash never appear, the user is named
    assert f"<dt>{label}</dt>" in results
    assert hidden in results
    assert token.token_hash not in results and secret not in results
    assert "[redacted]" not in results
    assert "管理 一郎" in results
    local = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
    assert local in results
    assert f"accounts.apitoken {token.pk}" not in results


def test_lists_and_mappings_are_joined_text_not_python_values(organization, other_organization):
    # given a regime's recorded organisations (codes) and kinds (choice keys), and a mapping
    event = _event(
        "incidents.reportingregime",
        {
            "organizations": [["test-ministry"], ["test-ministry", "other-ministry"]],
            "reporter_kinds": [[], ["ministry", "independent_agency"]],
        },
    )
    catalog = _event(
        "standards.catalog", {"metadata": [None, {"title": "統一基準", "version": "1"}]}
    )
    # when described in Japanese
    with translation.override("ja"):
        rows = describe([event, catalog])
        kinds = "、".join(
            str(OrganizationKind(key).label) for key in ("ministry", "independent_agency")
        )
    shown = {row.label: row.new for event in rows for row in event.shown_changes}
    # then lists are joined with 、 and a mapping reads key: value
    assert "テスト省、別省" in shown.values()
    assert kinds in shown.values()
    assert "title: 統一基準、version: 1" in shown.values()
    assert not any(re.search(r"[\[\]{}']", value) for value in shown.values())


def test_names_are_looked_up_once_per_kind_of_row_not_once_per_event(organization):
    # given a page of events naming organisations and users
    people = [make_user(organization=organization, roles=["viewer"]) for _ in range(3)]

    def page(size):
        return [
            _event(
                "accounts.user",
                {"organization": [None, organization.pk], "roles": [[], ["viewer"]]},
            )
            for _ in range(size)
        ] + [_event("accounts.apitoken", {"user": [None, person.pk]}) for person in people]

    # when one event and fifty are described
    with CaptureQueriesContext(connection) as one:
        describe(page(1))
    with CaptureQueriesContext(connection) as fifty:
        describe(page(50))
    # then the number of queries does not grow with the page
    assert len(fifty) == len(one) <= 2


def test_every_field_that_can_reach_the_trail_has_a_translatable_label():
    # given every model of the product's apps (the trail's own tables aside)
    models = [
        model
        for model in apps.get_models()
        if model.__module__.startswith("shireito.") and model._meta.app_label != "core"
    ]
    # when their audited fields are read (as core.services.snapshot picks them)
    default_ignored = frozenset({"created_at", "updated_at"})
    unlabelled = [
        f"{model._meta.label}.{field.name}"
        for model in models
        for field in model._meta.concrete_fields
        if not field.primary_key
        and field.name not in getattr(model, "audit_ignored_fields", default_ignored)
        and not isinstance(field.verbose_name, Promise)
    ]
    # then each has a translatable verbose name
    assert models
    assert unlabelled == []


def test_the_history_table_keeps_every_column_readable(signed_in, org_admin, client):
    # given a change on the organisation
    from shireito.organizations.services import organization_update

    organization_update(actor=org_admin, organization=org_admin.organization, name_en="New")
    signed_in(org_admin)
    # when its page is read
    history = _history(client.get("/organizations/test-ministry/").content.decode())
    # then the table sits in a scroll box, its headers are column headers with widths
    assert 'class="table-scroll"' in history
    assert 'class="table history-table"' in history
    assert history.count('<th scope="col" class="history-table__') == 4
    css = apps.get_app_config("core").path + "/../static/shireito/css/app.css"
    with open(css, encoding="utf-8") as sheet:
        rules = sheet.read()
    assert re.search(r"\.history-table__changes \{ min-width: \d+em; \}", rules)
    assert "\n.changes dd { margin: 0; overflow-wrap: break-word;" in rules


def test_recorded_events_stay_as_written(organization, other_organization):
    # given an event written to the chain
    with transaction.atomic():
        written = record_audit_event(
            actor=None,
            action="update",
            instance=organization,
            changes={"parent": [None, other_organization.pk]},
        )
    # when it is described for reading
    describe([written])
    # then what is stored has not changed
    stored = AuditEvent.objects.get(pk=written.pk)
    assert stored.changes == {"parent": [None, other_organization.pk]}
    assert stored.hash == written.hash
    assert dt.datetime.fromisoformat(stored.occurred_at.isoformat()) == written.occurred_at
