"""The demo's local governments beyond the first four: a few prefectures and their
municipalities, with their real names and codes (全国地方公共団体コード, check digit included),
so the control tower's map and the migration pages show bodies at different stages. Read by
``demo.dataset``; their systems come from ``registry.demo_local``."""

from __future__ import annotations

from shireito.organizations.choices import OrganizationKind as K

PREFECTURE, MUNICIPALITY = "prefecture", "municipality"

# code, Japanese name, English name, level, parent code, local government code
LOCAL_GOVERNMENTS: list[tuple[str, str, str, str, str | None, str]] = [
    ("shinjuku", "新宿区", "Shinjuku City", MUNICIPALITY, "tokyo", "131041"),
    ("setagaya", "世田谷区", "Setagaya City", MUNICIPALITY, "tokyo", "131121"),
    ("sakai", "堺市", "Sakai City", MUNICIPALITY, "osaka-pref", "271403"),
    ("hokkaido", "北海道", "Hokkaido", PREFECTURE, None, "010006"),
    ("sapporo", "札幌市", "Sapporo City", MUNICIPALITY, "hokkaido", "011002"),
    ("asahikawa", "旭川市", "Asahikawa City", MUNICIPALITY, "hokkaido", "012041"),
    ("miyagi", "宮城県", "Miyagi Prefecture", PREFECTURE, None, "040002"),
    ("sendai", "仙台市", "Sendai City", MUNICIPALITY, "miyagi", "041009"),
    ("fukuoka-pref", "福岡県", "Fukuoka Prefecture", PREFECTURE, None, "400009"),
    ("fukuoka-city", "福岡市", "Fukuoka City", MUNICIPALITY, "fukuoka-pref", "401307"),
    ("kitakyushu", "北九州市", "Kitakyushu City", MUNICIPALITY, "fukuoka-pref", "401005"),
]


def local_government_rows() -> list[tuple[str, str, str, str, str | None, dict]]:
    """The rows in the shape of ``dataset.ORGANIZATIONS``."""
    return [
        (
            code,
            name,
            name_en,
            K.LOCAL_GOVERNMENT,
            parent,
            {"local_government_level": level, "local_government_code": lg_code},
        )
        for code, name, name_en, level, parent, lg_code in LOCAL_GOVERNMENTS
    ]
