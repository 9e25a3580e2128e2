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

# Exceptions to the checks, kept empty: an entry is only for text that is right as it is
# (never for a fix still to come) and says why. (pattern searched in a text, why)
ALLOWED: list[tuple[str, str]] = []
# Page regions (an element's class) whose language is not checked. (class, why)
UNCHECKED_REGIONS: list[tuple[str, str]] = []
# Pages whose language is not checked. (path pattern, languages, why)
UNCHECKED_PAGES: list[tuple[str, set[str], str]] = []


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
        allowed=[text for text, _why in ALLOWED],
        skip_classes=[name for name, _why in UNCHECKED_REGIONS],
        skip_pages=[path for path, languages, _why in UNCHECKED_PAGES if language in languages],
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
