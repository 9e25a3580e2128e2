"""The demo platform's spaces and conversations, in our own words (``cocreation.demo`` loads
them). People are named by their demo usernames; organisations by their demo codes."""

from __future__ import annotations

# slug, name, name_en, description, description_en, host, responsible, invited,
# links [(kind, key)], moderators
SPACES: list[tuple] = [
    (
        "gov-cloud",
        "ガバメントクラウド移行",
        "Moving to the Government Cloud",
        "自治体と府省のシステムをガバメントクラウドへ移す作業の進め方、費用、"
        "運用の悩みを持ち寄る場です。デジタル庁と総務省が回答します。",
        "Where local governments and ministries bring their questions on moving systems to "
        "the Government Cloud: planning, cost and operations. The Digital Agency and MIC answer.",
        "digital-agency",
        ["digital-agency", "mic"],
        [],
        [("measure", "3-02"), ("system", "mic-joint-local-link")],
        ["da-officer"],
    ),
    (
        "resident-registry",
        "住民記録システムの標準化",
        "Standardising the resident register systems",
        "住民記録システムの標準仕様への移行について、仕様の読み方や移行手順を話し合います。",
        "Reading the standard specification of resident register systems and planning the "
        "move to a conformant system.",
        "digital-agency",
        ["digital-agency", "mic"],
        [],
        [
            ("standard_business", "resident_registry"),
            ("measure", "3-01"),
        ],
        ["da-officer"],
    ),
    (
        "health-insurance",
        "国民健康保険システムの標準化",
        "Standardising the national health insurance systems",
        "国民健康保険の標準準拠システムへの移行と、医療保険の情報連携について話し合います。",
        "Moving national health insurance to conformant systems, and how it exchanges data "
        "with the health insurance network.",
        "digital-agency",
        ["digital-agency", "mhlw"],
        [],
        [("standard_business", "national_health_insurance")],
        ["da-officer"],
    ),
    (
        "local-security",
        "自治体の情報セキュリティ",
        "Information security in local government",
        "自治体の情報セキュリティ対策、インシデント対応の経験を共有する場です。"
        "英国の国家サイバーセキュリティセンターを招いています。",
        "Sharing practice in local-government information security and incident handling. "
        "The UK's National Cyber Security Centre is invited.",
        "digital-agency",
        ["digital-agency", "nisc"],
        ["uk-ncsc"],
        [],
        ["da-officer"],
    ),
]

# username → spaces joined (beyond those they moderate)
MEMBERS: dict[str, list[str]] = {
    "tokyo-officer": ["gov-cloud", "resident-registry", "health-insurance", "local-security"],
    "city-officer": ["gov-cloud", "resident-registry", "health-insurance", "local-security"],
    "mhlw-officer": ["health-insurance"],
    "nisc-handler": ["local-security"],
    "uk-ncsc-liaison": ["local-security"],
    "da-director": ["gov-cloud", "resident-registry", "health-insurance", "local-security"],
}

# key, space, kind, author, title, body, links, replies [(author, body)]
THREADS: list[tuple] = [
    (
        "cloud-cost",
        "gov-cloud",
        "question",
        "tokyo-officer",
        "移行後の運用経費はどのように見積もればよいですか",
        "ガバメントクラウドに移したあとの**運用経費**の見積もり方を教えてください。\n\n"
        "- 回線費用は含めるべきか\n- 共同利用の場合の按分の考え方\n\n"
        "東京都では来年度予算の要求に向けて整理しています。",
        [("measure", "3-02")],
        [
            (
                "city-officer",
                "渋谷区では、回線費用を含めた総額で見積もり、共同利用分は利用者数で按分しました。"
                "移行前の3年間の実績と比べる表を作ると説明しやすかったです。",
            ),
            (
                "da-officer",
                "回線費用は含めてください。按分は利用者数または処理件数のどちらでも構いませんが、"
                "前提を明記してください。詳しい考え方は公式の回答としてまとめます。",
            ),
        ],
    ),
    (
        "registry-test",
        "resident-registry",
        "question",
        "city-officer",
        "移行前の性能試験はどこまで必要ですか",
        "標準準拠の住民記録システムに移る前の**性能試験**について、"
        "本番と同じ件数のデータが必要でしょうか。",
        [("standard_business", "resident_registry"), ("system", "shibuya-resident-tax")],
        [
            (
                "tokyo-officer",
                "東京都では本番相当の件数で試験しました。繁忙期（3月）の処理量を想定すると安心です。",
            ),
        ],
    ),
    (
        "registry-batch",
        "resident-registry",
        "question",
        "tokyo-officer",
        "夜間バッチの実行時間の目安はありますか",
        "標準仕様では夜間バッチの実行時間についての定めがありますか。",
        [("standard_business", "resident_registry")],
        [],
    ),
    (
        "shared-checklist",
        "gov-cloud",
        "proposal",
        "city-officer",
        "移行チェックリストを共通様式にしてほしい",
        "各自治体が個別に作っている移行チェックリストを、デジタル庁の共通様式として"
        "公開してほしいという提案です。渋谷区の様式を叩き台として添付できます。",
        [("measure", "3-02")],
        [
            ("tokyo-officer", "東京都も賛成です。区市町村からも同じ声を聞いています。"),
        ],
    ),
    (
        "security-drill",
        "local-security",
        "discussion",
        "tokyo-officer",
        "標的型メール訓練の頻度",
        "職員向けの標的型メール訓練を年に何回行っていますか。東京都は年2回です。",
        [],
        [
            ("city-officer", "渋谷区は年1回ですが、新任職員には着任時に追加で行っています。"),
            (
                "uk-ncsc-liaison",
                "In the UK many councils run short exercises every quarter rather than one "
                "large drill a year.",
            ),
        ],
    ),
    (
        "maintenance-notice",
        "gov-cloud",
        "notice",
        "da-officer",
        "【お知らせ】移行支援窓口の受付時間の変更",
        "来月から移行支援窓口の受付時間を平日9時から18時までに延長します。",
        [],
        [],
    ),
]
