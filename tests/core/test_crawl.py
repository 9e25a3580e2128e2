"""Every demo user, in Japanese and in English, reads the whole site from its first page: no
link or button leads to a refusal (403/404) or a server error, and no page shows the other
language outside ``lang``-marked content, nor an internal key.

The demo is loaded once for the module, inside a transaction rolled back at the end, so the
other tests never see it. Each crawl prints how many pages it read.
"""

from __future__ import annotations

import time
from importlib import import_module

import pytest
from django.db import transaction
from django.test import Client, TestCase, override_settings

from shireito.demo.dataset import USERS
from tests.kit.crawl import crawl

# Findings that belong to another helper's part of issue 15, allowed here until their fix is
# merged; the lead removes each entry after merging. (pattern searched in a text, helper)
KNOWN_ELSEWHERE: list[tuple[str, str]] = [
    (r"- Select an option -", "lang: the select placeholder"),
    # The regimes' authorities: role names in English after the Japanese name.
    (r"\((national cybersecurity centre|sector ministry)\)", "lang: role names in regimes"),
    (r"Personal Information Protection Commission", "lang: role names in regimes"),
    (r"competent authority", "lang: role names in regimes"),
    (r"report_routes", "lang: the engine's rule names"),
    (r"^(current|digital-agency)$", "lang: governance model keys"),
    # Not another helper's: the demo's TAXII collection is titled and described in both
    # languages in one text, for partners abroad; it needs a title per language (lead).
    (r"National incident sharing|Sanitised incident reports", "lead: bilingual collection"),
    # Not another helper's: import help names its columns in prose; they should be <code>
    # (lead, with helper csv, who reworks the import pages).
    (r"basic_measure|claim_note|source_id", "lead/csv: import column names in prose"),
]
# Page regions (an element's class) whose language another helper is fixing. (class, helper)
KNOWN_ELSEWHERE_REGIONS: list[tuple[str, str]] = [
    ("history", "history: change history shows enum keys, ids and lists (`editor`, `True`)"),
]
# Pages whose language is not checked yet. (path pattern, languages, who)
KNOWN_ELSEWHERE_PAGES: list[tuple[str, set[str], str]] = [
    ("/history/*", {"ja", "en"}, "history: the audit trail shows enum keys, ids and lists"),
    ("/governance/*", {"en"}, "lang: 'Open question (論点)', a Japanese gloss in English text"),
    # Not another helper's (lead): Japanese help text in the organisation model's
    # corporate number and local government code (a model change, so a migration).
    ("/organizations/new/", {"en"}, "lead: 法人番号 in the English help text"),
    ("/organizations/*/edit/", {"en"}, "lead: 法人番号 in the English help text"),
    # Not another helper's (lead): people's text (titles, narratives, notes, catalog titles)
    # shown on English pages without `own_language` yet; names of people and bodies are done.
    ("/", {"en"}, "lead: control group titles on the tower"),
    ("/audits/*", {"en"}, "lead: audit, finding, action and evidence text"),
    ("/incidents/*", {"en"}, "lead: incident titles, narratives and notices"),
    ("/standards/*", {"en"}, "lead: catalog titles in selects and the comparison"),
    ("/accounts/users/*/edit/", {"en"}, "lead: a person's name in the form's title"),
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from shireito.demo.dataset import load_demo_data
    from shireito.organizations.models import Sector

    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_MODE=True, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        # The sectors are reference data a migration loads; a transactional test's flush may
        # have taken them away, so put them back as the migration does.
        sectors = import_module(
            "shireito.organizations.migrations.0003_critical_infrastructure_sectors"
        )
        for position, (code, name, name_en) in enumerate(sectors.SECTORS, start=1):
            Sector.objects.update_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "position": position}
            )
        # Evidence files are stored when the transaction commits; this one never does.
        with TestCase.captureOnCommitCallbacks(execute=True):
            load_demo_data()
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("username", [user[0] for user in USERS])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_demo_user_meets_no_refusal_and_only_their_language(demo, username, language):
    from shireito.accounts.models import User

    # given a demo user signed in, reading in one language
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(User.objects.get(username=username))

    # when they follow every link and form from the first page
    started = time.process_time()
    result = crawl(
        client,
        language,
        allowed=[text for text, _helper in KNOWN_ELSEWHERE],
        skip_classes=[name for name, _helper in KNOWN_ELSEWHERE_REGIONS],
        skip_pages=[
            path for path, languages, _who in KNOWN_ELSEWHERE_PAGES if language in languages
        ],
    )
    print(
        f"\ncrawled as {username} ({language}): {result.pages} pages and {result.downloads} other"
        f" answers in {time.process_time() - started:.1f} s of processor time"
    )

    # then nothing refuses them or fails, and every page speaks their language
    assert result.pages > 5
    assert not result.errors, "server errors:\n" + "\n".join(result.errors)
    assert not result.refused, "links refused:\n" + "\n".join(result.refused)
    assert not result.language, "language:\n" + "\n".join(result.language)
