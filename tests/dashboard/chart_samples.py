"""Sample figures tables, one per chart kind, for the chart tests and for looking at them."""

from shireito.dashboard.figures import Cell, Chart, Column, Table
from shireito.dashboard.prefectures import PREFECTURES


def bar_table() -> Table:
    rows = [
        ("厚生労働省", 1234, "/registry/systems/?owner=mhlw", "", ""),
        ("デジタル庁", 987, "/registry/systems/?owner=da", "warning", "監査が古い"),
        ("<script>alert(1)</script>省", 12, "", "", ""),
        ("国土交通省", 456, "/registry/systems/?owner=mlit&phase=run", "", ""),
    ]
    return Table(
        key="systems-by-owner",
        title="府省別のシステム数",
        description="各府省が所管する情報システムの数",
        columns=[Column("owner", "府省", "text"), Column("systems", "システム数", "count")],
        rows=[
            [Cell(name), Cell(count, href=href, flag=flag, note=note)]
            for name, count, href, flag, note in rows
        ],
        chart=Chart("bar", label="owner", values=["systems"]),
    )


def budget_bar_table() -> Table:
    rows = [("厚生労働省", 123_456_789_000), ("総務省", 45_600_000), ("デジタル庁", 987_000)]
    return Table(
        key="budget",
        title="府省別の予算",
        columns=[Column("owner", "府省", "text"), Column("approved", "予算額", "yen")],
        rows=[[Cell(n), Cell(v, href=f"/budget/?o={i}")] for i, (n, v) in enumerate(rows)],
        chart=Chart("bar", label="owner", values=["approved"]),
    )


def stacked_table() -> Table:
    rows = [
        ("北海道", 120, 40, 20, 5),
        ("東京都", 300, 10, 4, 0),
        ("沖縄県", 10, 15, 30, 12),
    ]
    columns = [
        Column("prefecture", "都道府県", "text"),
        Column("migrated", "移行済み", "count"),
        Column("on_target", "目標どおり", "count"),
        Column("behind", "遅れ", "count"),
        Column("special", "特定移行支援", "count"),
    ]
    return Table(
        key="migration-status",
        title="都道府県別の移行状況",
        description="標準準拠システムへの移行の状況（業務数）",
        columns=columns,
        rows=[
            [Cell(name)]
            + [
                Cell(v, href=f"/registry/migration/?pref={name}&status={c.key}" if v else "")
                for v, c in zip(values, columns[1:], strict=True)
            ]
            for name, *values in rows
        ],
        chart=Chart("stacked", label="prefecture", values=[c.key for c in columns[1:]]),
    )


def trend_table() -> Table:
    years = [2021, 2022, 2023, 2024, 2025]
    requested = [410e8, 452e8, 498e8, 530e8, 610e8]
    approved = [400e8, 440e8, 470e8, None, 590e8]
    executed = [380e8, 420e8, 455e8, 500e8, 200e8]
    return Table(
        key="budget-trend",
        title="予算の推移",
        description="要求額・予算額・執行額の年度別推移",
        columns=[
            Column("year", "年度", "fiscal_year"),
            Column("requested", "要求額", "yen"),
            Column("approved", "予算額", "yen"),
            Column("executed", "執行額", "yen"),
        ],
        rows=[
            [Cell(y), Cell(r, href=f"/budget/?fy={y}"), Cell(a), Cell(e)]
            for y, r, a, e in zip(years, requested, approved, executed, strict=True)
        ],
        chart=Chart("trend", label="year", values=["requested", "approved", "executed"]),
    )


def tiles_table() -> Table:
    rows = []
    for p in PREFECTURES:
        if p.code == 13:
            continue  # one prefecture without data
        share = round((p.code * 37) % 101 * 1.0, 1)
        rows.append(
            [
                Cell(f"{p.code:02d}"),
                Cell(p.name_ja),
                Cell(
                    share,
                    href=f"/registry/migration/?pref={p.code:02d}",
                    flag="warning" if p.code == 47 else "",
                    note="期限が近い",
                ),
            ]
        )
    return Table(
        key="migration-map",
        title="都道府県別の移行率",
        description="標準準拠システムへ移行した業務の割合",
        columns=[
            Column("code", "コード", "text"),
            Column("prefecture", "都道府県", "text"),
            Column("share", "移行率", "percent"),
        ],
        rows=rows,
        chart=Chart("tiles", label="prefecture", values=["share"], key="code"),
    )


def all_tables() -> list[Table]:
    return [bar_table(), budget_bar_table(), stacked_table(), trend_table(), tiles_table()]
