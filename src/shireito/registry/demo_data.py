"""The demo portfolio's tables: fictional national systems across the ministries (the Digital
Agency's important systems, joint systems, ministries' own, quasi-public bodies'), the yen
they ask for, and the Digital Agency's ratings and recommendations. Every name is our own,
prefixed デモ; none describes a real system. Read by ``registry.demo``."""

from __future__ import annotations

import datetime as dt

D = dt.date

# code, name, English name, owner, category, fields, (development, operation) yen requested in
# the first of the five demo years. The Digital Agency builds its own and the joint systems
# (the governance model's rule); each ministry and quasi-public body builds its own.
NATIONAL_SYSTEMS: list[tuple[str, str, str, str, str, dict, tuple[int, int]]] = [
    # --- the Digital Agency's own: the important systems it builds and runs itself
    (
        "da-mynumber-exchange",
        "デモ個人番号情報連携基盤",
        "Demo My Number data exchange platform",
        "digital-agency",
        "digital_agency_system",
        {
            "important": True,
            "phase": "operation",
            "hosting": "government_cloud",
            "cloud_provider": "aws",
            "confidentiality": 3,
            "people_served": 120_000_000,
        },
        (2_600_000_000, 5_800_000_000),
    ),
    (
        "da-cloud-console",
        "デモガバメントクラウド利用管理基盤",
        "Demo Government Cloud tenancy management",
        "digital-agency",
        "digital_agency_system",
        {
            "important": True,
            "phase": "operation",
            "hosting": "government_cloud",
            "cloud_provider": "google",
        },
        (1_400_000_000, 3_100_000_000),
    ),
    (
        "da-common-auth",
        "デモ共通認証基盤",
        "Demo common authentication service",
        "digital-agency",
        "digital_agency_system",
        {
            "important": True,
            "phase": "development",
            "hosting": "government_cloud",
            "cloud_provider": "azure",
            "confidentiality": 3,
            "people_served": 80_000_000,
        },
        (3_900_000_000, 600_000_000),
    ),
    (
        "da-base-registry",
        "デモベース・レジストリ公開基盤",
        "Demo base registry publication service",
        "digital-agency",
        "digital_agency_system",
        {
            "important": True,
            "phase": "development",
            "hosting": "government_cloud",
            "cloud_provider": "oci",
        },
        (1_700_000_000, 350_000_000),
    ),
    (
        "da-gov-network",
        "デモ府省共通ネットワーク",
        "Demo inter-ministry network",
        "digital-agency",
        "digital_agency_system",
        {"important": True, "phase": "operation", "hosting": "on_premises", "availability": 2},
        (900_000_000, 4_200_000_000),
    ),
    (
        "da-payment-accounts",
        "デモ公金受取口座登録基盤",
        "Demo public-payment account registry",
        "digital-agency",
        "digital_agency_system",
        {
            "important": True,
            "phase": "operation",
            "hosting": "government_cloud",
            "cloud_provider": "aws",
            "confidentiality": 3,
            "people_served": 60_000_000,
        },
        (600_000_000, 1_300_000_000),
    ),
    (
        "da-open-data",
        "デモ行政データ公開カタログ",
        "Demo open government data catalogue",
        "digital-agency",
        "digital_agency_system",
        {"phase": "renewal", "hosting": "government_cloud", "cloud_provider": "sakura"},
        (250_000_000, 180_000_000),
    ),
    # --- joint systems: owned with a ministry, built by the Digital Agency
    (
        "moj-joint-family-register",
        "デモ戸籍情報連携共同システム",
        "Demo family register exchange (joint)",
        "moj",
        "joint_system",
        {
            "important": True,
            "phase": "operation",
            "hosting": "government_cloud",
            "cloud_provider": "aws",
            "confidentiality": 3,
        },
        (1_100_000_000, 1_600_000_000),
    ),
    (
        "mlit-joint-vehicle",
        "デモ自動車保有手続共同システム",
        "Demo vehicle ownership procedures (joint)",
        "mlit",
        "joint_system",
        {"phase": "operation", "hosting": "government_cloud", "cloud_provider": "azure"},
        (500_000_000, 900_000_000),
    ),
    (
        "cfa-joint-childcare",
        "デモ子育て手続共同システム",
        "Demo child-rearing procedures (joint)",
        "cfa",
        "joint_system",
        {
            "important": True,
            "phase": "development",
            "hosting": "government_cloud",
            "cloud_provider": "google",
        },
        (2_200_000_000, 300_000_000),
    ),
    (
        "mic-joint-local-link",
        "デモ自治体間連携共同基盤",
        "Demo local government exchange (joint)",
        "mic",
        "joint_system",
        {"phase": "procurement", "hosting": "government_cloud", "cloud_provider": "aws"},
        (800_000_000, 150_000_000),
    ),
    (
        "mof-joint-e-filing",
        "デモ電子申告共同受付基盤",
        "Demo e-filing reception (joint)",
        "mof",
        "joint_system",
        {
            "important": True,
            "phase": "renewal",
            "hosting": "government_cloud",
            "cloud_provider": "oci",
            "people_served": 25_000_000,
        },
        (1_500_000_000, 2_000_000_000),
    ),
    # --- the ministries' own systems
    (
        "cao-disaster-info",
        "デモ防災情報共有システム",
        "Demo disaster information sharing system",
        "cao",
        "ministry_system",
        {
            "important": True,
            "phase": "operation",
            "hosting": "government_cloud",
            "cloud_provider": "azure",
            "availability": 2,
        },
        (420_000_000, 760_000_000),
    ),
    (
        "npa-licences",
        "デモ運転免許管理システム",
        "Demo driving licence management system",
        "npa",
        "ministry_system",
        {"important": True, "phase": "renewal", "hosting": "on_premises", "confidentiality": 3},
        (1_300_000_000, 1_100_000_000),
    ),
    (
        "fsa-supervision",
        "デモ金融機関監督情報システム",
        "Demo financial supervision information system",
        "fsa",
        "ministry_system",
        {"phase": "operation", "hosting": "other_cloud", "confidentiality": 3},
        (120_000_000, 380_000_000),
    ),
    (
        "mext-schools",
        "デモ学校基本情報システム",
        "Demo school information system",
        "mext",
        "ministry_system",
        {"phase": "operation", "hosting": "government_cloud", "cloud_provider": "google"},
        (160_000_000, 290_000_000),
    ),
    (
        "mlit-roads",
        "デモ道路管理情報システム",
        "Demo road management information system",
        "mlit",
        "ministry_system",
        {"phase": "operation", "hosting": "on_premises"},
        (200_000_000, 520_000_000),
    ),
    (
        "mod-equipment",
        "デモ物品管理システム",
        "Demo equipment management system",
        "mod",
        "ministry_system",
        {"phase": "planning", "hosting": "on_premises", "confidentiality": 3},
        (90_000_000, 60_000_000),
    ),
    (
        "mhlw-vaccination",
        "デモ予防接種記録システム",
        "Demo vaccination records system",
        "mhlw",
        "ministry_system",
        {
            "important": True,
            "phase": "operation",
            "hosting": "government_cloud",
            "cloud_provider": "aws",
            "confidentiality": 3,
            "people_served": 100_000_000,
        },
        (700_000_000, 1_900_000_000),
    ),
    (
        "meti-trade-permits",
        "デモ貿易手続システム",
        "Demo trade procedures system",
        "meti",
        "ministry_system",
        {"phase": "development", "hosting": "government_cloud", "cloud_provider": "aws"},
        (640_000_000, 120_000_000),
    ),
    (
        "maff-farmland",
        "デモ農地情報システム",
        "Demo farmland information system",
        "maff",
        "ministry_system",
        {"phase": "operation", "hosting": "on_premises"},
        (110_000_000, 240_000_000),
    ),
    (
        "env-emissions",
        "デモ排出量報告システム",
        "Demo emissions reporting system",
        "env",
        "ministry_system",
        {"phase": "development", "hosting": "government_cloud", "cloud_provider": "sakura"},
        (330_000_000, 70_000_000),
    ),
    (
        "mofa-passports",
        "デモ旅券発給管理システム",
        "Demo passport issuance system",
        "mofa",
        "ministry_system",
        {"important": True, "phase": "operation", "hosting": "on_premises", "confidentiality": 3},
        (450_000_000, 980_000_000),
    ),
    (
        "moj-immigration",
        "デモ出入国管理システム",
        "Demo border control system",
        "moj",
        "ministry_system",
        {
            "important": True,
            "phase": "operation",
            "hosting": "on_premises",
            "confidentiality": 3,
            "availability": 2,
        },
        (1_000_000_000, 2_300_000_000),
    ),
    (
        "mic-radio-licences",
        "デモ電波利用申請システム",
        "Demo radio licence application system",
        "mic",
        "ministry_system",
        {"phase": "operation", "hosting": "other_cloud"},
        (140_000_000, 260_000_000),
    ),
    (
        "cfa-child-data",
        "デモこども政策データ基盤",
        "Demo child policy data platform",
        "cfa",
        "ministry_system",
        {"phase": "planning", "hosting": "government_cloud", "cloud_provider": "google"},
        (180_000_000, 40_000_000),
    ),
    # --- quasi-public bodies (準公共): overseen, not recommended to
    (
        "demo-disaster-shelters",
        "デモ避難所情報連携基盤",
        "Demo evacuation shelter information exchange",
        "demo-disaster-info",
        "quasi_public_system",
        {"phase": "development", "hosting": "government_cloud", "cloud_provider": "azure"},
        (260_000_000, 90_000_000),
    ),
    (
        "demo-school-affairs",
        "デモ校務支援クラウド",
        "Demo school administration cloud",
        "demo-edu-platform",
        "quasi_public_system",
        {"phase": "operation", "hosting": "government_cloud", "cloud_provider": "google"},
        (150_000_000, 210_000_000),
    ),
    # --- independent administrative agencies: audited through IPA, not under the single budget
    (
        "jetro-trade-info",
        "デモ海外市場情報システム",
        "Demo overseas market information system",
        "jetro",
        "independent_agency_system",
        {"phase": "operation", "hosting": "other_cloud"},
        (0, 0),
    ),
    (
        "gpif-asset-management",
        "デモ資産運用管理システム",
        "Demo asset management system",
        "gpif",
        "independent_agency_system",
        {"phase": "operation", "hosting": "on_premises", "confidentiality": 3},
        (0, 0),
    ),
]

# The ministries' systems the first demo had (with their first-year requests, as above).
MINISTRY_SYSTEMS: list[tuple[str, str, str, str, str, dict, tuple[int, int]]] = [
    (
        "mof-customs",
        "デモ通関手続システム",
        "Demo customs procedures system",
        "mof",
        "ministry_system",
        {
            "important": True,
            "phase": "operation",
            "hosting": "government_cloud",
            "cloud_provider": "aws",
        },
        (520_000_000, 1_400_000_000),
    ),
    (
        "moj-registry",
        "デモ登記情報システム",
        "Demo registration information system",
        "moj",
        "ministry_system",
        {"important": True, "phase": "renewal", "hosting": "on_premises"},
        (1_600_000_000, 1_200_000_000),
    ),
    (
        "mic-statistics",
        "デモ統計調査システム",
        "Demo statistical survey system",
        "mic",
        "ministry_system",
        {"phase": "operation", "hosting": "government_cloud", "cloud_provider": "azure"},
        (240_000_000, 310_000_000),
    ),
    (
        "maff-subsidies",
        "デモ補助金申請システム",
        "Demo subsidy application system",
        "maff",
        "ministry_system",
        {"phase": "development", "hosting": "government_cloud", "cloud_provider": "google"},
        (480_000_000, 90_000_000),
    ),
    (
        "env-permits",
        "デモ許認可管理システム",
        "Demo permits management system",
        "env",
        "ministry_system",
        {"phase": "operation", "hosting": "other_cloud"},
        (60_000_000, 150_000_000),
    ),
    (
        "mofa-consular",
        "デモ領事業務システム",
        "Demo consular services system",
        "mofa",
        "ministry_system",
        {"important": True, "phase": "procurement", "hosting": "on_premises"},
        (700_000_000, 520_000_000),
    ),
]

# First-year requests of the systems ``demo.dataset`` adds (development, operation).
BASE_REQUEST = {
    "da-portal": (1_800_000_000, 2_400_000_000),
    "mhlw-joint-benefits": (3_200_000_000, 900_000_000),
    "mhlw-case-records": (150_000_000, 420_000_000),
    "meti-statistics": (380_000_000, 260_000_000),
    "demo-health-records": (300_000_000, 450_000_000),
    "demo-learning-platform": (220_000_000, 80_000_000),
}
DEFAULT_REQUEST = (240_000_000, 310_000_000)

# Why the Digital Agency reduced a request: one picked per reduced line, in turn.
REDUCTION_NOTES = [
    "要件の精査により、開発経費を減額",
    "前年度の執行率を踏まえ、開発経費を減額",
    "共通基盤の利用で重複する機能を削り、開発経費を減額",
    "ガバメントクラウドへの移行後の見積りで足りるため、開発経費を減額",
]

# A reason for each level of risk (1 low – 5 high), two wordings each, used in turn.
RATING_REASONS = {
    1: [
        "ガバメントクラウドへの移行が完了し、運用体制も整っているため",
        "監査の指摘事項がすべて是正され、稼働も安定しているため",
    ],
    2: [
        "稼働は安定しているが、運用の外部委託先の管理に改善の余地があるため",
        "更改の計画はあるが、予算と日程の見通しが立っているため",
    ],
    3: [
        "稼働中の重要システムで、更改計画が未確定のため",
        "開発は計画どおりだが、要件の変更が続いているため",
    ],
    4: [
        "調達手続中で、要件定義の遅れが見られるため",
        "監査で重大な不適合が指摘され、是正が期限を過ぎているため",
    ],
    5: [
        "更改が大幅に遅れ、保守期限の切れた機器で稼働しているため",
        "開発の遅れが続き、稼働開始の見通しが示されていないため",
    ],
}

# Ratings chosen on purpose: systems whose own self-assessment says one thing and the Digital
# Agency's view another. code: [(days ago, risk, reason)], oldest first.
RATINGS_CHOSEN: dict[str, list[tuple[int, int, str]]] = {
    "mhlw-case-records": [
        (430, 2, "自己点検では重要な不適合はないとされ、稼働も安定しているため"),
        (
            35,
            4,
            "自己点検では概ね充足とされているが、監査で脆弱性への対応の遅れが"
            "指摘され、是正が期限を過ぎているため",
        ),
    ],
    "meti-statistics": [
        (400, 3, "更改の計画はあるが、旧システムの保守期限が近いため"),
        (
            60,
            4,
            "自己点検では大半の項目を充足としているが、旧システムの更新の確認が"
            "止まったまま更改が遅れているため",
        ),
    ],
    "da-portal": [
        (500, 2, "稼働は安定しているが、利用者の増加に備えた性能の検証が残るため"),
        (
            15,
            3,
            "自己点検ではすべて充足としているが、監査で委員会の開催記録がないことが"
            "確かめられたため",
        ),
    ],
    "moj-registry": [
        (700, 4, "更改が遅れ、保守期限の切れた機器で稼働しているため"),
    ],
}

# ministry, systems, reason, state, days until the answer is due (negative: already late)
RECOMMENDATIONS: list[tuple[str, list[str], str, str, int]] = [
    ("mhlw", ["mhlw-case-records"], "更改計画と予算要求の整合について説明を求める", "open", 45),
    ("moj", ["moj-registry"], "更改の遅れについて改善計画の提出を求める", "overdue", -40),
    ("meti", ["meti-statistics"], "クラウド移行計画の具体化を求める", "answered", 45),
    ("mof", ["mof-customs"], "障害発生時の報告体制の見直しを求める", "closed", 45),
    ("mofa", ["mofa-consular"], "調達仕様へのセキュリティ要件の反映を求める", "escalated", 45),
    (
        "npa",
        ["npa-licences"],
        "更改に合わせ、共通認証基盤の利用を検討し結果を報告するよう求める",
        "open",
        60,
    ),
    (
        "mhlw",
        ["mhlw-vaccination"],
        "保存する個人情報の範囲と保存期間を見直し、結果を報告するよう求める",
        "overdue",
        -12,
    ),
    (
        "mlit",
        ["mlit-roads"],
        "オンプレミスで運用する理由と、ガバメントクラウドへの移行の見通しを示すよう求める",
        "answered",
        30,
    ),
    (
        "mod",
        ["mod-equipment"],
        "企画の段階で、他府省の物品管理の仕組みとの共通化を検討するよう求める",
        "open",
        90,
    ),
    (
        "moj",
        ["moj-immigration"],
        "繁忙期の処理能力の試験を行い、その結果を報告するよう求める",
        "closed",
        30,
    ),
    (
        "env",
        ["env-emissions"],
        "開発の進捗と予算の執行の遅れについて、理由と見通しを示すよう求める",
        "overdue",
        -75,
    ),
]

# The ministries' answers to the answered and closed recommendations, by their first system.
ANSWERS = {
    "meti-statistics": "クラウド移行の工程表を見直し、次年度の予算要求に反映します。",
    "mlit-roads": "移行の見通しを整理しました。更改に合わせて移行し、工程表を添えて報告します。",
    "moj-immigration": (
        "繁忙期を想定した試験を行いました。処理能力に問題はなく、結果を添えて報告します。"
    ),
    "mof-customs": "障害時の報告手順を改め、連絡先の一覧を毎月確かめることとしました。",
}
