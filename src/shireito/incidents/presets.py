"""The reporting regimes shipped with Shireitō, as plain data (installed by a migration and by
``shireito incidents presets``; platform admins change deadlines and scope afterwards).

Offsets are in hours. Each stage: key, Japanese label, English label, anchor, offset, condition,
required fields, Japanese note, English note. A regime's authority and description are given in
both languages too (``authority``/``authority_en``, ``description``/``description_en``).

Sources: the Common Standards (report to the national centre without delay); the electricity
business rules on cyber incidents (preliminary 24 h, detailed 30 days); the Act on the
Protection of Personal Information and its enforcement rules (preliminary "promptly", about 3-5
days; final 30 days, 60 days for malicious cases); EU NIS2 Art. 23 (early warning 24 h,
notification 72 h, final report one month after the notification); US CIRCIA (covered incident
72 h, ransom payment 24 h).
"""

from __future__ import annotations

DAY = 24

PRESETS: list[dict] = [
    {
        "key": "jp-government",
        "name": "政府機関等のインシデント報告",
        "name_en": "Japanese government bodies: incident report",
        "authority": "国家サイバー統括室",
        "authority_en": "National Cybersecurity Office",
        "description": "統一基準群に基づき、認知後遅滞なく報告する。期限は運用に合わせて設定する。",
        "description_en": (
            "Under the Common Standards, report without delay once aware; set the deadline to "
            "fit practice."
        ),
        "filed_by_route": True,
        "reporter_kinds": [
            "cabinet",
            "digital_agency",
            "national_cyber_centre",
            "cybersecurity_hq",
            "ministry",
            "ipa",
            "independent_agency",
        ],
        "stages": [
            (
                "first-report",
                "第一報 (遅滞なく)",
                "First report (without delay)",
                "aware",
                1,
                "always",
                ["title", "category", "aware_at", "narrative"],
                "期限は設定できます（統一基準群は「遅滞なく」と定めています）。",
                "Deadline configurable: the standards say without delay.",
            ),
        ],
    },
    {
        "key": "jp-electricity",
        "name": "電気事業者のサイバーセキュリティ事故報告",
        "name_en": "Electricity sector: cyber incident report",
        "authority": "経済産業省（所管省庁）",
        "authority_en": "Ministry of Economy, Trade and Industry (sector ministry)",
        "reporter_kinds": ["ci_operator"],
        "sectors": ["electric-power"],
        "filed_by_route": True,
        "stages": [
            (
                "preliminary",
                "速報 (24時間以内)",
                "Preliminary report (within 24 hours)",
                "aware",
                DAY,
                "always",
                ["title", "category", "aware_at", "systems"],
                "",
                "",
            ),
            (
                "detailed",
                "詳報 (30日以内)",
                "Detailed report (within 30 days)",
                "aware",
                30 * DAY,
                "always",
                ["impact", "impact_description", "narrative"],
                "",
                "",
            ),
        ],
    },
    {
        "key": "jp-ppc-breach",
        "name": "個人情報の漏えい等の報告 (個人情報保護委員会)",
        "name_en": "Personal-information breach report to the PPC",
        "authority": "個人情報保護委員会",
        "authority_en": "Personal Information Protection Commission",
        "all_reporters": True,
        "personal_data_only": True,
        "stages": [
            (
                "preliminary",
                "速報 (概ね3〜5日以内)",
                "Preliminary report (within about 3-5 days)",
                "aware",
                5 * DAY,
                "always",
                ["category", "aware_at", "personal_data_count"],
                "規則は「速やかに（概ね3〜5日以内）」と定めています。期限は5日で計算します。",
                "The rules say promptly, about 3 to 5 days; the clock uses 5.",
            ),
            (
                "final",
                "確報 (30日以内)",
                "Final report (within 30 days)",
                "aware",
                30 * DAY,
                "not_malicious",
                ["personal_data_count", "impact_description", "narrative"],
                "",
                "",
            ),
            (
                "final-malicious",
                "確報 (不正目的のおそれ: 60日以内)",
                "Final report (malicious cases: within 60 days)",
                "aware",
                60 * DAY,
                "malicious",
                ["personal_data_count", "impact_description", "narrative"],
                "",
                "",
            ),
        ],
    },
    {
        "key": "eu-nis2",
        "name": "EU NIS2指令 (第23条)",
        "name_en": "EU NIS2 Directive (Art. 23)",
        "authority": "CSIRTまたは所管当局（EU）",
        "authority_en": "CSIRT / competent authority (EU)",
        "description": "EUで事業を行う組織を個別に指定して適用する。",
        "description_en": "Applies to organizations with business in the EU, named one by one.",
        "stages": [
            (
                "early-warning",
                "早期警告 (24時間以内)",
                "Early warning (within 24 hours)",
                "aware",
                DAY,
                "always",
                ["category", "aware_at", "narrative"],
                "",
                "",
            ),
            (
                "notification",
                "インシデント通知 (72時間以内)",
                "Incident notification (within 72 hours)",
                "aware",
                3 * DAY,
                "always",
                ["impact", "impact_description", "indicators"],
                "",
                "",
            ),
            (
                "final-report",
                "最終報告 (通知から1か月以内)",
                "Final report (one month after the notification)",
                "previous",
                30 * DAY,
                "always",
                ["narrative", "impact_description"],
                "1か月は30日として数えます。",
                "One month is counted as 30 days.",
            ),
        ],
    },
    {
        "key": "us-circia",
        "name": "米国CIRCIA",
        "name_en": "US CIRCIA",
        "authority": "CISA（米国）",
        "authority_en": "CISA (US)",
        "description": "米国で重要インフラ事業を行う組織を個別に指定して適用する。",
        "description_en": (
            "Applies to organizations running critical infrastructure in the US, named one by one."
        ),
        "stages": [
            (
                "covered-incident",
                "対象インシデント報告 (72時間以内)",
                "Covered cyber incident report (within 72 hours)",
                "aware",
                3 * DAY,
                "always",
                ["category", "aware_at", "impact_description"],
                "",
                "",
            ),
            (
                "ransom-payment",
                "身代金支払い報告 (24時間以内)",
                "Ransom payment report (within 24 hours)",
                "ransom_paid",
                DAY,
                "ransom_paid",
                ["ransom_paid_at"],
                "",
                "",
            ),
        ],
    },
]
