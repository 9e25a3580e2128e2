"""Demo incident reports at each stage of their routes, written through the services (route
rules, regimes, notices and the audit trail hold as for real data):

- PMDA's draft (phishing e-mail), not yet submitted;
- PMDA's malware report, submitted via its ministry (MHLW), received there, not acknowledged;
- MHLW's misdelivery of personal data (12 people), straight to the national centre, which has
  acknowledged it and asked a question (the PPC regime's clocks run);
- the demo power company's unauthorised access, via METI (acknowledged, assessed, forwarded)
  to the national centre, which has acknowledged it and shared it (TLP:AMBER: IPA reads it,
  overseas counterparts do not); its electricity preliminary report is overdue (the affected
  system was not named), so it is on the dashboard;
- MHLW's denial of service, closed by the national centre and shared (TLP:GREEN) into the
  national centre's collection, which overseas counterparts read through TAXII.

Idempotent: a report already there (same reporter and title) is left as it is. Times are set
from now, so the demo's clocks are live whenever it is loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from shireito.accounts.models import User
from shireito.incidents import services
from shireito.incidents.models import IncidentReport
from shireito.incidents.services.publication import report_publish
from shireito.organizations.models import Organization
from shireito.registry.models import InformationSystem
from shireito.sharing.demo import demo_collection

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _exists(reporter, title) -> bool:
    return IncidentReport.objects.filter(reporter=reporter, title=title).exists()


def load_demo_incidents(by_code: dict) -> int:
    """Add the demo reports that are missing; returns how many were added."""
    pmda, mhlw, power = by_code["pmda"], by_code["mhlw"], by_code["demo-power"]
    cast = _Cast(
        now=timezone.now(),
        pmda=pmda,
        mhlw=mhlw,
        power=power,
        pmda_officer=_user("pmda-officer"),
        mhlw_officer=_user("mhlw-officer"),
        nisc=_user("nisc-handler"),
        meti=_user("meti-handler"),
        power_officer=_user("demo-power-officer"),
        system={s.code: s for s in InformationSystem.objects.filter(owner__in=[pmda, mhlw, power])},
    )
    added = 0
    for make in (
        _phishing_draft,
        _malware_via_ministry,
        _misdelivery_questioned,
        _power_intrusion_shared,
        _ddos_closed_and_shared,
    ):
        added += make(cast)
    return added


@dataclass(frozen=True)
class _Cast:
    """Who and what the demo reports are about, and the one "now" their clocks run from."""

    now: dt.datetime
    pmda: Organization
    mhlw: Organization
    power: Organization
    pmda_officer: User
    mhlw_officer: User
    nisc: User
    meti: User
    power_officer: User
    system: dict[str, InformationSystem]


def _phishing_draft(c: _Cast) -> int:
    """PMDA's phishing e-mail, still a draft: what a reporter sees before submitting."""
    title = "不審なメールの受信（標的型攻撃の疑い）"
    if _exists(c.pmda, title):
        return 0
    services.report_create(
        actor=c.pmda_officer,
        title=title,
        category="other",
        impact="none",
        detected_at=c.now - 3 * H,
        aware_at=c.now - 2 * H,
        narrative="職員3名が同一差出人からの不審なメールを受信。添付ファイルは未開封。",
        tlp="amber",
        indicators=[
            {"kind": "email", "value": "notice@example-invalid.test", "description": "差出人"}
        ],
        now=c.now - 2 * H,
    )
    return 1


def _malware_via_ministry(c: _Cast) -> int:
    """PMDA's malware report, submitted via MHLW and not yet acknowledged there: a waiting hop."""
    title = "審査管理システム端末でのマルウェア検知"
    if _exists(c.pmda, title):
        return 0
    aware = c.now - 5 * H
    draft = services.report_create(
        actor=c.pmda_officer,
        title=title,
        category="malware",
        impact="medium",
        detected_at=aware - H,
        aware_at=aware,
        narrative="EDRが端末1台で不審なプロセスを検知し、ネットワークから隔離した。",
        tlp="amber",
        systems=[c.system["pmda-review"]],
        indicators=[
            {"kind": "ipv4", "value": "203.0.113.45", "description": "C2 server"},
            {
                "kind": "sha256",
                "value": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "description": "dropper",
            },
        ],
        now=aware,
    )
    services.report_submit(actor=c.pmda_officer, report=draft, now=aware + H)
    return 1


def _misdelivery_questioned(c: _Cast) -> int:
    """MHLW's misdelivery of personal data, questioned by the centre: the PPC clocks run."""
    title = "通知書の誤送付（個人情報を含む）"
    if _exists(c.mhlw, title):
        return 0
    aware = c.now - 2 * D
    draft = services.report_create(
        actor=c.mhlw_officer,
        title=title,
        category="misdelivery",
        impact="low",
        impact_description="通知書12通が別の宛先に送付された。",
        detected_at=aware,
        aware_at=aware,
        personal_data=True,
        personal_data_count=12,
        narrative="封入作業の誤りにより、12名分の通知書を誤送付した。回収を進めている。",
        tlp="amber_strict",
        systems=[c.system["mhlw-case-records"]],
        now=aware,
    )
    report = services.report_submit(actor=c.mhlw_officer, report=draft, now=aware + 2 * H)
    services.hop_acknowledge(actor=c.nisc, report=report, now=aware + 3 * H)
    services.hop_comment(
        actor=c.nisc,
        report=report,
        kind="question",
        text="回収の見込みと、本人への連絡状況を教えてください。",
        now=aware + 4 * H,
    )
    return 1


def _power_intrusion_shared(c: _Cast) -> int:
    """A power company's intrusion via METI, shared AMBER; its late report is on the dashboard."""
    title = "制御系ネットワークへの不正アクセスの試み"
    if _exists(c.power, title):
        return 0
    aware = c.now - 30 * H
    draft = services.report_create(
        actor=c.power_officer,
        title=title,
        category="unauthorized_access",
        impact="high",
        detected_at=aware - 2 * H,
        aware_at=aware,
        narrative="リモート保守用VPN装置に対し、海外IPから認証試行が多数あった。",
        tlp="amber",
        indicators=[{"kind": "ipv4", "value": "198.51.100.23", "description": "scanner"}],
        now=aware,
    )
    report = services.report_submit(actor=c.power_officer, report=draft, now=aware + H)
    services.hop_acknowledge(actor=c.meti, report=report, now=aware + 2 * H)
    services.hop_comment(
        actor=c.meti,
        report=report,
        kind="assessment",
        text="同種の試行が他の電力事業者でも確認されている。国全体での共有が必要。",
        now=aware + 3 * H,
    )
    services.hop_forward(actor=c.meti, report=report, now=aware + 4 * H)
    services.hop_acknowledge(actor=c.nisc, report=report, now=aware + 5 * H)
    _share(
        report,
        c.nisc,
        title="電力事業者のリモート保守装置への認証試行",
        summary="リモート保守用VPN装置への海外からの認証試行。同種の試行を複数事業者で確認。",
        tlp="amber",
    )
    return 1


def _ddos_closed_and_shared(c: _Cast) -> int:
    """MHLW's denial of service, closed and shared GREEN so counterparts read it over TAXII."""
    title = "申請サイトへのDDoS攻撃"
    if _exists(c.mhlw, title):
        return 0
    aware = c.now - 10 * D
    draft = services.report_create(
        actor=c.mhlw_officer,
        title=title,
        category="denial_of_service",
        impact="medium",
        impact_description="申請サイトが約2時間つながりにくくなった。",
        detected_at=aware,
        aware_at=aware,
        narrative="大量のHTTPリクエストを受け、CDNの防御設定を強化して収束した。",
        tlp="green",
        indicators=[{"kind": "domain", "value": "botnet-c2.example.test", "description": ""}],
        now=aware,
    )
    report = services.report_submit(actor=c.mhlw_officer, report=draft, now=aware + H)
    services.hop_acknowledge(actor=c.nisc, report=report, now=aware + 2 * H)
    services.hop_comment(
        actor=c.nisc,
        report=report,
        kind="assessment",
        text="同時期に複数の府省庁で同種の攻撃を確認。",
        now=aware + 1 * D,
    )
    services.report_close(
        actor=c.nisc, report=report, summary="防御設定の強化により収束。", now=aware + 2 * D
    )
    _share(
        report,
        c.nisc,
        title="府省庁の申請サイトへのDDoS攻撃",
        summary="大量のHTTPリクエストによるDDoS。CDNの防御設定の強化で収束。",
        tlp="green",
    )
    return 1


def _share(report, nisc_handler, *, title: str, summary: str, tlp: str) -> None:
    """Publish a report, sanitised, into the national centre's collection."""
    report_publish(
        actor=nisc_handler,
        report=report,
        collection=demo_collection(),
        shared_title=title,
        shared_summary=summary,
        shared_tlp=tlp,
    )
