import copy
import json
from pathlib import Path

import pytest

from shireito.standards.importers import import_catalog
from shireito.standards.selectors import ancestors, compare_catalogs, node_get, search_nodes

pytestmark = pytest.mark.django_db
COMMON = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "standards" / "touitsukijun_r7.json"
)


def test_two_editions_compare_by_published_id():
    data = json.loads(COMMON.read_text(encoding="utf-8"))
    old = import_catalog(
        json.dumps(data).encode(), fmt="common-standards-json", actor=None, key="r7"
    ).catalog
    # the next edition: one requirement reworded, one basic measure dropped, one requirement added
    edited = copy.deepcopy(data)
    items = edited[0]["sections"][0]["subsections"][0]["items"]
    reworded = next(i for i in items if i["id"] == "2.1.1(1)(a)")
    reworded["description"] = "(a)\t機関等は、責任者を一人置くこと。"
    items.remove(next(i for i in items if i["id"] == "2.1.1(1)-1 g)"))
    items.append({"id": "2.1.1(1)(z)", "type": "遵守事項", "description": "(z)\t新しい遵守事項"})
    new = import_catalog(
        json.dumps(edited).encode(), fmt="common-standards-json", actor=None, key="r8"
    ).catalog

    diff = compare_catalogs(old, new)

    assert [n.label for n in diff.added] == ["2.1.1(1)(z)"]
    assert [n.label for n in diff.removed] == ["2.1.1(1)-1 g)"]
    assert [(c.label, c.fields) for c in diff.changed] == [("2.1.1(1)(a)", ("statement",))]


def test_search_and_the_chain_of_a_node():
    catalog = import_catalog(
        COMMON.read_bytes(), fmt="common-standards-json", actor=None, key="r7"
    ).catalog
    found = [n.label for n in search_nodes(catalog, "最高情報セキュリティ副責任者")[:5]]
    assert "2.1.1(1)(b)" in found
    node = node_get(catalog, "2.1.1(1)-1 a)")
    assert [n.label for n in ancestors(node)] == ["2", "2.1", "2.1.1", "2.1.1(1)", "2.1.1(1)-1"]
