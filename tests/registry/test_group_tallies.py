"""The group tallies (systems and migration added up by prefecture or ministry) give the same
figures as the owners' tallies, for a viewer who sees everything, whole groups, or only part of
one, and follow a body the directory moves to another prefecture."""

import pytest

from shireito.core.scoping import ALL, narrowed_to
from shireito.organizations import services as organization_services
from shireito.registry import figures, tallies
from tests.dashboard import portfolio_world as world
from tests.kit.factories.accounts import make_user
from tests.organizations.conftest import government  # noqa: F401 - the small government

pytestmark = pytest.mark.django_db


def _both_ways(user):
    """Each whole-government figure read through the group tallies and by owner alone."""
    return [
        (
            figures.migration_overview(user, world.TODAY, use_groups=use_groups),
            figures.portfolio_overview(user, use_groups=use_groups),
        )
        for use_groups in (True, False)
    ]


def test_both_paths_give_identical_figures(government, platform_admin):  # noqa: F811
    # Given national systems and local governments' migration in two prefectures
    world.national(government)
    world.local(government)
    officers = {
        code: make_user(organization=government[code], roles=["viewer"])
        for code in ["tokyo", "shibuya", "mhlw", "da"]
    }
    for user in [platform_admin, *officers.values()]:
        # When the figures are read through the group tallies and by owner alone
        grouped, owned = _both_ways(user)
        # Then they are the same
        assert grouped == owned, user.organization
    # and for someone who sees all of Osaka's group but only part of Tokyo's, both are used
    partial = {government[c].pk for c in ["osaka", "sakai", "shibuya", "mhlw", "pmda"]}
    with narrowed_to(platform_admin, partial):
        whole, rest = figures.split_by_group(figures.migration_ids(platform_admin))
        assert whole == {government["osaka"].pk, government["mhlw"].pk}
        assert rest == {government["shibuya"].pk}
        grouped, owned = _both_ways(platform_admin)
        assert grouped == owned
        assert grouped[0]["systems"] == 5  # Shibuya's three and Sakai's two, not Tokyo's own


def test_the_whole_government_reads_the_group_tallies_whole(platform_admin):
    assert figures.split_by_group(ALL) == (ALL, set())


def test_a_body_moved_to_another_prefecture_moves_its_group_figures(
    government,  # noqa: F811
    platform_admin,
):
    # Given Shibuya's systems counted under Tokyo
    world.local(government)
    before = {
        row["code"]: row["systems"]
        for row in figures.migration_by_prefecture(platform_admin, world.TODAY)
    }
    # When the directory moves Shibuya to Osaka
    organization_services.organization_update(
        actor=platform_admin, organization=government["shibuya"], parent=government["osaka"]
    )
    # Then the group tallies agree with the rows, and Osaka counts Shibuya's systems
    assert tallies.tallies_disagree() == []
    after = {
        row["code"]: row["systems"]
        for row in figures.migration_by_prefecture(platform_admin, world.TODAY)
    }
    assert after == {"tokyo": before["tokyo"] - 3, "osaka": before["osaka"] + 3}
