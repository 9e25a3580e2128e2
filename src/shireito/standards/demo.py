"""Demo catalogs: a small catalog in the Common Standards' structure, written in our own words
(not the government's text), and three catalogs derived from it by OSCAL profiles, as the real
ones derive: MIC's guideline for local governments, a sector safety standard for electricity,
and the Digital Agency's development policy."""

from __future__ import annotations

import json
from pathlib import Path

from shireito.standards.importers import import_catalog
from shireito.standards.models import Catalog
from shireito.standards.profiles import resolve_profile
from shireito.standards.tree import token_for

SAMPLE = Path(__file__).resolve().parent / "demo" / "sample-common-standards.csv"
BASE_KEY = "demo-common-standards"


def _control_id(label: str) -> str:
    return token_for(label)


def _profile(uuid, title, version, controls, adds):
    return {
        "profile": {
            "uuid": uuid,
            "metadata": {
                "title": title,
                "last-modified": "2026-04-01T00:00:00+09:00",
                "version": version,
                "oscal-version": "1.1.2",
            },
            "imports": [
                {
                    "href": "#demo-common-standards",
                    "include-controls": [
                        {"with-ids": [_control_id(c) for c in controls]},
                    ],
                }
            ],
            "modify": {
                "alters": [
                    {
                        "control-id": _control_id(label),
                        "adds": [
                            {
                                "position": "ending",
                                "parts": [
                                    {
                                        "id": f"{_control_id(label)}_{suffix}",
                                        "name": "guidance",
                                        "prose": text,
                                    }
                                ],
                            }
                        ],
                    }
                    for label, suffix, text in adds
                ]
            },
        }
    }


DERIVED = [
    (
        "demo-mic-local-government-guideline",
        "mic",
        _profile(
            "3f0e2a55-6d1b-4c52-9a77-0d6f1c0a0001",
            "地方公共団体の情報セキュリティポリシーに関するガイドライン（デモ）",
            "令和7年度版",
            [
                "2.1.1(1)(a)",
                "2.1.1(1)-1",
                "2.1.2(1)(a)",
                "2.1.2(1)(b)",
                "3.1.1(1)(a)",
                "3.1.2(1)(a)",
                "3.1.2(1)-1",
                "4.1.2(1)(a)",
            ],
            [
                (
                    "2.1.1(1)(a)",
                    "mic",
                    "地方公共団体では、首長が任命する最高情報セキュリティ責任者がこれにあたる。",
                ),
                (
                    "3.1.2(1)(a)",
                    "mic",
                    "住民情報を扱う端末からの持ち出しは、原則として認めない。",
                ),
            ],
        ),
    ),
    (
        "demo-electricity-safety-standard",
        "meti",
        _profile(
            "3f0e2a55-6d1b-4c52-9a77-0d6f1c0a0002",
            "電力制御システムセキュリティガイドライン（デモ）",
            "第1版",
            ["2.1.2(1)(a)", "2.1.2(1)-1", "4.1.2(1)(a)", "4.1.2(1)-1", "4.1.2(2)(a)"],
            [
                (
                    "4.1.2(1)(a)",
                    "power",
                    "制御系のシステムでは、停止計画に合わせて更新を適用する。",
                ),
                (
                    "2.1.2(1)(a)",
                    "power",
                    "重大な事案は、所管省庁と国家サイバー統括室にも直ちに報告する。",
                ),
            ],
        ),
    ),
    (
        "demo-da-development-policy",
        "digital-agency",
        _profile(
            "3f0e2a55-6d1b-4c52-9a77-0d6f1c0a0003",
            "デジタル社会推進標準ガイドライン：開発方針（デモ）",
            "2026年版",
            ["4.1.1(1)(a)", "4.1.1(1)-1", "4.1.2(1)(a)", "4.1.2(2)(a)"],
            [
                (
                    "4.1.1(1)(a)",
                    "da",
                    "要件は、プロジェクト計画書のセキュリティ要件の節にまとめる。",
                ),
            ],
        ),
    ),
]


def load_demo_catalogs(by_code: dict) -> int:
    """Idempotent: catalogs already present are left as they are. Returns catalogs added."""
    added = 0
    base = Catalog.objects.filter(key=BASE_KEY).first()
    if base is None:
        base = import_catalog(
            SAMPLE.read_bytes(),
            fmt="csv",
            actor=None,
            key=BASE_KEY,
            title="政府機関等の情報セキュリティ対策のための統一基準（デモ）",
            edition="令和7年度版",
            owner=by_code["nisc"],
            source_name=SAMPLE.name,
        ).catalog
        added += 1
    for key, owner, document in DERIVED:
        if Catalog.objects.filter(key=key).exists():
            continue
        resolve_profile(
            json.dumps(document, ensure_ascii=False).encode(),
            actor=None,
            key=key,
            owner=by_code[owner],
            catalog=base,
        )
        added += 1
    return added
