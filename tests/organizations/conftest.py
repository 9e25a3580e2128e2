import datetime as dt

import pytest

from shireito.organizations.models import Sector
from shireito.organizations.services import role_holding_ensure
from tests.factories import make_organization


@pytest.fixture
def government(db):
    """A small government in the seed's shape, with the roles held as today."""
    return small_government()


def small_government() -> dict:
    """The ``government`` fixture's organisations, for a module fixture that builds on them."""
    orgs = {}
    orgs["cabinet"] = make_organization(code="cabinet", kind="cabinet")
    orgs["da"] = make_organization(code="da", kind="digital_agency")
    orgs["nisc"] = make_organization(code="nisc", kind="national_cyber_centre")
    orgs["hq"] = make_organization(code="hq", kind="cybersecurity_hq")
    orgs["mic"] = make_organization(code="mic", kind="ministry")
    orgs["mhlw"] = make_organization(code="mhlw", kind="ministry")
    orgs["meti"] = make_organization(code="meti", kind="ministry")
    orgs["ipa"] = make_organization(code="ipa", kind="ipa", parent=orgs["meti"])
    orgs["pmda"] = make_organization(code="pmda", kind="independent_agency", parent=orgs["mhlw"])
    orgs["jetro"] = make_organization(code="jetro", kind="independent_agency", parent=orgs["meti"])
    orgs["tokyo"] = make_organization(
        code="tokyo",
        kind="local_government",
        local_government_level="prefecture",
        local_government_code="130001",
    )
    orgs["shibuya"] = make_organization(
        code="shibuya",
        kind="local_government",
        local_government_level="municipality",
        parent=orgs["tokyo"],
        local_government_code="131130",
    )
    power = Sector.objects.get(code="electric-power")
    power.supervising_ministry = orgs["meti"]
    power.save()
    orgs["power"] = make_organization(code="power", kind="ci_operator", sector=power)
    orgs["ncsc"] = make_organization(code="ncsc", kind="overseas_counterpart")
    for role, key, start in [
        ("digital_agency", "da", dt.date(2021, 9, 1)),
        ("national_cyber_centre", "nisc", None),
        ("cybersecurity_hq", "hq", None),
        ("ipa", "ipa", None),
        ("local_government_ministry", "mic", None),
        ("cabinet", "cabinet", None),
    ]:
        role_holding_ensure(actor=None, role=role, organization=orgs[key], valid_from=start)
    return orgs
