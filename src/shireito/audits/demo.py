"""Demo audits: enough for a new user to walk the whole cycle, each written through the
services (mandate checks, stage rules and the audit trail hold as for real data).

- the national centre's security audit of MHLW's case records system for last fiscal year,
  closed, with findings of three severities, corrective action plans with milestones (one
  action verified and closed, one overdue) and evidence; and this year's cycle started from it
  (planned), so each control shows last year's result;
- the national centre's audit of the Digital Agency's portal (fieldwork);
- an audit of PMDA that the national centre entrusts to IPA (fieldwork, with evidence);
- the Digital Agency's service-assurance verification of the joint benefits system it builds
  for MHLW, against its development policy (reporting, one open finding);
- METI's own check (自己点検) of its statistics system (fieldwork) and Tokyo's of its resident
  registry against MIC's guideline (planned).

Idempotent: an audit already there (found by its kind, auditee and title, the fiscal year
aside) is left as it is, so loading again adds nothing. Dates are set from today, so the
demo shows a live cycle whenever it is loaded.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shireito.audits import demo_kit as kit
from shireito.audits import evidence as evidence_service
from shireito.audits import services
from shireito.audits.choices import AuditKind, AuditStatus, StageKind
from shireito.audits.demo_kit import NA, N, P, S
from shireito.audits.models import Audit, CorrectiveAction, Finding
from shireito.registry.selectors import current_fiscal_year


def load_demo_audits(by_code: dict) -> int:
    """Bring the demo audits into being; returns how many were added. Runs inside the demo
    loader's transaction, after the catalogs and users exist."""
    today = timezone.localdate()
    year = current_fiscal_year(today)
    context = kit.Context(by_code, today, year)
    added = 0
    for make in (
        _closed_and_next_cycle,
        _digital_agency_portal,
        _entrusted_pmda,
        _service_assurance,
        _meti_self_assessment,
        _tokyo_self_assessment,
    ):
        added += make(context)
    return added


# --- the closed audit and the cycle started from it ----------------------------------------

CLOSED_TITLE = "年度 情報セキュリティ監査：業務記録システム"

CLOSED_CLAIMS = {
    "2.1.1(1)-1 a)": (S, "任命通知に期間を記載している。"),
    "3.1.2(1)-1": (NA, "記録媒体での持ち出しは業務上ない。"),
    "4.1.2(1)(a)": (P, "一部のサーバで更新の適用が遅れている。"),
    "4.1.2(2)(a)": (P, "ログは取得しているが、保存期間は検討中。"),
}
CLOSED_RESULTS = {
    "2.1.1(1)-1 a)": (P, "任命の記録に代理者が書かれていない。"),
    "3.1.1(1)-1": (P, "手引きはあるが、判断の目安が前の版のまま残っている。"),
    "3.1.2(1)-1": (NA, "持ち出し簿と聞き取りで、媒体での持ち出しがないことを確かめた。"),
    "4.1.2(1)(a)": (N, "重要な更新が3か月以上適用されていない公開サーバが2台ある。"),
    "4.1.2(1)-1": (N, "更新の確認を担当者が手作業で行い、記録が残っていない。"),
    "4.1.2(2)(a)": (P, "ログは取得しているが、保存期間が定められていない。"),
    # Where the auditor saw less than the self-assessment claimed: the gap the tower flags.
    "2.1.1(2)(a)": (P, "委員会は開催しているが、議事の記録が残っていない。"),
    "2.1.2(1)-1": (P, "窓口は定めているが、夜間と休日の連絡先が前年度のまま残っている。"),
    "3.1.1(1)(a)": (P, "抽出した文書の一部に格付けの表示がなかった。"),
}


def _closed_and_next_cycle(c: kit.Context) -> int:
    auditor, auditee = c.users["nisc-auditor"], c.users["mhlw-officer"]
    mhlw = c.org["mhlw"]
    closed = kit.existing(AuditKind.SECURITY_AUDIT, mhlw, CLOSED_TITLE)
    added = 0
    if closed is None:
        closed = _make_closed(c, auditor, auditee)
        added += 1
    if not closed.next_cycles.exists():
        services.audit_next_cycle(actor=auditor, previous=closed)
        added += 1
    return added


def _make_closed(c: kit.Context, auditor, auditee) -> Audit:
    """Last year's audit of MHLW's case records system, walked from planning to closed."""
    system = "mhlw-case-records"
    audit = _closed_into_fieldwork(c, auditor, system)
    labels = kit.labels(audit)
    _closed_self_assessment(auditee, audit, system, labels)
    patching, logging, guide = _closed_results_and_findings(c, auditor, audit, system, labels)
    audit = _closed_report(auditor, audit)
    verified = _closed_action_plans(c, auditee, patching, logging, guide)
    kit.complete(auditee, audit, StageKind.IMPROVEMENT)
    audit = services.audit_advance(actor=auditor, audit=audit, status=AuditStatus.CLOSED)
    _closed_follow_up(auditor, auditee, verified)
    return audit


def _closed_into_fieldwork(c: kit.Context, auditor, system: str) -> Audit:
    """Last fiscal year's audit planned against the common standards, scoped and in fieldwork."""
    year = c.year - 1
    audit = services.audit_create(
        actor=auditor,
        kind=AuditKind.SECURITY_AUDIT,
        auditee=c.org["mhlw"],
        systems=[c.systems[system]],
        baseline=c.catalogs["demo-common-standards"],
        fiscal_year=year,
        period_start=dt.date(year, 7, 1),
        period_end=dt.date(year + 1, 2, 27),
        title=f"{year}{CLOSED_TITLE}",
        lead=auditor,
        method="書面の確認、担当者への聞き取り、公開サーバの脆弱性診断の結果の確認による。",
    )
    kit.complete(auditor, audit, StageKind.SCOPE)
    return services.audit_advance(actor=auditor, audit=audit, status=AuditStatus.FIELDWORK)


def _closed_self_assessment(auditee, audit: Audit, system: str, labels: list[str]) -> None:
    """MHLW's self-assessment with its log settings as evidence, for results to be read against."""
    claims = dict.fromkeys(labels, (S, "")) | CLOSED_CLAIMS
    kit.record(auditee, audit, system, claims, claims=True)
    log_result = audit.results.get(system__code=system, control__label="4.1.2(2)(a)")
    evidence_service.evidence_add(
        actor=auditee,
        audit=audit,
        result=log_result,
        title="ログ設定の抜粋（業務記録システム）",
        upload=SimpleUploadedFile(
            "log-settings-excerpt.txt",
            "業務記録システム ログ設定の抜粋（デモ）\n"
            "取得対象: 認証、管理操作、データの出力\n"
            "保存先: ログ集約サーバ\n"
            "保存期間: 未設定\n".encode(),
            content_type="text/plain",
        ),
    )
    kit.complete(auditee, audit, StageKind.SELF_ASSESSMENT)


def _closed_results_and_findings(
    c: kit.Context, auditor, audit: Audit, system: str, labels: list[str]
) -> tuple[Finding, Finding, Finding]:
    """The auditor's results and findings of three severities, for the action plans to answer."""
    results = dict.fromkeys(labels, (S, "")) | CLOSED_RESULTS
    kit.record(auditor, audit, system, results, claims=False)
    systems = [c.systems[system]]
    patching = services.finding_create(
        actor=auditor,
        audit=audit,
        controls=kit.controls(audit, "4.1.2(1)(a)", "4.1.2(1)-1"),
        systems=systems,
        title="脆弱性への対応の遅れ",
        severity="high",
        grade="major",
        risk="公開済みの脆弱性を突かれ、業務記録が外部に漏れるおそれがある。",
        root_cause="更新を適用する期限と確認の手順がなく、担当者の判断に任されている。",
        recommendation="更新の適用期限を定め、適用の状況を毎月確かめて記録すること。",
    )
    logging = services.finding_create(
        actor=auditor,
        audit=audit,
        controls=kit.controls(audit, "4.1.2(2)(a)"),
        systems=systems,
        title="ログの保存期間が定められていない",
        severity="medium",
        grade="minor",
        risk="事案の調べに要る記録が、必要な期間より前に消えるおそれがある。",
        root_cause="ログ集約サーバの導入時に、保存期間を決める担当が決まっていなかった。",
        recommendation="保存期間を定め、ログ集約サーバの設定に反映すること。",
    )
    guide = services.finding_create(
        actor=auditor,
        audit=audit,
        controls=kit.controls(audit, "3.1.1(1)-1"),
        systems=systems,
        title="格付けの手引きが改訂に追いついていない",
        severity="low",
        grade="observation",
        risk="職員が前の版の目安で格付けし、情報の扱いを誤るおそれがある。",
        recommendation="手引きを現行の基準に合わせて改め、職員に知らせること。",
    )
    _scan_evidence(auditor, audit, patching)
    return patching, logging, guide


def _scan_evidence(auditor, audit: Audit, patching: Finding) -> None:
    """The vulnerability scan (a PDF) behind the patching finding: evidence on a finding."""
    evidence_service.evidence_add(
        actor=auditor,
        audit=audit,
        finding=patching,
        title="脆弱性診断の結果（要約）",
        upload=SimpleUploadedFile(
            "vulnerability-scan-summary.pdf",
            kit.pdf(
                [
                    "Demo evidence: vulnerability scan summary",
                    "System: mhlw-case-records (demo)",
                    "Public servers scanned: 6",
                    "Servers with critical updates pending over 90 days: 2",
                ]
            ),
            content_type="application/pdf",
        ),
    )


def _closed_report(auditor, audit: Audit) -> Audit:
    """The audit in reporting with the auditor's overall conclusion (総合評価)."""
    audit = services.audit_advance(actor=auditor, audit=audit, status=AuditStatus.REPORTING)
    return services.audit_update(
        actor=auditor,
        audit=audit,
        conclusion=(
            "管理体制と情報の取扱いはおおむね基準を満たしている。一方、運用中のシステムの"
            "脆弱性への対応に重大な不適合があり、改善計画による早期の是正を求める。"
        ),
    )


def _closed_action_plans(
    c: kit.Context, auditee, patching: Finding, logging: Finding, guide: Finding
) -> CorrectiveAction:
    """MHLW's action plans: patching overdue, log retention to verify, the guide due later."""
    overdue = services.action_create(
        actor=auditee,
        finding=patching,
        title="脆弱性管理の手順を定めて適用する",
        description="更新の適用期限と確認の記録を手順書にまとめ、全サーバに適用する。",
        owner_contact="情報システム課 課長補佐",
        due_date=c.days(-21),
        milestones=[
            {"title": "対象サーバの洗い出し", "due_date": c.days(-70)},
            {"title": "手順書の作成と決裁", "due_date": c.days(-40)},
            {"title": "全サーバへの更新の適用", "due_date": c.days(-21)},
        ],
    )
    services.milestone_done(actor=auditee, milestone=overdue.milestones.order_by("due_date")[0])
    services.action_update(actor=auditee, action=overdue, status="in_progress")
    verified = services.action_create(
        actor=auditee,
        finding=logging,
        title="ログの保存期間を定めて設定する",
        description="保存期間を1年と定め、ログ集約サーバに設定する。",
        owner_contact="情報システム課 係長",
        due_date=c.days(30),
        milestones=[{"title": "保存期間の決定", "due_date": c.days(-10)}],
    )
    services.milestone_done(actor=auditee, milestone=verified.milestones.get())
    services.action_create(
        actor=auditee,
        finding=guide,
        title="格付けの手引きを改訂する",
        owner_contact="文書管理担当",
        due_date=c.days(120),
        milestones=[
            {"title": "改訂案の作成", "due_date": c.days(45)},
            {"title": "職員への周知", "due_date": c.days(120)},
        ],
    )
    return verified


def _closed_follow_up(auditor, auditee, verified: CorrectiveAction) -> None:
    """Follow-up after closing: log retention is done and verified, while patching stays late."""
    verified = services.action_update(
        actor=auditee, action=verified, status="awaiting_verification"
    )
    services.action_verify(
        actor=auditor,
        action=verified,
        accepted=True,
        note="設定画面の写しで、保存期間が1年に設定されたことを確かめた。",
    )


# --- audits in progress ---------------------------------------------------------------------

PORTAL_TITLE = "年度 情報セキュリティ監査：デモ行政ポータル"


def _digital_agency_portal(c: kit.Context) -> int:
    digital_agency = c.org["digital-agency"]
    if kit.existing(AuditKind.SECURITY_AUDIT, digital_agency, PORTAL_TITLE):
        return 0
    auditor, auditee = c.users["nisc-auditor"], c.users["da-officer"]
    system = "da-portal"
    audit = services.audit_create(
        actor=auditor,
        kind=AuditKind.SECURITY_AUDIT,
        auditee=digital_agency,
        systems=[c.systems[system]],
        baseline=c.catalogs["demo-common-standards"],
        fiscal_year=c.year,
        period_start=c.days(-60),
        period_end=c.days(90),
        title=f"{c.year}{PORTAL_TITLE}",
        lead=auditor,
        method="書面の確認と、運用担当への聞き取りによる。",
    )
    kit.complete(auditor, audit, StageKind.SCOPE)
    audit = services.audit_advance(actor=auditor, audit=audit, status=AuditStatus.FIELDWORK)
    labels = kit.labels(audit)
    claims = dict.fromkeys(labels, (S, "")) | {
        "2.1.1(2)(a)": (P, "委員会は設置済みだが、今年度は未開催。"),
        "3.1.2(1)-1": (NA, "媒体での持ち出しは行わない運用。"),
    }
    kit.record(auditee, audit, system, claims, claims=True)
    kit.complete(auditee, audit, StageKind.SELF_ASSESSMENT)
    # The review is about three quarters done: the last controls are still to assess.
    results = dict.fromkeys(labels[:-6], (S, "")) | {
        "2.1.1(2)(a)": (N, "委員会の開催記録が今年度も前年度もない。"),
        "2.1.2(1)-1": (P, "窓口は定めているが、夜間と休日の連絡先が古い。"),
        "3.1.2(1)-1": (NA, "媒体での持ち出しがないことを確かめた。"),
    }
    kit.record(auditor, audit, system, results, claims=False)
    return 1


PMDA_TITLE = "年度 情報セキュリティ監査（委託）：審査管理システム"


def _entrusted_pmda(c: kit.Context) -> int:
    pmda = c.org["pmda"]
    if kit.existing(AuditKind.ENTRUSTED_SECURITY_AUDIT, pmda, PMDA_TITLE):
        return 0
    planner, auditor, auditee = (
        c.users["nisc-auditor"],
        c.users["ipa-auditor"],
        c.users["pmda-officer"],
    )
    system = "pmda-review"
    # Planned by the national centre; the mandate engine hands the work to IPA.
    audit = services.audit_create(
        actor=planner,
        kind=AuditKind.ENTRUSTED_SECURITY_AUDIT,
        auditee=pmda,
        systems=[c.systems[system]],
        baseline=c.catalogs["demo-common-standards"],
        fiscal_year=c.year,
        period_start=c.days(-45),
        period_end=c.days(120),
        title=f"{c.year}{PMDA_TITLE}",
        lead=auditor,
        method="国家サイバー統括室の委託を受け、IPAが書面の確認と実地の調べを行う。",
    )
    kit.complete(auditor, audit, StageKind.SCOPE)
    audit = services.audit_advance(actor=auditor, audit=audit, status=AuditStatus.FIELDWORK)
    labels = kit.labels(audit)
    claims = dict.fromkeys(labels, (S, "")) | {
        "3.1.1(1)(a)": (P, "一部の部署で格付けの表示が徹底されていない。"),
        "4.1.1(1)-1": (S, "直近の調達の仕様書に要件を記載した。"),
    }
    kit.record(auditee, audit, system, claims, claims=True)
    result = audit.results.get(system__code=system, control__label="4.1.1(1)-1")
    evidence_service.evidence_add(
        actor=auditee,
        audit=audit,
        result=result,
        title="調達仕様書のセキュリティ要件の節（抜粋）",
        upload=SimpleUploadedFile(
            "procurement-security-requirements.txt",
            "審査管理システム 更改の調達仕様書（デモ）\n"
            "第5節 セキュリティ要件\n"
            "5.1 利用者の認証には多要素認証を用いること。\n"
            "5.2 管理操作の記録を1年間保存すること。\n".encode(),
            content_type="text/plain",
        ),
    )
    kit.complete(auditee, audit, StageKind.SELF_ASSESSMENT)
    results = dict.fromkeys(labels[: len(labels) // 2], (S, "")) | {
        "3.1.1(1)(a)": (P, "抽出した文書の2割に格付けの表示がなかった。"),
    }
    kit.record(auditor, audit, system, results, claims=False)
    return 1


ASSURANCE_TITLE = "年度 サービス保証の検証：給付共同システム"


def _service_assurance(c: kit.Context) -> int:
    mhlw = c.org["mhlw"]
    if kit.existing(AuditKind.SERVICE_ASSURANCE, mhlw, ASSURANCE_TITLE):
        return 0
    auditee = c.users["mhlw-officer"]
    system = "mhlw-joint-benefits"
    # The Digital Agency verifies what it builds; the demo has no agency auditor, so its
    # steps are taken as the system (actor None), as the command line would.
    audit = services.audit_create(
        actor=None,
        kind=AuditKind.SERVICE_ASSURANCE,
        auditor=c.org["digital-agency"],
        auditee=mhlw,
        systems=[c.systems[system]],
        baseline=c.catalogs["demo-da-development-policy"],
        fiscal_year=c.year,
        period_start=c.days(-120),
        period_end=c.days(20),
        title=f"{c.year}{ASSURANCE_TITLE}",
        method="開発方針に沿って、設計書と試験の記録を確かめる。",
    )
    kit.complete(None, audit, StageKind.SCOPE)
    audit = services.audit_advance(actor=None, audit=audit, status=AuditStatus.FIELDWORK)
    kit.record(
        auditee,
        audit,
        system,
        {
            "4.1.1(1)(a)": (S, "要件定義書の第4章に記載。"),
            "4.1.1(1)-1": (S, ""),
            "4.1.2(1)(a)": (S, "開発環境では週1回、脆弱性を確認している。"),
            "4.1.2(2)(a)": (S, ""),
        },
        claims=True,
    )
    kit.complete(auditee, audit, StageKind.SELF_ASSESSMENT)
    kit.record(
        None,
        audit,
        system,
        {
            "4.1.1(1)(a)": (S, ""),
            "4.1.1(1)-1": (S, ""),
            "4.1.2(1)(a)": (P, "本番環境の確認手順が、まだ試験の記録に現れていない。"),
            "4.1.2(2)(a)": (S, ""),
        },
        claims=False,
    )
    services.finding_create(
        actor=None,
        audit=audit,
        controls=kit.controls(audit, "4.1.2(1)(a)"),
        systems=[c.systems[system]],
        title="本番環境での脆弱性確認の手順が未整備",
        severity="medium",
        grade="minor",
        risk="稼働後に見つかった脆弱性への対応が遅れるおそれがある。",
        recommendation="稼働前に、本番環境での確認の手順と担当を定めること。",
    )
    services.audit_advance(actor=None, audit=audit, status=AuditStatus.REPORTING)
    return 1


# --- self-assessments (自己点検) -------------------------------------------------------------

METI_TITLE = "年度 自己点検：統計システム"


def _meti_self_assessment(c: kit.Context) -> int:
    meti = c.org["meti"]
    if kit.existing(AuditKind.SELF_ASSESSMENT, meti, METI_TITLE):
        return 0
    officer = c.users["meti-officer"]
    system = "meti-statistics"
    audit = services.audit_create(
        actor=officer,
        kind=AuditKind.SELF_ASSESSMENT,
        auditee=meti,
        systems=[c.systems[system]],
        baseline=c.catalogs["demo-common-standards"],
        fiscal_year=c.year,
        period_start=c.days(-30),
        period_end=c.days(60),
        title=f"{c.year}{METI_TITLE}",
        method="更改に合わせ、担当課が自ら点検する。",
    )
    kit.complete(officer, audit, StageKind.SCOPE)
    audit = services.audit_advance(actor=officer, audit=audit, status=AuditStatus.FIELDWORK)
    labels = kit.labels(audit)
    claims = dict.fromkeys(labels[:20], (S, "")) | {
        "4.1.1(1)-1": (P, "更改の仕様書はまだ案の段階。"),
        "4.1.2(1)-1": (N, "旧システムは更新の確認が止まっている。"),
    }
    kit.record(officer, audit, system, claims, claims=True)
    kit.record(
        officer,
        audit,
        system,
        dict.fromkeys(labels[:12], (S, "")),
        claims=False,
    )
    return 1


TOKYO_TITLE = "年度 自己点検：住民基本台帳システム"


def _tokyo_self_assessment(c: kit.Context) -> int:
    tokyo = c.org["tokyo"]
    if kit.existing(AuditKind.SELF_ASSESSMENT, tokyo, TOKYO_TITLE):
        return 0
    services.audit_create(
        actor=c.users["tokyo-officer"],
        kind=AuditKind.SELF_ASSESSMENT,
        auditee=tokyo,
        systems=[c.systems["tokyo-resident-registry"]],
        baseline=c.catalogs["demo-mic-local-government-guideline"],
        fiscal_year=c.year,
        period_start=c.days(14),
        period_end=c.days(100),
        title=f"{c.year}{TOKYO_TITLE}",
        method="総務省のガイドラインに沿って、標準準拠システムへの移行の前に点検する。",
    )
    return 1
