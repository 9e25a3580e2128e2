"""Every user-facing string is in the Japanese catalog, translated."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

import shireito
from shireito.organizations.models import Organization

PACKAGE = Path(shireito.__file__).parent
CATALOG = PACKAGE / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def test_japanese_catalog_is_complete():
    catalog = polib.pofile(str(CATALOG))
    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []
    assert len(catalog.translated_entries()) > 100


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalog_holds_every_string_in_the_source(tmp_path):
    """Extract the strings afresh from a copy of the source and compare with the catalog."""
    copy = tmp_path / "shireito"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "ja",
            "--no-obsolete",
            "--no-location",
            "--ignore",
            "static/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(Path(__file__).parents[2]),
            "SHIREITO_DATA_DIR": str(tmp_path / "var"),
        },
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/ja/LC_MESSAGES/django.po"))}
    ours = {e.msgid for e in polib.pofile(str(CATALOG)) if not e.obsolete}
    assert fresh - ours == set(), "run `make messages` and translate the new strings"


NAMED = re.compile(r"%\((\w+)\)[sdfir]")
POSITIONAL = re.compile(r"(?<!%)%[sdfir]")


def _messages(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_translation_keeps_the_placeholders_of_its_message():
    """A translation that loses a placeholder shows a “?” or a raw ``%s`` to the reader, or
    fails when it is formatted."""
    # given every message of the catalog that takes parameters
    catalog = polib.pofile(str(CATALOG))
    lost = []
    for entry in catalog.translated_entries():
        for msgstr in _messages(entry):
            # then each translation holds each named placeholder and as many positional ones
            named = set(NAMED.findall(entry.msgid)) == set(NAMED.findall(msgstr))
            positional = entry.msgid_plural or len(POSITIONAL.findall(entry.msgid)) == len(
                POSITIONAL.findall(msgstr)
            )
            if not (named and positional):
                lost.append((entry.msgid, msgstr))
    assert lost == []


def test_no_english_message_holds_japanese():
    """The English page shows the msgid: Japanese words belong in the translation only."""
    catalog = polib.pofile(str(CATALOG))
    japanese = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
    found = [e.msgid for e in catalog if not e.obsolete and japanese.search(e.msgid)]
    assert found == []


def test_a_selects_empty_choice_reads_in_the_readers_language():
    # given a select of a model's choices, with the empty choice Django adds
    class Form(forms.ModelForm):
        class Meta:
            model = Organization
            fields = ["kind"]

    # when it is rendered in Japanese and in English
    with translation.override("ja"):
        japanese = str(Form()["kind"])
    with translation.override("en"):
        english = str(Form()["kind"])

    # then its empty choice is in the reader's language
    assert '<option value="" selected>選択してください</option>' in japanese
    assert "Select an option" not in japanese
    assert '<option value="" selected>- Select an option -</option>' in english


def test_the_oversight_list_says_a_system_never_rated_is_not_rated(client):
    # given the wording of a rating that never happened, as the due list shows it
    template = Template('{% load i18n %}{{ day|date:"Y-m-d"|default:_("never rated") }}')

    # when rendered in Japanese
    with translation.override("ja"):
        text = template.render(Context({"day": None}))

    # then it says “not rated” (未評価), not “never used” (未使用)
    assert text == "未評価"
    source = (PACKAGE / "registry/templates/registry/oversight_due.html").read_text()
    assert '_("never rated")' in source
