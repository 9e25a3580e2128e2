"""The 47 prefectures by JIS code (JIS X 0401), with their place on the tower's tile map.

The tile map is a grid cartogram: every prefecture the same square, so Tokyo weighs as much as
Hokkaido and none hides behind its neighbours. The grid keeps the country's shape: Hokkaido top
right, Tohoku down the right edge, Honshu as a band to the lower left, Shikoku under Chugoku,
Kyushu at the left and Okinawa in the bottom-left corner.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prefecture:
    code: int
    name_ja: str
    name_en: str
    col: int
    row: int

    @property
    def short_ja(self) -> str:
        """The name without 都/府/県 (北海道 keeps its 道): what fits on a tile."""
        return self.name_ja if self.code == 1 else self.name_ja[:-1]


PREFECTURES: tuple[Prefecture, ...] = (
    Prefecture(1, "北海道", "Hokkaido", 12, 0),
    Prefecture(2, "青森県", "Aomori", 12, 1),
    Prefecture(3, "岩手県", "Iwate", 12, 2),
    Prefecture(4, "宮城県", "Miyagi", 12, 3),
    Prefecture(5, "秋田県", "Akita", 11, 2),
    Prefecture(6, "山形県", "Yamagata", 11, 3),
    Prefecture(7, "福島県", "Fukushima", 11, 4),
    Prefecture(8, "茨城県", "Ibaraki", 12, 5),
    Prefecture(9, "栃木県", "Tochigi", 11, 5),
    Prefecture(10, "群馬県", "Gunma", 10, 5),
    Prefecture(11, "埼玉県", "Saitama", 10, 6),
    Prefecture(12, "千葉県", "Chiba", 12, 6),
    Prefecture(13, "東京都", "Tokyo", 11, 6),
    Prefecture(14, "神奈川県", "Kanagawa", 10, 7),
    Prefecture(15, "新潟県", "Niigata", 10, 4),
    Prefecture(16, "富山県", "Toyama", 9, 4),
    Prefecture(17, "石川県", "Ishikawa", 8, 4),
    Prefecture(18, "福井県", "Fukui", 7, 5),
    Prefecture(19, "山梨県", "Yamanashi", 9, 6),
    Prefecture(20, "長野県", "Nagano", 9, 5),
    Prefecture(21, "岐阜県", "Gifu", 8, 5),
    Prefecture(22, "静岡県", "Shizuoka", 9, 7),
    Prefecture(23, "愛知県", "Aichi", 8, 6),
    Prefecture(24, "三重県", "Mie", 7, 7),
    Prefecture(25, "滋賀県", "Shiga", 7, 6),
    Prefecture(26, "京都府", "Kyoto", 6, 6),
    Prefecture(27, "大阪府", "Osaka", 5, 7),
    Prefecture(28, "兵庫県", "Hyogo", 5, 6),
    Prefecture(29, "奈良県", "Nara", 6, 7),
    Prefecture(30, "和歌山県", "Wakayama", 5, 8),
    Prefecture(31, "鳥取県", "Tottori", 4, 5),
    Prefecture(32, "島根県", "Shimane", 3, 5),
    Prefecture(33, "岡山県", "Okayama", 4, 6),
    Prefecture(34, "広島県", "Hiroshima", 3, 6),
    Prefecture(35, "山口県", "Yamaguchi", 2, 6),
    Prefecture(36, "徳島県", "Tokushima", 4, 8),
    Prefecture(37, "香川県", "Kagawa", 4, 7),
    Prefecture(38, "愛媛県", "Ehime", 3, 7),
    Prefecture(39, "高知県", "Kochi", 3, 8),
    Prefecture(40, "福岡県", "Fukuoka", 1, 7),
    Prefecture(41, "佐賀県", "Saga", 0, 7),
    Prefecture(42, "長崎県", "Nagasaki", 0, 8),
    Prefecture(43, "熊本県", "Kumamoto", 1, 8),
    Prefecture(44, "大分県", "Oita", 2, 7),
    Prefecture(45, "宮崎県", "Miyazaki", 2, 8),
    Prefecture(46, "鹿児島県", "Kagoshima", 1, 9),
    Prefecture(47, "沖縄県", "Okinawa", 0, 10),
)

BY_CODE: dict[int, Prefecture] = {p.code: p for p in PREFECTURES}
COLUMNS = 1 + max(p.col for p in PREFECTURES)
ROWS = 1 + max(p.row for p in PREFECTURES)


def prefecture_code(key: object) -> int | None:
    """A JIS prefecture code from a cell's key ("01", 1, "13" or a 6-digit local-government
    code whose first two digits are the prefecture's); None when it names no prefecture."""
    text = str(key or "").strip()
    if not text.isdigit():
        return None
    code = int(text[:2]) if len(text) >= 5 else int(text)
    return code if code in BY_CODE else None
