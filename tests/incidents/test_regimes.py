"""Each shipped regime computes its deadlines (fixed clocks), and which regimes apply follows
from the reporter's kind, sector, explicit naming and personal data."""

import datetime as dt

import pytest

from shireito.incidents import services
from shireito.incidents.choices import ClockState
from shireito.incidents.models import IncidentReport, RegimeStage, ReportingRegime
from shireito.incidents.regimes import applicable_regimes, stage_clocks
from tests.incidents.conftest import T0

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
AWARE = T0 + 2 * H


def stages(key):
    return list(RegimeStage.objects.filter(regime__key=key).order_by("position"))


def report(**fields):
    values = {"detected_at": T0, "aware_at": AWARE, "submitted_at": AWARE + H}
    values.update(fields)
    return IncidentReport(**values)


def clocks(key, filings=None, now=AWARE, **fields):
    regime_stages = stages(key)
    by_key = {s.key: s for s in regime_stages}
    filed = {by_key[k].pk: at for k, at in (filings or {}).items()}
    return {c.stage.key: c for c in stage_clocks(report(**fields), regime_stages, filed, now)}


@pytest.mark.django_db
def test_presets_are_installed():
    assert set(ReportingRegime.objects.filter(preset=True).values_list("key", flat=True)) == {
        "jp-government",
        "jp-electricity",
        "jp-ppc-breach",
        "eu-nis2",
        "us-circia",
    }


@pytest.mark.django_db
def test_japanese_government_first_report_without_delay():
    c = clocks("jp-government", now=AWARE + 30 * dt.timedelta(minutes=1))
    assert c["first-report"].due_at == AWARE + H
    assert c["first-report"].state == ClockState.RUNNING
    assert clocks("jp-government", now=AWARE + 2 * H)["first-report"].state == ClockState.OVERDUE


@pytest.mark.django_db
def test_the_government_deadline_is_configurable():
    stage = RegimeStage.objects.get(regime__key="jp-government", key="first-report")
    stage.offset = 4 * H
    stage.save()
    assert clocks("jp-government")["first-report"].due_at == AWARE + 4 * H


@pytest.mark.django_db
def test_electricity_preliminary_24h_detailed_30_days():
    c = clocks("jp-electricity", now=AWARE + 25 * H)
    assert c["preliminary"].due_at == AWARE + 24 * H
    assert c["preliminary"].state == ClockState.OVERDUE
    assert c["detailed"].due_at == AWARE + 30 * D
    assert c["detailed"].state == ClockState.RUNNING
    filed = clocks("jp-electricity", {"preliminary": AWARE + 23 * H}, now=AWARE + 25 * H)
    assert filed["preliminary"].state == ClockState.FILED
    late = clocks("jp-electricity", {"preliminary": AWARE + 26 * H}, now=AWARE + 27 * H)
    assert late["preliminary"].state == ClockState.FILED_LATE


@pytest.mark.django_db
def test_ppc_final_is_30_days_or_60_when_malicious():
    plain = clocks("jp-ppc-breach", personal_data=True, malicious=False)
    assert plain["preliminary"].due_at == AWARE + 5 * D
    assert plain["final"].due_at == AWARE + 30 * D
    assert plain["final-malicious"].state == ClockState.NOT_APPLICABLE
    malicious = clocks("jp-ppc-breach", personal_data=True, malicious=True)
    assert malicious["final"].state == ClockState.NOT_APPLICABLE
    assert malicious["final-malicious"].due_at == AWARE + 60 * D
    assert (
        clocks("jp-ppc-breach", now=AWARE + 31 * D, personal_data=True)["final"].state
        == ClockState.OVERDUE
    )


@pytest.mark.django_db
def test_nis2_24h_72h_and_a_month_after_the_notification():
    c = clocks("eu-nis2")
    assert c["early-warning"].due_at == AWARE + 24 * H
    assert c["notification"].due_at == AWARE + 72 * H
    # The final report's clock starts only when the notification is filed.
    assert c["final-report"].state == ClockState.WAITING
    assert c["final-report"].due_at is None
    notified = AWARE + 70 * H
    c = clocks(
        "eu-nis2",
        {"early-warning": AWARE + 20 * H, "notification": notified},
        now=notified + 31 * D,
    )
    assert c["final-report"].starts_at == notified
    assert c["final-report"].due_at == notified + 30 * D
    assert c["final-report"].state == ClockState.OVERDUE


@pytest.mark.django_db
def test_circia_72h_and_ransom_payment_24h():
    c = clocks("us-circia")
    assert c["covered-incident"].due_at == AWARE + 72 * H
    assert c["ransom-payment"].state == ClockState.NOT_APPLICABLE
    paid = AWARE + 10 * H
    c = clocks("us-circia", now=paid + 25 * H, ransom_paid_at=paid)
    assert c["ransom-payment"].due_at == paid + 24 * H
    assert c["ransom-payment"].state == ClockState.OVERDUE


@pytest.mark.django_db
def test_which_regimes_apply(government):
    g = government
    ministry = IncidentReport(reporter=g["mhlw"])
    assert {r.key for r in applicable_regimes(ministry)} == {"jp-government"}
    ministry.personal_data = True
    assert {r.key for r in applicable_regimes(ministry)} == {"jp-government", "jp-ppc-breach"}
    power = IncidentReport(reporter=g["power"])
    assert {r.key for r in applicable_regimes(power)} == {"jp-electricity"}
    ReportingRegime.objects.get(key="eu-nis2").organizations.add(g["power"])
    assert {r.key for r in applicable_regimes(power)} == {"jp-electricity", "eu-nis2"}
    ReportingRegime.objects.filter(key="jp-electricity").update(active=False)
    assert {r.key for r in applicable_regimes(power)} == {"eu-nis2"}
    tokyo = IncidentReport(reporter=g["tokyo"])
    assert applicable_regimes(tokyo) == []


def test_filing_a_stage_names_each_missing_field(handlers, systems, government):
    ReportingRegime.objects.get(key="eu-nis2").organizations.add(government["power"])
    draft = services.report_create(
        actor=handlers["power-editor"],
        title="制御系への不正アクセス",
        category="unauthorized_access",
        detected_at=T0,
        aware_at=T0,
        narrative="n",
        now=T0,
    )
    report = services.report_submit(actor=handlers["power-editor"], report=draft, now=T0 + H)
    # Electricity's preliminary stage needs the affected systems: not filed by the submission.
    assert not report.filings.filter(stage__regime__key="jp-electricity").exists()
    # NIS2's authority is not on the route: the submission files nothing of it.
    assert not report.filings.filter(stage__regime__key="eu-nis2").exists()
    early = RegimeStage.objects.get(regime__key="eu-nis2", key="early-warning")
    services.stage_file(actor=handlers["power-editor"], report=report, stage=early, now=T0 + H)
    assert report.filings.filter(stage__key="early-warning").exists()
    preliminary = RegimeStage.objects.get(regime__key="jp-electricity", key="preliminary")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.stage_file(actor=handlers["power-editor"], report=report, stage=preliminary)
    assert set(error.value.message_dict) == {"systems"}
    services.report_update(
        actor=handlers["power-editor"], report=report, systems=[systems["power-app"]], now=T0 + H
    )
    filing = services.stage_file(
        actor=handlers["power-editor"], report=report, stage=preliminary, now=T0 + 2 * H
    )
    assert filing.filed_at == T0 + 2 * H
    with pytest.raises(ValidationError):  # once only
        services.stage_file(actor=handlers["power-editor"], report=report, stage=preliminary)


def test_the_regimes_are_told_in_the_readers_language(client, handlers):
    # given the shipped regimes and a signed-in reader
    client.force_login(handlers["mhlw-viewer"])

    # when the list is read in Japanese and in English
    japanese = client.get("/incidents/regimes/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/incidents/regimes/").content.decode()

    # then the authority, the description and the notes are each in the reader's language
    assert "国家サイバー統括室" in japanese and "National Cybersecurity Office" not in japanese
    assert "(national cybersecurity centre)" not in japanese
    assert "期限は設定できます" in japanese and "Deadline configurable" not in japanese
    assert "National Cybersecurity Office" in english and "国家サイバー統括室" not in english
    assert "Deadline configurable" in english and "統一基準群に基づき" not in english


def test_a_regime_without_an_english_text_shows_its_japanese_one():
    # given a regime an admin wrote in Japanese only
    regime = ReportingRegime(key="local", name="条例", name_en="Ordinance", authority="県")

    # then an English reader sees the Japanese text rather than nothing
    assert regime.in_language("authority", english=True) == "県"
    assert regime.in_language("authority", english=False) == "県"
