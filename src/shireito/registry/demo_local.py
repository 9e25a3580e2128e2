"""The demo municipalities' move of their 20 standardised businesses to standard-conformant
systems on the Government Cloud: each municipality at its own stage (``MIGRATION_PROFILES``),
so the control tower's map, a prefecture's and a municipality's own migration pages show
systems migrated, in progress (some behind their target), under special migration support with
their extended deadlines, and not started. Written through the services; a business a
municipality already has a system for is left as it is, so loading again adds nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from shireito.registry.choices import MigrationStatus, StandardBusiness
from shireito.registry.models import InformationSystem
from shireito.registry.services import system_create

D = dt.date

# The 20 standardised businesses (標準化対象の20業務) in Japanese, for the demo systems' names.
BUSINESS_NAMES = {
    "resident_registry": "住民基本台帳",
    "electoral_roll": "選挙人名簿管理",
    "fixed_asset_tax": "固定資産税",
    "individual_resident_tax": "個人住民税",
    "corporate_resident_tax": "法人住民税",
    "light_vehicle_tax": "軽自動車税",
    "national_health_insurance": "国民健康保険",
    "national_pension": "国民年金",
    "disability_welfare": "障害者福祉",
    "late_stage_elderly_medical": "後期高齢者医療",
    "long_term_care_insurance": "介護保険",
    "child_allowance": "児童手当",
    "health_management": "健康管理",
    "school_enrolment": "就学",
    "child_support_allowance": "児童扶養手当",
    "public_assistance": "生活保護",
    "child_care_support": "子ども・子育て支援",
    "seal_registration": "印鑑登録",
    "family_register": "戸籍",
    "family_register_annex": "戸籍の附票",
}

# The deadline every municipality was given (the end of FY2025), the later targets some agreed,
# and the extended deadlines of special migration support (to the end of FY2030 at most).
MIGRATION_TARGET = D(2026, 3, 31)
LATER_TARGETS = [D(2027, 3, 31), D(2026, 12, 31)]
SPECIAL_DEADLINES = [D(2028, 3, 31), D(2029, 3, 31), D(2031, 3, 31)]
PROVIDERS = ["aws", "google", "azure", "oci", "sakura"]

# How far each demo municipality has come with its 20 businesses: migrated, in progress,
# under special support, not started (adding up to 20).
MIGRATION_PROFILES: dict[str, tuple[int, int, int, int]] = {
    "shibuya": (15, 2, 3, 0),
    "shinjuku": (20, 0, 0, 0),
    "setagaya": (12, 5, 3, 0),
    "osaka-city": (14, 3, 3, 0),
    "sakai": (10, 6, 2, 2),
    "sapporo": (8, 5, 6, 1),
    "asahikawa": (5, 7, 5, 3),
    "sendai": (16, 2, 2, 0),
    "fukuoka-city": (17, 2, 1, 0),
    "kitakyushu": (6, 6, 6, 2),
}


def load_demo_migration(by_code: dict) -> int:
    """Add each demo municipality's missing business systems; returns how many were added."""
    added = 0
    businesses = list(StandardBusiness)
    for index, (code, profile) in enumerate(MIGRATION_PROFILES.items()):
        owner = by_code[code]
        present = set(
            InformationSystem.objects.filter(owner=owner).values_list(
                "standard_business", flat=True
            )
        )
        # Each municipality meets the businesses in its own order, so the stages differ.
        shift = (index * 7) % len(businesses)
        order = businesses[shift:] + businesses[:shift]
        for position, (business, status) in enumerate(zip(order, _statuses(profile), strict=True)):
            if business.value in present:
                continue
            system_create(
                actor=None,
                code=f"{code}-{business.value.replace('_', '-')}",
                name=f"デモ{BUSINESS_NAMES[business.value]}システム（{owner.name}）",
                name_en=f"Demo {_english(business.label)} ({owner.name_en})",
                owner=owner,
                category="local_government_system",
                standard_business=business.value,
                phase="operation",
                **_migration(status, index + position),
            )
            added += 1
    return added


def _english(label) -> str:
    with translation.override("en"):
        return str(label)


def _statuses(profile: tuple[int, int, int, int]) -> list[MigrationStatus]:
    migrated, in_progress, special, not_started = profile
    return (
        [MigrationStatus.MIGRATED] * migrated
        + [MigrationStatus.IN_PROGRESS] * in_progress
        + [MigrationStatus.SPECIAL_SUPPORT] * special
        + [MigrationStatus.NOT_STARTED] * not_started
    )


def _migration(status: MigrationStatus, turn: int) -> dict:
    """The fields of a system at this stage; ``turn`` picks provider and dates in turn."""
    if status == MigrationStatus.MIGRATED:
        return {
            "migration_status": status,
            "migration_target": MIGRATION_TARGET,
            "hosting": "government_cloud",
            "cloud_provider": PROVIDERS[turn % len(PROVIDERS)],
        }
    if status == MigrationStatus.SPECIAL_SUPPORT:
        return {
            "migration_status": status,
            "special_support_deadline": SPECIAL_DEADLINES[turn % len(SPECIAL_DEADLINES)],
        }
    if status == MigrationStatus.IN_PROGRESS:
        # Half kept the original target and are now behind it; half agreed a later one.
        later = turn % 2 == 0
        return {
            "migration_status": status,
            "migration_target": LATER_TARGETS[turn // 2 % len(LATER_TARGETS)]
            if later
            else MIGRATION_TARGET,
        }
    return {"migration_status": status, "migration_target": MIGRATION_TARGET}
