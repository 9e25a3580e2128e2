"""What other apps add to a control's page, and the rule of the comparison's filter."""

from types import SimpleNamespace

import pytest

from shireito.standards import sections
from shireito.standards.forms import CompareFilter
from shireito.standards.importers import import_catalog

pytestmark = pytest.mark.django_db
SHEET = (
    "id,parent,kind,title,statement,guidance\n"
    "1,,part,Organisation,,\n"
    "1.1,1,control,Appoint a lead,Appoint one person.,\n"
)
SECTION = "standards/sections/results_across_audits.html"


@pytest.fixture
def catalog():
    return import_catalog(SHEET.encode(), fmt="csv", actor=None, key="small").catalog


@pytest.fixture
def only_a_test_section(monkeypatch):
    """The registry holding only this test's section (the audits app's own is replaced)."""
    asked = []

    def context(user, node):
        asked.append((user, node.label))
        return {"across_audits": SimpleNamespace(count=0, totals=[], recent=[])}

    monkeypatch.setattr(sections, "_control_sections", {})
    sections.register_control_section(template=SECTION, context=context)
    return asked


def test_a_registered_section_shows_on_a_controls_page_not_on_a_groups(
    client, viewer, catalog, only_a_test_section
):
    # given a section registered by an app above standards
    client.force_login(viewer)
    control = catalog.nodes.get(label="1.1")
    group = catalog.nodes.get(label="1")
    # when the control's page and its group's page are opened
    on_control = client.get(f"/standards/small/controls/{control.oscal_id}/").content.decode()
    on_group = client.get(f"/standards/small/controls/{group.oscal_id}/").content.decode()
    # then only the control's page shows it, asked for that control and that user
    assert "audits-title" in on_control and "audits-title" not in on_group
    assert only_a_test_section == [(viewer, "1.1")]


def test_the_comparison_needs_both_editions_once_one_is_named(catalog):
    # given the catalogs a user may see
    catalogs = [catalog]
    # when one edition is named and the other left empty or unknown
    one_named = CompareFilter({"old": "small"}, catalogs=catalogs)
    unknown = CompareFilter({"old": "small", "new": "nope"}, catalogs=catalogs)
    untouched = CompareFilter({}, catalogs=catalogs)
    # then the other is an error, its value is dropped, and a first visit asks for nothing
    assert one_named.values() == {"old": "small", "new": ""} and "new" in one_named.errors
    assert unknown.values()["new"] == "" and "new" in unknown.errors
    assert untouched.values() == {"old": "", "new": ""} and not untouched.errors
