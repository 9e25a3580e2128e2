"""The tower's incident section: scoped to the reports the viewer's organisation is party to,
and every number equal to the count of the list its link opens."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from shireito.dashboard.sections import incidents as section
from shireito.dashboard.tower import viewer_for
from shireito.incidents import selectors, services
from shireito.incidents.forms import ReportFilter
from tests.factories import make_user
from tests.incidents.conftest import handlers  # noqa: F401 - one handler per organisation
from tests.organizations.conftest import government  # noqa: F401 - the small government

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def _report(actor, *, category, aware, reporter=None, **fields):
    return services.report_create(
        actor=actor,
        reporter=reporter,
        title="試験の報告",
        category=category,
        aware_at=aware,
        narrative="試験。",
        now=aware,
        **fields,
    )


@pytest.fixture
def route(government, handlers):  # noqa: F811
    """PMDA's malware report waiting at MHLW; MHLW's own misdelivery closed by the centre; a
    power company's intrusion forwarded by METI to the centre, its electricity report
    overdue (the affected system was never named); MHLW's draft."""
    h = handlers
    start = timezone.now() - dt.timedelta(days=40)
    pmda = _report(h["pmda-editor"], category="malware", aware=start)
    services.report_submit(actor=h["pmda-editor"], report=pmda, now=start + H)
    mhlw = _report(
        h["mhlw-editor"],
        category="misdelivery",
        aware=start,
        personal_data=True,
        personal_data_count=3,
    )
    services.report_submit(actor=h["mhlw-editor"], report=mhlw, now=start + H)
    services.hop_acknowledge(actor=h["nisc-handler"], report=mhlw, now=start + 2 * H)
    services.report_close(actor=h["nisc-handler"], report=mhlw, summary="済", now=start + 9 * H)
    power = _report(h["power-editor"], category="unauthorized_access", aware=start + 3 * H)
    services.report_submit(actor=h["power-editor"], report=power, now=start + 4 * H)
    services.hop_acknowledge(actor=h["meti-handler"], report=power, now=start + 6 * H)
    services.hop_forward(actor=h["meti-handler"], report=power, now=start + 8 * H)
    _report(h["mhlw-editor"], category="other", aware=start + 10 * H)
    return {"pmda": pmda, "mhlw": mhlw, "power": power}


def _cells(built):
    """Every number of the section with its link: headline figures and count cells."""
    for figure in built.figures:
        if figure.href and figure.kind == "count":
            yield figure.key, figure.value, figure.href
    for table in built.tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row, strict=True):
                if cell.href and column.kind == "count":
                    yield f"{table.key}.{column.key}", cell.value, cell.href


def _listed(user, href: str) -> int:
    client = Client()
    client.force_login(user)
    parts = urlsplit(href)
    response = client.get(parts.path + "?" + parts.query)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def _selected(user, href: str) -> int:
    """The list's count as its view reads it (platform admins' pages need a second factor)."""
    query = QueryDict(urlsplit(href).query)
    values = ReportFilter(query, user=user).values()
    waiting = bool(values.pop("waiting"))
    kept = {k: v for k, v in values.items() if v != ""}
    return selectors.report_list(user, waiting_for_me=waiting, **kept).count()


def _figure(built, key):
    return next(f.value for f in built.figures if f.key == key)


def _category_totals(built) -> dict:
    table = built.table("categories")
    return {row[0].value: row[3].value for row in table.rows}


def test_a_ministry_sees_only_the_reports_it_is_party_to(route, handlers):  # noqa: F811
    # when
    meti = section.build(viewer_for(handlers["meti-handler"]))
    mhlw = section.build(viewer_for(handlers["mhlw-handler"]))
    # then: METI has only the power company's report (it reached METI on its route)
    assert meti is not None and mhlw is not None
    assert _category_totals(meti) == {"unauthorized_access": 1}
    assert _figure(meti, "open") == 1
    assert _figure(meti, "overdue") == 1
    assert "drafts" not in {f.key for f in meti.figures}
    # MHLW: its own reports (the draft too) and PMDA's, which waits for it; not the power
    # company's, which never passed through it
    assert _category_totals(mhlw) == {"malware": 1, "misdelivery": 1}
    assert _figure(mhlw, "waiting") == 1
    assert _figure(mhlw, "drafts") == 1
    assert [row[0].value for row in mhlw.table("waiting").rows] == [route["pmda"].number]
    # its misdelivery's breach report to the PPC was never filed
    assert {row[0].value for row in mhlw.table("overdue").rows} == {route["mhlw"].number}


def test_the_centre_and_admins_count_each_report_once(route, handlers, platform_admin):  # noqa: F811
    # when
    centre = section.build(viewer_for(handlers["nisc-handler"]))
    admin = section.build(viewer_for(platform_admin))
    # then: the centre has what reached it; the admin every submitted report, once each
    assert centre is not None and admin is not None
    assert _category_totals(centre) == {"misdelivery": 1, "unauthorized_access": 1}
    assert _category_totals(admin) == {
        "malware": 1,
        "misdelivery": 1,
        "unauthorized_access": 1,
    }
    assert _figure(admin, "drafts") == 1
    timings = {(row[2].value, row[0].value): row[3].value for row in admin.table("timings").rows}
    assert timings[("close", "direct")] == 1
    overdue = {row[0].value for row in admin.table("overdue").rows}
    assert overdue == {route["power"].number, route["mhlw"].number}


@pytest.mark.parametrize(
    "username", ["mhlw-handler", "meti-handler", "nisc-handler", "pmda-editor", "power-editor"]
)
def test_every_number_equals_the_count_of_its_drill_down_list(route, handlers, username):  # noqa: F811
    # given
    user = handlers[username]
    built = section.build(viewer_for(user))
    assert built is not None
    # then
    checked = 0
    for key, value, href in _cells(built):
        assert _listed(user, href) == value, (key, href)
        checked += 1
    assert checked >= 8


def test_every_number_of_a_platform_admin_equals_its_list(route, platform_admin):
    built = section.build(viewer_for(platform_admin))
    assert built is not None
    for key, value, href in _cells(built):
        assert _selected(platform_admin, href) == value, (key, href)


def test_nothing_for_an_organization_without_reports(government, route):  # noqa: F811
    # given
    jetro = make_user(organization=government["jetro"], roles=["viewer"])
    # then
    assert section.build(viewer_for(jetro)) is None
