"""The filter forms: lenient values, and selects written out in Python exactly as Django's."""

from html.parser import HTMLParser

from django import forms

from shireito.core.filters import FilterForm, PlainSelect, SearchField, choice_filter

CHOICES = [("a", "Alpha"), ("b&c", 'B & "C" <d>'), ("ja", "日本語")]


class ExampleFilter(FilterForm):
    search = SearchField()
    kind = choice_filter(CHOICES, label="Kind")


class _Parts(HTMLParser):
    """Tags with their attributes in any order, and text: markup as a browser reads it."""

    def __init__(self):
        super().__init__()
        self.parts: list = []

    def handle_starttag(self, tag, attrs):
        self.parts.append((tag, sorted(attrs, key=lambda pair: pair[0])))

    def handle_endtag(self, tag):
        self.parts.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.parts.append(("text", data.strip()))


def _normal(html: str) -> list:
    parser = _Parts()
    parser.feed(str(html))
    return parser.parts


def test_a_plain_select_writes_what_django_writes():
    # given Django's select and ours over the same choices, one of them chosen
    django_select = forms.Select(choices=[("", "All"), *CHOICES])
    plain_select = PlainSelect(choices=[("", "All"), *CHOICES])
    attrs = {"id": "id_kind", "aria-invalid": "true"}

    for value in ("", "b&c", "ja", "unknown"):
        # when both render it
        ours = plain_select.render("kind", value, attrs)
        theirs = django_select.render("kind", value, attrs)

        # then the markup is the same, escaped and selected alike
        assert _normal(ours) == _normal(theirs)


def test_filter_forms_use_the_plain_select_and_ignore_wrong_values():
    # given a filter asked for a kind it does not offer and a long search
    filters = ExampleFilter({"kind": "planet", "search": "x" * 500})

    # when its values are read
    values = filters.values()

    # then the wrong kind is dropped quietly and the search is cut, and the select is ours
    assert values == {"search": "x" * 200, "kind": ""}
    assert isinstance(filters.fields["kind"].widget, PlainSelect)
    assert not filters.errors
