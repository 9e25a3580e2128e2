"""The demo data set: a small government in the shape of the seed's diagram.

Loaded by ``shireito demo load`` (and by ``make run`` on an empty database). Every write goes
through the services, so the demo has an audit trail like real data; loading twice changes
nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from shireito.accounts.choices import Role
from shireito.accounts.models import User
from shireito.accounts.services import user_create, user_set_password, user_set_roles, user_update
from shireito.organizations.choices import OrganizationKind as K
from shireito.organizations.models import Organization
from shireito.organizations.services import organization_ensure

DEMO_PASSWORD = "shireito-demo-2026"  # noqa: S105 - printed by `make run`, demo only

# code, Japanese name, English name, kind, parent code
ORGANIZATIONS: list[tuple[str, str, str, str, str | None]] = [
    ("cabinet", "内閣", "Cabinet", K.CABINET, None),
    ("digital-agency", "デジタル庁", "Digital Agency", K.DIGITAL_AGENCY, "cabinet"),
    (
        "nco",
        "内閣官房国家サイバー統括室",
        "National Cybersecurity Office",
        K.NATIONAL_CYBER_CENTRE,
        "cabinet",
    ),
    ("mic", "総務省", "Ministry of Internal Affairs and Communications", K.MINISTRY, None),
    ("meti", "経済産業省", "Ministry of Economy, Trade and Industry", K.MINISTRY, None),
    ("mhlw", "厚生労働省", "Ministry of Health, Labour and Welfare", K.MINISTRY, None),
    (
        "mlit",
        "国土交通省",
        "Ministry of Land, Infrastructure, Transport and Tourism",
        K.MINISTRY,
        None,
    ),
    (
        "ipa",
        "独立行政法人情報処理推進機構",
        "Information-technology Promotion Agency",
        K.INDEPENDENT_AGENCY,
        "meti",
    ),
    (
        "demo-health-agency",
        "独立行政法人サンプル保健機構",
        "Sample Health Agency (demo)",
        K.INDEPENDENT_AGENCY,
        "mhlw",
    ),
    ("demo-prefecture", "サンプル県", "Sample Prefecture (demo)", K.LOCAL_GOVERNMENT, None),
    ("demo-city", "サンプル市", "Sample City (demo)", K.LOCAL_GOVERNMENT, "demo-prefecture"),
    ("demo-railway", "サンプル鉄道株式会社", "Sample Railway Co. (demo)", K.CI_OPERATOR, "mlit"),
    (
        "uk-ncsc",
        "英国国家サイバーセキュリティセンター",
        "UK National Cyber Security Centre",
        K.OVERSEAS_COUNTERPART,
        None,
    ),
]

# user name, full name, organisation code, roles
USERS: list[tuple[str, str, str, list[str]]] = [
    ("demo-admin", "デモ 管理者", "digital-agency", [Role.PLATFORM_ADMIN]),
    ("da-editor", "デジタル 花子", "digital-agency", [Role.EDITOR]),
    ("nco-auditor", "統括 太郎", "nco", [Role.AUDITOR]),
    ("nco-handler", "統括 次郎", "nco", [Role.INCIDENT_HANDLER]),
    ("ipa-auditor", "推進 三郎", "ipa", [Role.AUDITOR]),
    ("mhlw-admin", "厚労 一子", "mhlw", [Role.ORG_ADMIN, Role.EDITOR]),
    ("city-viewer", "市役 四郎", "demo-city", [Role.VIEWER]),
]


@dataclass
class DemoLoadResult:
    organizations: int
    users: int


def load_demo_data(progress: Callable[[str, int, int], None] | None = None) -> DemoLoadResult:
    """Bring the database to the demo state in one transaction (all or nothing)."""

    def report(stage: str, done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    with transaction.atomic():
        by_code: dict[str, Organization] = {}
        for index, (code, name, name_en, kind, parent) in enumerate(ORGANIZATIONS, start=1):
            by_code[code] = organization_ensure(
                actor=None,
                code=code,
                name=name,
                name_en=name_en,
                kind=kind,
                parent=by_code[parent] if parent else None,
            )
            report("organizations", index, len(ORGANIZATIONS))
        for index, (username, full_name, org_code, roles) in enumerate(USERS, start=1):
            _ensure_user(username, full_name, by_code[org_code], roles)
            report("users", index, len(USERS))
    return DemoLoadResult(organizations=len(ORGANIZATIONS), users=len(USERS))


def _ensure_user(
    username: str, full_name: str, organization: Organization, roles: list[str]
) -> None:
    user = User.objects.filter(username=username).first()
    if user is None:
        user_create(
            actor=None,
            username=username,
            organization=organization,
            password=DEMO_PASSWORD,
            full_name=full_name,
            roles=roles,
            check_password_strength=False,
        )
        return
    if user.organization_id != organization.pk:
        raise ValueError(f"demo user {username} exists in another organization; not changing it")
    user_update(actor=None, user=user, full_name=full_name, is_active=True)
    user_set_roles(actor=None, user=user, roles=roles)
    if not user.check_password(DEMO_PASSWORD):
        user_set_password(actor=None, user=user, password=DEMO_PASSWORD)
