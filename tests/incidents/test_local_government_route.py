"""Local governments report along the route practice uses (beyond the seed): a municipality to
its prefecture, the prefecture to MIC, MIC to the national centre; a prefecture to MIC. And a
report may only be started where such a route exists: the link, the form, the STIX import, the
API and the service ask one rule."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from shireito.accounts.models import User
from shireito.demo.dataset import load_demo_data
from shireito.incidents import permissions, services
from shireito.incidents.choices import HopStatus, ReportStatus
from shireito.incidents.models import IncidentReport
from shireito.organizations.mandates import engine_for
from shireito.organizations.services import governance_configure
from tests.factories import make_organization, make_user
from tests.incidents.conftest import T0
from tests.incidents.test_views import _form

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
MODELS = ["current", "digital-agency"]


@pytest.fixture
def local(government):
    """Editors of Shibuya (a municipality) and Tokyo (its prefecture), and the incident
    handlers of Tokyo, MIC and the national centre."""
    g = government
    return {
        "city-editor": make_user(organization=g["shibuya"], roles=["editor"]),
        "tokyo-editor": make_user(organization=g["tokyo"], roles=["editor"]),
        "tokyo-handler": make_user(organization=g["tokyo"], roles=["incident_handler"]),
        "mic-handler": make_user(organization=g["mic"], roles=["incident_handler"]),
        "nisc-handler": make_user(organization=g["nisc"], roles=["incident_handler"]),
    }


def _use(model: str, government) -> None:
    admin = make_user(organization=government["da"], roles=["platform_admin"])
    governance_configure(actor=admin, active_model=model, open_question="none")


def _draft(user, title="庁内端末のマルウェア感染"):
    return services.report_create(
        actor=user,
        title=title,
        category="malware",
        impact="medium",
        detected_at=T0,
        aware_at=T0 + H,
        narrative="職員端末1台でマルウェアを検知した。",
        tlp="amber",
        now=T0 + H,
    )


@pytest.mark.parametrize("model", MODELS)
def test_both_models_route_a_municipality_through_its_prefecture_and_mic(government, model):
    # given
    engine = engine_for(model)
    g = government
    # when
    municipality = engine.report_routes(g["shibuya"])
    prefecture = engine.report_routes(g["tokyo"])
    # then
    [city_route] = municipality.routes
    assert city_route.key == "via-prefecture"
    assert [org.code for _place, org in city_route.hops] == ["tokyo", "mic", "nisc"]
    assert municipality.rule.endswith("report_routes › level:municipality")
    [prefecture_route] = prefecture.routes
    assert prefecture_route.key == "via-mic"
    assert [org.code for _place, org in prefecture_route.hops] == ["mic", "nisc"]


@pytest.mark.parametrize("model", MODELS)
def test_a_municipalitys_report_travels_to_the_national_centre(government, local, model):
    # given
    _use(model, government)
    draft = _draft(local["city-editor"])
    # when
    report = services.report_submit(actor=local["city-editor"], report=draft, now=T0 + 2 * H)
    for step, handler in enumerate(["tokyo-handler", "mic-handler"], start=3):
        services.hop_acknowledge(actor=local[handler], report=report, now=T0 + step * H)
        services.hop_forward(actor=local[handler], report=report, now=T0 + step * H)
    services.hop_acknowledge(actor=local["nisc-handler"], report=report, now=T0 + 6 * H)
    closed = services.report_close(
        actor=local["nisc-handler"], report=report, summary="駆除完了", now=T0 + 7 * H
    )
    # then
    assert closed.status == ReportStatus.CLOSED
    assert closed.route_key == "via-prefecture"
    hops = list(closed.hops.order_by("position"))
    assert [hop.organization.code for hop in hops] == ["tokyo", "mic", "nisc"]
    assert [hop.place for hop in hops] == [
        "prefecture",
        "role:local_government_ministry",
        "role:national_cyber_centre",
    ]
    assert [hop.status for hop in hops] == [
        HopStatus.FORWARDED,
        HopStatus.FORWARDED,
        HopStatus.CLOSED,
    ]


def test_a_prefectures_report_goes_to_mic_then_the_national_centre(government, local):
    # given
    draft = _draft(local["tokyo-editor"])
    # when
    report = services.report_submit(actor=local["tokyo-editor"], report=draft, now=T0 + 2 * H)
    # then
    assert report.route_key == "via-mic"
    assert [hop.organization.code for hop in report.hops.order_by("position")] == ["mic", "nisc"]
    with pytest.raises(PermissionDenied):  # the prefecture is no hop of its own report
        services.hop_acknowledge(actor=local["tokyo-handler"], report=report)
    services.hop_acknowledge(actor=local["mic-handler"], report=report, now=T0 + 3 * H)


def test_the_report_page_shows_the_route_with_its_bodies(client, government, local):
    # given
    draft = _draft(local["city-editor"])
    client.force_login(local["city-editor"])
    # when
    before = client.get(f"/incidents/{draft.number}/submit/").content.decode()
    client.post(f"/incidents/{draft.number}/submit/", {"route_key": "via-prefecture"})
    after = client.get(f"/incidents/{draft.number}/").content.decode()
    # then
    for html in (before, after):
        positions = [html.index(government[code].name) for code in ("tokyo", "mic", "nisc")]
        assert positions == sorted(positions)
    assert IncidentReport.objects.get(pk=draft.pk).status == ReportStatus.OPEN


def test_a_report_is_started_only_where_a_route_exists(client, api, government):
    # given: neither model gives a quasi-public body a report route
    orphan = make_organization(code="health-data", kind="quasi_public")
    editor = make_user(organization=orphan, roles=["editor"])
    client.force_login(editor)
    # when
    page = client.get("/incidents/").content.decode()
    form = client.get("/incidents/new/")
    posted = client.post("/incidents/new/", _form())
    bundle = client.get("/incidents/stix/import/")
    through_api = api(editor, "post", "/api/v1/incidents", {"title": "x", "category": "malware"})
    # then
    assert not permissions.may_start_report(editor, orphan)
    assert 'href="/incidents/new/"' not in page
    assert 'href="/incidents/stix/import/"' not in page
    assert (form.status_code, posted.status_code, bundle.status_code) == (403, 403, 403)
    assert through_api.status_code == 403
    with pytest.raises(PermissionDenied):
        _draft(editor)
    assert not IncidentReport.objects.filter(reporter=orphan).exists()


def test_tokyo_and_shibuya_are_offered_a_new_report(client, government, local):
    for user in (local["city-editor"], local["tokyo-editor"]):
        # given
        client.force_login(user)
        # when
        page = client.get("/incidents/").content.decode()
        # then
        assert permissions.may_start_report(user, user.organization)
        assert 'href="/incidents/new/"' in page
        assert client.get("/incidents/new/").status_code == 200


@pytest.fixture
def demo(demo_mode, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_data(plan=False, cocreation=False)
    return {user.username: user for user in User.objects.select_related("organization")}


def test_the_demos_shibuya_and_tokyo_submit_along_their_routes(client, demo):
    for username, route_key, bodies in [
        ("city-officer", "via-prefecture", ["tokyo", "mic", "nisc"]),
        ("tokyo-officer", "via-mic", ["mic", "nisc"]),
    ]:
        # given the demo's officer of Shibuya or Tokyo
        user = demo[username]
        client.force_login(user)
        # when they start a report on the page and submit it
        assert 'href="/incidents/new/"' in client.get("/incidents/").content.decode()
        draft = _draft(user, title=f"{username}の報告")
        submitted = client.post(f"/incidents/{draft.number}/submit/", {"route_key": route_key})
        page = client.get(f"/incidents/{draft.number}/").content.decode()
        # then it travels the model's route, which the report page shows in order
        report = IncidentReport.objects.get(pk=draft.pk)
        assert submitted.status_code == 302, username
        assert report.status == ReportStatus.OPEN
        hops = [hop.organization for hop in report.hops.order_by("position")]
        assert [org.code for org in hops] == bodies
        positions = [page.index(org.name) for org in hops]
        assert positions == sorted(positions)
