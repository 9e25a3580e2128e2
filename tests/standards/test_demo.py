"""The demo shows the derivation the issue asks for: MIC's guideline, an electricity-sector
standard and the Digital Agency's development policy, each derived from the demo catalog."""

import pytest

from shireito.demo.dataset import load_demo_data
from shireito.standards.models import Catalog

pytestmark = pytest.mark.django_db


def test_the_demo_catalog_and_its_three_derivations(demo_mode):
    load_demo_data(plan=False, cocreation=False)
    base = Catalog.objects.get(key="demo-common-standards")
    assert base.owner.code == "nisc"
    kinds = set(base.nodes.values_list("kind", flat=True))
    assert {"part", "section", "subsection", "measure", "requirement", "basic_measure"} <= kinds
    derived = {c.key: c for c in base.derivatives.select_related("owner")}
    assert {k: c.owner.code for k, c in derived.items()} == {
        "demo-mic-local-government-guideline": "mic",
        "demo-electricity-safety-standard": "meti",
        "demo-da-development-policy": "digital-agency",
    }
    mic = derived["demo-mic-local-government-guideline"]
    node = mic.nodes.get(label="2.1.1(1)(a)")
    assert node.source.catalog == base
    assert "首長" in node.guidance and node.guidance.startswith(node.source.guidance)
    # loading again changes nothing
    before = Catalog.objects.count()
    load_demo_data(plan=False, cocreation=False)
    assert Catalog.objects.count() == before == 4
