"""The published plan's pages, read without signing in: what is published shows, nothing
internal ever does, a draft edition answers 404 as a year never written, both languages."""

import pytest
from django.test import Client

from shireito.plans.selectors import publication
from tests.plans.publication_world import SECRETS

pytestmark = pytest.mark.django_db


def _pages(client, year=2026):
    return [
        "/priority-plan/",
        f"/priority-plan/{year}/",
        f"/priority-plan/{year}/?principle=3",
        f"/priority-plan/{year}/measures/M-1/",
        f"/priority-plan/{year}/measures/M-2/",
    ]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_public_reads_the_published_plan_without_signing_in(world, language):
    # given the published 2026 edition, and an anonymous reader who chose a language
    client = Client()
    client.cookies["django_language"] = language
    # when they open every public page
    for path in _pages(client):
        response = client.get(path)
        # then each answers, in their language
        assert response.status_code == 200, path
        assert response["Content-Language"] == language
    measure = client.get("/priority-plan/2026/measures/M-1/").content.decode()
    assert "REVIEWED-REASON-PUBLIC" in measure
    assert ">210<" in measure  # the accepted value, in the chart's table
    if language == "en":
        assert "Sharing medical records" in measure
        assert "Probable" in measure
    else:
        assert "医療情報の共有" in measure
        assert "実施の確度" in measure and "Delivery confidence" not in measure


def test_nothing_internal_appears_on_any_public_page(world):
    # given a world with drafts, proposals, comments and values not accepted
    client = Client()
    # when every public page is read in both languages
    for language in ["ja", "en"]:
        client.cookies["django_language"] = language
        for path in _pages(client):
            body = client.get(path).content.decode()
            # then none of the internal strings is on it
            leaked = [secret for secret in SECRETS if secret in body]
            assert not leaked, (path, leaked)
            # and no proposed-only rating is shown as a rating
            assert "unachievable" not in body.lower() or path == "/priority-plan/"


def test_a_draft_edition_answers_404_everywhere(world):
    # given the 2027 edition in draft (and a year never written)
    client = Client()
    # when the public asks for it
    for year in [2027, 2031]:
        for path in [
            f"/priority-plan/{year}/",
            f"/priority-plan/{year}/measures/M-1/",
            f"/priority-plan/{year}/measures/DRAFT-ONLY/",
            f"/open-data/plan/{year}/measures.csv",
            f"/open-data/plan/{year}/datapackage.json",
            f"/api/v1/plans/open-data/{year}/measures",
        ]:
            # then it is not there
            assert client.get(path).status_code == 404, path
    # and the list names only the published edition
    listing = client.get("/priority-plan/").content.decode()
    assert "/priority-plan/2026/" in listing and "/priority-plan/2027/" not in listing


def test_a_signed_in_reader_sees_the_same_public_page(world, planners):
    # given the Digital Agency's editor, who may read everything internal
    client = Client()
    client.force_login(planners["da-editor"])
    # when they open the public measure page
    body = client.get("/priority-plan/2026/measures/M-1/").content.decode()
    # then it is the public page still: nothing internal
    assert not [secret for secret in SECRETS if secret in body]


def test_the_principle_filter_keeps_the_measures_that_serve_it(world):
    # given M-1 serving ③ and ⑤, M-2 none
    client = Client()
    # when the public filters by ③, then by ⑩
    three = client.get("/priority-plan/2026/?principle=3").content.decode()
    ten = client.get("/priority-plan/2026/?principle=10").content.decode()
    # then ③ lists M-1 alone and ⑩ none
    assert "/measures/M-1/" in three and "/measures/M-2/" not in three
    assert "/measures/M-1/" not in ten and "/measures/M-2/" not in ten


def test_an_unknown_measure_of_a_published_edition_is_404(world):
    assert Client().get("/priority-plan/2026/measures/NOPE/").status_code == 404


def test_the_selectors_read_only_what_is_published(world):
    # given the world
    published, draft = world["published"], world["draft"]
    # when the publication selectors are asked
    # then a draft edition is not there, nor its measures, and only reviewed ratings count
    assert publication.public_edition(2027) is None
    assert list(publication.public_measures(draft)) == []
    assert publication.public_measure(draft, "DRAFT-ONLY") is None
    ratings = publication.latest_reviewed(publication.public_measures(published))
    assert {r.report.measure.code: r.confidence for r in ratings.values()} == {"M-1": "probable"}
    values = publication.accepted_values({world["k1"].series_id})
    assert [int(v) for _d, v in values[world["k1"].series_id]] == [150, 210]
    assert publication.open_measurements(published).count() == 3
    assert publication.open_ratings(published).count() == 1
    assert publication.open_measures(draft).count() == 0


def test_the_edition_page_summarises_each_measures_kpis(world):
    # given K-1 with accepted values behind its line, K-2 with one value
    # when the edition page is read in English
    client = Client()
    client.cookies["django_language"] = "en"
    body = client.get("/priority-plan/2026/").content.decode()
    # then each measure's KPI tally and rating are shown in words
    assert "1 in all:" in body
    assert "not yet rated" in body
    assert "FY2026 Q1" in body


def test_an_anonymous_reader_switches_the_language_and_stays_on_the_page(world):
    # given an anonymous reader on a measure page in Japanese
    client = Client()
    page = "/priority-plan/2026/measures/M-1/"
    assert "医療情報の共有" in client.get(page).content.decode()
    # when they press "English" in the page's language switch
    response = client.post("/i18n/setlang/", {"language": "en", "next": page})
    # then they come back to the same page, now in English
    assert response.status_code == 302 and response["Location"] == page
    english = client.get(page)
    assert english["Content-Language"] == "en"
    assert "Sharing medical records" in english.content.decode()


def test_every_page_links_to_the_published_plan(world):
    # the footer of every page, signed in or not, leads to the plan
    assert 'href="/priority-plan/"' in Client().get("/open-data/").content.decode()


@pytest.mark.parametrize(
    ("language", "unit", "other"), [("ja", "施設", "facilities"), ("en", "facilities", "施設")]
)
def test_a_kpi_unit_is_shown_in_the_readers_language(world, language, unit, other):
    # given an anonymous reader who chose a language
    client = Client()
    client.cookies["django_language"] = language
    # when they open the public page of the measure whose KPI counts facilities
    page = client.get("/priority-plan/2026/measures/M-1/").content.decode()
    # then the unit is in their language
    assert f"500 {unit}" in page and other not in page


def test_the_edition_page_reads_its_measures_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    # given the overview's lean read of the measures (long texts left in the database)
    published = world["published"]
    lean = list(publication.public_overview_measures(published))
    # then it holds the same measures as the full read, each with its KPIs
    full = list(publication.public_measures(published))
    assert [m.code for m in lean] == [m.code for m in full]
    assert [len(m.kpis.all()) for m in lean] == [len(m.kpis.all()) for m in full]
    # and the page takes the same few queries however many measures it lists
    with django_assert_max_num_queries(12):
        assert Client().get("/priority-plan/2026/").status_code == 200
