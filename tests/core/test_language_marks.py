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


def test_an_option_and_a_text_box_in_the_other_language_carry_lang():
    # given a form with a select of names in both languages and a box holding Japanese text
    from django import forms

    class NamesForm(forms.Form):
        body = forms.ChoiceField(choices=[("a", "試験町"), ("b", "Test Town"), ("c", "2026")])
        note = forms.CharField(widget=forms.Textarea)

    form = NamesForm(initial={"note": "日本語の備考"})

    # when it is shown on an English page and on a Japanese one
    with translation.override("en"):
        english = str(form["body"]) + str(form["note"])
    with translation.override("ja"):
        japanese = str(form["body"]) + str(form["note"])

    # then on the English page only the Japanese option and the Japanese box are marked
    assert '<option value="a" lang="ja">試験町</option>' in english
    assert '<option value="b">Test Town</option>' in english
    assert 'lang="ja"' in english.split("<textarea", 1)[1]
    assert '<option value="b" lang="en">Test Town</option>' in japanese
    assert 'lang="ja"' not in japanese
    assert '<option value="c">2026</option>' in japanese


def test_a_heading_names_a_person_marked_and_escapes_the_rest():
    from shireito.core.languages import sentence_with_names

    # given a translated sentence naming a person typed in Japanese
    # when it is written for an English page
    with translation.override("en"):
        html = sentence_with_names("Change <%(name)s>", name="試験 太郎")

    # then the name is marked and the sentence's own text is escaped
    assert html == 'Change &lt;<span lang="ja">試験 太郎</span>&gt;'
