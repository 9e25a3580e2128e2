"""The language a piece of people's text is written in, and its mark on a page of the other
language (WCAG 3.1.2: a part in another language says so with ``lang``)."""

from __future__ import annotations

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def text_language(text: str) -> str:
    """The language a name or note is written in: kana or kanji make it Japanese, anything
    else is taken as English (the product's two languages)."""
    return "ja" if _JAPANESE.search(text) else "en"


def in_reader_language(text: str) -> SafeString:
    """``text`` for a page in the active language, escaped, and marked with its own language
    where that differs (a Japanese name on an English page, an English note on a Japanese
    one)."""
    page = (get_language() or "ja").split("-")[0]
    own = text_language(text)
    if text and own != page:
        return format_html('<span lang="{}">{}</span>', own, text)
    return conditional_escape(text)


def other_language(text: str) -> str | None:
    """The language of ``text`` when it differs from the page's, for a ``lang`` attribute
    where markup cannot be put inside (an ``<option>``); ``None`` when it is the page's."""
    page = (get_language() or "ja").split("-")[0]
    text = str(text)
    if not any(character.isalpha() for character in text):
        return None  # a number or a dash is in no language
    own = text_language(text)
    return own if own != page else None


def list_separator() -> str:
    """What separates the items of a list in a sentence of the active language."""
    return "、" if (get_language() or "ja").startswith("ja") else ", "


def sentence_with_names(sentence: str, **names: object) -> SafeString:
    """A translated ``sentence`` with ``%(name)s`` places filled by people's text, each marked
    with its own language (a Japanese name in an English heading)."""
    marked = {key: in_reader_language(str(value)) for key, value in names.items()}
    return mark_safe(conditional_escape(sentence) % marked)  # noqa: S308 - both parts escaped


def in_parentheses(text: str, aside: str) -> str:
    """``text (aside)`` as the active language writes it (full-width in Japanese)."""
    if (get_language() or "ja").startswith("ja"):
        return f"{text}（{aside}）"
    return f"{text} ({aside})"
