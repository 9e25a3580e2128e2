"""The demo data set: real public bodies in the shape of the seed's diagrams, a few fictional
operators, and one demo user per role.

Loaded by ``shireito demo load`` (and by ``make run`` on an empty database), only in demo mode.
Every write goes through the services, so the demo has an audit trail like real data; loading
twice changes nothing the second time. Names are the bodies' public names; local governments
carry their real codes (and the corporate numbers those codes determine). National bodies'
corporate numbers are left empty: they could not be checked here, and a guessed identifier is
worse than none.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from shireito.accounts.choices import Role
from shireito.accounts.models import User
from shireito.accounts.services import user_create, user_set_password, user_set_roles, user_update
from shireito.audits.demo import load_demo_audits
from shireito.cocreation.demo import load_demo_cocreation
from shireito.demo.local_governments import local_government_rows
from shireito.incidents.demo import load_demo_incidents
from shireito.organizations.choices import GovernanceRole as R
from shireito.organizations.choices import OrganizationKind as K
from shireito.organizations.identifiers import local_government_corporate_number
from shireito.organizations.mandates import governance_settings
from shireito.organizations.models import Organization, Sector
from shireito.organizations.services import (
    governance_configure,
    organization_ensure,
    organization_name_ensure,
    role_holding_ensure,
    sector_update,
)
from shireito.plans.demo import load_demo_plan
from shireito.registry.demo import load_demo_oversight
from shireito.registry.demo_local import load_demo_migration
from shireito.registry.models import InformationSystem
from shireito.registry.services import default_builder, system_create, system_update
from shireito.standards.demo import load_demo_catalogs

D = dt.date

# code, Japanese name, English name, kind, parent code, extra fields
ORGANIZATIONS: list[tuple[str, str, str, str, str | None, dict]] = [
    ("cabinet", "内閣", "Cabinet", K.CABINET, None, {}),
    (
        "digital-agency",
        "デジタル庁",
        "Digital Agency",
        K.DIGITAL_AGENCY,
        "cabinet",
        {"valid_from": D(2021, 9, 1)},
    ),
    (
        "nisc",
        "内閣官房国家サイバー統括室",
        "National Cybersecurity Office",
        K.NATIONAL_CYBER_CENTRE,
        "cabinet",
        {"valid_from": D(2005, 4, 25)},
    ),
    (
        "cybersecurity-hq",
        "サイバーセキュリティ戦略本部",
        "Cybersecurity Strategic Headquarters",
        K.CYBERSECURITY_HQ,
        "cabinet",
        {"valid_from": D(2015, 1, 9)},
    ),
    ("cao", "内閣府", "Cabinet Office", K.MINISTRY, None, {}),
    ("npa", "警察庁", "National Police Agency", K.MINISTRY, None, {}),
    ("fsa", "金融庁", "Financial Services Agency", K.MINISTRY, None, {}),
    ("mic", "総務省", "Ministry of Internal Affairs and Communications", K.MINISTRY, None, {}),
    ("moj", "法務省", "Ministry of Justice", K.MINISTRY, None, {}),
    ("mofa", "外務省", "Ministry of Foreign Affairs", K.MINISTRY, None, {}),
    ("mof", "財務省", "Ministry of Finance", K.MINISTRY, None, {}),
    (
        "mext",
        "文部科学省",
        "Ministry of Education, Culture, Sports, Science and Technology",
        K.MINISTRY,
        None,
        {},
    ),
    ("mhlw", "厚生労働省", "Ministry of Health, Labour and Welfare", K.MINISTRY, None, {}),
    ("maff", "農林水産省", "Ministry of Agriculture, Forestry and Fisheries", K.MINISTRY, None, {}),
    ("meti", "経済産業省", "Ministry of Economy, Trade and Industry", K.MINISTRY, None, {}),
    (
        "mlit",
        "国土交通省",
        "Ministry of Land, Infrastructure, Transport and Tourism",
        K.MINISTRY,
        None,
        {},
    ),
    ("env", "環境省", "Ministry of the Environment", K.MINISTRY, None, {}),
    ("mod", "防衛省", "Ministry of Defense", K.MINISTRY, None, {}),
    (
        "cfa",
        "こども家庭庁",
        "Children and Families Agency",
        K.MINISTRY,
        None,
        {"valid_from": D(2023, 4, 1)},
    ),
    (
        "ipa",
        "独立行政法人情報処理推進機構",
        "Information-technology Promotion Agency (IPA)",
        K.IPA,
        "meti",
        {},
    ),
    (
        "pmda",
        "独立行政法人医薬品医療機器総合機構",
        "Pharmaceuticals and Medical Devices Agency (PMDA)",
        K.INDEPENDENT_AGENCY,
        "mhlw",
        {},
    ),
    (
        "jetro",
        "独立行政法人日本貿易振興機構",
        "Japan External Trade Organization (JETRO)",
        K.INDEPENDENT_AGENCY,
        "meti",
        {},
    ),
    (
        "gpif",
        "年金積立金管理運用独立行政法人",
        "Government Pension Investment Fund (GPIF)",
        K.INDEPENDENT_AGENCY,
        "mhlw",
        {},
    ),
    (
        "j-lis",
        "地方公共団体情報システム機構",
        "Japan Agency for Local Authority Information Systems (J-LIS)",
        K.J_LIS,
        None,
        {},
    ),
    (
        "tokyo",
        "東京都",
        "Tokyo Metropolis",
        K.LOCAL_GOVERNMENT,
        None,
        {"local_government_level": "prefecture", "local_government_code": "130001"},
    ),
    (
        "shibuya",
        "渋谷区",
        "Shibuya City",
        K.LOCAL_GOVERNMENT,
        "tokyo",
        {"local_government_level": "municipality", "local_government_code": "131130"},
    ),
    (
        "osaka-pref",
        "大阪府",
        "Osaka Prefecture",
        K.LOCAL_GOVERNMENT,
        None,
        {"local_government_level": "prefecture", "local_government_code": "270008"},
    ),
    (
        "osaka-city",
        "大阪市",
        "Osaka City",
        K.LOCAL_GOVERNMENT,
        "osaka-pref",
        {"local_government_level": "municipality", "local_government_code": "271004"},
    ),
    (
        "demo-health-data",
        "一般社団法人サンプル医療データ連携機構",
        "Sample Health Data Exchange (fictional)",
        K.QUASI_PUBLIC,
        None,
        {},
    ),
    (
        "demo-edu-platform",
        "一般財団法人サンプル教育プラットフォーム",
        "Sample Education Platform Foundation (fictional)",
        K.QUASI_PUBLIC,
        None,
        {},
    ),
    (
        "demo-disaster-info",
        "一般社団法人サンプル防災情報センター",
        "Sample Disaster Information Centre (fictional)",
        K.QUASI_PUBLIC,
        None,
        {},
    ),
    (
        "demo-power",
        "サンプル電力株式会社",
        "Sample Power Co. (fictional)",
        K.CI_OPERATOR,
        None,
        {"sector": "electric-power"},
    ),
    (
        "demo-hospital",
        "医療法人サンプル会",
        "Sample Hospital Group (fictional)",
        K.CI_OPERATOR,
        None,
        {"sector": "medical"},
    ),
    (
        "demo-railway",
        "サンプル鉄道株式会社",
        "Sample Railway Co. (fictional)",
        K.CI_OPERATOR,
        None,
        {"sector": "railways"},
    ),
    (
        "uk-ncsc",
        "英国国家サイバーセキュリティセンター",
        "UK National Cyber Security Centre",
        K.OVERSEAS_COUNTERPART,
        None,
        {},
    ),
    (
        "us-cisa",
        "米国サイバーセキュリティ・インフラストラクチャ安全保障庁",
        "US Cybersecurity and Infrastructure Security Agency",
        K.OVERSEAS_COUNTERPART,
        None,
        {},
    ),
    *local_government_rows(),
]

# The national centre's earlier names: the role stayed, the body was reorganised and renamed.
FORMER_NAMES = [
    (
        "nisc",
        "内閣官房情報セキュリティセンター",
        "National Information Security Center",
        D(2005, 4, 25),
        D(2015, 1, 8),
    ),
    (
        "nisc",
        "内閣サイバーセキュリティセンター",
        "National center of Incident readiness and Strategy for Cybersecurity (NISC)",
        D(2015, 1, 9),
        D(2025, 6, 30),
    ),
]

ROLE_HOLDINGS = [
    (R.CABINET, "cabinet", None),
    (R.DIGITAL_AGENCY, "digital-agency", D(2021, 9, 1)),
    (R.NATIONAL_CYBER_CENTRE, "nisc", D(2005, 4, 25)),
    (R.CYBERSECURITY_HQ, "cybersecurity-hq", D(2015, 1, 9)),
    (R.IPA, "ipa", None),
    (R.LOCAL_GOVERNMENT_MINISTRY, "mic", None),
    (R.J_LIS, "j-lis", None),
]

SECTOR_MINISTRIES = {
    "information-communications": "mic",
    "finance": "fsa",
    "aviation": "mlit",
    "airports": "mlit",
    "railways": "mlit",
    "electric-power": "meti",
    "gas": "meti",
    "government-services": "mic",
    "medical": "mhlw",
    "water": "mlit",
    "logistics": "mlit",
    "chemicals": "meti",
    "credit-cards": "meti",
    "petroleum": "meti",
    "ports": "mlit",
}

# Fictional systems, one or two of each category, built as the governance model says.
# code, name, English name, owner, category, extra fields
SYSTEMS: list[tuple[str, str, str, str, str, dict]] = [
    (
        "da-portal",
        "デモ行政ポータル",
        "Demo government portal",
        "digital-agency",
        "digital_agency_system",
        {
            "important": True,
            "phase": "operation",
            "hosting": "government_cloud",
            "cloud_provider": "aws",
            "people_served": 90_000_000,
        },
    ),
    (
        "mhlw-joint-benefits",
        "デモ給付共同システム",
        "Demo joint benefits system",
        "mhlw",
        "joint_system",
        {
            "important": True,
            "phase": "development",
            "hosting": "government_cloud",
            "cloud_provider": "google",
        },
    ),
    (
        "mhlw-case-records",
        "デモ業務記録システム",
        "Demo case records system",
        "mhlw",
        "ministry_system",
        {"phase": "operation", "confidentiality": 3},
    ),
    (
        "meti-statistics",
        "デモ統計システム",
        "Demo statistics system",
        "meti",
        "ministry_system",
        {"phase": "renewal", "hosting": "other_cloud"},
    ),
    (
        "pmda-review",
        "デモ審査管理システム",
        "Demo review management system",
        "pmda",
        "independent_agency_system",
        {"phase": "operation"},
    ),
    (
        "tokyo-resident-registry",
        "デモ住民基本台帳システム（東京都）",
        "Demo resident registry (Tokyo)",
        "tokyo",
        "local_government_system",
        {
            "phase": "operation",
            "standard_business": "resident_registry",
            "migration_status": "in_progress",
            "migration_target": D(2026, 3, 31),
        },
    ),
    (
        "shibuya-family-register",
        "デモ戸籍システム（渋谷区）",
        "Demo family register (Shibuya)",
        "shibuya",
        "local_government_system",
        {
            "phase": "operation",
            "standard_business": "family_register",
            "migration_status": "special_support",
            "special_support_deadline": D(2030, 3, 31),
        },
    ),
    (
        "shibuya-resident-tax",
        "デモ個人住民税システム（渋谷区）",
        "Demo individual resident tax (Shibuya)",
        "shibuya",
        "local_government_system",
        {
            "phase": "operation",
            "hosting": "government_cloud",
            "cloud_provider": "aws",
            "standard_business": "individual_resident_tax",
            "migration_status": "migrated",
            "migration_target": D(2025, 12, 31),
        },
    ),
    (
        "osaka-pref-pension",
        "デモ国民年金システム（大阪府）",
        "Demo national pension system (Osaka)",
        "osaka-pref",
        "local_government_system",
        {
            "phase": "operation",
            "hosting": "government_cloud",
            "cloud_provider": "google",
            "standard_business": "national_pension",
            "migration_status": "migrated",
            "migration_target": D(2025, 9, 30),
        },
    ),
    (
        "osaka-pref-health",
        "デモ健康管理システム（大阪府）",
        "Demo health management system (Osaka)",
        "osaka-pref",
        "local_government_system",
        {
            "phase": "renewal",
            "standard_business": "health_management",
            "migration_status": "not_started",
            "migration_target": D(2026, 1, 31),
        },
    ),
    (
        "demo-health-records",
        "デモ医療情報連携基盤",
        "Demo health information exchange",
        "demo-health-data",
        "quasi_public_system",
        {"phase": "operation", "confidentiality": 3, "people_served": 30_000_000},
    ),
    (
        "demo-learning-platform",
        "デモ学習支援プラットフォーム",
        "Demo learning platform",
        "demo-edu-platform",
        "quasi_public_system",
        {"phase": "development", "hosting": "government_cloud", "cloud_provider": "google"},
    ),
    (
        "demo-power-scada",
        "デモ電力制御システム",
        "Demo power control system",
        "demo-power",
        "ci_system",
        {"phase": "operation", "confidentiality": 3},
    ),
]

# user name (<organisation>-<role>), full name, organisation code, roles
USERS: list[tuple[str, str, str, list[str]]] = [
    ("da-admin", "デモ 管理者", "digital-agency", [Role.PLATFORM_ADMIN]),
    ("da-officer", "デジタル 花子", "digital-agency", [Role.EDITOR]),
    # The second officer who approves the agency's official answers on the co-creation platform.
    ("da-director", "デジタル 一郎", "digital-agency", [Role.EDITOR]),
    ("nisc-auditor", "統括 太郎", "nisc", [Role.AUDITOR]),
    ("nisc-handler", "統括 次郎", "nisc", [Role.INCIDENT_HANDLER]),
    ("ipa-auditor", "推進 三郎", "ipa", [Role.AUDITOR]),
    ("mhlw-officer", "厚労 一子", "mhlw", [Role.ORG_ADMIN, Role.EDITOR]),
    ("meti-officer", "経産 二郎", "meti", [Role.EDITOR]),
    ("meti-handler", "経産 五郎", "meti", [Role.INCIDENT_HANDLER]),
    ("ipa-handler", "推進 六子", "ipa", [Role.INCIDENT_HANDLER]),
    ("demo-power-officer", "電力 七郎", "demo-power", [Role.EDITOR]),
    ("pmda-officer", "機構 三子", "pmda", [Role.EDITOR]),
    ("tokyo-officer", "都庁 四郎", "tokyo", [Role.EDITOR]),
    ("city-officer", "渋谷 八子", "shibuya", [Role.EDITOR]),
    ("qp-officer", "準公 九郎", "demo-health-data", [Role.EDITOR]),
    ("uk-ncsc-liaison", "Alex Smith", "uk-ncsc", [Role.VIEWER]),
]


def demo_password() -> str:
    """SHIREITO_DEMO_PASSWORD, else one generated once and kept in the data directory."""
    configured = os.environ.get("SHIREITO_DEMO_PASSWORD")
    if configured:
        return configured
    path = settings.DATA_DIR / "demo_password"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(f"demo-{secrets.token_urlsafe(9)}")
    return path.read_text().strip()


@dataclass
class DemoLoadResult:
    organizations: int
    users: int


def load_demo_data(
    progress: Callable[[str, int, int], None] | None = None,
    *,
    plan: bool = True,
    cocreation: bool = True,
) -> DemoLoadResult:
    """Bring the database to the demo state in one transaction (all or nothing).

    ``plan=False`` leaves the priority plan out: tests of the other parts load the demo many
    times, and the plan's two years of audited reports and reviews are half of its time.
    ``cocreation=False`` leaves the co-creation platform's conversations out, for the same
    reason."""

    def report(stage: str, done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    password = demo_password()
    with transaction.atomic():
        by_code: dict[str, Organization] = {}
        sectors = {sector.code: sector for sector in Sector.objects.all()}
        for index, (code, name, name_en, kind, parent, extra) in enumerate(ORGANIZATIONS, start=1):
            fields = dict(extra)
            if "sector" in fields:
                fields["sector"] = sectors[fields["sector"]]
            if "local_government_code" in fields:
                fields["corporate_number"] = local_government_corporate_number(
                    fields["local_government_code"]
                )
            by_code[code] = organization_ensure(
                actor=None,
                code=code,
                name=name,
                name_en=name_en,
                kind=kind,
                parent=by_code[parent] if parent else None,
                **fields,
            )
            report("organizations", index, len(ORGANIZATIONS))
        for code, name, name_en, valid_from, valid_to in FORMER_NAMES:
            organization_name_ensure(
                actor=None,
                organization=by_code[code],
                name=name,
                name_en=name_en,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        for role, code, held_from in ROLE_HOLDINGS:
            role_holding_ensure(
                actor=None, role=role, organization=by_code[code], valid_from=held_from
            )
        for code, ministry in SECTOR_MINISTRIES.items():
            sector_update(actor=None, sector=sectors[code], supervising_ministry=by_code[ministry])
        report("reference data", 1, 1)
        if governance_settings().pk is None:
            governance_configure(actor=None, active_model="digital-agency", open_question="none")
        for index, (code, name, name_en, owner, category, extra) in enumerate(SYSTEMS, start=1):
            _ensure_system(code, name, name_en, by_code[owner], category, extra)
            report("systems", index, len(SYSTEMS))
        load_demo_migration(by_code)
        report("migration", 1, 1)
        load_demo_oversight(by_code)
        report("oversight", 1, 1)
        load_demo_catalogs(by_code)
        report("catalogs", 1, 1)
        for index, (username, full_name, org_code, roles) in enumerate(USERS, start=1):
            _ensure_user(username, full_name, by_code[org_code], roles, password)
            report("users", index, len(USERS))
        # After the catalogs (their baselines) and the users (who plan and answer them).
        load_demo_audits(by_code)
        report("audits", 1, 1)
        load_demo_incidents(by_code)
        report("incident reports", 1, 1)
        # After the budgets, catalogs and users: the plan links to them and is written by the
        # Digital Agency's planner.
        if plan:
            load_demo_plan(by_code)
            report("priority plan", 1, 1)
        # After the users, systems and plan its conversations are about.
        if cocreation:
            load_demo_cocreation(by_code)
            report("co-creation platform", 1, 1)
    return DemoLoadResult(organizations=len(ORGANIZATIONS), users=len(USERS))


def _ensure_system(code, name, name_en, owner, category, extra) -> None:
    fields = {"name": name, "name_en": name_en, "owner": owner, "category": category, **extra}
    fields["builder"] = default_builder(category=category, owner=owner)
    existing = InformationSystem.objects.filter(code=code).first()
    if existing is None:
        system_create(actor=None, code=code, **fields)
    else:
        system_update(actor=None, system=existing, **fields)


def _ensure_user(
    username: str, full_name: str, organization: Organization, roles: list[str], password: str
) -> None:
    user = User.objects.filter(username=username).first()
    if user is None:
        user_create(
            actor=None,
            username=username,
            organization=organization,
            password=password,
            full_name=full_name,
            roles=roles,
            check_password_strength=False,
        )
        return
    if user.organization_id != organization.pk:
        raise ValueError(f"demo user {username} exists in another organization; not changing it")
    user_update(actor=None, user=user, full_name=full_name, is_active=True)
    user_set_roles(actor=None, user=user, roles=roles)
    if not user.check_password(password):
        user_set_password(actor=None, user=user, password=password, check_strength=False)
