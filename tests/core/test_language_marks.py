"""Names and people's text shown in the page's language, and marked with their own language
where they are not in it (WCAG 3.1.2), by the filter pages use for them (``own_language``)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.factories import make_organization

pytestmark = pytest.mark.django_db


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load shireito %}" + source).render(Context(context))


def test_a_name_without_english_is_marked_japanese_on_an_english_page():
    # given a body with a Japanese name only
    body = make_organization(code="no-english", name="試験町", name_en="")

    # when a template shows it in each language
    english = render("{{ body|own_language }}", "en", body=body)
    japanese = render("{{ body|own_language }}", "ja", body=body)

    # then the English page marks the Japanese name; the Japanese page needs no mark
    assert english == '<span lang="ja">試験町</span>'
    assert japanese == "試験町"
    assert render("{{ nothing|own_language }}", "en", nothing="") == ""


def test_a_name_in_the_reader_language_is_shown_plain_and_escaped():
    # given a body named in both languages, with markup in its English name
    body = make_organization(code="both", name="試験省", name_en="Test <Ministry>")

    # when a template shows it in English
    html = render("{{ body|own_language }}", "en", body=body)

    # then it is the English name, escaped, with no mark
    assert html == "Test &lt;Ministry&gt;"


def test_text_in_the_other_language_is_marked_with_its_own():
    # given a note written in English and one in Japanese
    # when each is shown on a page of the other language
    on_japanese = render("{{ note|own_language }}", "ja", note="One month is 30 days.")
    on_english = render("{{ note|own_language }}", "en", note="30日とする。")

    # then each is marked with the language it is written in
    assert on_japanese == '<span lang="en">One month is 30 days.</span>'
    assert on_english == '<span lang="ja">30日とする。</span>'
